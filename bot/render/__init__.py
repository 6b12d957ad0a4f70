"""Every message and keyboard the bot sends: HTML-escaped, one place for the bot's voice."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from html import escape

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from bot.coach.types import WeekTarget
from bot.coach.units import format_distance, format_duration, format_range
from bot.commands import COMMANDS

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
    return (
        "Sorry, something went wrong on my side with that one. "
        "Check /history to see what I have, and try again in a moment."
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


def cancelled(something: bool) -> str:
    return (
        "Okay, stopped there. Nothing was saved from that step."
        if something
        else ("There was nothing to cancel. /help shows what I can do.")
    )


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


REMINDER_OUTCOMES: dict[str, str] = {
    "expired": "This reminder has expired.",
    "snoozed": "Snoozed: I'll remind you again at {}.",
    "skipped": "Skipped today. Rest is training too.",
    "already": "Already logged today. See /history.",
    "done": "Done: logged {}.",
}


def reminder_outcome(kind: str, detail: str = "") -> str:
    """The line a pressed reminder ends with (plain text; reminder_closed escapes it)."""
    return REMINDER_OUTCOMES[kind].format(detail)


def reminder_closed(original_html: str, outcome: str) -> str:
    return f"{original_html}\n\n<i>{e(outcome)}</i>"


def remind_usage(problem: str = "") -> str:
    head = f"{e(problem)}\n" if problem else ""
    return head + (
        "Tell me the days and time, for example:\n"
        "<code>/remind mon wed fri 07:30</code>\n<code>/remind daily 18:00</code>\n"
        "<code>/remind weekdays 6:45pm</code>\n<code>/remind off</code>"
    )


def remind_status(
    on: bool, days: str, at: str, tz: str, next_local: datetime | None, paused_until: str | None
) -> str:
    if not on:
        return (
            "Reminders are off. Turn them on with, for example, "
            "<code>/remind mon wed fri 07:30</code>."
        )
    lines = [f"⏰ Reminders: <b>{e(days)}</b> at <b>{e(at)}</b> ({e(tz)})"]
    if paused_until:
        lines.append(f"Paused until {e(paused_until)}. /resume restarts them.")
    if next_local is not None:
        lines.append(f"Next one: {next_local.strftime('%a %d %b, %H:%M')}")
    lines.append("Change: <code>/remind tue thu 19:00</code> · Stop: <code>/remind off</code>")
    return "\n".join(lines)


def timezone_set(name: str, local: datetime, place: str = "", note: str = "") -> str:
    """``place``: where the zone was found (``London, England, …``); ``note``: a line after."""
    where = f" ({e(place)})" if place else ""
    text = (
        f"🌍 Time zone set to <b>{e(name)}</b>{where}. "
        f"It's {local.strftime('%H:%M on %a %d %b')} there."
    )
    return f"{text}\n{note}" if note else text


def timezone_unknown(text: str, suggestions: Sequence[str]) -> str:
    head = f"I don't know the time zone “{e(text[:60])}”."
    if suggestions:
        return head + " Did you mean one of these?"
    return head + (
        " Try a city (<code>/timezone berlin</code>), a zone name "
        "(<code>/timezone Europe/Berlin</code>) or an offset (<code>/timezone +5:30</code>), "
        "or share your location."
    )


def timezone_usage(current: str) -> str:
    return (
        f"Your time zone is <b>{e(current)}</b>.\n"
        "Change it with a city, a zone name or an offset: <code>/timezone new york</code>, "
        "<code>/timezone Europe/Berlin</code>, <code>/timezone +5:30</code>. "
        "Or share your location (📎 → Location)."
    )


def paused(until_label: str | None) -> str:
    if until_label:
        return f"⏸ Reminders paused until {e(until_label)}. /resume restarts them sooner."
    return "⏸ Reminders paused until you send /resume. Rest well!"


def pause_usage() -> str:
    return (
        "Pause for a number of days (1–365), like <code>/pause 7</code>, "
        "or just <code>/pause</code>."
    )


def resumed(next_local: datetime | None) -> str:
    tail = f" Next one: {next_local.strftime('%a %d %b, %H:%M')}." if next_local else ""
    return "▶️ Reminders are back on." + tail


def location_keyboard() -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        [[KeyboardButton("📍 Share my location", request_location=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


def remove_reply_keyboard() -> ReplyKeyboardRemove:
    return ReplyKeyboardRemove()


def reminder_expired() -> str:
    return "That reminder was for another day. Log today's session with /log."


def done_hint() -> str:
    return "I logged this week's session as planned. Did something different? Tap Edit."
