"""Every message and keyboard the bot sends: HTML-escaped, one place for the bot's voice."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from bot.coach.types import WeekTarget
from bot.coach.units import format_distance, format_duration, format_range

Keyboard = InlineKeyboardMarkup
AnyMarkup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


def e(text: object) -> str:
    """Escape user or content text for Telegram's HTML parse mode."""
    return escape(str(text), quote=False)


def keyboard(rows: Sequence[Sequence[tuple[str, str]]]) -> InlineKeyboardMarkup:
    """Rows of (label, callback_data) pairs."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


def welcome_back(first_name: str) -> str:
    name = e(first_name) if first_name else "there"
    return (
        f"Welcome back, {name}! Your plan and sessions are just as you left them.\n"
        "Log a session with /log, see this week with /plan, or /help for everything."
    )


def message_not_saved() -> str:
    """The database was unreachable, so this message was not stored (and will not be)."""
    return (
        "Sorry, I couldn't save that: my storage is out of reach right now. "
        "Please send it again in a minute."
    )


def press_not_saved() -> str:
    """The same for a button press (an alert, at most 200 characters)."""
    return "I couldn't save that press: my storage is out of reach. Please press again in a minute."


def not_understood() -> str:
    return (
        "I'm not sure what you mean. To log a session, try <code>/log 3 min felt good</code>, "
        "or see /help for everything I can do."
    )


def stale_button() -> str:
    return "That button no longer works. Try the command again."


# --- sessions ----------------------------------------------------------------------------
def duration(seconds: int | None) -> str:
    return "no time" if seconds is None else format_duration(seconds)


def distance(metres: float | None) -> str:
    return "" if metres is None else format_distance(metres)


def day_label(d: date) -> str:
    return f"{d.strftime('%a')} {d.day} {d.strftime('%b')}"


# --- reminders -------------------------------------------------------------------------------
def target_range(target: WeekTarget) -> str:
    return format_range(target.min_s, target.max_s)
