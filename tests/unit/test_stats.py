"""Weekly stats, streaks and totals."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.coach.stats import Totals, met_week, totals, weekly_stats
from bot.coach.types import SessionFact, WeekStat, WeekTarget

T3 = WeekTarget(1, "Familiarization", 3, 60, 120, "1–2 min backward", "get used to it")


def weekly_streak(stats: Sequence[WeekStat]) -> int:
    """Consecutive completed weeks, counting back from the last one.

    The last element is the current, unfinished week: it counts when its target is already
    met and is otherwise skipped (it has not failed yet). Earlier weeks: a paused week or a
    week without a target neither breaks nor adds; a week below target ends the streak.
    """
    streak = 0
    for i, stat in enumerate(reversed(stats)):
        if stat.paused or stat.target_sessions <= 0:
            continue
        if met_week(stat):
            streak += 1
        elif i > 0:
            break
    return streak


def fact(d: date, s: int | None = 60, *, pain: bool = False, m: float | None = None) -> SessionFact:
    return SessionFact(d, s, distance_m=m, pain=pain)


def test_weekly_stats_fills_zeros_across_year_boundary() -> None:
    today = date(2026, 1, 7)  # Wednesday
    facts = [
        fact(date(2025, 12, 15), 90),  # Monday 3 weeks back
        fact(date(2025, 12, 31), 120, pain=True),  # Wednesday of week 2025-12-29
        fact(date(2026, 1, 1), 30),  # same week (Thursday)
        fact(date(2026, 1, 7), 45),  # today
        fact(date(2025, 12, 7), 999),  # before the window
        fact(date(2026, 1, 12), 999),  # after today's week
    ]
    stats = weekly_stats(facts, 4, today)
    assert [s.week_start for s in stats] == [
        date(2025, 12, 15),
        date(2025, 12, 22),
        date(2025, 12, 29),
        date(2026, 1, 5),
    ]
    assert [s.sessions for s in stats] == [1, 0, 2, 1]
    assert [s.backward_s for s in stats] == [90, 0, 150, 45]
    assert [s.pain_sessions for s in stats] == [0, 0, 1, 0]
    assert stats[2].dates == (date(2025, 12, 31), date(2026, 1, 1))
    assert stats[1] == WeekStat(date(2025, 12, 22), 0, 0)


def test_weekly_stats_month_boundary_targets_and_pauses() -> None:
    today = date(2026, 3, 2)  # Monday
    paused = frozenset({date(2026, 2, 16)})

    def target_for(start: date) -> WeekTarget | None:
        return None if start < date(2026, 2, 16) else T3

    facts = [fact(date(2026, 2, 28)), fact(date(2026, 3, 1)), fact(date(2026, 3, 2), None)]
    stats = weekly_stats(facts, 3, today, target_for, paused)
    assert [s.week_start for s in stats] == [date(2026, 2, 16), date(2026, 2, 23), date(2026, 3, 2)]
    assert [s.sessions for s in stats] == [0, 2, 1]
    assert [s.backward_s for s in stats] == [0, 120, 0]
    assert [s.paused for s in stats] == [True, False, False]
    assert [s.target_sessions for s in stats] == [3, 3, 3]
    assert (stats[1].target_min_s, stats[1].target_max_s) == (60, 120)
    assert weekly_stats(facts, 0, today) == []
    one = weekly_stats(facts, 3, today, target_for)
    assert one[0].paused is False


def week(sessions: int, target: int = 3, paused: bool = False) -> WeekStat:
    return WeekStat(
        date(2026, 1, 5), sessions, 0, target_sessions=target, paused=paused, met_days=sessions
    )


@pytest.mark.parametrize(
    ("weeks", "streak"),
    [
        ([], 0),
        ([week(3), week(3), week(0)], 2),  # current week not yet met: skipped, not a break
        ([week(3), week(3), week(3)], 3),  # current week already met: counts
        ([week(3), week(1), week(3), week(1)], 1),  # a miss breaks
        ([week(4), week(2), week(3), week(3), week(0)], 2),
        ([week(3), week(0, paused=True), week(3), week(0)], 2),  # pause neither breaks nor adds
        ([week(3), week(5, paused=True), week(3), week(0)], 2),  # even a busy paused week
        ([week(3), week(0, target=0), week(3), week(1)], 2),  # rest week (target 0) neither
        ([week(0, target=0), week(0, target=0)], 0),
        ([week(2, target=1), week(1, target=1)], 2),
        ([week(3), week(2)], 1),
        ([week(2), week(3)], 1),
        ([week(1)], 0),
        ([week(3), week(0, paused=True)], 1),  # current week paused
    ],
)
def test_weekly_streak(weeks: list[WeekStat], streak: int) -> None:
    assert weekly_streak(weeks) == streak


def test_streak_from_weekly_stats() -> None:
    today = date(2026, 1, 14)  # Wednesday
    days = [date(2025, 12, 15) + timedelta(days=i) for i in (0, 2, 4, 7, 9, 11, 14, 16, 18)]
    stats = weekly_stats([fact(d) for d in days], 5, today, lambda _: T3)
    assert [s.sessions for s in stats] == [3, 3, 3, 0, 0]
    assert weekly_streak(stats) == 0  # last week (Jan 5) missed
    stats = weekly_stats(
        [fact(d) for d in days], 5, today, lambda _: T3, frozenset({date(2026, 1, 5)})
    )
    assert weekly_streak(stats) == 3


def test_totals() -> None:
    facts = [
        fact(date(2026, 1, 1), 60, m=150.0),
        fact(date(2026, 1, 2), None, m=400.0),
        fact(date(2026, 1, 3), 300),
        fact(date(2026, 1, 4), 45, m=None),
    ]
    assert totals(facts) == Totals(4, 405, 550.0, 300)
    assert totals([]) == (0, 0, 0.0, 0)
    sessions, backward_s, distance_m, longest_s = totals(facts)
    assert (sessions, backward_s, distance_m, longest_s) == (4, 405, 550.0, 300)


facts_strategy = st.lists(
    st.builds(
        SessionFact,
        local_date=st.dates(date(2025, 1, 1), date(2026, 12, 31)),
        duration_s=st.none() | st.integers(0, 36_000),
        distance_m=st.none() | st.floats(0, 50_000, allow_nan=False),
        pain=st.booleans(),
    ),
    max_size=60,
)


@given(
    facts=facts_strategy,
    n_weeks=st.integers(1, 30),
    today=st.dates(date(2025, 1, 1), date(2026, 12, 31)),
    target=st.integers(0, 4),
    paused=st.sets(st.integers(0, 29), max_size=5),
)
def test_properties(
    facts: list[SessionFact], n_weeks: int, today: date, target: int, paused: set[int]
) -> None:
    monday = today - timedelta(days=today.weekday())
    paused_weeks = frozenset(monday - timedelta(weeks=i) for i in paused)
    tgt = WeekTarget(1, "p", target, 60, 120, "w", "f")
    stats = weekly_stats(facts, n_weeks, today, lambda _: tgt, paused_weeks)

    assert len(stats) == n_weeks
    assert stats[-1].week_start == monday
    assert all(
        b.week_start - a.week_start == timedelta(weeks=1) for a, b in itertools.pairwise(stats)
    )
    assert 0 <= weekly_streak(stats) <= n_weeks
    assert weekly_streak(stats) <= sum(1 for s in stats if s.met_days >= s.target_sessions > 0)

    in_window = [f for f in facts if stats[0].week_start <= f.local_date < monday + timedelta(7)]
    # Sessions are training days: many logs on one date count once, never more.
    assert sum(s.sessions for s in stats) == len({f.local_date for f in in_window})
    assert all(s.met_days <= s.sessions for s in stats)
    assert sum(s.backward_s for s in stats) == sum(f.duration_s or 0 for f in in_window)
    assert sum(s.pain_sessions for s in stats) == len({f.local_date for f in in_window if f.pain})

    total = totals(facts)
    assert total.sessions == len({f.local_date for f in facts})
    assert total.backward_s == sum(f.duration_s or 0 for f in facts)
    assert total.distance_m == pytest.approx(sum(f.distance_m or 0.0 for f in facts))
    per_day: dict[date, int] = {}
    for f in facts:
        per_day[f.local_date] = per_day.get(f.local_date, 0) + (f.duration_s or 0)
    assert total.longest_s == max(per_day.values(), default=0)
