"""Button actions: one enum member and one typed payload class each, parsed strictly so forged
or outdated data is just refused.

The wire format is ``v1:<code>:<field>:<field>...`` (at most 64 bytes, Telegram's limit). The
codes are short because of that limit and stay as they were, so buttons already sitting in
people's chats keep working after an upgrade; code reads the enum names instead.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any, ClassVar, dataclass_transform, get_type_hints

VERSION = "v1"
MAX_BYTES = 64
DAY_FORMAT = "%Y%m%d"


class Action(StrEnum):
    # a logged session
    UNDO = "un"
    EDIT_MENU = "ed"
    EDIT_AMOUNT = "eD"
    EDIT_FEELING = "eF"
    EDIT_DAY = "eY"
    EDIT_NOTE = "eN"
    EDIT_DIRECTION = "eP"
    SET_AMOUNT = "es"
    SET_FEELING = "ef"
    SET_DAY = "ey"
    FLIP_PART = "ep"
    # guided /log and sessions offered from plain text
    GUIDED_AMOUNT = "gd"
    GUIDED_FEELING = "gf"
    GUIDED_NOTE = "gn"
    ANSWER = "aq"
    OFFER_ACCEPT = "ol"
    OFFER_DECLINE = "on"
    # reminders and zones
    REMINDER_DONE = "rd"
    REMINDER_SNOOZE = "rz"
    REMINDER_SKIP = "rs"
    ZONE = "tz"
    # onboarding and /settings
    PICK_TRACK = "ot"
    PICK_DAYS = "od"
    PICK_TIME = "om"
    PICK_ZONE = "oz"
    SKIP_STEP = "os"
    OPEN_SETTING = "se"
    TOGGLE_PAUSE = "sp"
    # tips, plan, guide, privacy
    TIP = "tp"
    PAIN_BETTER = "pb"
    PAIN_STILL = "ps"
    FINISH_CHOICE = "pf"
    NEW_TRACK = "pt"
    GUIDE = "ag"
    DELETE_YES = "dy"
    DELETE_NO = "dn"


_SHAPES: dict[Action, type[Payload]] = {}


@dataclass_transform(frozen_default=True)
class Payload:
    """What a button carries. A subclass names its action (``class Undo(OfWorkout,
    action=Action.UNDO)``) and declares typed fields (int, str, date; a trailing
    ``str | None = None`` may be left off); it becomes a frozen dataclass. A subclass
    without an action is a base that only declares the fields its subclasses share."""

    ACTION: ClassVar[Action]
    __dataclass_fields__: ClassVar[dict[str, Any]]

    def __init_subclass__(cls, action: Action | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        dataclass(frozen=True)(cls)
        if action is None:
            return
        if action in _SHAPES:
            raise ValueError(f"{action!r} already has a payload")
        cls.ACTION = action
        _SHAPES[action] = cls

    def data(self) -> str:
        values = [getattr(self, f.name) for f in dataclasses.fields(self)]
        return encode(self.ACTION, *(v for v in values if v is not None))


def encode(action: Action, *args: object) -> str:
    parts = [VERSION, action.value]
    for arg in args:
        parts.append(arg.strftime(DAY_FORMAT) if isinstance(arg, date) else str(arg))
    data = ":".join(parts)
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data


def parse(data: str | None) -> Payload | None:
    """None for anything we did not make: other versions, unknown actions, wrong fields."""
    if not data or len(data.encode()) > MAX_BYTES:
        return None
    version, _, rest = data.partition(":")
    code, _, tail = rest.partition(":")
    if version != VERSION or not code.isalpha():
        return None
    try:
        shape = _SHAPES[Action(code)]
    except ValueError:
        return None
    args = tail.split(":") if tail else []
    converters = _converters(shape)
    required = sum(1 for _, _, optional in converters if not optional)
    if not required <= len(args) <= len(converters):
        return None
    values: dict[str, Any] = {}
    for (name, convert, _), raw in zip(converters, args, strict=False):
        value = convert(raw)
        if value is None:
            return None
        values[name] = value
    return shape(**values)


Converter = Callable[[str], Any]


_FIELDS: dict[type[Payload], tuple[tuple[str, Converter, bool], ...]] = {}


def _converters(shape: type[Payload]) -> tuple[tuple[str, Converter, bool], ...]:
    """(name, converter, optional) per field, worked out once per payload class."""
    if shape in _FIELDS:
        return _FIELDS[shape]
    hints = get_type_hints(shape)
    out = []
    for f in dataclasses.fields(shape):
        kind = hints[f.name]
        optional = f.default is None
        convert = {int: _int, date: _day}.get(kind, _text)
        out.append((f.name, convert, optional))
    _FIELDS[shape] = tuple(out)
    return _FIELDS[shape]


def _int(raw: str) -> int | None:
    return int(raw) if raw.isdigit() and len(raw) <= 12 else None


def _day(raw: str) -> date | None:
    try:
        return datetime.strptime(raw, DAY_FORMAT).date()
    except ValueError:
        return None


def _text(raw: str) -> str | None:
    return raw


# --- a logged session ------------------------------------------------------------------------
class OfWorkout(Payload):
    """A button under a logged session: it acts on that session (if it is still the user's)."""

    workout_id: int


class Undo(OfWorkout, action=Action.UNDO):
    """Delete the session."""


class EditMenu(OfWorkout, action=Action.EDIT_MENU):
    """Show what can be changed."""


class EditAmount(OfWorkout, action=Action.EDIT_AMOUNT):
    """Ask for the right time."""


class EditFeeling(OfWorkout, action=Action.EDIT_FEELING):
    """Ask how it felt."""


class EditDay(OfWorkout, action=Action.EDIT_DAY):
    """Ask which day it was."""


class EditNote(OfWorkout, action=Action.EDIT_NOTE):
    """Ask for a new note."""


class EditDirection(OfWorkout, action=Action.EDIT_DIRECTION):
    """Ask which part went the other way."""


class SetAmount(OfWorkout, action=Action.SET_AMOUNT):
    """Set the backward time to a pressed preset."""

    seconds: int


class SetFeeling(OfWorkout, action=Action.SET_FEELING):
    """Set the feeling."""

    feeling: str  # a Feeling value


class SetDay(OfWorkout, action=Action.SET_DAY):
    """Move the session to that many days back."""

    days_back: int


class FlipPart(OfWorkout, action=Action.FLIP_PART):
    """Turn one part's direction around (backward and forward)."""

    index: int


# --- guided /log and offers ------------------------------------------------------------------
class GuidedAmount(Payload, action=Action.GUIDED_AMOUNT):
    """The guided log's time, from a preset."""

    seconds: int


class GuidedFeeling(Payload, action=Action.GUIDED_FEELING):
    """The guided log's feeling, or a skip."""

    feeling: str  # a Feeling value or "skip"


class GuidedNote(Payload, action=Action.GUIDED_NOTE):
    """The guided log's note step: only a skip is pressed (a note is typed)."""

    value: str  # "skip"


class Answer(Payload, action=Action.ANSWER):
    """One answer to the question asked about a pending session; the nonce ties it to that
    session, so a press on an older question is refused."""

    nonce: str
    value: str


class OfOffer(Payload):
    """A button under an offer to log a session read from plain text; the nonce ties it to
    that offer."""

    nonce: str


class OfferAccept(OfOffer, action=Action.OFFER_ACCEPT):
    """Log it."""


class OfferDecline(OfOffer, action=Action.OFFER_DECLINE):
    """Don't log it."""


# --- reminders and zones ---------------------------------------------------------------------
class OfReminder(Payload):
    """A button under a training-day reminder; it works on that day only."""

    day: date


class ReminderDone(OfReminder, action=Action.REMINDER_DONE):
    """Log today's session as planned."""


class ReminderSnooze(OfReminder, action=Action.REMINDER_SNOOZE):
    """Remind again in an hour."""


class ReminderSkip(OfReminder, action=Action.REMINDER_SKIP):
    """Skip today."""


class OfZone(Payload):
    """A time zone offered as a button (render/zones.py): /timezone's sets it, the zone step's
    answers that step."""

    zone: str


class Zone(OfZone, action=Action.ZONE):
    """Set the time zone (a choice offered by /timezone)."""


# --- onboarding and /settings ----------------------------------------------------------------
class PickTrack(Payload, action=Action.PICK_TRACK):
    """Onboarding or /settings: follow this track."""

    track: str


class PickDays(Payload, action=Action.PICK_DAYS):
    """Onboarding or /settings: train on these weekdays."""

    days: str  # weekday digits, Monday 0


class PickTime(Payload, action=Action.PICK_TIME):
    """Onboarding or /settings: remind at this time, or not at all."""

    time: str  # "0700", or "off"


class PickZone(OfZone, action=Action.PICK_ZONE):
    """Onboarding or /settings: this time zone."""


class SkipStep(Payload, action=Action.SKIP_STEP):
    """Onboarding or /settings: keep what is set and go on."""


class OpenSetting(Payload, action=Action.OPEN_SETTING):
    """/settings: ask that one step again."""

    field: str


class TogglePause(Payload, action=Action.TOGGLE_PAUSE):
    """/settings: pause reminders, or resume them."""


# --- tips, plan, guide, privacy --------------------------------------------------------------
class Tip(Payload, action=Action.TIP):
    """Show a tip, or every topic."""

    tip_id: str


class PainBetter(Payload, action=Action.PAIN_BETTER):
    """The pain flagged earlier is better."""


class PainStill(Payload, action=Action.PAIN_STILL):
    """The pain flagged earlier still hurts."""


class FinishChoice(Payload, action=Action.FINISH_CHOICE):
    """Once the plan is finished: what comes next."""

    choice: str


class NewTrack(Payload, action=Action.NEW_TRACK):
    """Once the plan is finished: start this track."""

    track: str


class Guide(Payload, action=Action.GUIDE):
    """Play today's guided session."""

    anyway: str | None = None  # present: play it even on a rest day or while held


class OfDeletion(Payload):
    """A button under /delete's question; the token ties it to that question."""

    token: str


class DeleteYes(OfDeletion, action=Action.DELETE_YES):
    """Delete everything."""


class DeleteNo(OfDeletion, action=Action.DELETE_NO):
    """Keep everything."""
