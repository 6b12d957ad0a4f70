"""Messages for /tip, /safety and /plan."""

from __future__ import annotations

from bot.render import e


def no_match(query: str) -> str:
    return (
        f"I don't have a tip on “{e(query[:80])}”. Here's what I can help with; "
        "tap a topic or try other words (like <code>/tip heels</code>)."
    )


def choose(query: str) -> str:
    return f"A few tips could fit “{e(query[:80])}”. Which one?"
