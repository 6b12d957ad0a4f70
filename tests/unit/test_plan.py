"""Plan position, progression by training days, and reason codes."""

from __future__ import annotations

from datetime import date

import pytest

from bot.coach.plan import (
    PLAN_WEEKS,
    REASON_CODES,
    decide_progression,
    decode_reason,
    encode_reason,
    restart_week,
    review_week,
    target_for_week,
    today_target,
    week_starting,
)
from bot.coach.types import ProgressionDecision, Reason, SessionFact, WeekReview, WeekTarget
from bot.render.coaching import reason as reason_text


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
            ["You flagged pain, so we stay in week 2 until it settles."],
        ),
        (WeekReview(4, 0, 4, True), 4, "hold", ["pain", "week 4"]),
        (WeekReview(8, 4, 4, True), 8, "hold", ["pain", "week 8"]),
        (WeekReview(3, 0, 3, True, paused=True), 3, "hold", ["pain"]),
        # repeat: under half
        (
            WeekReview(3, 1, 4, False),
            3,
            "repeat",
            ["1 of 4 sessions on target last week, so we repeat week 3."],
        ),
        (WeekReview(1, 0, 3, False), 1, "repeat", ["0 of 3", "week 1"]),
        (WeekReview(2, 1, 3, False), 2, "repeat", ["1 of 3"]),
        # hold: at least half, below target
        (WeekReview(3, 2, 4, False), 3, "hold", ["2 of 4", "week 3"]),
        (WeekReview(2, 2, 3, False), 2, "hold", ["2 of 3", "week 2"]),
        (WeekReview(5, 3, 4, False), 5, "hold", ["3 of 4"]),
        # finish at week 8
        (WeekReview(8, 4, 4, False), 8, "finish", ["4 of 4", "plan is complete"]),
        (WeekReview(8, 6, 4, False), 8, "finish", ["well done"]),
        # rest when paused the whole week
        (WeekReview(5, 0, 4, False, paused=True), 5, "rest", ["pause", "week 5"]),
        (WeekReview(1, 0, 0, False), 1, "rest", ["week 1"]),
    ],
)
def test_progress(
    review: WeekReview, new_week: int, decision: ProgressionDecision, words: list[str]
) -> None:
    result = decide_progression(review)
    assert (result.new_week, result.decision) == (new_week, decision)
    assert result.reason.code in REASON_CODES
    assert decode_reason(encode_reason(result.reason)) == result.reason
    text = reason_text(result.reason)
    assert "\n" not in text and len(text) <= 120
    for word in words:
        assert word in text
    assert "last week" not in reason_text(result.reason, preview=True)


def test_progress_clamps_out_of_range_weeks() -> None:
    assert decide_progression(WeekReview(9, 4, 4, False)).new_week == PLAN_WEEKS
    assert decide_progression(WeekReview(0, 3, 3, False)).new_week == 2


def test_review_week() -> None:
    facts = [
        SessionFact(date(2026, 6, 1), 90),
        SessionFact(date(2026, 6, 3), None, distance_m=200.0),
        SessionFact(date(2026, 6, 5), 150, pain=True),
    ]
    review = review_week(facts, 2, target(2, sessions=3), pain_open=False)
    assert review == WeekReview(2, 3, 3, True, backward_s=240, paused=False, days=3)
    assert decide_progression(review).decision == "hold"
    empty = review_week([], 4, target(4, sessions=4), paused=True, pain_open=False)
    assert empty == WeekReview(4, 0, 4, False, backward_s=0, paused=True, days=0)
    assert decide_progression(empty).decision == "rest"
    open_pain = review_week(facts[:2], 2, target(2, sessions=2), pain_open=True)
    assert decide_progression(open_pain).reason.code == "pain"


@pytest.mark.parametrize(
    ("logs", "done", "days"),
    [
        # five logs on one Tuesday are one session
        ([(2, 60)] * 5, 1, 1),
        ([(1, 60), (3, 60), (5, 60)], 3, 3),
        ([(1, 30), (1, 30), (3, 60)], 2, 2),  # two halves of one day add up
        ([(1, 30), (3, 60), (5, 45)], 1, 3),  # days under the target don't count
        ([(1, 900), (2, 900)], 2, 2),  # overdoing counts once per day, no more
    ],
)
def test_sessions_are_training_days(logs: list[tuple[int, int]], done: int, days: int) -> None:
    facts = [SessionFact(date(2026, 6, day), s) for day, s in logs]
    review = review_week(facts, 1, target(1, sessions=3), pain_open=False)
    assert (review.sessions_done, review.days) == (done, days)
    assert decide_progression(review).decision != "advance" or done >= 3


def test_reason_codes_round_trip_and_refuse_junk() -> None:
    r = Reason("advance", (("done", 3), ("target", 3), ("week", 2)))
    assert encode_reason(r) == "advance done=3 target=3 week=2"
    assert decode_reason("advance done=3 target=3 week=2") == r
    for junk in ("", None, "You moved up.", "advance done=x", "nonsense week=1"):
        assert decode_reason(junk) is None
    weeks = [WeekTarget(w, "A" if w < 7 else "B", 3, 60, 90, "w", "f") for w in range(1, 9)]
    assert restart_week(weeks) == 7


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
