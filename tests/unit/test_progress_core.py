"""The /progress core: which target applied to a past week, pauses, streaks, the chart window."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.coach.progress import (
    CHART_WEEKS,
    PlanStep,
    Progress,
    build_progress,
    plan_start,
    plan_week_on,
    rest_weeks,
)
from bot.coach.stats import met_week, totals
from bot.coach.types import SessionFact, WeekTarget

PLAN = tuple(
    WeekTarget(n, "Familiarization" if n <= 2 else "Build duration", 3, 60 * n, 90 * n, "w", "f")
    for n in range(1, 9)
)
TODAY = date(2026, 3, 4)  # a Wednesday
M0 = date(2026, 3, 2)  # this Monday


def this_week_met(p: Progress) -> bool:
    return met_week(p.this_week) and not p.pain_open


def monday(weeks_back: int) -> date:
    return M0 - timedelta(weeks=weeks_back)


def sessions(weeks_back: int, n: int, seconds: int = 90, pain: bool = False) -> list[SessionFact]:
    start = monday(weeks_back)
    return [SessionFact(start + timedelta(days=i), seconds, pain=pain and i == 0) for i in range(n)]


JOINED = monday(4) + timedelta(days=2)

# A user who joined 4 weeks ago: advanced, held for pain, paused, advanced.
STEPS = (
    PlanStep(monday(3), 1, 2, "advance"),
    PlanStep(monday(2), 2, 2, "hold"),
    PlanStep(monday(1), 2, 2, "rest"),
    PlanStep(M0, 2, 3, "advance"),
)


def test_plan_week_on_follows_the_stored_decisions() -> None:
    assert plan_week_on(monday(4), STEPS, 3, M0) == 1  # before any decision: where it started
    assert plan_week_on(monday(3), STEPS, 3, M0) == 2
    assert plan_week_on(monday(1), STEPS, 3, M0) == 2
    assert plan_week_on(M0, STEPS, 3, M0) == 3
    assert plan_week_on(monday(9), (), 5, M0) == 5  # no history: the current week


def test_current_week_wins_over_history_from_when_it_began() -> None:
    # a long absence: the catch-up jumped to this week without a decision for it
    assert plan_week_on(M0, STEPS[:2], 4, M0) == 4
    assert plan_week_on(monday(1), STEPS[:2], 4, M0) == 2


def test_rest_weeks_and_plan_start() -> None:
    assert rest_weeks(STEPS) == frozenset({monday(2)})
    assert plan_start(monday(4) + timedelta(days=3), STEPS) == monday(4)
    assert plan_start(TODAY, ()) == M0
    assert plan_start(TODAY, STEPS) == monday(4)  # decisions older than the row: trust them


def build(
    facts: list[SessionFact],
    steps: tuple[PlanStep, ...] = STEPS,
    *,
    plan_week: int = 3,
    plan_week_start: date = M0,
    first_day: date = JOINED,
    paused_now: bool = False,
) -> Progress:
    return build_progress(
        facts,
        TODAY,
        PLAN,
        plan_week,
        plan_week_start,
        steps,
        first_day,
        all_time=totals(facts),
        paused_now=paused_now,
    )


HISTORY = [
    *sessions(4, 3),
    *sessions(3, 3, 120, pain=True),
    *sessions(1, 3, 150),
    *sessions(0, 1, 200),
]


def test_streak_comes_from_the_decisions_and_a_pain_week_breaks_it() -> None:
    # M0: advance (+1), monday(1): rest (skipped), monday(2): held for pain (ends it)
    assert build(HISTORY).streak == 1
    all_on = tuple(
        PlanStep(s.week_start, 1, 2, "advance" if s.decision == "hold" else s.decision)
        for s in STEPS
    )
    assert build(HISTORY, all_on).streak == 3  # the pause neither breaks nor adds
    no_rest = tuple(s for s in all_on if s.decision != "rest")
    assert build(HISTORY, no_rest).streak == 1  # a week without a decision ends it


def test_past_weeks_are_judged_against_their_own_target() -> None:
    p = build(HISTORY)
    chart = p.chart
    assert len(chart) == CHART_WEEKS
    by_start = {w.week_start: w for w in chart}
    assert (by_start[monday(4)].target_min_s, by_start[monday(4)].target_max_s) == (60, 90)
    assert by_start[monday(3)].target_min_s == 120  # week 2
    assert by_start[M0].target_min_s == 180  # week 3
    assert by_start[monday(5)].target_sessions == 0  # before the user started: no target
    assert by_start[monday(2)].paused and by_start[monday(2)].target_sessions == 0
    assert by_start[monday(3)].pain_sessions == 1
    assert [w.sessions for w in chart[-5:]] == [3, 3, 0, 3, 1]


def test_this_week_last_week_and_totals() -> None:
    p = build(HISTORY)
    assert p.this_week.week_start == M0 and p.this_week.backward_s == 200
    assert p.last_week.sessions == 3 and p.last_week.backward_s == 450
    assert p.totals.sessions == 10 and p.totals.longest_s == 200
    # five logs on one day: one session, in the week and in the totals
    same_day = [*HISTORY, *(SessionFact(TODAY, 30) for _ in range(4))]
    q = build(same_day)
    assert q.this_week.sessions == 2 and q.totals.sessions == 11
    assert (p.plan_week, p.plan_weeks, p.target.phase) == (3, 8, "Build duration")
    assert p.has_sessions and p.chart_has_sessions


def test_current_week_met_counts_and_a_pause_now_shades_only_an_empty_week() -> None:
    done_now = [*HISTORY, *sessions(0, 3, 200)[1:]]
    assert build(done_now).streak == 2
    assert this_week_met(build(done_now))
    overdone = [*HISTORY, *(SessionFact(TODAY, 900) for _ in range(5))]
    assert build(overdone).streak == 1  # many logs on one day never fill the week
    assert build(done_now, paused_now=True).this_week.paused is False
    quiet = [f for f in HISTORY if f.local_date < M0]
    assert build(quiet, paused_now=True).this_week.paused is True


def test_new_user_has_nothing_to_chart() -> None:
    p = build([], (), plan_week=1, plan_week_start=M0, first_day=TODAY)
    assert not p.has_sessions and not p.chart_has_sessions
    assert p.streak == 0 and p.target.week == 1


def test_old_sessions_only_mean_no_chart_but_totals() -> None:
    old = sessions(20, 2)
    p = build(old, (), plan_week=1, plan_week_start=M0, first_day=monday(20))
    assert p.has_sessions and not p.chart_has_sessions
    assert p.totals.sessions == 2


def test_long_history_streak_is_not_cut_at_the_chart_window() -> None:
    facts = [f for k in range(1, 13) for f in sessions(k, 3)]
    steps = tuple(PlanStep(monday(k), 1, 1, "finish") for k in range(12))
    p = build(facts, steps, plan_week=1, plan_week_start=M0, first_day=monday(12))
    assert p.streak == 12


def test_empty_plan_is_refused() -> None:
    with pytest.raises(ValueError, match="no weeks"):
        build_progress([], TODAY, (), 1, M0, (), TODAY, all_time=totals([]))
