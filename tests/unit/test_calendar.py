"""/calendar's file: which days, at what local time, and UIDs that survive a re-import."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from icalendar import Calendar

from bot.calendar_ics import CalendarDay, plan_calendar
from bot.coach.calendar import plan_days
from bot.content import load_content

WEEKS = load_content().tracks["runner"].weeks
MWF = frozenset({0, 2, 4})
BERLIN = ZoneInfo("Europe/Berlin")


def test_days_run_from_today_to_the_end_of_week_8() -> None:
    today = date(2026, 3, 18)  # a Wednesday, in plan week 3
    days = plan_days(WEEKS, 3, today, MWF)
    assert days[0].day == today and days[0].target.week == 3
    assert [d.day for d in days[:3]] == [today, date(2026, 3, 20), date(2026, 3, 23)]
    assert [d.target.week for d in days[:3]] == [3, 3, 4]  # a new plan week every Monday
    assert len(days) == 2 + 5 * 3  # Wed, Fri of week 3, then three a week in weeks 4-8
    assert days[-1].target.week == 8 and days[-1].day == date(2026, 4, 24)
    assert all(d.day.weekday() in MWF for d in days)


def test_a_pause_and_the_end_of_the_plan() -> None:
    today = date(2026, 3, 16)
    paused = plan_days(WEEKS, 7, today, MWF, paused_through=date(2026, 3, 20))
    assert [d.day for d in paused] == [date(2026, 3, 23), date(2026, 3, 25), date(2026, 3, 27)]
    assert plan_days(WEEKS, 8, today, frozenset({6}))[-1].day == date(2026, 3, 22)
    assert plan_days(WEEKS, 8, today, frozenset()) == ()


def export(
    days: list[date], now: datetime, at: time = time(7, 30), tz: object = BERLIN
) -> Calendar:
    items = [CalendarDay(d, f"week {i}", f"workout {i}\nline two", 25) for i, d in enumerate(days)]
    data = plan_calendar(42, items, at, tz, now, "Backward running plan")  # type: ignore[arg-type]
    return Calendar.from_ical(data)


def test_local_times_hold_across_the_dst_change() -> None:
    """Europe/Berlin moves to summer time on 2026-03-29: 07:30 stays 07:30 on the wall."""
    before, after = date(2026, 3, 27), date(2026, 3, 30)
    cal = export([before, after], datetime(2026, 3, 20, tzinfo=UTC))
    events = cal.walk("VEVENT")
    assert len(events) == 2
    starts = [e.decoded("dtstart") for e in events]
    assert [s.strftime("%H:%M") for s in starts] == ["07:30", "07:30"]
    assert [s.astimezone(UTC).strftime("%H:%M") for s in starts] == ["06:30", "05:30"]
    assert all(str(e["dtstart"].params["TZID"]) == "Europe/Berlin" for e in events)
    [vtz] = cal.walk("VTIMEZONE")
    assert vtz["tzid"] == "Europe/Berlin"
    assert {c.name for c in vtz.subcomponents} == {"STANDARD", "DAYLIGHT"}
    assert events[0].decoded("duration") == timedelta(minutes=25)
    assert events[0]["description"] == "workout 0\nline two"


def test_a_time_inside_the_spring_gap_moves_to_the_change() -> None:
    cal = export([date(2026, 3, 29)], datetime(2026, 3, 20, tzinfo=UTC), at=time(2, 30))
    [event] = cal.walk("VEVENT")
    assert event.decoded("dtstart").astimezone(UTC) == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)


def test_a_fixed_offset_zone_is_written_in_utc() -> None:
    tz = timezone(timedelta(hours=5, minutes=30), "UTC+05:30")
    cal = export([date(2026, 3, 27)], datetime(2026, 3, 20, tzinfo=UTC), tz=tz)
    [event] = cal.walk("VEVENT")
    assert event.decoded("dtstart") == datetime(2026, 3, 27, 2, 0, tzinfo=UTC)
    assert cal.walk("VTIMEZONE") == []


def test_reimport_keeps_uids_and_raises_the_sequence() -> None:
    days = [date(2026, 3, 27) + timedelta(days=2 * i) for i in range(6)]
    first = export(days, datetime(2026, 3, 20, 8, tzinfo=UTC)).walk("VEVENT")
    later = export(days[2:], datetime(2026, 3, 31, 9, tzinfo=UTC)).walk("VEVENT")
    uids = [str(e["uid"]) for e in first]
    assert len(set(uids)) == len(uids)  # one event per day
    assert [str(e["uid"]) for e in later] == uids[2:]  # the same day, the same event
    assert all(
        int(b["sequence"]) > int(a["sequence"]) for a, b in zip(first[2:], later, strict=True)
    )
    assert "42" not in uids[0]  # the Telegram id is not in the file
    other_user = plan_calendar(
        43, [CalendarDay(days[0], "s", "d", 20)], time(7, 30), BERLIN, datetime.now(UTC), "x"
    )
    assert str(Calendar.from_ical(other_user).walk("VEVENT")[0]["uid"]) != uids[0]
