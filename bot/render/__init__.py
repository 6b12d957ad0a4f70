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

from bot.coach.sessions import Block
from bot.coach.types import Note, WeekTarget
from bot.coach.units import format_distance, format_duration, format_range
from bot.render import sessions

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


def session_summary(
    blocks: Sequence[Block],
    duration_s: int | None,
    distance_m: float | None,
    feeling: str | None,
    pain: bool,
    body_parts: Sequence[str],
    notes: Sequence[Note] = (),
) -> str:
    """A stored or drafted session, part by part when it has more than one plain part."""
    simple = len(blocks) == 1 and blocks[0].rounds == 1 and len(blocks[0].parts) == 1
    if not blocks or (simple and blocks[0].parts[0].backward):
        line = session_line(duration_s, distance_m, feeling, pain, body_parts)
        if blocks and blocks[0].parts[0].mode.value == "walk" and duration_s is not None:
            line = line.replace(" backward", " backward walk", 1)
    else:
        back = [x for x in (duration(duration_s) if duration_s else "", distance(distance_m)) if x]
        backward_parts = [p for b in blocks for p in b.parts if p.backward]
        repeated = any(b.rounds > 1 for b in blocks if any(p.backward for p in b.parts))
        total = f" (<b>{' + '.join(back)}</b> backward in all)" if back else ""
        if len(backward_parts) <= 1 and not repeated:
            total = ""  # the one backward part is already shown in bold
        rest = session_line(None, None, feeling, pain, body_parts)
        line = sessions.parts_text(blocks, bold_backward=True) + total
        line += f" · {rest}" if rest else ""
    words = sessions.notes_text(notes)
    return line + (f" · {e(words)}" if words else "")


PARSE_ERRORS: dict[str, str] = {
    "empty": (
        "Tell me what you did, for example <code>/log 3 min felt good</code> "
        "or <code>/log 400m in 2:30</code>. Or send /log alone and I'll ask step by step."
    ),
    "too_long": "That's a long one! Please keep a log under 500 characters.",
    "no_amount": (
        "How long or how far did you go backward? Add a time or distance, like "
        "<code>3 min</code>, <code>1:30</code>, <code>6x30s</code> or <code>400m</code>. "
        "Or send /log alone and I'll ask step by step."
    ),
    "not_positive": "The time or distance needs to be more than zero. Try <code>/log 3 min</code>.",
    "absurd": (
        "That's more than I can believe for backward running (over 4 hours or 50 km). "
        "Could you check the numbers? For example <code>/log 12 min</code>."
    ),
}


def parse_error(code: str) -> str:
    return PARSE_ERRORS.get(code, PARSE_ERRORS["no_amount"])


def logged_short(summary: str, day: date) -> str:
    """The confirmation sent when the full reply to a log could not be delivered."""
    return f"✅ Logged for {day_label(day)}: {summary}\n/history shows all your sessions."


def undone(summary: str, day: date) -> str:
    return f"↩️ Removed your session from {day_label(day)}: {summary}"


def nothing_to_undo() -> str:
    return "There's nothing to undo: you have no logged sessions."


def session_gone() -> str:
    return "That session is no longer there (it was removed or isn't yours)."


def history(rows: Sequence[tuple[date, str]]) -> str:
    if not rows:
        return "No sessions yet. Log your first with <code>/log 2 min felt good</code>."
    head = "<b>Your session</b>" if len(rows) == 1 else f"<b>Your last {len(rows)} sessions</b>"
    lines = [head + (", newest first:" if len(rows) > 1 else ":"), ""]
    lines += [f"{day_label(d)}: {summary}" for d, summary in rows]
    return "\n".join(lines)


def ask_duration() -> str:
    return (
        "Let's log a session. How long did you go backward?\n"
        "Tap a button or type it (like <code>4 min</code>, <code>1:30</code> or "
        "<code>6x30s</code>). /cancel stops."
    )


def ask_feeling(summary: str) -> str:
    return f"Got it: {summary}. How did it feel?"


def ask_note(summary: str) -> str:
    return (
        f"Got it: {summary}.\n"
        "Anything to note? Surface, soreness, pain, how your form felt... Type it, or tap Skip."
    )


def note_too_long(limit: int) -> str:
    return f"That's a long note! Please keep it under {limit} characters, or tap Skip."


def feeling_not_understood() -> str:
    return "I didn't catch how it felt. Tap one of these, or type great, good, ok or hard."


def offer_log(summary: str, day: date | None = None) -> str:
    when = f" on {day_label(day)}" if day is not None else ""
    return f"Sounds like a session{when}: {summary}. Shall I log it?"


def offer_declined() -> str:
    return "Okay, I won't log it."


def edit_menu(summary: str) -> str:
    return f"Editing: {summary}\nWhat would you like to change?"


def ask_new_duration() -> str:
    return "What's the right time? Tap one or type it (like <code>4 min</code>). /cancel stops."


def ask_new_feeling() -> str:
    return "How did it feel?"


def edited_session(summary: str, day: date | None = None) -> str:
    when = f"\n📅 {day_label(day)}" if day is not None else ""
    return f"✏️ Updated: {summary}{when}"


def ask_new_day() -> str:
    return "Which day was it?"


def ask_new_note() -> str:
    return (
        "Type the note for this session (surface, how it went...). "
        "Send <code>none</code> to remove it, or /cancel."
    )


def ask_flip() -> str:
    return "Which part should I turn the other way?"


def duration_not_understood() -> str:
    return (
        "I couldn't read a time there. Try something like <code>3 min</code>, "
        "<code>90s</code> or <code>1:30</code>, or /cancel."
    )


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
