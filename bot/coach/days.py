"""Training days as stored in the users table: "mon,wed,fri"."""

from __future__ import annotations

from collections.abc import Iterable

from bot.coach.schedule import WEEKDAYS

DEFAULT_DAYS: frozenset[int] = frozenset({0, 2, 4})


def parse_days_field(value: str) -> frozenset[int]:
    """The stored field back to weekday numbers (0 = Monday); unknown parts are ignored."""
    days = frozenset(WEEKDAYS.index(p) for p in value.split(",") if p in WEEKDAYS)
    return days or DEFAULT_DAYS


def days_field(days: Iterable[int]) -> str:
    return ",".join(WEEKDAYS[d] for d in sorted(set(days)))
