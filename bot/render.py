"""Every message and keyboard the bot sends: HTML-escaped, one place for the bot's voice."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.commands import COMMANDS

Keyboard = InlineKeyboardMarkup


def e(text: object) -> str:
    """Escape user or content text for Telegram's HTML parse mode."""
    return escape(str(text), quote=False)


def keyboard(rows: Sequence[Sequence[tuple[str, str]]]) -> InlineKeyboardMarkup:
    """Rows of (label, callback_data) pairs."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


def help_text() -> str:
    lines = ["<b>What I can do</b>", ""]
    for c in COMMANDS:
        lines.append(f"/{c.name}: {e(c.summary)}\n    e.g. <code>{e(c.example)}</code>")
    lines += [
        "",
        "You can also just tell me about a session, like "
        "<i>did 4 min backwards, felt great</i>, and I'll offer to log it.",
    ]
    return "\n".join(lines)


def welcome_back(first_name: str) -> str:
    name = e(first_name) if first_name else "there"
    return (
        f"Welcome back, {name}! Your plan and sessions are just as you left them.\n"
        "Log a session with /log, see this week with /plan, or /help for everything."
    )


def unknown_command(command: str) -> str:
    return f"I don't know {e(command[:64])}. Try /help for the list of commands."


def group_pointer() -> str:
    return (
        "I coach one person at a time, so I only work in a private chat. "
        "Tap my name and send me /start there."
    )


def edited_message() -> str:
    return (
        "I saw you edited a message. Edits don't change anything I stored: "
        "use /undo and log again, or /history to check."
    )


def apology() -> str:
    return "Sorry, something went wrong on my side. Nothing you logged was lost; please try again."


def not_understood() -> str:
    return (
        "I'm not sure what you mean. To log a session, try <code>/log 3 min felt good</code>, "
        "or see /help for everything I can do."
    )


def stale_button() -> str:
    return "That button no longer works. Try the command again."


def cancelled(something: bool) -> str:
    return (
        "Okay, stopped there. Nothing was saved from that step."
        if something
        else ("There was nothing to cancel. /help shows what I can do.")
    )


# --- sessions ----------------------------------------------------------------------------
def duration(seconds: int | None) -> str:
    """3 min, 1 min 30 s, 45 s, 1 h 5 min."""
    if seconds is None:
        return "no time"
    h, rest = divmod(int(seconds), 3600)
    m, s = divmod(rest, 60)
    parts = [f"{h} h"] if h else []
    if m:
        parts.append(f"{m} min")
    if s and not h:
        parts.append(f"{s} s")
    return " ".join(parts) or "0 s"


def distance(metres: float | None) -> str:
    if metres is None:
        return ""
    if metres >= 1000:
        return f"{metres / 1000:.2f}".rstrip("0").rstrip(".") + " km"
    return f"{metres:.0f} m"


def day_label(d: date) -> str:
    return f"{d.strftime('%a')} {d.day} {d.strftime('%b')}"


FEELING_WORDS: dict[str, str] = {
    "great": "great 🤩",
    "good": "good 🙂",
    "ok": "ok 😐",
    "hard": "hard 😮‍💨",
}


def session_line(
    duration_s: int | None,
    distance_m: float | None,
    feeling: str | None,
    pain: bool,
    body_parts: Sequence[str],
) -> str:
    bits = []
    if duration_s is not None:
        bits.append(f"<b>{duration(duration_s)}</b> backward")
    if distance_m is not None:
        bits.append(f"<b>{distance(distance_m)}</b>")
    if feeling:
        bits.append(f"felt {FEELING_WORDS.get(feeling, e(feeling))}")
    if pain:
        where = ", ".join(body_parts)
        bits.append(f"⚠️ pain{' (' + e(where) + ')' if where else ''}")
    return " · ".join(bits)
