"""Time-zone answers that name places: the choice between several, and their buttons."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardMarkup

from bot.actions import cb
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


def _ask(place: str) -> str:
    """What to type for a place: ``"Victoria, Mimaropa, Philippines"`` -> ``victoria,
    philippines``."""
    parts = place.split(", ")
    return f"{parts[0]}, {parts[-1]}".casefold() if len(parts) > 1 else place.casefold()


def choices(text: str, found: ZoneChoices, command: bool = True) -> str:
    """``command``: the words came with /timezone (else typed in onboarding's zone step)."""
    said = e(text[:60])
    first = found.options[0].place
    head = e(first.split(",", 1)[0] if first else text[:60])
    if len({o.place for o in found.options}) == 1:  # one country or region, several zones
        lines = [f"{e(first)} has more than one time zone. Which is yours?"]
    elif found.ignored:
        lines = [
            f"I don't know a {head} in “{e(found.ignored[:40])}”. "
            f"These are the places called {head} I know. Is yours one of them?"
        ]
    else:
        lines = [f"There's more than one “{said}”. Which one is yours?"]
        if found.more:
            example = ("/timezone " if command else "") + e(_ask(found.options[-1].place))
            lines.append(f"Not listed? Add the region or country, like <code>{example}</code>.")
    lines.append("Or send your city, or share your location (📎 → Location).")
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
