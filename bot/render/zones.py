"""Time zones: the replies to /timezone and a shared location, the choice between several
places and their buttons, and the share-my-location keyboard."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo

from telegram import InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup, ReplyKeyboardRemove

from bot.actions import OfZone, PickZone, Zone
from bot.coach.timezones import ZoneChoices, ZoneOption
from bot.render import e, keyboard
from bot.render.moments import local_clock_day

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


def choice_keyboard(options: Sequence[ZoneOption], step: bool = False) -> InlineKeyboardMarkup:
    """One button a row: a /timezone answer, or (``step``) onboarding's or /settings' zone
    step, whose buttons answer that step."""
    made: type[OfZone] = PickZone if step else Zone
    return keyboard([[(option_label(o), made(o.zone).data())] for o in options])


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


def timezone_set(name: str, now: datetime, tz: tzinfo, place: str = "", note: str = "") -> str:
    """``place``: where the zone was found (``London, England, …``); ``note``: a line after."""
    where = f" ({e(place)})" if place else ""
    text = f"🌍 Time zone set to <b>{e(name)}</b>{where}. It's {local_clock_day(now, tz)} there."
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


def location_unknown() -> str:
    """A shared location where no zone is known (at sea, say)."""
    return timezone_unknown("that location", [])


def timezone_usage(current: str) -> str:
    return (
        f"Your time zone is <b>{e(current)}</b>.\n"
        "Change it with a city, a zone name or an offset: <code>/timezone new york</code>, "
        "<code>/timezone Europe/Berlin</code>, <code>/timezone +5:30</code>. "
        "Or share your location (📎 → Location)."
    )


def location_keyboard() -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        [[KeyboardButton("📍 Share my location", request_location=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


def remove_reply_keyboard() -> ReplyKeyboardRemove:
    """Takes the share-my-location keyboard away once the zone is set."""
    return ReplyKeyboardRemove()
