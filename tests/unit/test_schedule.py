"""Reminder schedules: /remind parsing, next reminder instant, DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest
import time_machine

from bot.coach.schedule import (
    RemindError,
    RemindOff,
    RemindSpec,
    apply_remind,
    format_days,
    local_date_of,
    local_instant,
    next_occurrence,
    parse_remind,
    zone,
)

MWF = frozenset({0, 2, 4})
DAILY = frozenset(range(7))
WEEKDAYS = frozenset(range(5))
WEEKENDS = frozenset({5, 6})


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "days", "at"),
    [
        ("mon wed fri 07:30", MWF, time(7, 30)),
        ("daily 18:00", DAILY, time(18, 0)),
        ("every day 7am", DAILY, time(7, 0)),
        ("Every Day 7 AM", DAILY, time(7, 0)),
        ("everyday 7:00", DAILY, time(7, 0)),
        ("weekdays 6:45pm", WEEKDAYS, time(18, 45)),
        ("weekends 9:00", WEEKENDS, time(9, 0)),
        ("tue,thu 19:00", frozenset({1, 3}), time(19, 0)),
        ("tue, thu 19:00", frozenset({1, 3}), time(19, 0)),
        ("Mon/Wed/Fri 7.30", MWF, time(7, 30)),
        ("monday wednesday 7:30", frozenset({0, 2}), time(7, 30)),
        ("mondays and thursdays at 6pm", frozenset({0, 3}), time(18, 0)),
        ("tues thurs 19:00", frozenset({1, 3}), time(19, 0)),
        ("07:30 mon wed fri", MWF, time(7, 30)),
        ("mon-fri 7:00", WEEKDAYS, time(7, 0)),
        ("fri-mon 7:00", frozenset({4, 5, 6, 0}), time(7, 0)),
        ("sat 7 am", frozenset({5}), time(7, 0)),
        ("sun 7 p.m.", frozenset({6}), time(19, 0)),
        ("sun 6:45 pm", frozenset({6}), time(18, 45)),
        ("daily 12am", DAILY, time(0, 0)),
        ("daily 12pm", DAILY, time(12, 0)),
        ("daily 12:30am", DAILY, time(0, 30)),
        ("daily 1830", DAILY, time(18, 30)),
        ("daily 0730", DAILY, time(7, 30)),
        ("daily 7", DAILY, time(7, 0)),
        ("daily 7h30", DAILY, time(7, 30)),
        ("daily noon", DAILY, time(12, 0)),
        ("mon mon 7:00", frozenset({0}), time(7, 0)),
        ("  MON   WED  07:30 ", frozenset({0, 2}), time(7, 30)),
        # a time alone: same days, new time (empty days)
        ("18:00", frozenset(), time(18, 0)),
        ("6:45pm", frozenset(), time(18, 45)),
    ],
)
def test_parse_remind_accepts(text: str, days: frozenset[int], at: time) -> None:
    assert parse_remind(text) == RemindSpec(days, at)


@pytest.mark.parametrize("text", ["off", "OFF", "stop", "none", " Off "])
def test_parse_remind_off(text: str) -> None:
    assert parse_remind(text) == RemindOff()


@pytest.mark.parametrize(
    ("text", "code", "detail"),
    [
        ("", "no_time", ""),
        ("   ", "no_time", ""),
        ("mon wed", "no_time", "mon wed"),
        ("daily 25:00", "bad_time", "25:00"),
        ("daily 7:61", "bad_time", "7:61"),
        ("daily 13pm", "bad_time", "13pm"),
        ("daily 0am", "bad_time", "0am"),
        ("daily 2400", "bad_time", "2400"),
        ("daily 7:00 8:00", "bad_time", "07:00 08:00"),
        ("mon blah 7:00", "bad_days", "blah"),
        ("mon funday 7:00", "bad_days", "funday"),
        ("tomorrow 7:00", "bad_days", "tomorrow"),
    ],
)
def test_parse_remind_errors(text: str, code: str, detail: str) -> None:
    assert parse_remind(text) == RemindError(code, detail)  # type: ignore[arg-type]


def test_apply_remind_time_only_keeps_days_or_says_no_days() -> None:
    spec = parse_remind("19:00")
    assert isinstance(spec, RemindSpec)
    assert apply_remind(spec, MWF) == RemindSpec(MWF, time(19, 0))
    assert apply_remind(spec, frozenset()) == RemindError("no_days", "19:00")
    full = RemindSpec(WEEKENDS, time(9, 0))
    assert apply_remind(full, MWF) == full


@pytest.mark.parametrize(
    ("days", "text"),
    [(DAILY, "every day"), (WEEKDAYS, "weekdays"), (WEEKENDS, "weekends"), (MWF, "mon, wed, fri")],
)
def test_format_days(days: frozenset[int], text: str) -> None:
    assert format_days(days) == text


# --- zones -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "offset"),
    [
        ("UTC", timedelta(0)),
        ("UTC+05:30", timedelta(hours=5, minutes=30)),
        ("UTC-03:00", timedelta(hours=-3)),
        ("UTC+14:00", timedelta(hours=14)),
        ("UTC-12:00", timedelta(hours=-12)),
    ],
)
def test_zone_offsets(name: str, offset: timedelta) -> None:
    assert zone(name).utcoffset(None) == offset


def test_zone_iana() -> None:
    tz = zone("Europe/Berlin")
    assert utc(2026, 1, 1).astimezone(tz).utcoffset() == timedelta(hours=1)
    assert utc(2026, 7, 1).astimezone(tz).utcoffset() == timedelta(hours=2)


@pytest.mark.parametrize(
    "name", ["Mars/Olympus", "UTC+15:00", "UTC+5", "", "../etc/passwd", "localtime"]
)
def test_zone_rejects(name: str) -> None:
    with pytest.raises(ValueError):
        zone(name)


def test_local_date_of() -> None:
    assert local_date_of(utc(2026, 1, 1, 23, 30), zone("Europe/Berlin")) == date(2026, 1, 2)
    assert local_date_of(utc(2026, 1, 1, 2, 0), zone("America/New_York")) == date(2025, 12, 31)
    assert local_date_of(utc(2026, 1, 1, 20, 0), zone("UTC+05:30")) == date(2026, 1, 2)
    with pytest.raises(ValueError):
        local_date_of(datetime(2026, 1, 1), UTC)


# --- next_occurrence --------------------------------------------------------------------


# 2026-06-01 is a Monday.
@pytest.mark.parametrize(
    ("after", "days", "expected"),
    [
        # daily, before and after today's time
        (utc(2026, 6, 1, 6, 0), DAILY, utc(2026, 6, 1, 7, 30)),
        (utc(2026, 6, 1, 8, 0), DAILY, utc(2026, 6, 2, 7, 30)),
        # strictly after: exactly at the reminder -> the next one
        (utc(2026, 6, 1, 7, 30), DAILY, utc(2026, 6, 2, 7, 30)),
        (utc(2026, 6, 1, 7, 29, 59), DAILY, utc(2026, 6, 1, 7, 30)),
        # Mon/Wed/Fri
        (utc(2026, 6, 1, 8, 0), MWF, utc(2026, 6, 3, 7, 30)),
        (utc(2026, 6, 2, 0, 0), MWF, utc(2026, 6, 3, 7, 30)),
        (utc(2026, 6, 3, 7, 30), MWF, utc(2026, 6, 5, 7, 30)),
        # week wrap: Friday after the reminder -> next Monday
        (utc(2026, 6, 5, 9, 0), MWF, utc(2026, 6, 8, 7, 30)),
        (utc(2026, 6, 6, 9, 0), MWF, utc(2026, 6, 8, 7, 30)),
        # a single day, already past this week -> same weekday next week
        (utc(2026, 6, 1, 7, 30), frozenset({0}), utc(2026, 6, 8, 7, 30)),
        (utc(2026, 6, 7, 23, 59), frozenset({6}), utc(2026, 6, 14, 7, 30)),
        # year wrap
        (utc(2026, 12, 31, 8, 0), DAILY, utc(2027, 1, 1, 7, 30)),
    ],
)
def test_next_occurrence_utc(after: datetime, days: frozenset[int], expected: datetime) -> None:
    assert next_occurrence(after, days, time(7, 30), UTC) == expected


def test_next_occurrence_is_aware_utc_and_strictly_after() -> None:
    tz = zone("Asia/Tokyo")
    after = utc(2026, 6, 1, 12, 0)
    got = next_occurrence(after, MWF, time(7, 30), tz)
    assert got.tzinfo is UTC
    assert got > after
    assert got.astimezone(tz).time() == time(7, 30)
    assert got.astimezone(tz).weekday() in MWF


def test_next_occurrence_uses_local_weekday_not_utc() -> None:
    # 2026-06-01 22:00 UTC is already Tuesday 07:00 in Tokyo; Tuesday 07:30 JST comes next.
    got = next_occurrence(utc(2026, 6, 1, 22, 0), frozenset({1}), time(7, 30), zone("Asia/Tokyo"))
    assert got == utc(2026, 6, 1, 22, 30)
    # Sunday 20:00 in New York is Monday in UTC; a Sunday reminder at 21:00 local is still today.
    ny = zone("America/New_York")
    got = next_occurrence(utc(2026, 6, 8, 0, 0), frozenset({6}), time(21, 0), ny)
    assert got == utc(2026, 6, 8, 1, 0)


@pytest.mark.parametrize(
    ("tz_name", "expected"),
    [
        ("UTC+05:30", utc(2026, 6, 1, 2, 0)),
        ("UTC-03:00", utc(2026, 6, 1, 10, 30)),
        ("UTC+14:00", utc(2026, 5, 31, 17, 30)),  # Monday 07:30 at +14 is Sunday 17:30 UTC
        ("UTC-12:00", utc(2026, 6, 1, 19, 30)),
    ],
)
def test_next_occurrence_offset_zones(tz_name: str, expected: datetime) -> None:
    after = utc(2026, 5, 31, 0, 0)  # a Sunday
    assert next_occurrence(after, frozenset({0}), time(7, 30), zone(tz_name)) == expected


def test_next_occurrence_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        next_occurrence(datetime(2026, 6, 1), DAILY, time(7, 30), UTC)
    with pytest.raises(ValueError):
        next_occurrence(utc(2026, 6, 1), frozenset(), time(7, 30), UTC)
    with pytest.raises(ValueError):
        next_occurrence(utc(2026, 6, 1), frozenset({7}), time(7, 30), UTC)


# --- DST ---------------------------------------------------------------------------------


# 07:30 stays 07:30 local on the day before, of and after each change; the UTC instant moves.
@pytest.mark.parametrize(
    ("tz_name", "day", "expected_utc"),
    [
        # Europe/Berlin spring forward 2026-03-29 (CET +1 -> CEST +2)
        ("Europe/Berlin", date(2026, 3, 28), utc(2026, 3, 28, 6, 30)),
        ("Europe/Berlin", date(2026, 3, 29), utc(2026, 3, 29, 5, 30)),
        ("Europe/Berlin", date(2026, 3, 30), utc(2026, 3, 30, 5, 30)),
        # Europe/Berlin fall back 2026-10-25 (CEST +2 -> CET +1)
        ("Europe/Berlin", date(2026, 10, 24), utc(2026, 10, 24, 5, 30)),
        ("Europe/Berlin", date(2026, 10, 25), utc(2026, 10, 25, 6, 30)),
        ("Europe/Berlin", date(2026, 10, 26), utc(2026, 10, 26, 6, 30)),
        # America/New_York spring forward 2026-03-08 (EST -5 -> EDT -4)
        ("America/New_York", date(2026, 3, 7), utc(2026, 3, 7, 12, 30)),
        ("America/New_York", date(2026, 3, 8), utc(2026, 3, 8, 11, 30)),
        ("America/New_York", date(2026, 3, 9), utc(2026, 3, 9, 11, 30)),
        # America/New_York fall back 2026-11-01 (EDT -4 -> EST -5)
        ("America/New_York", date(2026, 10, 31), utc(2026, 10, 31, 11, 30)),
        ("America/New_York", date(2026, 11, 1), utc(2026, 11, 1, 12, 30)),
        ("America/New_York", date(2026, 11, 2), utc(2026, 11, 2, 12, 30)),
    ],
)
def test_0730_stays_local_across_dst(tz_name: str, day: date, expected_utc: datetime) -> None:
    tz = zone(tz_name)
    after = datetime.combine(day, time(0, 0), tzinfo=tz).astimezone(UTC)
    got = next_occurrence(after, DAILY, time(7, 30), tz)
    assert got == expected_utc
    local = got.astimezone(tz)
    assert (local.date(), local.time()) == (day, time(7, 30))


def test_daily_0730_chain_through_both_berlin_changes() -> None:
    tz = zone("Europe/Berlin")
    instant = utc(2026, 3, 20, 12, 0)
    seen: list[datetime] = []
    while instant < utc(2026, 11, 5):
        instant = next_occurrence(instant, DAILY, time(7, 30), tz)
        seen.append(instant)
    assert all(s.astimezone(tz).time() == time(7, 30) for s in seen)
    dates = [s.astimezone(tz).date() for s in seen]
    assert dates == sorted(set(dates))  # one per local day, none skipped or doubled
    assert (dates[-1] - dates[0]).days + 1 == len(dates)


@pytest.mark.parametrize(
    ("tz_name", "day", "at", "expected_utc", "expected_local"),
    [
        # nonexistent: fires at the first valid instant after the gap (the change itself)
        ("Europe/Berlin", date(2026, 3, 29), time(2, 30), utc(2026, 3, 29, 1, 0), time(3, 0)),
        ("America/New_York", date(2026, 3, 8), time(2, 30), utc(2026, 3, 8, 7, 0), time(3, 0)),
        # ambiguous: fires at the first occurrence (summer time, fold=0)
        ("Europe/Berlin", date(2026, 10, 25), time(2, 30), utc(2026, 10, 25, 0, 30), time(2, 30)),
        ("America/New_York", date(2026, 11, 1), time(1, 30), utc(2026, 11, 1, 5, 30), time(1, 30)),
    ],
)
def test_gap_and_fold(
    tz_name: str, day: date, at: time, expected_utc: datetime, expected_local: time
) -> None:
    tz = zone(tz_name)
    assert local_instant(day, at, tz) == expected_utc
    after = datetime.combine(day - timedelta(days=1), time(12, 0), tzinfo=tz).astimezone(UTC)
    got = next_occurrence(after, DAILY, at, tz)
    assert got == expected_utc
    assert got.astimezone(tz).time() == expected_local
    assert got.astimezone(tz).date() == day


@pytest.mark.parametrize(
    ("tz_name", "day", "at"),
    [
        ("Europe/Berlin", date(2026, 10, 25), time(2, 30)),
        ("America/New_York", date(2026, 11, 1), time(1, 30)),
    ],
)
def test_ambiguous_time_fires_once(tz_name: str, day: date, at: time) -> None:
    tz = zone(tz_name)
    first = local_instant(day, at, tz)
    second = datetime.combine(day, at, tzinfo=tz).replace(fold=1).astimezone(UTC)
    assert second - first == timedelta(hours=1)
    # After the first fires, the next one is the following day, not the repeat an hour later.
    nxt = next_occurrence(first, DAILY, at, tz)
    assert nxt.astimezone(tz).date() == day + timedelta(days=1)
    assert nxt.astimezone(tz).time() == at
    # Even from between the two occurrences, the repeat is skipped.
    assert next_occurrence(first + timedelta(minutes=1), DAILY, at, tz) == nxt


def test_nonexistent_time_after_gap_day_returns_to_normal() -> None:
    tz = zone("Europe/Berlin")
    fired = local_instant(date(2026, 3, 29), time(2, 30), tz)
    nxt = next_occurrence(fired, DAILY, time(2, 30), tz)
    assert nxt == utc(2026, 3, 30, 0, 30)  # 02:30 CEST


def test_fixed_offset_has_no_dst() -> None:
    tz = zone("UTC-05:00")
    for day in (date(2026, 3, 7), date(2026, 3, 8), date(2026, 3, 9)):
        assert local_instant(day, time(7, 30), tz) == datetime.combine(
            day, time(12, 30), tzinfo=UTC
        )


def test_dispatcher_style_now_from_clock() -> None:
    """The dispatcher asks datetime.now(UTC) and stores the next instant; drive it by the clock."""
    tz = zone("Europe/Berlin")
    with time_machine.travel(utc(2026, 3, 27, 6, 30), tick=False):  # Fri 07:30 CET, due now
        now = datetime.now(UTC)
        due = next_occurrence(now - timedelta(seconds=1), MWF, time(7, 30), tz)
        assert due == now
        nxt = next_occurrence(now, MWF, time(7, 30), tz)
    assert nxt == utc(2026, 3, 30, 5, 30)  # Monday 07:30 CEST, after the spring change
    with time_machine.travel(nxt, tick=False):
        now = datetime.now(UTC)
        assert now == nxt
        assert next_occurrence(now, MWF, time(7, 30), tz) == utc(2026, 4, 1, 5, 30)
    with time_machine.travel(datetime(2026, 10, 23, 7, 31, tzinfo=timezone(timedelta(hours=2)))):
        now = datetime.now(UTC)
        assert next_occurrence(now, MWF, time(7, 30), tz) == utc(2026, 10, 26, 6, 30)


def test_same_clock_tells_zones_apart_only_when_their_time_differs() -> None:
    from bot.coach.schedule import same_clock

    assert same_clock("UTC", "UTC", 2026)
    assert same_clock("Etc/GMT", "UTC", 2026)
    assert same_clock("UTC+00:00", "UTC", 2026)
    assert not same_clock("Europe/London", "UTC", 2026)  # British Summer Time
    assert same_clock("UTC+05:30", "Asia/Kolkata", 2026)  # India keeps one offset
    assert not same_clock("Not/AZone", "UTC", 2026)
