"""Glue between the pure core and the database: the user's clock, plan position and logging.

Handlers and the reminder dispatcher both call these, so a rule lives in coach/ once and the
queries it needs live here once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo

from bot.coach import load, plan
from bot.coach.days import parse_days_field
from bot.coach.feedback import TEN_MINUTES_S, DayContext, Feedback, TipRef, coach_feedback
from bot.coach.guide import PainMark, TodayGuide, todays_guide
from bot.coach.schedule import zone
from bot.coach.sessions import (
    Block,
    Direction,
    Mode,
    Part,
    blocks_from_data,
    blocks_to_data,
    totals,
)
from bot.coach.types import NOTE_CODES, Feeling, LogDraft, Note, SessionFact, WeekTarget
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


def next_training_day(content: Content, user: User, today: date) -> date | None:
    """The first day after today with a workout, within a week."""
    for ahead in range(1, 8):
        day = today + timedelta(days=ahead)
        if today_target(content, user, day) is not None:
            return day
    return None


def target_draft(target: WeekTarget, text: str) -> LogDraft:
    """Today's target as a session ("Done" on a reminder, "did it" in chat): the week's
    typical session as written, so it is on target in the track's own units."""
    if not target.blocks:
        part = Part(Direction.BACKWARD, Mode.RUN, seconds=float(target.min_s))
        return LogDraft(text=text, duration_s=target.min_s, mode="run", blocks=(Block((part,)),))
    sums = totals(target.blocks)
    return LogDraft(
        text=text,
        duration_s=round(sums.backward_s) or None,
        distance_m=round(sums.backward_m, 1) or None,
        forward_s=round(sums.forward_s) or None,
        forward_m=round(sums.forward_m, 1) or None,
        reps=sums.reps,
        mode=sums.mode,
        blocks=target.blocks,
    )


def fact(w: Workout) -> SessionFact:
    return SessionFact(
        local_date=w.local_date,
        duration_s=w.duration_s,
        distance_m=w.distance_m,
        pain=w.pain,
        feeling=Feeling(w.feeling) if w.feeling else None,
        reps=w.reps,
        mode=w.mode,
        forward_s=w.forward_s,
        forward_m=w.forward_m,
    )


def pain_open(user: User) -> bool:
    return user.pain_since is not None


def pain_parts(user: User) -> tuple[str, ...]:
    return tuple(p for p in user.pain_parts.split(";") if p)


def workout_blocks(w: Workout) -> tuple[Block, ...]:
    return blocks_from_data(w.blocks)


def workout_notes(w: Workout) -> tuple[Note, ...]:
    """Stored note codes; anything that isn't a list of strings is left out."""
    raw = w.notes if isinstance(w.notes, list) else []
    return tuple(
        tuple(str(x) for x in n) for n in raw if isinstance(n, list) and n and n[0] in NOTE_CODES
    )


def set_blocks(w: Workout, blocks: tuple[Block, ...]) -> None:
    """Store a session's parts and the totals that follow from them."""
    sums = totals(blocks)
    w.blocks = blocks_to_data(blocks)
    w.duration_s = round(sums.backward_s) or None
    w.distance_m = round(sums.backward_m, 1) or None
    w.forward_s = round(sums.forward_s) or None
    w.forward_m = round(sums.forward_m, 1) or None
    w.reps = sums.reps
    w.mode = sums.mode


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
            user.plan_reason = plan.encode_reason(plan.started())
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
            pain_open=pain_open(user),
        )
        decision = plan.decide_progression(review)
        reason = plan.encode_reason(decision.reason)
        next_start = start + timedelta(days=7)
        changes.append(
            PlanChange(
                user_id=user.id,
                week_start=next_start,
                from_week=user.plan_week,
                to_week=decision.new_week,
                decision=decision.decision,
                reason=reason,
            )
        )
        user.plan_week, user.plan_reason, user.plan_week_start = (
            decision.new_week,
            reason,
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
    """Store one session and work out what the coach says about it, in one unit of work.

    The queries read this week and last week only, plus aggregates: the cost is the same
    for a user with ten sessions as for one with thousands.
    """
    today = local_now(user, now).date()
    await catch_up_plan(repo, content, user, today)
    day = today - timedelta(days=max(0, draft.days_ago))  # the day it happened
    monday = plan.week_starting(day)  # a session from last week is judged in last week
    # this week and last week in one read, split here
    rows = await repo.workouts_between(
        user.id, monday - timedelta(days=7), min(today, monday + timedelta(6))
    )
    week_rows = [r for r in rows if r.local_date >= monday]
    target = week_target(content, user)
    week_days = load.days_of(fact(r) for r in week_rows)
    last_days = load.days_of(fact(r) for r in rows if r.local_date < monday)
    same_day = next((d for d in week_days if d.local_date == day), None)
    trained = {d.local_date for d in (*week_days, *last_days)}
    tip = content.match_log(draft.text) if draft.text else None
    past = await repo.history(user.id, TEN_MINUTES_S, besides=day)
    ctx = DayContext(
        target=target,
        day_before=same_day.amount if same_day else load.Amount(),
        logs_before_today=same_day.logs if same_day else 0,
        week_effort_before=sum(load.effort(d.amount, target) for d in week_days),
        last_week_effort=sum(load.effort(d.amount, target) for d in last_days),
        met_days_before=sum(
            1 for d in week_days if d.local_date != day and load.met(d.amount, target)
        ),
        day_met_before=same_day is not None and load.met(same_day.amount, target),
        trained_day_before=(day - timedelta(days=1)) in trained,
        pain_open=pain_open(user),
        pain_this_week=any(d.pain for d in week_days),
        first_log=not past.seen,
        full_week_before=past.full_week,
        ten_min_day_before=past.ten_min_day,
    )
    feedback = coach_feedback(draft, ctx, TipRef(tip.id, tip.title, tip.summary) if tip else None)
    stored_pain = draft.pain and feedback.primary != "fall_minor"
    if feedback.opens_pain and user.pain_since is None:
        user.pain_since = day
    if feedback.opens_pain:
        known = dict.fromkeys((*pain_parts(user), *draft.body_parts))
        user.pain_parts = ";".join(known)[:200]
    workout = Workout(
        user_id=user.id,
        logged_at=now,
        local_date=day,
        duration_s=draft.duration_s,
        distance_m=draft.distance_m,
        forward_s=draft.forward_s,
        forward_m=draft.forward_m,
        reps=draft.reps,
        mode=draft.mode,
        blocks=blocks_to_data(draft.blocks),
        feeling=draft.feeling.value if draft.feeling else None,
        pain=stored_pain,
        body_parts=";".join(draft.body_parts),
        sore=";".join(draft.sore_parts),
        red_flags=";".join(draft.red_flags),
        notes=[list(n) for n in draft.notes],
        text=draft.text,
        plan_week=user.plan_week,
        plan_day=len({d.local_date for d in week_days} | {day}),
        source=source,
    )
    on_day = [r for r in week_rows if r.local_date == day]  # read under the user's row lock
    await repo.add_workout(workout, (len(on_day), sum(r.duration_s or 0 for r in on_day)))
    return Logged(workout, feedback)


async def guide_today(
    repo: Repo, content: Content, user: User, today: date, anyway: bool = False
) -> TodayGuide:
    """What the audio guide plays today, from the plan and the pain the user logged.

    Passes this local week's and the last week's sessions (the week a pain flag holds) to
    the rule, coach.guide.todays_guide.
    """
    await catch_up_plan(repo, content, user, today)
    if not pain_open(user):  # the user said it is better (or never had pain): the plan goes on
        marks: list[PainMark] = []
    else:
        monday = plan.week_starting(today)
        rows = await repo.workouts_between(user.id, monday - timedelta(days=7), today)
        marks = [PainMark(r.local_date, r.pain, bool(r.red_flags)) for r in rows]
    return todays_guide(
        today_target(content, user, today),
        week_target(content, user),
        today,
        marks,
        anyway=anyway,
    )


def pain_better(user: User) -> bool:
    """The user says the pain is better: the coach stops holding back. False if none was open."""
    if user.pain_since is None:
        return False
    user.pain_since, user.pain_parts = None, ""
    return True
