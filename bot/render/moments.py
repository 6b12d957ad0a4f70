"""A moment in the user's zone, as people read it.

Every date and clock time of an instant shown to a user goes through here, given the UTC
instant and the user's zone (``service.user_zone``), so two replies about the same instant
(/pause, /remind and /settings on a pause's end) can't name different days.
"""

from __future__ import annotations

from datetime import datetime, tzinfo


def local_day(instant: datetime, tz: tzinfo) -> str:
    """``Wed 17 Jun``"""
    return instant.astimezone(tz).strftime("%a %d %b")


def local_clock(instant: datetime, tz: tzinfo) -> str:
    """``08:30``"""
    return instant.astimezone(tz).strftime("%H:%M")


def local_day_clock(instant: datetime, tz: tzinfo) -> str:
    """``Wed 10 Jun, 07:30``"""
    return f"{local_day(instant, tz)}, {local_clock(instant, tz)}"


def local_clock_day(instant: datetime, tz: tzinfo) -> str:
    """``08:00 on Wed 10 Jun``"""
    return f"{local_clock(instant, tz)} on {local_day(instant, tz)}"
