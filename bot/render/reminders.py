"""Reminders: the Done / Snooze / Skip keyboard, what a pressed reminder ends with, and the
replies to /remind, /pause and /resume. Dates and times are the user's (render/moments.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any

from telegram import InlineKeyboardMarkup

from bot.actions import ReminderDone, ReminderSkip, ReminderSnooze
from bot.coach.pause import Paused
from bot.coach.schedule import RemindError
from bot.render import duration, e, keyboard
from bot.render.guide import guide_button
from bot.render.moments import local_clock, local_day, local_day_clock


# --- the reminder's keyboard -----------------------------------------------------------------
def reminder_keyboard(day: date, snooze: bool = True) -> InlineKeyboardMarkup:
    """Done / Snooze 1 h / Skip, and the audio guide; a snoozed reminder comes back without
    another Snooze."""
    row = [("✅ Done", ReminderDone(day).data())]
    if snooze:
        row.append(("⏰ Snooze 1 h", ReminderSnooze(day).data()))
    row.append(("Skip today", ReminderSkip(day).data()))
    return keyboard([row, [guide_button()]])


_MARKUPS: dict[str, InlineKeyboardMarkup] = {}


def stored_markup(data: dict[str, Any] | None) -> InlineKeyboardMarkup | None:
    """The keyboard object for markup stored with a queued reminder; a fan-out's reminders
    share a handful, so each is rebuilt once."""
    if not data:
        return None
    key = json.dumps(data, sort_keys=True)
    found = _MARKUPS.get(key)
    if found is None:
        if len(_MARKUPS) > 64:
            _MARKUPS.clear()
        found = _MARKUPS[key] = InlineKeyboardMarkup.de_json(data, None)
    return found


# --- a pressed reminder ----------------------------------------------------------------------
def reminder_closed(original_html: str, outcome: str) -> str:
    """The reminder as sent, with the plain-text outcome line under it."""
    return f"{original_html}\n\n<i>{e(outcome)}</i>"


# the outcome lines that carry no value (outcome_snoozed and outcome_done do)
OUTCOME_EXPIRED = "This reminder has expired."
OUTCOME_SKIPPED = "Skipped today. Rest is training too."
OUTCOME_ALREADY = "Already logged today. See /history."


def outcome_snoozed(until: datetime, tz: tzinfo) -> str:
    return f"Snoozed: I'll remind you again at {local_clock(until, tz)}."


def outcome_done(duration_s: int | None) -> str:
    return f"Done: logged {duration(duration_s)}."


def reminder_expired() -> str:
    return "That reminder was for another day. Log today's session with /log."


def logged_from_reminder(logged_html: str) -> str:
    """The reply to Done: the usual logged reply, and how to change it."""
    return (
        f"{logged_html}\n\n"
        "I logged this week's session as planned. Did something different? Tap Edit."
    )


# --- /remind ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Schedule:
    """What /remind shows: the reminder settings, the next one and a pause in force."""

    on: bool
    days: str
    at: str
    zone_name: str
    zone: tzinfo
    next_at: datetime | None
    pause: Paused | None


REMIND_PROBLEMS: dict[str, str] = {
    "no_time": "I need a time too.",
    "bad_time": "I couldn't read the time{}.",
    "bad_days": "I don't know the day{}.",
    "no_days": "Which days?",
}


def remind_usage(problem: RemindError | None = None) -> str:
    head = ""
    if problem is not None:
        detail = f" {problem.detail}" if problem.detail else ""
        said = REMIND_PROBLEMS.get(problem.code, "I couldn't read that.").format(detail)
        head = f"{e(said)}\n"
    return head + (
        "Tell me the days and time, for example:\n"
        "<code>/remind mon wed fri 07:30</code>\n<code>/remind daily 18:00</code>\n"
        "<code>/remind weekdays 6:45pm</code>\n<code>/remind off</code>"
    )


def pause_end(pause: Paused, tz: tzinfo) -> str:
    """When a pause ends, in the user's zone (/remind and /settings say the same)."""
    return "you /resume" if pause.until is None else local_day(pause.until, tz)


def remind_status(s: Schedule) -> str:
    if not s.on:
        return (
            "Reminders are off. Turn them on with, for example, "
            "<code>/remind mon wed fri 07:30</code>."
        )
    lines = [f"⏰ Reminders: <b>{e(s.days)}</b> at <b>{e(s.at)}</b> ({e(s.zone_name)})"]
    if s.pause is not None:
        lines.append(f"Paused until {e(pause_end(s.pause, s.zone))}. /resume restarts them.")
    if s.next_at is not None:
        lines.append(f"Next one: {local_day_clock(s.next_at, s.zone)}")
    lines.append("Change: <code>/remind tue thu 19:00</code> · Stop: <code>/remind off</code>")
    return "\n".join(lines)


# --- /pause, /resume -------------------------------------------------------------------------
def paused(pause: Paused | None, tz: tzinfo) -> str:
    if pause is not None and pause.until is not None:
        until = local_day(pause.until, tz)
        return f"⏸ Reminders paused until {e(until)}. /resume restarts them sooner."
    return "⏸ Reminders paused until you send /resume. Rest well!"


def pause_usage() -> str:
    return (
        "Pause for a number of days (1–365), like <code>/pause 7</code>, "
        "or just <code>/pause</code>."
    )


def resumed(next_at: datetime | None, tz: tzinfo) -> str:
    tail = f" Next one: {local_day_clock(next_at, tz)}." if next_at else ""
    return "▶️ Reminders are back on." + tail
