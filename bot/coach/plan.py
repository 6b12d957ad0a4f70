"""Plan position and progression: the coaching rules, in one place.

Progression runs once per finished local week (Monday start), first matching rule wins:

1. pain flagged in any session of the week -> ``hold`` (safety first, even if paused);
2. paused the whole week (or a week with no session target) -> ``rest``, week unchanged;
3. sessions done >= target -> ``advance`` one week; in week 8 -> ``finish`` (stays at 8);
4. sessions done < half the target (done * 2 < target) -> ``repeat`` the week;
5. otherwise (at least half, below target) -> ``hold``.

A "session" is one log; its backward seconds are its duration.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from bot.coach.types import Progression, SessionFact, WeekReview, WeekTarget
from bot.coach.units import format_duration

PLAN_WEEKS = 8

# A session over 3/2 of the week's upper target (and at least 60 s over it) is a caution.
SESSION_MIN_OVER_S = 60
# A week over 13/10 of the previous one is a caution, once the previous week had 120 s.
WEEK_MIN_BASE_S = 120

RULES: tuple[str, ...] = (
    "You move up one week when last week hit its session target with no pain.",
    "Pain flagged during the week holds you in the same week until it settles.",
    "Fewer than half the target sessions means repeating the week.",
    "At least half but short of the target: you stay in the week one more time.",
    "A week fully on pause changes nothing; you pick up where you left off.",
    "After week 8 you keep the week-8 routine: the plan is done, the habit stays.",
    "A session far above the week's target, or a week over 30% above the last, gets a caution.",
    "Sharp pain, swelling, giving way, dizziness or chest pain: stop, rest, see a professional.",
)


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
    facts: Iterable[SessionFact], week: int, target: WeekTarget, paused: bool = False
) -> WeekReview:
    """Sum up one finished local week (the caller passes that week's facts only)."""
    done = 0
    pain = False
    backward_s = 0
    for fact in facts:
        done += 1
        pain = pain or fact.pain
        backward_s += max(fact.duration_s or 0, 0)
    return WeekReview(
        week=week,
        sessions_done=done,
        sessions_target=target.sessions,
        pain=pain,
        backward_s=backward_s,
        paused=paused,
    )


def _sessions(n: int) -> str:
    return f"{n} session" if n == 1 else f"{n} sessions"


def progress(review: WeekReview) -> Progression:
    """Next plan week for a finished week, with a one-line reason (see the module rules)."""
    week = min(max(review.week, 1), PLAN_WEEKS)
    done, target = review.sessions_done, review.sessions_target
    tally = f"{done} of {_sessions(target)}"
    if review.pain:
        return Progression(
            week, "hold", f"You flagged pain last week, so we stay in week {week} until it settles."
        )
    if review.paused or target <= 0:
        return Progression(
            week, "rest", f"Last week was a pause, so you stay in week {week}; no ground lost."
        )
    if done >= target:
        if week >= PLAN_WEEKS:
            return Progression(
                PLAN_WEEKS,
                "finish",
                f"{tally} in week {PLAN_WEEKS}: plan complete, well done! "
                f"Keep the week-{PLAN_WEEKS} routine going.",
            )
        return Progression(
            week + 1,
            "advance",
            f"{tally} last week and no pain, so you move up to week {week + 1}.",
        )
    if done * 2 < target:
        return Progression(week, "repeat", f"Only {tally} last week, so we repeat week {week}.")
    return Progression(
        week,
        "hold",
        f"{tally} last week, close to target, so we stay in week {week} one more time.",
    )


def too_much_too_soon(
    session_s: int,
    target: WeekTarget | None,
    week_backward_s_including: int,
    last_week_backward_s: int,
) -> str | None:
    """A caution line when a session or the week jumps too far ahead; None otherwise.

    Session: more than 1.5x the week's ``max_s`` and at least 60 s over it.
    Week: this week's backward total (including this session) more than 30% above last
    week's, checked only when last week had at least 120 s (beginners' first weeks are
    not nagged).
    """
    if (
        target is not None
        and target.max_s > 0
        and 2 * session_s > 3 * target.max_s  # > 1.5x, in integers
        and session_s - target.max_s >= SESSION_MIN_OVER_S
    ):
        return (
            f"That was {format_duration(session_s)}, well above this week's "
            f"{format_duration(target.max_s)}; build up gradually to stay injury-free."
        )
    if (
        last_week_backward_s >= WEEK_MIN_BASE_S
        and 10 * week_backward_s_including > 13 * last_week_backward_s  # > +30%
    ):
        return (
            f"This week's backward time ({format_duration(week_backward_s_including)}) is over "
            f"30% above last week's ({format_duration(last_week_backward_s)}); "
            "keep increases gradual."
        )
    return None
