"""Messages and keyboards for /start onboarding and /settings."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo

from telegram import InlineKeyboardMarkup

from bot.actions import OpenSetting, PickDays, PickTime, PickTrack, PickZone, SkipStep, TogglePause
from bot.coach.pause import Paused
from bot.coach.types import WeekTarget
from bot.render import e, keyboard, target_range
from bot.render.reminders import pause_end

# (label, weekday digits with Monday 0): the day sets offered as buttons
DAY_PRESETS = (
    ("Mon · Wed · Fri", "024"),
    ("Tue · Thu · Sat", "135"),
    ("Mon · Thu", "03"),
    ("Weekends", "56"),
    ("Every day", "0123456"),
)
# (label, HHMM): the reminder times offered as buttons
TIME_PRESETS = (("07:00", "0700"), ("12:00", "1200"), ("18:00", "1800"), ("20:00", "2000"))
TIME_VALUES = frozenset(v for _, v in TIME_PRESETS)
NO_REMINDERS_VALUE = "off"


def welcome(first_name: str, first_question: str) -> str:
    name = e(first_name) if first_name else "there"
    return (
        f"Hi {name}! I'm your backward-running coach: an 8-week plan, reminders on your "
        "training days, and tips when you need them.\n\n"
        "Four quick questions, each one skippable.\n\n"
    ) + first_question


def ask_days() -> str:
    return "Which days will you train? Tap a set, or type days like <code>tue thu sat</code>."


def ask_time() -> str:
    return (
        "What time should I remind you on those days? Tap one or type it "
        "(like <code>07:30</code> or <code>6:45pm</code>)."
    )


def ask_zone(current: str) -> str:
    return (
        f"Last one: your time zone, so reminders come at your local time. It's "
        f"<b>{e(current)}</b> now. Type a city (<code>berlin</code>), a zone "
        "(<code>Europe/Berlin</code>) or an offset (<code>+5:30</code>), or share your location."
    )


def not_understood_days() -> str:
    return "I couldn't read those days. Tap a set, or type e.g. <code>mon wed fri</code>."


def not_understood_time() -> str:
    return (
        "I couldn't read that time. Try <code>07:30</code>, <code>18:00</code> or <code>7pm</code>."
    )


def zone_suggestions(text: str) -> str:
    return f"I don't know “{e(text[:60])}”. Did you mean one of these? Or type another city."


def ready(track_title: str, days: str, at: str | None, zone: str, week1: WeekTarget) -> str:
    when = f"{e(days)} at {e(at)} ({e(zone)})" if at else f"{e(days)}, no reminders"
    return (
        f"✅ All set: <b>{e(track_title)}</b>, {when}.\n\n"
        f"<b>Week 1 · {e(week1.phase)}</b>: {e(week1.workout)} "
        f"({target_range(week1)} backward, {week1.sessions}× this week).\n\n"
        "<b>Safety first</b>\n"
        "• Flat, clear ground with no traffic, crowds or curbs; daylight; no headphones.\n"
        "• Look back over alternating shoulders every few steps.\n"
        "• Land on the balls of your feet and keep it slow: a pace you could talk at.\n"
        "• Sharp or joint pain, swelling, dizziness or chest pain: stop and get it checked.\n"
        "Calf and thigh soreness in the first weeks is normal.\n\n"
        "Log a session any time: <code>/log 2 min felt good</code>. /help lists everything."
    )


def settings(
    track_title: str,
    days: str,
    at: str,
    reminders_on: bool,
    zone: str,
    pause: Paused | None,
    tz: tzinfo,
) -> str:
    """The overview; a pause's end is the day /remind names too, in the user's zone."""
    reminder = f"{e(at)}" if reminders_on else "off"
    state = "on" if reminders_on else "off"
    if pause is not None:
        state = f"paused until {e(pause_end(pause, tz))}"
    lines = [
        "⚙️ <b>Your settings</b>",
        f"Plan: {e(track_title)}",
        f"Training days: {e(days)}",
        f"Reminder time: {reminder}",
        f"Time zone: {e(zone)}",
        f"Reminders: {state}",
        "",
        "Tap what you'd like to change.",
    ]
    return "\n".join(lines)


def ask_track(tracks: Sequence[tuple[str, str]]) -> str:
    """The question once, then each track's button label with its one-line summary."""
    lines = [f"• <b>{e(button)}</b>: {e(summary)}" for button, summary in tracks]
    return "<b>Which plan suits you?</b>\n" + "\n".join(lines)


SKIP = "Skip"  # the label of every step's skip button
NO_REMINDERS = "No reminders"


def answered(question_html: str, label: str) -> str:
    """A question whose button was pressed keeps its text and shows the answer under it."""
    shown = "Skipped" if label == SKIP else label
    return f"{question_html}\n\n👉 <i>{e(shown)}</i>"


def keep_zone(current: str) -> str:
    return f"Keep {current}"


def skip_label(zone_step: bool, current_zone: str) -> str:
    """What a skip answers: the zone step's skip keeps the zone."""
    return keep_zone(current_zone) if zone_step else SKIP


def days_label(digits: str) -> str:
    return dict((d, label) for label, d in DAY_PRESETS).get(digits, digits)


def time_label(value: str) -> str:
    labels = {NO_REMINDERS_VALUE: NO_REMINDERS} | dict((v, label) for label, v in TIME_PRESETS)
    return labels.get(value, value)


# --- the steps' keyboards --------------------------------------------------------------------
def _skip_row() -> list[tuple[str, str]]:
    return [(SKIP, SkipStep().data())]


def track_keyboard(tracks: Sequence[tuple[str, str]]) -> InlineKeyboardMarkup:
    """(track id, button label) each, one a row, then Skip."""
    rows = [[(label, PickTrack(track_id).data())] for track_id, label in tracks]
    return keyboard([*rows, _skip_row()])


def days_keyboard() -> InlineKeyboardMarkup:
    rows = [[(label, PickDays(digits).data())] for label, digits in DAY_PRESETS]
    return keyboard([*rows, _skip_row()])


def time_keyboard() -> InlineKeyboardMarkup:
    row = [(label, PickTime(value).data()) for label, value in TIME_PRESETS]
    off = [(NO_REMINDERS, PickTime(NO_REMINDERS_VALUE).data())]
    return keyboard([row, off, _skip_row()])


def zone_keyboard(current: str, offer_utc: bool) -> InlineKeyboardMarkup:
    """Keep the zone (the step's skip), or UTC when that keeps other time."""
    rows = [[(keep_zone(current), SkipStep().data())]]
    if offer_utc:
        rows.append([("UTC", PickZone("UTC").data())])
    return keyboard(rows)


def settings_keyboard(paused: bool) -> InlineKeyboardMarkup:
    return keyboard(
        [
            [("🏃 Plan", OpenSetting("track").data()), ("📅 Days", OpenSetting("days").data())],
            [("⏰ Time", OpenSetting("time").data()), ("🌍 Time zone", OpenSetting("zone").data())],
            [("▶️ Resume reminders" if paused else "⏸ Pause reminders", TogglePause().data())],
        ]
    )
