"""Time-zone answers that name places: the choice between several, and their buttons."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardMarkup

from bot.callbacks import cb
from bot.coach.timezones import ZoneChoices, ZoneOption
from bot.render import e, keyboard

MAX_LABEL = 60  # Telegram shows about this much of a button on a phone


def option_label(option: ZoneOption) -> str:
    """``"Portland, Maine, United States · America/New_York"``; the zone alone for a bare one."""
    if not option.place:
        return option.zone
    place = option.place
    room = MAX_LABEL - len(option.zone) - 3
    if len(place) > room:
        place = place[: max(room - 1, 10)].rstrip(", ") + "…"
    return f"{place} · {option.zone}"


def choice_keyboard(options: Sequence[ZoneOption], action: str) -> InlineKeyboardMarkup:
    """One button a row; ``action`` is the callback the handler answers (``tz`` or ``oz``)."""
    return keyboard([[(option_label(o), cb(action, o.zone))] for o in options])


def choices(text: str, found: ZoneChoices) -> str:
    said = e(text[:60])
    head = found.options[0].place.split(",", 1)[0] if found.options[0].place else text
    if found.ignored:
        lines = [
            f"I don't know a {e(head)} in “{e(found.ignored[:40])}”. "
            f"These are the places I know as “{said}”. Which is yours?"
        ]
    else:
        lines = [f"There's more than one “{said}”. Which one is yours?"]
    if found.more:
        lines.append(
            "Not listed? Add the region or country, like <code>/timezone paris, texas</code>."
        )
    lines.append("Or share your location (📎 → Location).")
    return "\n".join(lines)


def other_place(place: str, other: ZoneOption) -> str:
    """The line under a direct answer when the name is also a place in another zone."""
    if other.place == place:  # "texas": most of it, not El Paso
        return (
            f"Part of {e(place)} keeps other time ({e(other.zone)}): "
            "if you live there, send your city."
        )
    ask = ", ".join(other.place.split(", ")[:2]).casefold()
    return f"Meant {e(other.place)}? Send <code>/timezone {e(ask)}</code>."
