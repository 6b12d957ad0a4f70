"""Which local day a logged session happened on, from words like "yesterday" or "on sunday".

Pure: the caller passes the user's local today. A day in the future or further back than
MAX_DAYS_BACK is not guessed: the reading says so and the coach asks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

MAX_DAYS_BACK = 14
_FLAGS = re.VERBOSE | re.ASCII
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY_SHORT = {
    "mon": 0,
    "tue": 1,
    "tues": 1,
    "wed": 2,
    "weds": 2,
    "thu": 3,
    "thur": 3,
    "thurs": 3,
    "fri": 4,
    "sat": 5,
    "sun": 6,
}
_WEEKDAY = (
    r"(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    r"|(?<=on\s)(?:mon|tues?|weds?|thu(?:rs?)?|fri|sat|sun)\b)"
)
_DAY = re.compile(
    rf"""
    \b(?:
        (?P<future> tomorrow | tmrw | tmr | tonight\s+i\s+will | later\s+today | next\s+week
                  | in\s+(?P<in_n>[0-9]{{1,3}})\s+days? | next\s+{_WEEKDAY.replace("wd", "nwd")} )
      | (?P<d2> (?:the\s+)?day\s+before\s+yesterday )
      | (?P<d1> yesterday | yday | yest | last\s+night )
      | (?P<d0> today | this\s+(?:morning|afternoon|evening|lunchtime) | tonight | earlier
              | just\s+now )
      | (?P<ago_n> [0-9]{{1,3}}) \s* (?P<ago_u> days? | weeks? | months?) \s+ ago
      | (?P<a_week> a\s+week\s+ago | last\s+week | a\s+fortnight\s+ago | last\s+month )
      | (?P<last>last\s+)? {_WEEKDAY} (?:'?s)?
    )\b
    """,
    _FLAGS,
)


@dataclass(frozen=True)
class Day:
    """days_ago when known; unclear=True when the words name a day the coach must ask about."""

    days_ago: int = 0
    unclear: bool = False


def _weekday_index(word: str) -> int:
    return _WEEKDAYS.index(word) if word in _WEEKDAYS else _WEEKDAY_SHORT[word]


def read_day(text: str, today: date | None) -> Day:
    """The first day phrase in normalised text; no phrase means today."""
    match = _DAY.search(text)
    if match is None:
        return Day()
    if match["future"]:
        return Day(unclear=True)
    if match["d2"]:
        return Day(2)
    if match["d1"]:
        return Day(1)
    if match["d0"]:
        return Day(0)
    if match["ago_n"]:
        n = int(match["ago_n"])
        unit = match["ago_u"]
        days = n if unit.startswith("day") else n * 7 if unit.startswith("week") else n * 30
        return Day(days) if 0 <= days <= MAX_DAYS_BACK else Day(unclear=True)
    if match["a_week"]:
        phrase = match["a_week"]
        return Day(7) if phrase.startswith("a week") else Day(unclear=True)
    if today is None:
        return Day(unclear=True)
    back = (today.weekday() - _weekday_index(match["wd"])) % 7
    if back == 0 and match["last"]:
        back = 7
    return Day(back)
