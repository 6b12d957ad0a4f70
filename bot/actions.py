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
from typing import Any, ClassVar, TypeVar, get_type_hints

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


@dataclass(frozen=True)
class Payload:
    """What a button carries. Subclasses name their ACTION and declare typed fields (int, str,
    date; a trailing ``str | None = None`` may be left off)."""

    ACTION: ClassVar[Action]

    def data(self) -> str:
        values = [getattr(self, f.name) for f in dataclasses.fields(self)]
        return encode(self.ACTION, *(v for v in values if v is not None))


_SHAPES: dict[Action, type[Payload]] = {}
P = TypeVar("P", bound=type[Payload])


def payload(action: Action) -> Callable[[P], P]:
    """Bind a payload class to its action (one each)."""

    def bind(cls: P) -> P:
        if action in _SHAPES:
            raise ValueError(f"{action!r} already has a payload")
        cls.ACTION = action
        _SHAPES[action] = cls
        return cls

    return bind


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
@payload(Action.UNDO)
@dataclass(frozen=True)
class Undo(Payload):
    workout_id: int


@payload(Action.EDIT_MENU)
@dataclass(frozen=True)
class EditMenu(Payload):
    workout_id: int


@payload(Action.EDIT_AMOUNT)
@dataclass(frozen=True)
class EditAmount(Payload):
    workout_id: int


@payload(Action.EDIT_FEELING)
@dataclass(frozen=True)
class EditFeeling(Payload):
    workout_id: int


@payload(Action.EDIT_DAY)
@dataclass(frozen=True)
class EditDay(Payload):
    workout_id: int


@payload(Action.EDIT_NOTE)
@dataclass(frozen=True)
class EditNote(Payload):
    workout_id: int


@payload(Action.EDIT_DIRECTION)
@dataclass(frozen=True)
class EditDirection(Payload):
    workout_id: int


@payload(Action.SET_AMOUNT)
@dataclass(frozen=True)
class SetAmount(Payload):
    workout_id: int
    seconds: int


@payload(Action.SET_FEELING)
@dataclass(frozen=True)
class SetFeeling(Payload):
    workout_id: int
    feeling: str


@payload(Action.SET_DAY)
@dataclass(frozen=True)
class SetDay(Payload):
    workout_id: int
    days_back: int


@payload(Action.FLIP_PART)
@dataclass(frozen=True)
class FlipPart(Payload):
    workout_id: int
    index: int


# --- guided /log and offers ------------------------------------------------------------------
@payload(Action.GUIDED_AMOUNT)
@dataclass(frozen=True)
class GuidedAmount(Payload):
    seconds: int


@payload(Action.GUIDED_FEELING)
@dataclass(frozen=True)
class GuidedFeeling(Payload):
    feeling: str  # a Feeling value or "skip"


@payload(Action.GUIDED_NOTE)
@dataclass(frozen=True)
class GuidedNote(Payload):
    value: str  # "skip"


@payload(Action.ANSWER)
@dataclass(frozen=True)
class Answer(Payload):
    """One answer to the question asked about a pending session; the nonce ties it to that
    session, so a press on an older question is refused."""

    nonce: str
    value: str


@payload(Action.OFFER_ACCEPT)
@dataclass(frozen=True)
class OfferAccept(Payload):
    nonce: str


@payload(Action.OFFER_DECLINE)
@dataclass(frozen=True)
class OfferDecline(Payload):
    nonce: str


# --- reminders and zones ---------------------------------------------------------------------
@payload(Action.REMINDER_DONE)
@dataclass(frozen=True)
class ReminderDone(Payload):
    day: date


@payload(Action.REMINDER_SNOOZE)
@dataclass(frozen=True)
class ReminderSnooze(Payload):
    day: date


@payload(Action.REMINDER_SKIP)
@dataclass(frozen=True)
class ReminderSkip(Payload):
    day: date


@payload(Action.ZONE)
@dataclass(frozen=True)
class Zone(Payload):
    zone: str


# --- onboarding and /settings ----------------------------------------------------------------
@payload(Action.PICK_TRACK)
@dataclass(frozen=True)
class PickTrack(Payload):
    track: str


@payload(Action.PICK_DAYS)
@dataclass(frozen=True)
class PickDays(Payload):
    days: str  # weekday digits, Monday 0


@payload(Action.PICK_TIME)
@dataclass(frozen=True)
class PickTime(Payload):
    time: str  # "0700", or "off"


@payload(Action.PICK_ZONE)
@dataclass(frozen=True)
class PickZone(Payload):
    zone: str


@payload(Action.SKIP_STEP)
@dataclass(frozen=True)
class SkipStep(Payload):
    pass


@payload(Action.OPEN_SETTING)
@dataclass(frozen=True)
class OpenSetting(Payload):
    field: str


@payload(Action.TOGGLE_PAUSE)
@dataclass(frozen=True)
class TogglePause(Payload):
    pass


# --- tips, plan, guide, privacy --------------------------------------------------------------
@payload(Action.TIP)
@dataclass(frozen=True)
class Tip(Payload):
    tip_id: str


@payload(Action.PAIN_BETTER)
@dataclass(frozen=True)
class PainBetter(Payload):
    pass


@payload(Action.PAIN_STILL)
@dataclass(frozen=True)
class PainStill(Payload):
    pass


@payload(Action.FINISH_CHOICE)
@dataclass(frozen=True)
class FinishChoice(Payload):
    choice: str


@payload(Action.NEW_TRACK)
@dataclass(frozen=True)
class NewTrack(Payload):
    track: str


@payload(Action.GUIDE)
@dataclass(frozen=True)
class Guide(Payload):
    anyway: str | None = None  # present: play it even on a rest day or while held


@payload(Action.DELETE_YES)
@dataclass(frozen=True)
class DeleteYes(Payload):
    token: str


@payload(Action.DELETE_NO)
@dataclass(frozen=True)
class DeleteNo(Payload):
    token: str


# --- the old helpers, until every handler takes a payload ------------------------------------
@dataclass(frozen=True)
class Press:
    action: str
    args: tuple[str, ...]

    def int_arg(self, i: int) -> int | None:
        """Argument i as a positive int, or None when absent or not a number."""
        if i >= len(self.args) or not self.args[i].isdigit() or len(self.args[i]) > 12:
            return None
        return int(self.args[i])


def cb(action: str, *args: object) -> str:
    return encode(Action(action), *args)


def parse_press(data: str | None) -> Press | None:
    if not data or len(data.encode()) > MAX_BYTES:
        return None
    parts = data.split(":")
    if len(parts) < 2 or parts[0] != VERSION or not parts[1].isalpha():
        return None
    return Press(parts[1], tuple(parts[2:]))
