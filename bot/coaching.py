"""Glue between the pure core and the database: the user's clock, plan position and logging.

Handlers and the reminder dispatcher both call these, so a rule lives in coach/ once and the
queries it needs live here once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo

from bot.coach import plan
from bot.coach.days import parse_days_field
from bot.coach.feedback import Feedback, TipRef, coach_feedback
from bot.coach.schedule import zone
from bot.coach.types import Feeling, LogDraft, SessionFact, WeekTarget
from bot.content import Content
from bot.db.models import PlanChange, User, Workout
from bot.db.repo import Repo

MAX_CATCH_UP_WEEKS = 8


def user_zone(user: User) -> tzinfo:
    try:
        return zone(user.timezone)
    except (KeyError, ValueError):
        return UTC


def local_now(user: User, now: datetime) -> datetime:
    return now.astimezone(user_zone(user))


def training_days(user: User) -> frozenset[int]:
    return parse_days_field(user.training_days)


def track_weeks(content: Content, user: User) -> Sequence[WeekTarget]:
    track = content.tracks.get(user.track) or content.tracks["beginner"]
    return track.weeks


def week_target(content: Content, user: User) -> WeekTarget:
    weeks = track_weeks(content, user)
    return weeks[max(1, min(user.plan_week, len(weeks))) - 1]


def today_target(content: Content, user: User, today: date) -> WeekTarget | None:
    """The workout for `today`, or None on a rest day."""
    return plan.today_target(
        track_weeks(content, user), user.plan_week, today.weekday(), training_days(user)
    )


def fact(w: Workout) -> SessionFact:
    return SessionFact(
        local_date=w.local_date,
        duration_s=w.duration_s,
        distance_m=w.distance_m,
        pain=w.pain,
        feeling=Feeling(w.feeling) if w.feeling else None,
    )


def paused_through(user: User, day: date) -> bool:
    """Whether a pause covers the whole of `day` in the user's zone."""
    if user.paused_until is None:
        return False
    return user.paused_until.astimezone(user_zone(user)).date() > day


def catch_up_range(user: User, today: date) -> tuple[date, date] | None:
    """The local days whose sessions a catch-up reads, or None when there is nothing to do."""
    start = user.plan_week_start
    this_monday = plan.week_starting(today)
    if start is None or start >= this_monday:
        return None
    end = min(start + timedelta(weeks=MAX_CATCH_UP_WEEKS), this_monday) - timedelta(days=1)
    return start, end


def apply_catch_up(
    content: Content, user: User, today: date, sessions: Sequence[SessionFact]
) -> list[PlanChange]:
    """Apply the weekly progression rule to every local week that ended since we last looked,
    given the sessions of catch_up_range(); returns the decisions to store.

    Idempotent: a PlanChange row is unique per user and week, and the same stored sessions
    give the same decision on any replica.
    """
    this_monday = plan.week_starting(today)
    changes: list[PlanChange] = []
    if user.plan_week_start is None:
        user.plan_week_start = this_monday
        if not user.plan_reason:
            user.plan_reason = "You started the plan this week."
        return changes
    for _ in range(MAX_CATCH_UP_WEEKS):
        start = user.plan_week_start
        if start >= this_monday:
            return changes
        end = start + timedelta(days=6)
        rows = [s for s in sessions if start <= s.local_date <= end]
        review = plan.review_week(
            rows,
            user.plan_week,
            week_target(content, user),
            paused=not rows and paused_through(user, end),
        )
        decision = plan.progress(review)
        next_start = start + timedelta(days=7)
        changes.append(
            PlanChange(
                user_id=user.id,
                week_start=next_start,
                from_week=user.plan_week,
                to_week=decision.new_week,
                decision=decision.decision,
                reason=decision.reason,
            )
        )
        user.plan_week, user.plan_reason, user.plan_week_start = (
            decision.new_week,
            decision.reason,
            next_start,
        )
    # Away for longer than we replay: start again from this week without more verdicts.
    user.plan_week_start = this_monday
    return changes


async def catch_up_plan(repo: Repo, content: Content, user: User, today: date) -> None:
    """apply_catch_up() for one user, reading only the weeks it replays."""
    days = catch_up_range(user, today)
    rows = await repo.workouts_between(user.id, *days) if days else []
    for change in apply_catch_up(content, user, today, [fact(r) for r in rows]):
        await repo.record_plan_change(change)


@dataclass(frozen=True)
class Logged:
    workout: Workout
    feedback: Feedback


async def record_session(
    repo: Repo, content: Content, user: User, draft: LogDraft, now: datetime, source: str
) -> Logged:
    """Store one session and work out what the coach says about it, in one unit of work."""
    today = local_now(user, now).date()
    await catch_up_plan(repo, content, user, today)
    monday = plan.week_starting(today)
    week_rows = await repo.workouts_between(user.id, monday, today)
    last_rows = await repo.workouts_between(
        user.id, monday - timedelta(days=7), monday - timedelta(days=1)
    )
    history = await repo.all_workouts(user.id)
    target = week_target(content, user)
    session_s = draft.duration_s or 0
    week_s = sum(r.duration_s or 0 for r in week_rows) + session_s
    last_s = sum(r.duration_s or 0 for r in last_rows)
    caution = plan.too_much_too_soon(session_s, target, week_s, last_s) if session_s else None
    tip = content.match_log(draft.text) if draft.text else None
    feedback = coach_feedback(
        draft,
        target=target,
        training_day=today_target(content, user, today) is not None,
        week_before=[fact(r) for r in week_rows],
        last_week_backward_s=last_s,
        history_before=[fact(r) for r in history],
        tip=TipRef(tip.id, tip.title, tip.summary) if tip else None,
        caution=caution,
    )
    workout = Workout(
        user_id=user.id,
        logged_at=now,
        local_date=today,
        duration_s=draft.duration_s,
        distance_m=draft.distance_m,
        feeling=draft.feeling.value if draft.feeling else None,
        pain=draft.pain,
        body_parts=";".join(draft.body_parts),
        red_flags=";".join(draft.red_flags),
        notes=draft.notes[:1000],
        text=draft.text,
        plan_week=user.plan_week,
        plan_day=len(week_rows) + 1,
        source=source,
    )
    await repo.add_workout(workout)
    return Logged(workout, feedback)
