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
    """What a button carries. A subclass names its action (``class Undo(Payload,
    action=Action.UNDO)``) and declares typed fields (int, str, date; a trailing
    ``str | None = None`` may be left off); it becomes a frozen dataclass."""

    ACTION: ClassVar[Action]
    __dataclass_fields__: ClassVar[dict[str, Any]]

    def __init_subclass__(cls, action: Action, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if action in _SHAPES:
            raise ValueError(f"{action!r} already has a payload")
        cls.ACTION = action
        _SHAPES[action] = dataclass(frozen=True)(cls)

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
class Undo(Payload, action=Action.UNDO):
    workout_id: int


class EditMenu(Payload, action=Action.EDIT_MENU):
    workout_id: int


class EditAmount(Payload, action=Action.EDIT_AMOUNT):
    workout_id: int


class EditFeeling(Payload, action=Action.EDIT_FEELING):
    workout_id: int


class EditDay(Payload, action=Action.EDIT_DAY):
    workout_id: int


class EditNote(Payload, action=Action.EDIT_NOTE):
    workout_id: int


class EditDirection(Payload, action=Action.EDIT_DIRECTION):
    workout_id: int


class SetAmount(Payload, action=Action.SET_AMOUNT):
    workout_id: int
    seconds: int


class SetFeeling(Payload, action=Action.SET_FEELING):
    workout_id: int
    feeling: str


class SetDay(Payload, action=Action.SET_DAY):
    workout_id: int
    days_back: int


class FlipPart(Payload, action=Action.FLIP_PART):
    workout_id: int
    index: int


# --- guided /log and offers ------------------------------------------------------------------
class GuidedAmount(Payload, action=Action.GUIDED_AMOUNT):
    seconds: int


class GuidedFeeling(Payload, action=Action.GUIDED_FEELING):
    feeling: str  # a Feeling value or "skip"


class GuidedNote(Payload, action=Action.GUIDED_NOTE):
    value: str  # "skip"


class Answer(Payload, action=Action.ANSWER):
    """One answer to the question asked about a pending session; the nonce ties it to that
    session, so a press on an older question is refused."""

    nonce: str
    value: str


class OfferAccept(Payload, action=Action.OFFER_ACCEPT):
    nonce: str


class OfferDecline(Payload, action=Action.OFFER_DECLINE):
    nonce: str


# --- reminders and zones ---------------------------------------------------------------------
class ReminderDone(Payload, action=Action.REMINDER_DONE):
    day: date


class ReminderSnooze(Payload, action=Action.REMINDER_SNOOZE):
    day: date


class ReminderSkip(Payload, action=Action.REMINDER_SKIP):
    day: date


class Zone(Payload, action=Action.ZONE):
    zone: str


# --- onboarding and /settings ----------------------------------------------------------------
class PickTrack(Payload, action=Action.PICK_TRACK):
    track: str


class PickDays(Payload, action=Action.PICK_DAYS):
    days: str  # weekday digits, Monday 0


class PickTime(Payload, action=Action.PICK_TIME):
    time: str  # "0700", or "off"


class PickZone(Payload, action=Action.PICK_ZONE):
    zone: str


class SkipStep(Payload, action=Action.SKIP_STEP):
    pass


class OpenSetting(Payload, action=Action.OPEN_SETTING):
    field: str


class TogglePause(Payload, action=Action.TOGGLE_PAUSE):
    pass


# --- tips, plan, guide, privacy --------------------------------------------------------------
class Tip(Payload, action=Action.TIP):
    tip_id: str


class PainBetter(Payload, action=Action.PAIN_BETTER):
    pass


class PainStill(Payload, action=Action.PAIN_STILL):
    pass


class FinishChoice(Payload, action=Action.FINISH_CHOICE):
    choice: str


class NewTrack(Payload, action=Action.NEW_TRACK):
    track: str


class Guide(Payload, action=Action.GUIDE):
    anyway: str | None = None  # present: play it even on a rest day or while held


class DeleteYes(Payload, action=Action.DELETE_YES):
    token: str


class DeleteNo(Payload, action=Action.DELETE_NO):
    token: str
