"""What /progress reports: this week, last week, totals, streak and the chart's weeks. Pure.

Past weeks are judged against the plan week that was in force *then* (from the stored weekly
decisions), not today's, so moving up a week never turns an old success into a miss.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from bot.coach.plan import target_for_week, week_starting
from bot.coach.stats import Totals, totals, weekly_stats, weekly_streak
from bot.coach.types import SessionFact, WeekStat, WeekTarget

CHART_WEEKS = 8
# The streak looks back at most this far; older weeks cannot change today's answer much.
MAX_STREAK_WEEKS = 260


@dataclass(frozen=True)
class PlanStep:
    """One stored weekly decision: from ``week_start`` (a Monday) on, ``to_week`` applies."""

    week_start: date
    from_week: int
    to_week: int
    decision: str  # advance, hold, repeat, finish, rest


@dataclass(frozen=True)
class Progress:
    plan_week: int
    plan_weeks: int  # how many weeks the user's plan has
    target: WeekTarget  # this week's
    this_week: WeekStat
    last_week: WeekStat
    totals: Totals
    streak: int
    chart: tuple[WeekStat, ...]  # the last CHART_WEEKS weeks, oldest first

    @property
    def has_sessions(self) -> bool:
        return self.totals.sessions > 0

    @property
    def chart_has_sessions(self) -> bool:
        """A chart of empty weeks says nothing; the text says it better."""
        return any(w.sessions > 0 for w in self.chart)


def plan_week_on(
    monday: date, steps: Sequence[PlanStep], current_week: int, current_since: date | None
) -> int:
    """The plan week in force during the week starting ``monday``.

    From ``current_since`` (when the user's current week began) on it is ``current_week``;
    before that, the last decision taken on or before ``monday``, or, earlier than any
    decision, the week the first decision moved away from.
    """
    if current_since is not None and monday >= current_since:
        return current_week
    ordered = sorted(steps, key=lambda s: s.week_start)
    before = [s for s in ordered if s.week_start <= monday]
    if before:
        return before[-1].to_week
    if ordered:
        return ordered[0].from_week
    return current_week


def rest_weeks(steps: Iterable[PlanStep]) -> frozenset[date]:
    """Mondays of weeks the plan treated as a pause: they neither break nor add to a streak."""
    return frozenset(s.week_start - timedelta(weeks=1) for s in steps if s.decision == "rest")


def plan_start(first_day: date, steps: Iterable[PlanStep]) -> date:
    """The Monday of the user's first plan week: weeks before it had no target."""
    mondays = [week_starting(first_day), *(s.week_start - timedelta(weeks=1) for s in steps)]
    return min(mondays)


def build_progress(
    facts: Sequence[SessionFact],
    today: date,
    weeks: Sequence[WeekTarget],
    plan_week: int,
    plan_week_start: date | None,
    steps: Sequence[PlanStep],
    first_day: date,
    paused_now: bool = False,
) -> Progress:
    """Everything /progress shows, from stored sessions and weekly decisions.

    ``first_day`` is the user's first local day (weeks before it carry no target).
    ``paused_now``: the current week is shaded as a pause unless sessions were logged in it.
    """
    start = plan_start(first_day, steps)
    this_monday = week_starting(today)
    rests = rest_weeks(steps)

    def target_for(monday: date) -> WeekTarget | None:
        if monday < start or monday in rests:  # not on the plan yet, or a finished pause
            return None
        return target_for_week(weeks, plan_week_on(monday, steps, plan_week, plan_week_start))

    oldest = min([start, *(f.local_date for f in facts)])
    span = (this_monday - week_starting(oldest)).days // 7 + 1
    span = max(CHART_WEEKS, min(span, MAX_STREAK_WEEKS))
    paused = set(rests)
    if paused_now and not any(week_starting(f.local_date) == this_monday for f in facts):
        paused.add(this_monday)
    stats = weekly_stats(facts, span, today, target_for, frozenset(paused))
    target = target_for_week(weeks, plan_week)
    if target is None:
        raise ValueError("the plan has no weeks")
    return Progress(
        plan_week=target.week,
        plan_weeks=len(weeks),
        target=target,
        this_week=stats[-1],
        last_week=stats[-2],
        totals=totals(facts),
        streak=weekly_streak(stats),
        chart=tuple(stats[-CHART_WEEKS:]),
    )
