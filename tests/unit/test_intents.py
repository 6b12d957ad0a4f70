"""The small-talk table: what people write to a coach that isn't a session."""

from __future__ import annotations

import pytest

from bot.coach.intents import intent_of
from bot.coach.parsing import looks_like_log

CASES = [
    ("what's on today?", "today"),
    ("whats on today", "today"),
    ("anything planned for me?", "today"),
    ("what should i do today?", "today"),
    ("is today a rest day?", "today"),
    ("today's workout?", "today"),
    ("do i train today", "today"),
    ("What’s the plan for today coach", "today"),
    ("how am I doing", "progress"),
    ("how am i doing so far?", "progress"),
    ("am I improving?", "progress"),
    ("how's my progress", "progress"),
    ("did it ✅", "did_it"),
    ("✅", "did_it"),
    ("done!", "did_it"),
    ("Done for today", "did_it"),
    ("finished it", "did_it"),
    ("did today's session", "did_it"),
    ("session done 💪", "did_it"),
    ("cheers", "thanks"),
    ("thank you!", "thanks"),
    ("thanks coach 🙏", "thanks"),
    ("thx", "thanks"),
    ("ta", "thanks"),
    ("much appreciated", "thanks"),
    ("hi", "greeting"),
    ("Hello!", "greeting"),
    ("hey coach", "greeting"),
    ("good morning", "greeting"),
    ("hiya", "greeting"),
    ("pizza", None),
    ("what shoes should I wear", None),
    ("my cat is called Bob", None),
    ("", None),
    ("this is hard", None),
]


@pytest.mark.parametrize(("text", "intent"), CASES)
def test_intent(text: str, intent: str | None) -> None:
    assert intent_of(text) == intent


@pytest.mark.parametrize(
    "text", ["did it, 4 min backwards", "done 3 min", "thanks! did 2 min backwards"]
)
def test_a_session_in_small_talk_is_a_session_first(text: str) -> None:
    # chat.py tries the log offer before the table, so the amount is never lost
    assert looks_like_log(text)
