"""What people type into /timezone."""

from __future__ import annotations

import pytest

from bot.coach.schedule import zone
from bot.coach.timezones import (
    ALIASES,
    ZoneChoices,
    ZoneFound,
    ZoneUnknown,
    resolve_zone,
    suggest_options,
    zone_from_offset_minutes,
)


def suggest_zones(text: str, limit: int = 5) -> tuple[str, ...]:
    """Up to ``limit`` IANA names that look like ``text``, best first."""
    return tuple(o.zone for o in suggest_options(text, limit))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # IANA names, any case / spacing
        ("Europe/Berlin", "Europe/Berlin"),
        ("europe/berlin", "Europe/Berlin"),
        ("EUROPE/BERLIN", "Europe/Berlin"),
        ("America/New York", "America/New_York"),
        ("america / new_york", "America/New_York"),
        ("asia/kolkata", "Asia/Kolkata"),
        ("America/Argentina/Buenos_Aires", "America/Argentina/Buenos_Aires"),
        ("US/Eastern", "US/Eastern"),
        # UTC words
        ("UTC", "UTC"),
        ("utc", "UTC"),
        ("GMT", "UTC"),
        ("Z", "UTC"),
        ("Etc/UTC", "UTC"),
        # offsets
        ("+5:30", "UTC+05:30"),
        ("+05:30", "UTC+05:30"),
        ("+0530", "UTC+05:30"),
        ("UTC+2", "UTC+02:00"),
        ("utc +2", "UTC+02:00"),
        ("GMT-3", "UTC-03:00"),
        ("-0800", "UTC-08:00"),
        ("-8", "UTC-08:00"),
        ("+14", "UTC+14:00"),
        ("-12:00", "UTC-12:00"),
        ("+12:45", "UTC+12:45"),
        ("+5:45", "UTC+05:45"),
        ("UTC+0", "UTC"),
        ("+00:00", "UTC"),
        ("−3", "UTC-03:00"),  # unicode minus
        # cities from IANA names
        ("berlin", "Europe/Berlin"),
        ("Berlin", "Europe/Berlin"),
        ("new york", "America/New_York"),
        ("New-York", "America/New_York"),
        ("sao paulo", "America/Sao_Paulo"),
        ("São Paulo", "America/Sao_Paulo"),
        ("los angeles", "America/Los_Angeles"),
        ("toronto", "America/Toronto"),
        ("dublin", "Europe/Dublin"),
        ("zurich", "Europe/Zurich"),
        ("Zürich", "Europe/Zurich"),
        ("nairobi", "Africa/Nairobi"),
        ("melbourne", "Australia/Melbourne"),
        ("buenos aires", "America/Argentina/Buenos_Aires"),
        ("singapore", "Asia/Singapore"),
        ("newfoundland", "America/St_Johns"),
        ("St. John's, Newfoundland", "America/St_Johns"),
        ("port-au-prince", "America/Port-au-Prince"),
        ("kyiv", "Europe/Kyiv"),
        # aliases: big cities that are not IANA names, countries, abbreviations
        ("san francisco", "America/Los_Angeles"),
        ("seattle", "America/Los_Angeles"),
        ("boston", "America/New_York"),
        ("miami", "America/New_York"),
        ("washington", "America/New_York"),
        ("dc", "America/New_York"),
        ("NYC", "America/New_York"),
        ("atlanta", "America/New_York"),
        ("dallas", "America/Chicago"),
        ("houston", "America/Chicago"),
        ("montreal", "America/Toronto"),
        ("delhi", "Asia/Kolkata"),
        ("mumbai", "Asia/Kolkata"),
        ("bangalore", "Asia/Kolkata"),
        ("beijing", "Asia/Shanghai"),
        ("shenzhen", "Asia/Shanghai"),
        ("osaka", "Asia/Tokyo"),
        ("munich", "Europe/Berlin"),
        ("München", "Europe/Berlin"),
        ("hamburg", "Europe/Berlin"),
        ("frankfurt", "Europe/Berlin"),
        ("barcelona", "Europe/Madrid"),
        ("milan", "Europe/Rome"),
        ("manchester", "Europe/London"),
        ("edinburgh", "Europe/London"),
        ("geneva", "Europe/Zurich"),
        ("cape town", "Africa/Johannesburg"),
        ("kiev", "Europe/Kyiv"),
        ("germany", "Europe/Berlin"),
        ("EST", "America/New_York"),
        ("pst", "America/Los_Angeles"),
        # "city, country"
        ("Berlin, Germany", "Europe/Berlin"),
        ("boston, ma", "America/New_York"),
    ],
)
def test_resolve_zone_found(text: str, expected: str) -> None:
    assert resolve_zone(text) == ZoneFound(expected)
    zone(expected)  # every answer is usable by the scheduler


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("berln", "Europe/Berlin"),
        ("Berlinn", "Europe/Berlin"),
        ("new yrok", "America/New_York"),
        ("lodnon", "Europe/London"),
        ("sydny", "Australia/Sydney"),
        ("tokyoo", "Asia/Tokyo"),
        ("amsterdm", "Europe/Amsterdam"),
        ("los angles", "America/Los_Angeles"),
        ("europe/berlim", "Europe/Berlin"),
        ("barcelna", "Europe/Madrid"),
        ("sanfrancisco", "America/Los_Angeles"),
    ],
)
def test_resolve_zone_typos_suggest(text: str, first: str) -> None:
    result = resolve_zone(text)
    assert isinstance(result, ZoneUnknown)
    assert result.suggestions[0] == first
    assert 1 <= len(result.suggestions) <= 5
    assert len(set(result.suggestions)) == len(result.suggestions)


@pytest.mark.parametrize(
    "text", ["", "   ", "+15", "-13", "+5:20", "UTC+99", "x" * 500, "'; DROP TABLE users;--"]
)
def test_resolve_zone_unknown(text: str) -> None:
    result = resolve_zone(text)
    assert isinstance(result, ZoneUnknown)
    assert len(result.suggestions) <= 5


def test_suggestions_are_iana_names() -> None:
    for text in ("berln", "parsi", "mumbay", "xyzzy", "🏃"):
        for name in suggest_zones(text):
            zone(name)
            assert "/" in name


def test_aliases_point_at_real_zones() -> None:
    for name in ALIASES.values():
        zone(name)


@pytest.mark.parametrize(
    ("minutes", "name"),
    [
        (0, "UTC"),
        (330, "UTC+05:30"),
        (-180, "UTC-03:00"),
        (840, "UTC+14:00"),
        (-720, "UTC-12:00"),
        (345, "UTC+05:45"),
        (-570, "UTC-09:30"),
    ],
)
def test_zone_from_offset_minutes(minutes: int, name: str) -> None:
    assert zone_from_offset_minutes(minutes) == name
    tz = zone(name)
    assert tz.utcoffset(None) is not None
    offset = tz.utcoffset(None)
    assert offset is not None and offset.total_seconds() == minutes * 60


@pytest.mark.parametrize("minutes", [841, -721, 7, 100])
def test_zone_from_offset_minutes_rejects(minutes: int) -> None:
    with pytest.raises(ValueError):
        zone_from_offset_minutes(minutes)


@pytest.mark.parametrize(
    ("text", "zones"),
    [
        # the tz database names a zone for St. John's, Newfoundland; Florida has one too
        ("st johns", {"America/St_Johns", "America/New_York"}),
        ("St. John's", {"America/St_Johns", "America/New_York"}),
        ("cambridge", {"Europe/London", "America/New_York", "America/Toronto"}),
    ],
)
def test_same_name_in_several_zones_is_a_choice(text: str, zones: set[str]) -> None:
    result = resolve_zone(text)
    assert isinstance(result, ZoneChoices)
    assert zones <= {o.zone for o in result.options}
    assert all(o.place for o in result.options)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("tokio", "Asia/Tokyo"), ("sidney", "Australia/Sydney"), ("lemberg", "Europe/Kyiv")],
)
def test_names_in_other_languages_are_places_not_typos(text: str, expected: str) -> None:
    assert resolve_zone(text) == ZoneFound(expected)
