"""Place names -> time zones, from the GeoNames city table shipped in ``bot/data/``.

The table (cities over 15,000 people with their first-level region and country; made by
``scripts/make_cities.py``) is read once, on the first lookup, and kept. Country names come
from tzdata's ``iso3166.tab`` and a country's zones from its ``zone.tab`` (the ``tzdata``
package, else the system's ``/usr/share/zoneinfo``). Reading package data once, like
``zoneinfo`` does, is the only I/O here.

``lookup`` answers with every place the words can mean, grouped by zone, biggest first;
``bot.coach.timezones`` decides between a direct answer and a choice.
"""

from __future__ import annotations

import gzip
import importlib.resources
import re
import threading
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = "cities.tsv.gz"
SYSTEM_ZONEINFO = Path("/usr/share/zoneinfo")
# A qualifier typed with a typo ("ontaro") still matches a region or country this close.
QUALIFIER_SCORE = 80
# Cities big enough to be offered when a small town's name looks like theirs ("sidney")...
NEAR_MISS_FROM = 1_000_000
# ... checked only when the best exact match is a town smaller than this.
NEAR_MISS_BELOW = 100_000
# Cities offered for a word that names no place at all (a typo): their own names only.
SUGGEST_FROM = 100_000
# A name in another language counts for less than a city's own name: "rome" is Roma in Italy
# (a tenth of its people still outweighs Rome, Georgia) and "victoria" is not Hong Kong first.
ALTERNATE_WEIGHT = 0.1
# Region words that people leave out: "Lviv Oblast" is also "lviv", "State of Berlin" "berlin".
_REGION_AFFIXES = re.compile(
    r"^(?:state|province|region|city|republic|autonomous region|department|canton) of "
    r"|(?: (?:province|oblast|region|prefecture|governorate|state|district|county|department"
    r"|voivodeship|municipality|kray|krai|autonomous okrug|metropolitan city|canton|city|"
    r"special capital region|capital region|capital district|national capital territory"
    r"|territory|republic|division|emirate|autonomous community|island))+$"
)
_SHORT = {"saint": "st", "sainte": "ste", "mount": "mt", "fort": "ft"}
_SHORT_WORDS = re.compile(r"\b(saint|sainte|mount|fort)\b")
_FOLD_LETTERS = str.maketrans({"ß": "ss", "ø": "o", "ł": "l", "đ": "d", "ı": "i", "æ": "ae"})


def fold(text: str) -> str:
    """What a name looks like typed in any case, with or without accents and punctuation."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_FOLD_LETTERS))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = re.sub(r"[.'’`ʻʼ]", "", plain)
    plain = re.sub(r"[\W_]+", " ", plain).strip()  # "berlin!", "paris (texas)", "a/b"
    # "Saint-Louis" and "St. Louis", "Mount Isa" and "Mt Isa" are spelled both ways
    return _SHORT_WORDS.sub(lambda m: _SHORT[m.group(1)], plain)


@dataclass(frozen=True, slots=True)
class City:
    name: str
    country: str  # ISO 3166 alpha-2
    region: str  # first-level region name, "" when GeoNames names none
    region_code: str  # GeoNames admin1 code (US: the state's postal code)
    population: int
    zone: str


@dataclass(frozen=True, slots=True)
class Place:
    """One meaning of the words typed: a city, or the part of a region or country in a zone."""

    label: str  # "Portland, Maine, United States"; "Texas, United States"; "Russia"
    zone: str
    population: int  # people; a tenth for a name in another language (see ALTERNATE_WEIGHT)
    area: bool = False  # a region or country rather than a city


@dataclass(frozen=True, slots=True)
class Lookup:
    places: tuple[Place, ...]  # one per zone, biggest first
    near_misses: tuple[Place, ...] = ()  # big cities spelled almost like the words
    ignored: bool = False  # words after a comma named no place where such a city is


Row = tuple[str, str, str, str, int, str]  # a City's fields, in order


class Table:
    """The city table with its indexes; built once by ``table()``.

    Everything is kept in plain tuples and dicts of them, which Python's garbage collector
    stops tracking: the collector never walks the 34,000 cities, so lookups stay quick."""

    def __init__(
        self,
        rows: list[Row],
        keys: list[list[str]],
        countries: dict[str, str],
        country_keys: dict[str, set[str]],
        country_zones: dict[str, list[str]],
        abbreviations: dict[tuple[str, str], str] | None = None,
        populations: dict[str, int] | None = None,
    ) -> None:
        self.rows = rows
        self.countries = countries  # code -> display name
        self.country_keys = {k: tuple(sorted(v)) for k, v in country_keys.items()}
        self.country_zones = {k: tuple(v) for k, v in country_zones.items()}
        self.populations = dict(populations or {})  # code -> people, GeoNames' country figure
        by_name: dict[str, list[int]] = defaultdict(list)
        region_cities: dict[tuple[str, str], list[int]] = defaultdict(list)
        country_cities: dict[str, list[int]] = defaultdict(list)
        for i, (_, country, region, code, _, _) in enumerate(rows):
            for key in keys[i]:  # its own name first, then other names; all folded
                by_name[key].append(i)
            country_cities[country].append(i)
            if region:
                region_cities[(country, code)].append(i)
        self.by_name = {k: tuple(v) for k, v in by_name.items()}
        # people per zone in each region and country, for a region or country typed alone
        self.region_zones = {k: _people_by_zone(rows, v) for k, v in region_cities.items()}
        self.country_people = {k: _people_by_zone(rows, v) for k, v in country_cities.items()}
        self.region_cities = {k: tuple(v) for k, v in region_cities.items()}
        self.country_cities = {k: tuple(v) for k, v in country_cities.items()}
        regions: dict[str, set[tuple[str, str]]] = defaultdict(set)
        for area, members in self.region_cities.items():
            for key in region_keys(rows[members[0]][2]):
                regions[key].add(area)
        self.regions = {k: tuple(sorted(v)) for k, v in regions.items()}
        words: dict[str, set[str]] = defaultdict(set)
        for key, codes in self.country_keys.items():
            for code in codes:
                words[code].add(key)
        self.country_words = {k: tuple(v) for k, v in words.items()}
        # what people write after a city for its region: "tx", "on", "nsw", "sp"
        self.abbreviations = {
            (r[1], r[3]): r[3].casefold() for r in rows if r[1] == "US" and r[3]
        } | dict(abbreviations or {})
        self.short_regions = frozenset(self.abbreviations.values())
        own = [(k[0], r[4]) for k, r in zip(keys, rows, strict=True)]
        self.big_names = tuple(sorted({k for k, n in own if n >= NEAR_MISS_FROM}))
        self.known_names = tuple(sorted({k for k, n in own if n >= SUGGEST_FROM}))

    def city(self, i: int) -> City:
        return City(*self.rows[i])

    # --- labels and qualifiers ---------------------------------------------------------------
    def country_name(self, code: str) -> str:
        return self.countries.get(code, code)

    def city_label(self, city: City) -> str:
        """``"London, Ontario, Canada"``; a part that repeats the one before is left out."""
        parts = [city.name]
        for part in (city.region, self.country_name(city.country)):
            if part and not region_keys(part) & {fold(p) for p in parts}:
                parts.append(part)
        return ", ".join(parts)

    def qualifiers(self, city: City) -> set[str]:
        """Every folded word that narrows a search to this city's region or country."""
        words = set(self.country_words.get(city.country, ()))
        if city.region:
            words |= region_keys(city.region)
        if short := self.abbreviations.get((city.country, city.region_code)):
            words.add(short)
        return words

    # --- lookups -----------------------------------------------------------------------------
    def cities_named(self, key: str) -> list[City]:
        return [self.city(i) for i in self.by_name.get(key, ())]

    def is_qualifier(self, key: str) -> bool:
        return any(
            form in self.country_keys or form in self.regions or form in self.short_regions
            for form in region_keys(key)
        )

    def qualifier_list(self, words: list[str]) -> list[str] | None:
        """``ontario canada`` -> ``["ontario", "canada"]``; None when a word is no place."""
        found: list[str] = []
        start = 0
        while start < len(words):
            for end in range(len(words), start, -1):
                if self.is_qualifier(" ".join(words[start:end])):
                    found.append(" ".join(words[start:end]))
                    start = end
                    break
            else:
                return None
        return found

    def narrow(self, cities: list[City], qualifiers: list[str]) -> list[City] | None:
        """The cities every qualifier fits (typos allowed), or None when none is a place."""
        from rapidfuzz import fuzz, process  # loaded with the first lookup, as the table is

        kept = cities
        for q in qualifiers:
            forms = region_keys(q)  # "lviv oblast" is also "lviv"
            exact = [c for c in kept if forms & self.qualifiers(c)]
            if not exact and len(q) >= 3:  # "ill", "calif", "mass": the start of the name
                exact = [c for c in kept if any(w.startswith(q) for w in self.qualifiers(c))]
            if not exact and len(q) >= 4:  # "ontaro", "texsa"
                exact = [
                    c
                    for c in kept
                    if process.extractOne(
                        q, self.qualifiers(c), scorer=fuzz.ratio, score_cutoff=QUALIFIER_SCORE
                    )
                ]
            if not exact and not self.is_qualifier(q):
                return None
            kept = exact
        return kept

    def city_places(self, cities: list[City], key: str | None = None) -> list[Place]:
        """Places for cities found under ``key`` (weighed less when it is not their own name)."""
        return [
            Place(
                self.city_label(c),
                c.zone,
                c.population
                if key is None or fold(c.name) == key
                else int(c.population * ALTERNATE_WEIGHT),
            )
            for c in cities
        ]

    def area_places(self, key: str) -> list[Place]:
        """A region or country typed on its own: one place per zone it spans."""
        places: list[Place] = []
        areas = {area for form in region_keys(key) for area in self.regions.get(form, ())}
        for country, code in sorted(areas):
            region = self.rows[self.region_cities[(country, code)][0]][2]
            label = f"{region}, {self.country_name(country)}"
            places += [
                Place(label, zone, n, area=True) for zone, n in self.region_zones[(country, code)]
            ]
        loose = len(key) <= 2 and key not in COUNTRY_NICKNAMES  # "de", "in": not alone
        codes = () if loose else self.country_keys.get(key, ())
        for country in sorted(codes):
            label = self.country_name(country)
            in_cities = self.country_people.get(country, ())
            counted = sum(n for _, n in in_cities)
            # the country's people (GeoNames' figure), shared out as its cities are, or evenly
            # over zone.tab's zones where no city says (Palau's capital has 0 people listed)
            people = max(self.populations.get(country, 0), counted)
            shares = (
                [(zone, n / counted) for zone, n in in_cities]
                if counted
                else [(z, 1 / len(zs)) for zs in [self.country_zones.get(country, ())] for z in zs]
            )
            found = [Place(label, zone, int(people * share), area=True) for zone, share in shares]
            places += found
        return places

    def _biggest(self, name: str) -> Place:
        city = max(self.cities_named(name), key=lambda c: c.population)
        return Place(self.city_label(city), city.zone, city.population)

    def near_misses(self, key: str, limit: int = 3) -> list[Place]:
        """Big cities whose name is spelled almost like ``key`` (not the same name)."""
        from rapidfuzz import fuzz, process

        return [
            self._biggest(name)
            for name, _, _ in process.extract(
                key, self.big_names, scorer=fuzz.ratio, limit=limit, score_cutoff=80
            )
            if name != key
        ]

    def suggest(self, key: str, limit: int = 5) -> list[tuple[float, Place]]:
        """(similarity, city) for cities over 100,000 people whose name looks like ``key``."""
        from rapidfuzz import fuzz, process

        found: list[tuple[float, Place]] = []
        for name, score, _ in process.extract(
            key, self.known_names, scorer=fuzz.ratio, limit=limit, score_cutoff=70
        ):
            if score >= found[0][0] - 10 if found else True:
                found.append((score, self._biggest(name)))
        return found


def _people_by_zone(rows: list[Row], members: list[int]) -> tuple[tuple[str, int], ...]:
    people: dict[str, int] = defaultdict(int)
    for i in members:
        people[rows[i][5]] += rows[i][4]
    return tuple(sorted(people.items()))


def region_keys(name: str) -> set[str]:
    """``"Lviv Oblast"`` -> {``"lviv oblast"``, ``"lviv"``}."""
    full = fold(name)
    short = _REGION_AFFIXES.sub("", full).strip() or full
    keys = {full, short}
    # "Newfoundland and Labrador" is also "newfoundland"
    keys.update(side for side in short.split(" and ") if len(side) > 3)
    return keys


def one_per_zone(places: list[Place]) -> tuple[Place, ...]:
    """One place per zone, most people first (ties: by label, for a stable order). A zone is
    weighed by its biggest place and named by its biggest city when it has one ("berlin":
    the city, not the state of Berlin)."""
    weight: dict[str, int] = defaultdict(int)
    named: dict[str, Place] = {}
    for place in places:
        weight[place.zone] = max(weight[place.zone], place.population)
        held = named.get(place.zone)
        if held is None or (held.area, -held.population) > (place.area, -place.population):
            named[place.zone] = place
    chosen = (
        Place(p.label, zone, weight[zone], p.area and all(q.area for q in places if q.zone == zone))
        for zone, p in named.items()
    )
    return tuple(sorted(chosen, key=lambda p: (-p.population, p.label)))


# --- loading ---------------------------------------------------------------------------------
def _zone_tables() -> tuple[str, str] | None:
    """(iso3166.tab, zone.tab) text from the tzdata package, else the system's tz database."""
    try:
        base = importlib.resources.files("tzdata").joinpath("zoneinfo")
        return (
            base.joinpath("iso3166.tab").read_text("utf-8"),
            base.joinpath("zone.tab").read_text("utf-8"),
        )
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        pass
    try:
        return (
            (SYSTEM_ZONEINFO / "iso3166.tab").read_text("utf-8"),
            (SYSTEM_ZONEINFO / "zone.tab").read_text("utf-8"),
        )
    except OSError:
        return None


def _rows(text: str) -> list[list[str]]:
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


def _country_variants(name: str) -> set[str]:
    """tzdata's ``"Britain (UK)"`` is also ``"britain"`` and ``"uk"``."""
    keys = {fold(name)}
    if m := re.fullmatch(r"(.+?) \((.+)\)", name):
        keys.add(fold(m.group(1)))
        if m.group(2).isupper():
            keys.add(fold(m.group(2)))
        else:  # "Korea (South)" -> "south korea"
            keys.add(fold(f"{m.group(2)} {m.group(1)}"))
    return keys


# What people call some countries that neither tzdata nor GeoNames spells that way.
COUNTRY_NICKNAMES = {
    "us": "US",
    "the us": "US",
    "the states": "US",
    "america": "US",
    "united states of america": "US",
    "great britain": "GB",
    "the uk": "GB",
    "uae": "AE",
    "emirates": "AE",
    "drc": "CD",
    "burma": "MM",
    "holland": "NL",
    "czechia": "CZ",
    "russian federation": "RU",
    "turkey": "TR",
    "turkiye": "TR",
    "persia": "IR",
}


def parse(blob: bytes, zone_tables: tuple[str, str] | None) -> Table:
    rows: list[Row] = []
    keys: list[list[str]] = []
    regions: dict[tuple[str, str], str] = {}
    abbreviations: dict[tuple[str, str], str] = {}
    populations: dict[str, int] = {}
    countries: dict[str, str] = {}
    country_keys: dict[str, set[str]] = defaultdict(set)
    lines = _rows(gzip.decompress(blob).decode("utf-8"))
    for row in lines:
        if row[0] == "R":
            regions[(row[1], row[2])] = row[3]
            if len(row) > 4 and row[4]:
                abbreviations[(row[1], row[2])] = row[4]
        elif row[0] == "N":
            code, iso3, name = row[1], row[2], row[3]
            countries[code] = name
            populations[code] = int(row[4]) if len(row) > 4 and row[4].isdigit() else 0
            for key in (fold(code), fold(iso3), *_country_variants(name)):
                country_keys[key].add(code)
    for key, code in COUNTRY_NICKNAMES.items():
        country_keys[key].add(code)
    country_zones: dict[str, list[str]] = defaultdict(list)
    if zone_tables is not None:
        iso3166, zone_tab = zone_tables
        for code, name in (row[:2] for row in _rows(iso3166) if len(row) >= 2):
            countries[code] = name  # tzdata's name is the one shown
            for key in _country_variants(name):
                country_keys[key].add(code)
        for row in _rows(zone_tab):
            if len(row) >= 3:
                country_zones[row[0]].append(row[2])
    for row in lines:
        if row[0] == "C":
            name, key, country, code, population, zone, alts = row[1:8]
            region = regions.get((country, code), "")
            rows.append((name, country, region, code, int(population), zone))
            key = key or name.casefold()  # the file leaves out keys that are just lower case
            keys.append([key, *alts.split("|")] if alts else [key])
    return Table(
        rows, keys, countries, dict(country_keys), dict(country_zones), abbreviations, populations
    )


_loading = threading.Lock()


@cache
def _load() -> Table:
    blob = importlib.resources.files("bot").joinpath("data", DATA).read_bytes()
    return parse(blob, _zone_tables())


def table() -> Table:
    """The table, read on first use (a second or less) and kept for the life of the process;
    threads that ask while it is read wait for the one reading it."""
    with _loading:
        return _load()


def lookup(text: str) -> Lookup | None:
    """Every place ``text`` can name ("city", "city, region", "city country", a region or a
    country), or None when it names none of them."""
    t = table()
    parts = [p for p in (fold(p) for p in text.split(",")) if p]
    if not parts:
        return None
    head, quals = parts[0], parts[1:]
    cities = t.cities_named(head)
    if quals and cities:
        kept = t.narrow(cities, quals)
        if kept:
            return Lookup(one_per_zone(t.city_places(kept, head)))
        # the rest names no place we know, or a place with no such city: never guess past it
        return Lookup(one_per_zone(t.city_places(cities, head)), ignored=True)
    places = t.city_places(cities, head) + t.area_places(head)
    if places:
        biggest = max(p.population for p in places)
        near = t.near_misses(head) if biggest < NEAR_MISS_BELOW else []
        return Lookup(one_per_zone(places), near_misses=tuple(near))
    # "london ontario", "paris texas", "san jose costa rica": city words, then place words
    words = head.split()
    for cut in range(len(words) - 1, 0, -1):
        key = " ".join(words[:cut])
        cities = t.cities_named(key)
        if not cities:
            continue
        # place words ("ontario canada"), or one word to match loosely ("mass", "texsa")
        rest = t.qualifier_list(words[cut:]) or [" ".join(words[cut:])]
        kept = t.narrow(cities, rest)
        if kept:
            return Lookup(one_per_zone(t.city_places(kept, key)))
    return None
