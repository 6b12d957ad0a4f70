"""Pausing reminders: what /pause accepts and what a stored pause means. Pure.

A pause is one stored instant, ``paused_until`` (UTC): a number of days from now, or
INDEFINITE for "until /resume". It is in force while that instant is in the future.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

MAX_PAUSE_DAYS = 365
INDEFINITE = datetime(9999, 1, 1, tzinfo=UTC)  # /pause with no end: until /resume


@dataclass(frozen=True)
class PauseFor:
    """What /pause asked for: a number of days, or None for "until /resume"."""

    days: int | None


@dataclass(frozen=True)
class Paused:
    """A pause in force: until an instant, or (``until`` None) until /resume."""

    until: datetime | None


def parse_pause(args: Sequence[str]) -> PauseFor | None:
    """``/pause`` or ``/pause 7`` (1..MAX_PAUSE_DAYS); None for anything else."""
    if not args:
        return PauseFor(None)
    raw = args[0]
    if len(args) > 1 or not raw.isdigit() or not 1 <= int(raw) <= MAX_PAUSE_DAYS:
        return None
    return PauseFor(int(raw))


def pause_end(now: datetime, asked: PauseFor) -> datetime:
    return now + timedelta(days=asked.days) if asked.days else INDEFINITE


def pause_in_force(paused_until: datetime | None, now: datetime) -> Paused | None:
    if paused_until is None or paused_until <= now:
        return None
    return Paused(None if paused_until >= INDEFINITE else paused_until)
