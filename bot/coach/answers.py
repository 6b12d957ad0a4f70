"""Rules for the answers a person gives the log's questions: skip words, the amounts offered
as buttons, which button answers are valid, how long an edit waits for its typed answer."""

from __future__ import annotations

import math
from collections.abc import Mapping

from bot.coach.parsing import MAX_DURATION_S
from bot.coach.types import Feeling, Question, WeekTarget
from bot.coach.when import MAX_DAYS_BACK

# Common amounts; the buttons shown are the six closest to the user's weekly target.
PRESETS_S = (60, 120, 180, 300, 600, 900)
BUTTONS_SHOWN = 6
FEELINGS = (Feeling.GREAT, Feeling.GOOD, Feeling.OK, Feeling.HARD)
FEELING_VALUES = frozenset(f.value for f in Feeling)
SKIP = "skip"  # the value of every Skip button
SKIP_WORDS = frozenset(
    {"skip", "no", "nope", "nah", "none", "nothing", "no thanks", "no note", "n/a", "-", "pass"}
)
QUESTION_VALUES: dict[str, frozenset[str]] = {
    "direction": frozenset({"backward", "forward"}),
    "forward_only": frozenset({"backward", "forward"}),
    "unit": frozenset({"min", "m"}),
    "day": frozenset(str(n) for n in range(MAX_DAYS_BACK + 1)),
}
# A typed answer edits a stored session only shortly after the user asked to edit it; later
# text is read afresh, so an old, forgotten edit never swallows a new session.
EDIT_WINDOW_S = 3600


def is_skip(text: str) -> bool:
    """A typed "skip" (or "no", "nothing"...) answers an optional question like the button."""
    return text.strip().strip(".!").lower() in SKIP_WORDS


def valid_seconds(seconds: int) -> bool:
    """A duration from a button: a positive number of seconds a session can have."""
    return 0 < seconds <= MAX_DURATION_S


def presets_for(target: WeekTarget | None) -> tuple[int, ...]:
    """Six durations around this week's target: its two ends plus the common amounts."""
    candidates = set(PRESETS_S)
    middle = 180.0
    if target is not None and 0 < target.min_s <= target.max_s <= MAX_DURATION_S:
        candidates |= {target.min_s, target.max_s}
        middle = (target.min_s + target.max_s) / 2
    nearest = sorted(candidates, key=lambda s: (abs(math.log(s / middle)), s))
    return tuple(sorted(nearest[:BUTTONS_SHOWN]))


def known_answers(raw: object) -> dict[str, str]:
    """The stored answers that answer a question we ask (anything else is dropped)."""
    if not isinstance(raw, Mapping):
        return {}
    return {str(k): str(v) for k, v in raw.items() if k in QUESTION_VALUES}


def valid_answer(question: str | None, value: str) -> bool:
    return question is not None and value in QUESTION_VALUES.get(question, frozenset())


def with_answer(answers: Mapping[str, str], question: str, value: str) -> dict[str, str]:
    """The answers with one more; "some of it was backward" also answers the direction."""
    out = {**answers, question: value}
    if question == "forward_only" and value == "backward":
        out["direction"] = "backward"
    return out


def nothing_backward(
    answers: Mapping[str, str], duration_s: int | None, distance_m: float | None
) -> bool:
    """Told it was all forward, and no backward amount left: nothing to log."""
    forward = answers.get("direction") == "forward" or "forward_only" in answers
    return duration_s is None and distance_m is None and forward


def open_questions(asked: tuple[Question, ...], answers: Mapping[str, str]) -> tuple[Question, ...]:
    return tuple(q for q in asked if q not in answers)


def edit_expired(since: int, now: float) -> bool:
    return now - since > EDIT_WINDOW_S
