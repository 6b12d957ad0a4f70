"""Training days as stored ("mon,wed,fri") and as shown ("Mon, Wed, Fri")."""

from __future__ import annotations

from collections.abc import Iterable

DAY_NAMES: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_DAYS: frozenset[int] = frozenset({0, 2, 4})


def parse_days_field(value: str) -> frozenset[int]:
    """The stored field back to weekday numbers (0 = Monday); unknown parts are ignored."""
    days = frozenset(DAY_NAMES.index(p) for p in value.split(",") if p in DAY_NAMES)
    return days or DEFAULT_DAYS


def days_field(days: Iterable[int]) -> str:
    return ",".join(DAY_NAMES[d] for d in sorted(set(days)))


def describe_days(days: Iterable[int]) -> str:
    ordered = sorted(set(days))
    if len(ordered) == 7:
        return "every day"
    if ordered == [0, 1, 2, 3, 4]:
        return "weekdays"
    if ordered == [5, 6]:
        return "weekends"
    return ", ".join(DAY_NAMES[d].capitalize() for d in ordered)
