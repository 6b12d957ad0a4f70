"""The plan as an iCalendar file (the icalendar library): one event per coming plan day.

Times are the user's reminder time in their zone, written with a TZID and the matching
VTIMEZONE, so a calendar keeps 07:30 at 07:30 across a daylight-saving change. Every event's
UID is fixed per user and day, and SEQUENCE grows with each export, so importing a newer file
updates the events instead of adding copies.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from bot.coach.schedule import local_instant

PRODID = "-//Reverse Running Coach//plan//EN"
UID_DOMAIN = "reverse-running-coach"


@dataclass(frozen=True)
class CalendarDay:
    day: date
    summary: str
    description: str
    minutes: int


def uid(user_id: int, day: date) -> str:
    """Stable per user and day; a hash, so the file does not show the Telegram id."""
    who = hashlib.sha256(f"{UID_DOMAIN}:{user_id}".encode()).hexdigest()[:16]
    return f"{day:%Y%m%d}-{who}@{UID_DOMAIN}"


def plan_calendar(
    user_id: int,
    days: Sequence[CalendarDay],
    at: time,
    tz: tzinfo,
    now: datetime,
    name: str,
) -> bytes:
    """The .ics bytes. ``tz`` is a ZoneInfo (written with a VTIMEZONE) or a fixed offset
    (written in UTC, which is exact for a zone that never changes)."""
    from icalendar import Calendar, Event  # on the first export, not at start-up (3 MiB)

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    stamp = now.astimezone(UTC).replace(microsecond=0)
    sequence = int(stamp.timestamp()) // 60  # grows with every export: newer file wins
    for item in days:
        start = local_instant(item.day, at, tz)
        event = Event()
        event.add("uid", uid(user_id, item.day))
        event.add("dtstamp", stamp)
        event.add("sequence", sequence)
        if isinstance(tz, ZoneInfo):
            event.add("dtstart", start.astimezone(tz))
        else:
            event.add("dtstart", start)
        event.add("duration", timedelta(minutes=item.minutes))
        event.add("summary", item.summary)
        event.add("description", item.description)
        event.add("transp", "OPAQUE")
        cal.add_component(event)
    if isinstance(tz, ZoneInfo) and days:
        # Only the transitions the events need, with a year of margin either side.
        first, last = days[0].day, days[-1].day
        cal.add_missing_timezones(first - timedelta(days=366), last + timedelta(days=366))
    data: bytes = cal.to_ical()
    return data
