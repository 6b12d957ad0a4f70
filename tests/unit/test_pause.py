"""What /pause accepts, what a stored pause means, and the day people read for its end."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.coach.pause import INDEFINITE, Paused, PauseFor, parse_pause, pause_end, pause_in_force
from bot.render.moments import local_clock, local_day, local_day_clock

NOW = datetime(2026, 6, 10, 14, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("args", "asked"),
    [([], PauseFor(None)), (["7"], PauseFor(7)), (["1"], PauseFor(1)), (["365"], PauseFor(365))],
)
def test_pause_takes_nothing_or_a_number_of_days(args: list[str], asked: PauseFor) -> None:
    assert parse_pause(args) == asked


@pytest.mark.parametrize("args", [["0"], ["366"], ["abc"], ["-3"], ["7", "days"], ["7.5"]])
def test_anything_else_is_refused(args: list[str]) -> None:
    assert parse_pause(args) is None


def test_a_pause_ends_days_from_now_or_never() -> None:
    assert pause_end(NOW, PauseFor(7)) == NOW + timedelta(days=7)
    assert pause_end(NOW, PauseFor(None)) == INDEFINITE


def test_a_pause_is_in_force_until_its_end() -> None:
    end = NOW + timedelta(days=7)
    assert pause_in_force(end, NOW) == Paused(end)
    assert pause_in_force(INDEFINITE, NOW) == Paused(None)
    assert pause_in_force(end, end) is None
    assert pause_in_force(None, NOW) is None


def test_the_end_is_read_in_the_users_zone() -> None:
    end = NOW + timedelta(days=7)  # Wed 17 Jun 14:00 UTC: Thu 18 Jun 02:00 in Auckland
    auckland = ZoneInfo("Pacific/Auckland")
    assert local_day(end, auckland) == "Thu 18 Jun"
    assert local_day(end, UTC) == "Wed 17 Jun"
    assert local_clock(end, auckland) == "02:00"
    assert local_day_clock(end, auckland) == "Thu 18 Jun, 02:00"
