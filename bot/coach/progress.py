"""What /progress reports: this week, last week, totals, streak and the chart's weeks. Pure.

Past weeks are judged against the plan week that was in force *then* (from the stored weekly
decisions), not today's, so moving up a week never turns an old success into a miss.

The cost does not grow with a user's history: sessions are read only for the chart's weeks,
all-time totals come from one aggregate query, and the streak from the stored weekly
decisions (one per week: a week that moved the plan on, or finished it, was on target).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from bot.coach.plan import target_for_week, week_starting
from bot.coach.stats import Totals, met_week, weekly_stats
from bot.coach.types import SessionFact, WeekStat, WeekTarget

CHART_WEEKS = 8
# The streak looks back at most this far; older weeks cannot change today's answer much.
MAX_STREAK_WEEKS = 260
ON_TARGET_DECISIONS = frozenset({"advance", "finish"})


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
    pain_open: bool = False  # pain flagged and not yet reported better

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


def streak_from(steps: Sequence[PlanStep], this_monday: date, current_met: bool) -> int:
    """Consecutive weeks on target, from the stored decisions, counting back from this week.

    This week adds one once its target is met; a pause neither breaks nor adds; a week that
    held, repeated (or had no decision, e.g. away for months) ends the streak.
    """
    streak = 1 if current_met else 0
    by_start = {s.week_start: s for s in steps}
    monday = this_monday
    for _ in range(MAX_STREAK_WEEKS):
        step = by_start.get(monday)  # the decision taken at the start of this week
        if step is None:
            break
        if step.decision in ON_TARGET_DECISIONS:
            streak += 1
        elif step.decision != "rest":
            break
        monday -= timedelta(weeks=1)
    return streak


def build_progress(
    facts: Sequence[SessionFact],
    today: date,
    weeks: Sequence[WeekTarget],
    plan_week: int,
    plan_week_start: date | None,
    steps: Sequence[PlanStep],
    first_day: date,
    all_time: Totals,
    paused_now: bool = False,
    pain_open: bool = False,
) -> Progress:
    """Everything /progress shows, from the chart weeks' sessions and the weekly decisions.

    ``facts``: at least the last CHART_WEEKS weeks (older ones are ignored); ``all_time``:
    the aggregate totals. ``first_day`` is the user's first local day (weeks before it carry
    no target). ``paused_now``: the current week is shaded as a pause unless sessions were
    logged in it.
    """
    start = plan_start(first_day, steps)
    this_monday = week_starting(today)
    rests = rest_weeks(steps)

    def target_for(monday: date) -> WeekTarget | None:
        if monday < start or monday in rests:  # not on the plan yet, or a finished pause
            return None
        return target_for_week(weeks, plan_week_on(monday, steps, plan_week, plan_week_start))

    paused = set(rests)
    if paused_now and not any(week_starting(f.local_date) == this_monday for f in facts):
        paused.add(this_monday)
    stats = weekly_stats(facts, CHART_WEEKS, today, target_for, frozenset(paused))
    target = target_for_week(weeks, plan_week)
    if target is None:
        raise ValueError("the plan has no weeks")
    current_met = met_week(stats[-1]) and not pain_open
    return Progress(
        plan_week=target.week,
        plan_weeks=len(weeks),
        target=target,
        this_week=stats[-1],
        last_week=stats[-2],
        totals=all_time,
        streak=0 if pain_open else streak_from(steps, this_monday, current_met),
        chart=tuple(stats[-CHART_WEEKS:]),
        pain_open=pain_open,
    )
