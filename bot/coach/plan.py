"""Plan position and progression: the coaching rules, in one place.

Progression runs once per finished local week (Monday start), first matching rule wins:

1. pain flagged in any session of the week, or still open -> ``hold`` (safety first);
2. paused the whole week (or a week with no session target) -> ``rest``, week unchanged;
3. sessions done >= target -> ``advance`` one week; in week 8 -> ``finish`` (stays at 8);
4. sessions done < half the target (done * 2 < target) -> ``repeat`` the week;
5. otherwise (at least half, below target) -> ``hold``.

A session is a training day: all logs of one local date together, and it counts when that
day met the week's per-session target (coach/load.py). Logging more, or more often, on one
day never counts as more sessions, so it can never move the plan on sooner.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from enum import StrEnum

from bot.coach import load
from bot.coach.types import Progression, Reason, SessionFact, WeekReview, WeekTarget

PLAN_WEEKS = 8

# Reason codes stored with each weekly decision (and on the user); render words them.
REASON_CODES: tuple[str, ...] = (
    "start",  # started the plan this week
    "pain",  # pain flagged: hold {week}
    "rest",  # a week on pause: stay in {week}
    "finish",  # {done} of {target} in the last week: plan complete
    "advance",  # {done} of {target}, no pain: up to {week}
    "repeat",  # only {done} of {target}: repeat {week}
    "hold",  # {done} of {target}, close: stay in {week}
    "restart",  # chose to go again from {week} after the plan
    "maintain",  # chose to keep the last week as maintenance
    "switch",  # switched track, starting at {week}
)


class AfterPlan(StrEnum):
    """What a user may choose once the plan is finished (values are stored in buttons)."""

    REPEAT = "repeat"  # the last phase once more
    KEEP = "keep"  # the last week as a routine
    TRACK = "track"  # another track, from week 1


def week_starting(d: date) -> date:
    """The Monday of ``d``'s week."""
    return d - timedelta(days=d.weekday())


def target_for_week(weeks: Sequence[WeekTarget], week: int) -> WeekTarget | None:
    """The target of plan week ``week``; clamped to the plan's first/last week; None if empty."""
    if not weeks:
        return None
    for target in weeks:
        if target.week == week:
            return target
    ordered = sorted(weeks, key=lambda t: t.week)
    return ordered[0] if week < ordered[0].week else ordered[-1]


def today_target(
    weeks: Sequence[WeekTarget], week: int, weekday: int, training_days: frozenset[int]
) -> WeekTarget | None:
    """Today's target in plan week ``week``, or None on a rest day (weekday 0=Mon..6=Sun)."""
    if weekday not in training_days:
        return None
    return target_for_week(weeks, week)


def review_week(
    facts: Iterable[SessionFact],
    week: int,
    target: WeekTarget,
    *,
    paused: bool = False,
    pain_open: bool,
) -> WeekReview:
    """Sum up one local week by training days (the caller passes that week's facts only).

    ``pain_open``: pain flagged earlier and not yet reported better holds the week too; every
    caller says it, so none can forget the hold.
    """
    days = load.days_of(facts)
    return WeekReview(
        week=week,
        sessions_done=sum(1 for d in days if load.met(d.amount, target)),
        sessions_target=target.sessions,
        pain=pain_open or any(d.pain for d in days),
        backward_s=round(sum(d.amount.run_s + d.amount.walk_s + d.amount.open_s for d in days)),
        paused=paused,
        days=len(days),
    )


def _reason(code: str, **params: int) -> Reason:
    return Reason(code, tuple(sorted(params.items())))


def decide_progression(review: WeekReview) -> Progression:
    """Next plan week for a finished week, with its reason code (see the module rules)."""
    week = min(max(review.week, 1), PLAN_WEEKS)
    done, target = review.sessions_done, review.sessions_target
    if review.pain:
        return Progression(week, "hold", _reason("pain", week=week))
    if review.paused or target <= 0:
        return Progression(week, "rest", _reason("rest", week=week))
    if done >= target:
        if week >= PLAN_WEEKS:
            return Progression(
                PLAN_WEEKS, "finish", _reason("finish", done=done, target=target, week=week)
            )
        return Progression(
            week + 1, "advance", _reason("advance", done=done, target=target, week=week + 1)
        )
    if done * 2 < target:
        return Progression(week, "repeat", _reason("repeat", done=done, target=target, week=week))
    return Progression(week, "hold", _reason("hold", done=done, target=target, week=week))


def started() -> Reason:
    return Reason("start")


def encode_reason(reason: Reason) -> str:
    """The stored form: 'advance done=3 target=3 week=2' (code, then sorted parameters)."""
    return " ".join([reason.code, *(f"{k}={v}" for k, v in sorted(reason.params))])


def decode_reason(stored: str | None) -> Reason | None:
    """Back from the stored form; None for anything that is not one (e.g. an empty field)."""
    if not stored:
        return None
    code, *rest = stored.split()
    if code not in REASON_CODES:
        return None
    params: list[tuple[str, int]] = []
    for item in rest:
        key, _, value = item.partition("=")
        if not key.isalpha() or not value.lstrip("-").isdigit():
            return None
        params.append((key, int(value)))
    return Reason(code, tuple(sorted(params)))


def restart_week(weeks: Sequence[WeekTarget]) -> int:
    """Where "repeat the last phase" starts: the first week of the last week's phase."""
    if not weeks:
        return 1
    ordered = sorted(weeks, key=lambda t: t.week)
    last = ordered[-1]
    start = last.week
    for target in reversed(ordered):
        if target.phase != last.phase:
            break
        start = target.week
    return start
