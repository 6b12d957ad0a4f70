"""Reminder schedules: parse what people type into /remind, and find the next reminder instant.

Pure: no clock (callers pass ``now``/``after_utc``), no I/O beyond zoneinfo's tz data.

Rules, in one place:

* ``parse_remind`` accepts the days and one time in any order. Days: ``mon``/``monday``/
  ``tues``/``thurs``/``mondays``…, ``daily``/``every day``/``everyday``, ``weekdays``
  (Mon–Fri), ``weekends`` (Sat, Sun), ranges ``mon-fri``; separated by spaces, commas,
  slashes or ``and``. Times: ``07:30``, ``7:30``, ``7.30``, ``7h30``, ``1830``, ``7``
  (= 07:00), ``7am``, ``7 am``, ``6:45pm``, ``12am`` (00:00), ``12pm`` (12:00), ``noon``,
  ``midnight``.
* A time alone (``/remind 18:00``) means "same days, new time": it parses to a ``RemindSpec``
  with **empty** ``days``. ``apply_remind`` merges it with the stored days (and answers
  ``no_days`` when there are none yet).
* ``off``/``stop``/``none``/``disable``/``cancel`` turn reminders off.
* DST: a reminder keeps its local wall time (07:30 stays 07:30 local; the UTC instant moves).
  A local time that does not exist that day (spring-forward gap, e.g. 02:30 in Europe/Berlin
  on 2026-03-29) fires at the first valid instant after the gap, i.e. the moment of the
  change (03:00 local). A local time that exists twice (autumn, e.g. 02:30 in Berlin on
  2026-10-25) fires once, at its first occurrence (``fold=0``, the summer-time one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ALL_DAYS: frozenset[int] = frozenset(range(7))
WORK_DAYS: frozenset[int] = frozenset(range(5))
WEEKEND_DAYS: frozenset[int] = frozenset({5, 6})


@dataclass(frozen=True)
class RemindSpec:
    """Days (0=Mon..6=Sun) and local time. Empty ``days`` = keep the stored days (time only)."""

    days: frozenset[int]
    at: time


@dataclass(frozen=True)
class RemindOff:
    """``/remind off``."""


RemindErrorCode = Literal["no_time", "bad_time", "bad_days", "no_days"]


@dataclass(frozen=True)
class RemindError:
    """Why /remind arguments were not understood; ``detail`` quotes the offending words."""

    code: RemindErrorCode
    detail: str


_OFF_WORDS = frozenset({"off", "stop", "none", "no", "disable", "disabled", "cancel", "never"})
_FILLER_WORDS = frozenset({"at", "on", "and", "every", "each", "@", "-", "&", "+", "o'clock"})

_DAY_WORDS: dict[str, frozenset[int]] = {}
for _i, _names in enumerate(
    (
        ("mo", "mon", "monday"),
        ("tu", "tue", "tues", "tuesday"),
        ("we", "wed", "weds", "wednesday"),
        ("th", "thu", "thur", "thurs", "thursday"),
        ("fr", "fri", "friday"),
        ("sa", "sat", "saturday"),
        ("su", "sun", "sunday"),
    )
):
    for _name in _names:
        _DAY_WORDS[_name] = frozenset({_i})
        if _name.endswith("day"):
            _DAY_WORDS[_name + "s"] = frozenset({_i})  # "mondays"
for _name in ("daily", "everyday", "all"):
    _DAY_WORDS[_name] = ALL_DAYS
for _name in ("weekdays", "weekday", "workdays", "workday"):
    _DAY_WORDS[_name] = WORK_DAYS
for _name in ("weekends", "weekend"):
    _DAY_WORDS[_name] = WEEKEND_DAYS

_SINGLE_DAY: dict[str, int] = {k: min(v) for k, v in _DAY_WORDS.items() if len(v) == 1}

_TIME_HM = re.compile(r"^(\d{1,2})(?:[:.h](\d{2}))?h?(am|pm)?$")
_TIME_HHMM = re.compile(r"^(\d{3,4})(am|pm)?$")


def _parse_time(token: str) -> time | None:
    """One time token (already lower-case, am/pm glued on) -> time, or None if invalid."""
    if token == "noon":
        return time(12, 0)
    if token == "midnight":
        return time(0, 0)
    hour: int
    minute: int
    suffix: str | None
    if m := _TIME_HM.match(token):
        hour, minute, suffix = int(m.group(1)), int(m.group(2) or 0), m.group(3)
    elif m := _TIME_HHMM.match(token):
        digits = m.group(1)
        hour, minute, suffix = int(digits[:-2]), int(digits[-2:]), m.group(2)
    else:
        return None
    if minute > 59:
        return None
    if suffix is not None:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    elif hour > 23:
        return None
    return time(hour, minute)


def _parse_day_token(token: str) -> frozenset[int] | None:
    if token in _DAY_WORDS:
        return _DAY_WORDS[token]
    if "-" in token:  # a range such as mon-fri (wraps: fri-mon = fri, sat, sun, mon)
        first, _, last = token.partition("-")
        if first in _SINGLE_DAY and last in _SINGLE_DAY:
            start, end = _SINGLE_DAY[first], _SINGLE_DAY[last]
            return frozenset((start + k) % 7 for k in range((end - start) % 7 + 1))
    return None


def parse_remind(args: str) -> RemindSpec | RemindOff | RemindError:
    """Parse ``/remind`` arguments. See the module docstring for the accepted forms."""
    text = " ".join(args.casefold().split())
    if not text:
        return RemindError("no_time", "")
    if text in _OFF_WORDS or text in {"turn off", "switch off"}:
        return RemindOff()
    text = text.replace("a.m.", "am").replace("p.m.", "pm")
    text = re.sub(r"\b(\d{1,2}(?:[:.h]\d{2})?)\s+(am|pm)\b", r"\1\2", text)
    text = re.sub(r"\b(every|each|all)\s+days?\b", "daily", text)
    text = re.sub(r"\s*-\s*", "-", text)  # "mon - fri" -> "mon-fri"
    tokens = [t for t in re.split(r"[\s,/;&+]+", text) if t and t not in _FILLER_WORDS]

    days: set[int] = set()
    times: list[time] = []
    bad_days: list[str] = []
    for token in tokens:
        if token[0].isdigit() or token in {"noon", "midnight"}:
            parsed = _parse_time(token)
            if parsed is None:
                return RemindError("bad_time", token)
            times.append(parsed)
            continue
        found = _parse_day_token(token.rstrip("."))
        if found is None:
            bad_days.append(token)
        else:
            days |= found
    if bad_days:
        return RemindError("bad_days", " ".join(bad_days))
    if not times:
        return RemindError("no_time", " ".join(tokens))
    if len(set(times)) > 1:
        return RemindError("bad_time", " ".join(t.strftime("%H:%M") for t in times))
    return RemindSpec(frozenset(days), times[0])


def apply_remind(spec: RemindSpec, current_days: frozenset[int]) -> RemindSpec | RemindError:
    """Resolve a time-only spec against the stored days; ``no_days`` when there are none."""
    if spec.days:
        return spec
    if not current_days:
        return RemindError("no_days", spec.at.strftime("%H:%M"))
    return RemindSpec(frozenset(current_days), spec.at)


def format_days(days: frozenset[int]) -> str:
    """``every day``, ``weekdays``, ``weekends`` or ``mon, wed, fri``."""
    if days == ALL_DAYS:
        return "every day"
    if days == WORK_DAYS:
        return "weekdays"
    if days == WEEKEND_DAYS:
        return "weekends"
    return ", ".join(WEEKDAYS[d] for d in sorted(days))


_OFFSET_NAME = re.compile(r"^UTC([+-])(\d{2}):(\d{2})$")


def zone(name: str) -> tzinfo:
    """An IANA name (zoneinfo), ``UTC``, or our fixed-offset form ``UTC+05:30``/``UTC-03:00``.

    Raises ValueError for anything else.
    """
    if name == "UTC":
        return UTC
    if m := _OFFSET_NAME.match(name):
        hours, minutes = int(m.group(2)), int(m.group(3))
        if minutes > 59:
            raise ValueError(f"bad UTC offset: {name!r}")
        total = timedelta(hours=hours, minutes=minutes) * (1 if m.group(1) == "+" else -1)
        if not timedelta(hours=-12) <= total <= timedelta(hours=14):
            raise ValueError(f"UTC offset out of range: {name!r}")
        return UTC if not total else timezone(total, name)
    if name in {"localtime", "posixrules", "Factory"}:  # files, not zones a user can mean
        raise ValueError(f"unknown time zone: {name!r}")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone: {name!r}") from exc


def _require_aware(instant: datetime) -> None:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("expected an aware datetime")


def local_date_of(instant_utc: datetime, tz: tzinfo) -> date:
    """The calendar date at ``instant_utc`` in ``tz``."""
    _require_aware(instant_utc)
    return instant_utc.astimezone(tz).date()


def local_instant(day: date, at: time, tz: tzinfo) -> datetime:
    """The UTC instant of wall time ``at`` on ``day`` in ``tz``, following the DST rules above."""
    wall = datetime.combine(day, at.replace(tzinfo=None))
    first = wall.replace(tzinfo=tz, fold=0).astimezone(UTC)
    if first.astimezone(tz).replace(tzinfo=None) == wall:
        return first  # exists (once, or twice and this is the first occurrence)
    # In a gap: the transition lies between the two readings; find its first second.
    other = wall.replace(tzinfo=tz, fold=1).astimezone(UTC)
    lo, hi = sorted((first, other))
    lo_s, hi_s = int(lo.timestamp()), int(hi.timestamp()) + 1
    while lo_s < hi_s:  # smallest second whose local wall time is past `wall`
        mid = (lo_s + hi_s) // 2
        if datetime.fromtimestamp(mid, UTC).astimezone(tz).replace(tzinfo=None) > wall:
            hi_s = mid
        else:
            lo_s = mid + 1
    return datetime.fromtimestamp(lo_s, UTC)


def next_occurrence(after_utc: datetime, days: frozenset[int], at: time, tz: tzinfo) -> datetime:
    """The first training-day reminder strictly after ``after_utc``, as an aware UTC datetime.

    ``days``: 0=Mon..6=Sun, non-empty; ``at``: local wall time in ``tz``.
    """
    _require_aware(after_utc)
    if not days or not days <= ALL_DAYS:
        raise ValueError("days must be a non-empty subset of 0..6")
    start = after_utc.astimezone(tz).date()
    for offset in range(-1, 9):
        day = start + timedelta(days=offset)
        if day.weekday() in days:
            candidate = local_instant(day, at, tz)
            if candidate > after_utc:
                return candidate
    raise AssertionError("unreachable: a training day occurs within any 8 days")


def same_clock(a: str, b: str, year: int) -> bool:
    """Two zone names that show the same local time all year ("UTC" and "Etc/GMT"), so a
    choice between them would be no choice. Unknown names are never the same."""
    try:
        za, zb = zone(a), zone(b)
    except ValueError:
        return False
    samples = [datetime(year, month, 15, 12, tzinfo=UTC) for month in range(1, 13)]
    return all(s.astimezone(za).utcoffset() == s.astimezone(zb).utcoffset() for s in samples)
