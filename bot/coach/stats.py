"""Weekly stats, streaks and totals over local dates (weeks start on Monday).

A session here is a training day: several logs on one local date count once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, timedelta
from typing import NamedTuple

from bot.coach import load
from bot.coach.plan import week_starting
from bot.coach.types import SessionFact, WeekStat, WeekTarget


class Totals(NamedTuple):
    sessions: int
    backward_s: int
    distance_m: float
    longest_s: int


def weekly_stats(
    facts: Sequence[SessionFact],
    weeks: int,
    today: date,
    target_for: Callable[[date], WeekTarget | None] | None = None,
    paused_weeks: frozenset[date] = frozenset(),
) -> list[WeekStat]:
    """The last ``weeks`` local weeks ending with today's week, oldest first, zeros filled in.

    ``target_for(week_start)`` gives that week's plan target (None: no target, all zeros);
    ``paused_weeks`` holds the Mondays of weeks that were paused throughout.
    Facts outside the window are ignored.
    """
    if weeks <= 0:
        return []
    last = week_starting(today)
    starts = [last - timedelta(weeks=weeks - 1 - i) for i in range(weeks)]
    grouped: dict[date, list[SessionFact]] = {start: [] for start in starts}
    for fact in facts:
        bucket = grouped.get(week_starting(fact.local_date))
        if bucket is not None:
            bucket.append(fact)
    out: list[WeekStat] = []
    for start in starts:
        in_week = grouped[start]
        target = target_for(start) if target_for is not None else None
        days = load.days_of(in_week)
        out.append(
            WeekStat(
                week_start=start,
                sessions=len(days),
                met_days=sum(1 for d in days if load.met(d.amount, target)) if target else 0,
                backward_s=sum(max(f.duration_s or 0, 0) for f in in_week),
                pain_sessions=sum(1 for d in days if d.pain),
                target_sessions=target.sessions if target else 0,
                target_min_s=target.min_s if target else 0,
                target_max_s=target.max_s if target else 0,
                paused=start in paused_weeks,
                dates=tuple(sorted({f.local_date for f in in_week})),
            )
        )
    return out


def met_week(stat: WeekStat) -> bool:
    """Enough training days on target, and no pain that week."""
    return (
        stat.target_sessions > 0
        and stat.met_days >= stat.target_sessions
        and not stat.pain_sessions
    )


def totals(facts: Iterable[SessionFact]) -> Totals:
    """(training days, backward seconds, distance in metres, longest day in seconds)."""
    per_day: dict[date, int] = {}
    backward_s = 0
    distance_m = 0.0
    for fact in facts:
        duration = max(fact.duration_s or 0, 0)
        backward_s += duration
        per_day[fact.local_date] = per_day.get(fact.local_date, 0) + duration
        distance_m += max(fact.distance_m or 0.0, 0.0)
    return Totals(len(per_day), backward_s, distance_m, max(per_day.values(), default=0))
