"""Plan position, progression and the too-much-too-soon checks."""

from __future__ import annotations

from datetime import date

import pytest

from bot.coach.plan import (
    PLAN_WEEKS,
    RULES,
    progress,
    review_week,
    target_for_week,
    today_target,
    too_much_too_soon,
    week_starting,
)
from bot.coach.types import ProgressionDecision, SessionFact, WeekReview, WeekTarget


def target(week: int, sessions: int = 3, min_s: int = 60, max_s: int = 120) -> WeekTarget:
    return WeekTarget(week, "Phase", sessions, min_s, max_s, "do it", "focus")


PLAN = [target(w, sessions=3 if w < 3 else 4, max_s=120 * w) for w in range(1, PLAN_WEEKS + 1)]
MWF = frozenset({0, 2, 4})


@pytest.mark.parametrize(
    ("review", "new_week", "decision", "words"),
    [
        # advance: target met, no pain
        (WeekReview(1, 3, 3, False), 2, "advance", ["3 of 3 sessions", "week 2"]),
        (WeekReview(3, 5, 4, False), 4, "advance", ["5 of 4", "week 4"]),
        (WeekReview(7, 1, 1, False), 8, "advance", ["1 of 1 session ", "week 8"]),
        # pain holds, whatever the count
        (
            WeekReview(2, 3, 3, True),
            2,
            "hold",
            ["You flagged pain last week, so we stay in week 2 until it settles."],
        ),
        (WeekReview(4, 0, 4, True), 4, "hold", ["pain", "week 4"]),
        (WeekReview(8, 4, 4, True), 8, "hold", ["pain", "week 8"]),
        (WeekReview(3, 0, 3, True, paused=True), 3, "hold", ["pain"]),
        # repeat: under half
        (
            WeekReview(3, 1, 4, False),
            3,
            "repeat",
            ["Only 1 of 4 sessions last week, so we repeat week 3."],
        ),
        (WeekReview(1, 0, 3, False), 1, "repeat", ["Only 0 of 3", "week 1"]),
        (WeekReview(2, 1, 3, False), 2, "repeat", ["Only 1 of 3"]),
        # hold: at least half, below target
        (WeekReview(3, 2, 4, False), 3, "hold", ["2 of 4", "week 3"]),
        (WeekReview(2, 2, 3, False), 2, "hold", ["2 of 3", "week 2"]),
        (WeekReview(5, 3, 4, False), 5, "hold", ["3 of 4"]),
        # finish at week 8
        (WeekReview(8, 4, 4, False), 8, "finish", ["4 of 4", "week-8 routine"]),
        (WeekReview(8, 6, 4, False), 8, "finish", ["well done"]),
        # rest when paused the whole week
        (WeekReview(5, 0, 4, False, paused=True), 5, "rest", ["pause", "week 5"]),
        (WeekReview(1, 0, 0, False), 1, "rest", ["week 1"]),
    ],
)
def test_progress(
    review: WeekReview, new_week: int, decision: ProgressionDecision, words: list[str]
) -> None:
    result = progress(review)
    assert (result.new_week, result.decision) == (new_week, decision)
    assert "\n" not in result.reason
    assert len(result.reason) <= 120
    for word in words:
        assert word in result.reason


def test_progress_clamps_out_of_range_weeks() -> None:
    assert progress(WeekReview(9, 4, 4, False)).new_week == PLAN_WEEKS
    assert progress(WeekReview(0, 3, 3, False)).new_week == 2


def test_review_week() -> None:
    facts = [
        SessionFact(date(2026, 6, 1), 90),
        SessionFact(date(2026, 6, 3), None, distance_m=200.0),
        SessionFact(date(2026, 6, 5), 150, pain=True),
    ]
    review = review_week(facts, 2, target(2, sessions=3))
    assert review == WeekReview(2, 3, 3, True, backward_s=240, paused=False)
    assert progress(review).decision == "hold"
    empty = review_week([], 4, target(4, sessions=4), paused=True)
    assert empty == WeekReview(4, 0, 4, False, backward_s=0, paused=True)
    assert progress(empty).decision == "rest"


@pytest.mark.parametrize(
    ("week", "weekday", "expected_week"),
    [
        (1, 0, 1),  # Monday, training day
        (1, 2, 1),
        (5, 4, 5),
        (1, 1, None),  # Tuesday: rest
        (3, 6, None),  # Sunday: rest
        (9, 0, 8),  # beyond the plan: the last week
    ],
)
def test_today_target(week: int, weekday: int, expected_week: int | None) -> None:
    got = today_target(PLAN, week, weekday, MWF)
    assert (got.week if got else None) == expected_week


def test_today_target_edges() -> None:
    assert today_target([], 1, 0, MWF) is None
    assert today_target(PLAN, 1, 0, frozenset()) is None
    assert target_for_week(PLAN, 0) == PLAN[0]
    assert target_for_week(PLAN[::-1], 3) == PLAN[2]


@pytest.mark.parametrize(
    ("session_s", "tgt", "week_s", "last_s", "caution"),
    [
        # session far above target: > 1.5x max_s and >= 60 s over
        (300, target(1, max_s=120), 300, 0, "well above"),
        (181, target(1, max_s=120), 181, 0, "well above"),
        (180, target(1, max_s=120), 180, 0, None),  # exactly 1.5x: fine
        (150, target(1, max_s=60), 150, 0, "well above"),  # 2.5x and 90 s over
        (100, target(1, max_s=60), 100, 0, None),  # 1.67x but only 40 s over
        (120, target(1, max_s=120), 120, 0, None),
        (900, None, 900, 0, None),  # no target: no session check
        # week total vs last week (only when last week >= 120 s)
        (60, target(1, max_s=120), 400, 300, "30%"),
        (60, target(1, max_s=120), 390, 300, None),  # exactly +30%: fine
        (60, target(1, max_s=120), 391, 300, "30%"),
        (60, target(1, max_s=120), 200, 119, None),  # small base: no nagging
        (60, target(1, max_s=120), 157, 120, "30%"),
        (60, target(1, max_s=120), 156, 120, None),
        (60, None, 1000, 600, "30%"),
        (60, target(1, max_s=120), 0, 0, None),
    ],
)
def test_too_much_too_soon(
    session_s: int, tgt: WeekTarget | None, week_s: int, last_s: int, caution: str | None
) -> None:
    got = too_much_too_soon(session_s, tgt, week_s, last_s)
    if caution is None:
        assert got is None
    else:
        assert got is not None and caution in got and "\n" not in got


def test_too_much_too_soon_names_numbers() -> None:
    line = too_much_too_soon(300, target(1, max_s=120), 300, 0)
    assert line is not None and "5 min" in line and "2 min" in line
    line = too_much_too_soon(60, None, 450, 300)
    assert line is not None and "7 min 30 s" in line and "5 min" in line


@pytest.mark.parametrize(
    ("d", "monday"),
    [
        (date(2026, 6, 1), date(2026, 6, 1)),
        (date(2026, 6, 7), date(2026, 6, 1)),
        (date(2026, 1, 1), date(2025, 12, 29)),
        (date(2026, 3, 1), date(2026, 2, 23)),
    ],
)
def test_week_starting(d: date, monday: date) -> None:
    assert week_starting(d) == monday


def test_rules_are_short_readable_lines() -> None:
    assert len(RULES) >= 5
    assert all(r and "\n" not in r and len(r) <= 120 for r in RULES)
