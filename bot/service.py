"""Glue between the pure core and the database: the user's clock, plan position and logging.

Handlers and the reminder dispatcher both call these, so a rule lives in coach/ once and the
queries it needs live here once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from datetime import time as dtime

from bot.coach import load, plan
from bot.coach.days import days_field, parse_days_field
from bot.coach.export import ExportRow
from bot.coach.feedback import (
    DayContext,
    Feedback,
    TipRef,
    coach_feedback,
    ten_minute_day_before,
)
from bot.coach.guide import PainMark, TodayGuide, todays_guide
from bot.coach.pause import INDEFINITE as INDEFINITE  # read here by the callers
from bot.coach.pause import Paused, PauseFor, pause_end, pause_in_force
from bot.coach.schedule import next_occurrence, zone
from bot.coach.sessions import (
    Block,
    Direction,
    Mode,
    Part,
    all_parts,
    blocks_from_data,
    blocks_to_data,
    flip_part,
    totals,
    with_backward,
)
from bot.coach.types import (
    NOTE_CODES,
    TRACKS,
    Feeling,
    LogDraft,
    Note,
    Reason,
    SessionFact,
    WeekTarget,
    amounts_of,
)
from bot.content import Content, Tip, TrackPlan
from bot.db.models import PlanChange, User, Workout
from bot.db.repo import Repo

MAX_CATCH_UP_WEEKS = 8
RECENT_TIPS = 8  # bare /tip avoids the last few it showed


SNOOZE = timedelta(hours=1)
SUMMARY_AT = dtime(19, 0)  # the Sunday summary, unless the reminder is later


# --- schedules: when the next reminder and summary are due ----------------------------
def parse_hhmm(value: str) -> dtime:
    hh, _, mm = value.partition(":")
    try:
        return dtime(int(hh), int(mm or 0))
    except ValueError:
        return dtime(18, 0)


def summary_time(user: User) -> dtime:
    """Sunday evening: 19:00, or an hour after the reminder when that is late in the day
    (never past 23:59, and always after the reminder)."""
    at = parse_hhmm(user.remind_time)
    if at < dtime(18, 0):
        return SUMMARY_AT
    if at.hour >= 23:
        return dtime(23, 59) if at < dtime(23, 59) else at
    return dtime(at.hour + 1, at.minute)


def reschedule(user: User, now: datetime) -> None:
    """Store the next reminder and summary instants (UTC) from the user's settings."""
    if (
        not user.active
        or not user.reminders_on
        or (user.paused_until is not None and user.paused_until >= INDEFINITE)
    ):
        user.next_reminder_at = user.next_summary_at = None
        return
    tz = user_zone(user)
    after = max(now, user.paused_until) if user.paused_until else now
    user.next_reminder_at = next_occurrence(
        after, training_days(user), parse_hhmm(user.remind_time), tz
    )
    user.next_summary_at = next_occurrence(after, frozenset({6}), summary_time(user), tz)


def reactivate(user: User, now: datetime) -> None:
    """They blocked the bot once; a message, or unblocking it, means they are back."""
    user.active = True
    reschedule(user, now)


def is_paused(user: User, now: datetime) -> bool:
    return user.paused_until is not None and user.paused_until > now


# --- pause, resume, snooze: the one place they change the row -----------------------------
def pause(user: User, now: datetime, asked: PauseFor) -> None:
    """/pause and the settings button: no reminders (nor a snoozed one) until the end."""
    user.paused_until = pause_end(now, asked)
    user.snooze_until = None
    reschedule(user, now)


def resume(user: User, now: datetime) -> None:
    """/resume and the settings button: reminders on again from now."""
    user.paused_until = None
    user.reminders_on = True
    user.active = True
    reschedule(user, now)


def toggle_pause(user: User, now: datetime) -> None:
    """The settings button: resume a pause in force, else pause until /resume."""
    if is_paused(user, now):
        resume(user, now)
    else:
        pause(user, now, PauseFor(None))


def pause_of(user: User, now: datetime) -> Paused | None:
    return pause_in_force(user.paused_until, now)


def snooze(user: User, now: datetime) -> datetime:
    """The reminder's Snooze button: the same reminder again in an hour; returns when."""
    user.snooze_until = now + SNOOZE
    return user.snooze_until


def choose_track(user: User, track: str) -> bool:
    """A track picked (onboarding, /settings); False for a name that is not a track."""
    if track not in TRACKS:
        return False
    user.track = track
    return True


def choose_days(user: User, days: Iterable[int]) -> bool:
    """Training days picked, Monday 0; False for none, or for a number that is no weekday."""
    chosen = frozenset(days)
    if not chosen or not chosen <= frozenset(range(7)):
        return False
    user.training_days = days_field(chosen)
    return True


def set_remind_time(user: User, at: dtime) -> None:
    """A reminder time chosen (/remind, onboarding, /settings): reminders on at it."""
    user.remind_time = f"{at.hour:02d}:{at.minute:02d}"
    user.reminders_on = True


def user_zone(user: User) -> tzinfo:
    try:
        return zone(user.timezone)
    except (KeyError, ValueError):
        return UTC


def local_now(user: User, now: datetime) -> datetime:
    return now.astimezone(user_zone(user))


def user_today(user: User, now: datetime | None = None) -> date:
    """The user's local date: the day a session told without a day is logged on."""
    return local_now(user, now or datetime.now(UTC)).date()


def training_days(user: User) -> frozenset[int]:
    return parse_days_field(user.training_days)


def user_track(content: Content, user: User) -> TrackPlan:
    """The user's track, or the beginner one for a track the content no longer has."""
    return content.tracks.get(user.track) or content.tracks["beginner"]


def track_weeks(content: Content, user: User) -> Sequence[WeekTarget]:
    return user_track(content, user).weeks


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


def as_told(w: Workout) -> LogDraft:
    """A stored session in the parser's terms, so render words it as it words a fresh one."""
    return LogDraft(
        text="",
        duration_s=w.duration_s,
        distance_m=w.distance_m,
        feeling=Feeling(w.feeling) if w.feeling else None,
        pain=w.pain,
        body_parts=tuple(p for p in w.body_parts.split(";") if p),
        notes=workout_notes(w),
        blocks=workout_blocks(w),
    )


def fact(w: Workout) -> SessionFact:
    feeling = Feeling(w.feeling) if w.feeling else None
    return SessionFact(local_date=w.local_date, pain=w.pain, feeling=feeling, **amounts_of(w))


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


@dataclass(frozen=True)
class SessionEdit:
    """One change to a stored session, from the edit menu or a typed answer."""

    duration_s: int | None = None
    feeling: str | None = None
    day: date | None = None
    note: str | None = None  # "" removes the user's own note
    flip: int | None = None  # the index of the part to turn the other way
    typed: LogDraft | None = None  # a typed new amount, parts and all


def apply_edit(w: Workout, edit: SessionEdit) -> None:
    if edit.duration_s is not None or edit.typed is not None:
        _new_backward(w, edit.duration_s, edit.typed)
    if edit.feeling is not None:
        w.feeling = edit.feeling
    if edit.day is not None:
        w.local_date = edit.day
    if edit.note is not None:
        kept = [list(n) for n in workout_notes(w) if n[0] != "text"]
        w.notes = kept + ([["text", edit.note]] if edit.note else [])
    if edit.flip is not None:
        set_blocks(w, flip_part(workout_blocks(w), edit.flip))


def _new_backward(w: Workout, duration_s: int | None, typed: LogDraft | None) -> None:
    """Replace the session's backward work, keeping its forward parts and its mode."""
    blocks = workout_blocks(w)
    if typed is not None and typed.blocks:
        fresh = typed.blocks
    else:
        modes = [p.mode for p in all_parts(blocks) if p.backward]
        mode = modes[0] if modes else Mode.RUN
        fresh = (Block((Part(Direction.BACKWARD, mode, seconds=float(duration_s or 0)),)),)
    set_blocks(w, with_backward(blocks, fresh))


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
    past = await repo.history(user.id)
    # The longest day is kept on the user row (summed once when unknown, as after an edit).
    longest_s = (await repo.workout_totals(user))[3]
    day_s = sum(r.duration_s or 0 for r in rows if r.local_date == day)
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
        ten_min_day_before=ten_minute_day_before(longest_s, day_s),
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
        **amounts_of(draft),
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


async def reminder_done(repo: Repo, content: Content, user: User, now: datetime) -> Logged:
    """The reminder's Done button: today's session as planned (the week's on a rest day),
    logged like any other."""
    today = local_now(user, now).date()
    target = today_target(content, user, today) or week_target(content, user)
    draft = target_draft(target, "Done (from the reminder)")
    return await record_session(repo, content, user, draft, now, "reminder")


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


def plan_finished(user: User) -> bool:
    """At the end of the plan: week 8 reached and a finished week behind it."""
    reason = plan.decode_reason(user.plan_reason)
    return reason is not None and reason.code == "finish"


def finish_plan(content: Content, user: User, choice: plan.AfterPlan) -> int:
    """The after-week-8 choice "repeat" or "keep" (a new track is switch_track): the week the
    user is on now, with the reason /plan gives for it."""
    if choice is plan.AfterPlan.REPEAT:
        user.plan_week = plan.restart_week(user_track(content, user).weeks)
        user.plan_reason = plan.encode_reason(Reason("restart", (("week", user.plan_week),)))
    else:
        user.plan_reason = plan.encode_reason(Reason("maintain", (("week", user.plan_week),)))
    return user.plan_week


def switch_track(user: User, track: TrackPlan, today: date) -> None:
    """Start another track at week 1, from this local week."""
    user.track, user.plan_week = track.id, 1
    user.plan_reason = plan.encode_reason(Reason("switch", (("week", 1),)))
    user.plan_week_start = plan.week_starting(today)


def recent_tips(user: User) -> list[str]:
    """The ids of the tips shown last, newest first."""
    return [t for t in user.recent_tips.split(",") if t]


def remember_tip(user: User, tip: Tip) -> None:
    """Keep the last few tips shown, newest first, so bare /tip rotates."""
    recent = [t for t in recent_tips(user) if t != tip.id]
    user.recent_tips = ",".join([tip.id, *recent][:RECENT_TIPS])


def pause_end_day(user: User, now: datetime) -> date | None:
    """The local day a pause runs to, or None when reminders are not paused."""
    if user.paused_until is None or user.paused_until <= now:
        return None
    return user.paused_until.astimezone(user_zone(user)).date()


def delete_token(user: User) -> str:
    """Ties a delete button to this user *as created then*: another user's button, or one
    from before an earlier deletion (the row is new, so created_at differs), never matches."""
    seed = f"{user.id}:{user.created_at.isoformat()}".encode()
    return hashlib.sha256(seed).hexdigest()[:16]


def export_row(w: Workout, notes: str) -> ExportRow:
    """One logged session as an /export row; ``notes`` as the person reads them."""
    return ExportRow(
        logged_at=w.logged_at,
        local_date=w.local_date,
        feeling=Feeling(w.feeling) if w.feeling in _FEELINGS else None,
        pain=w.pain,
        body_parts=tuple(p for p in w.body_parts.split(";") if p),
        notes=notes,
        text=w.text,
        sore=tuple(p for p in w.sore.split(";") if p),
        **amounts_of(w),
    )


_FEELINGS = frozenset(f.value for f in Feeling)
