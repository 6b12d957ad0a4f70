"""One voice per reply, checked over every message a test's bot sent: a message that warns
(⚠️) or stops (⛔) never also celebrates."""

from __future__ import annotations

from tests.fakes import FakeBotAPI

WARNINGS = ("⚠️", "⛔")
PRAISE = ("🏅", "🔥", "👍", "great job", "nice work", "well done")


def mixed_messages(server: FakeBotAPI) -> list[str]:
    """Texts that hold a warning and praise together (should be none)."""
    found = []
    for message in server.bot_messages_everywhere():
        text = message.text or ""
        if any(w in text for w in WARNINGS) and any(p in text.lower() for p in PRAISE):
            found.append(text)
    return found
