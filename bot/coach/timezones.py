"""What people type into /timezone -> a zone name ``bot.coach.schedule.zone`` understands.

Order of interpretation (first match wins):

1. ``UTC``/``GMT``/``Z``/``Zulu`` -> ``UTC``.
2. A UTC offset: ``+5:30``, ``+05:30``, ``+0530``, ``UTC+2``, ``GMT-3``, ``-0800``, ``+14``.
   Range -12:00..+14:00, minutes 00/15/30/45 -> ``UTC+05:30`` (``UTC`` for zero). A fixed
   offset has no DST; that is what the user asked for.
3. An alias: zone abbreviations (``EST`` -> America/New_York, so the user gets DST rather
   than the fixed IANA ``EST``), nicknames the city table has not (``nyc``, ``sf``, ``uk``),
   and the few names people mean one way although the table finds them elsewhere too
   (``washington``, ``barcelona``).
4. An IANA name in any case, ``_`` or space (``europe/berlin``, ``America/New York``).
5. A place from the GeoNames city table (``bot.coach.places``): a city over 15,000 people,
   a first-level region or a country, in any case, with or without accents; ``"London,
   Ontario"``, ``"paris texas"``, ``"Portland, ME"`` narrow it by region or country. One zone,
   or one place far bigger than any other of that name elsewhere (``london``), answers
   directly and names the place; several likely ones (``cambridge``, ``georgia``) are
   ``ZoneChoices``. Words after a comma that name no place where such a city is are never
   skipped silently: they give a choice too.
6. The city part of an IANA name, for the towns too small for the table (``eucla``; accents,
   dots, dashes and underscores ignored). Where two names share a city, the longer one wins
   (``America/Argentina/Buenos_Aires`` over the old ``America/Buenos_Aires``).
7. ``"nyc, usa"`` is retried as ``"nyc"`` for rules 3 and 6.
8. An answer in a sentence is retried without its lead-in (``i live in lahore``).

Anything else is ``ZoneUnknown`` with up to five fuzzy suggestions (rapidfuzz over the names
of cities over 100,000 people, aliases and IANA names); a typo never resolves silently.
"""

from __future__ import annotations

import re
import unicodedata
import zoneinfo
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from bot.coach import places

MIN_OFFSET_MINUTES = -12 * 60
MAX_OFFSET_MINUTES = 14 * 60

_REGIONS = frozenset(
    {
        "Africa",
        "America",
        "Antarctica",
        "Arctic",
        "Asia",
        "Atlantic",
        "Australia",
        "Europe",
        "Indian",
        "Pacific",
    }
)
_NOT_ZONES = frozenset({"localtime", "Factory", "posixrules"})


# One place answers directly when it has this many times the people of the next one of that
# name in another zone ("london": 21x; "birmingham": 6x is a choice).
DOMINANT = 3
# A region or country against a city of its name (or the reverse) must be far bigger:
# "victoria" (the state, 32x the city in Canada) asks; "jordan" (the country) answers.
DOMINANT_MIXED = 50
MAX_CHOICES = 5
# A region or country answers directly only when this share of its people keep one zone
# ("spain", "texas"; not "russia" or "brazil").
AREA_SHARE = 0.9


@dataclass(frozen=True)
class ZoneOption:
    zone: str  # IANA name
    place: str  # "Portland, Maine, United States", or "" for a bare zone name


@dataclass(frozen=True)
class ZoneFound:
    name: str  # IANA name, "UTC+05:30" form, or "UTC"
    place: str = field(default="", compare=False)  # the place it was found as, when one
    # the next place of that name, in another zone ("London, Ontario, Canada")
    other: ZoneOption | None = field(default=None, compare=False)


@dataclass(frozen=True)
class ZoneChoices:
    """Several places fit the words: the user picks one."""

    options: tuple[ZoneOption, ...]  # 2..MAX_CHOICES, one per zone, most likely first
    more: bool = False  # more fitted than are shown
    ignored: str = ""  # words after a comma that narrowed nothing


@dataclass(frozen=True)
class ZoneUnknown:
    suggestions: tuple[str, ...]  # up to 5 IANA names, best first
    options: tuple[ZoneOption, ...] = field(default=(), compare=False)  # the same, labelled


_UTC_WORDS = frozenset(
    {"utc", "gmt", "z", "zulu", "utc0", "gmt0", "utc+0", "utc-0", "gmt+0", "gmt-0", "uct"}
    | {"etc/utc", "etc/gmt", "universal", "greenwich", "coordinated universal time"}
)

# Keys are normalized (see _norm). Values must be IANA names.
ALIASES: dict[str, str] = {
    # abbreviations people use for their zone (DST-aware targets)
    "est": "America/New_York",
    "edt": "America/New_York",
    "et": "America/New_York",
    "eastern": "America/New_York",
    "cst": "America/Chicago",
    "cdt": "America/Chicago",
    "ct": "America/Chicago",
    "central": "America/Chicago",
    "mst": "America/Denver",
    "mdt": "America/Denver",
    "mt": "America/Denver",
    "mountain": "America/Denver",
    "pst": "America/Los_Angeles",
    "pdt": "America/Los_Angeles",
    "pt": "America/Los_Angeles",
    "pacific": "America/Los_Angeles",
    "hst": "Pacific/Honolulu",
    "akst": "America/Anchorage",
    "bst": "Europe/London",
    "cest": "Europe/Berlin",
    "eest": "Europe/Athens",
    "msk": "Europe/Moscow",
    "ist": "Asia/Kolkata",
    "jst": "Asia/Tokyo",
    "kst": "Asia/Seoul",
    "aest": "Australia/Sydney",
    "aedt": "Australia/Sydney",
    "nzst": "Pacific/Auckland",
    # nicknames, and names people mean one way though the city table finds them elsewhere too
    "nyc": "America/New_York",
    "ny": "America/New_York",
    "washington": "America/New_York",
    "dc": "America/New_York",
    "sf": "America/Los_Angeles",
    "la": "America/Los_Angeles",
    "hawaii": "Pacific/Honolulu",
    "barcelona": "Europe/Madrid",
    "hanoi": "Asia/Bangkok",
    "rio": "America/Sao_Paulo",
    "uk": "Europe/London",
    "holland": "Europe/Amsterdam",
    "korea": "Asia/Seoul",
    "vietnam": "Asia/Ho_Chi_Minh",
}

# What people put before a place when they answer in a sentence; tried only after the
# words as typed name nothing ("In Salah" is a town).
_FILLER = re.compile(
    r"^(?:(?:i\s*['’]?\s*m|i\s+am|we\s*['’]?\s*re|we\s+are)\s+(?:(?:based|living)\s+)?"
    r"(?:in|from|near|at)|i\s+live\s+(?:in|near)|we\s+live\s+in|(?:living|based)\s+in"
    r"|near|in|from|it\s*['’]?\s*s|the)\s+",
    re.IGNORECASE,
)
_OFFSET = re.compile(r"^(?:utc|gmt)?\s*([+\-−])\s*(\d{1,2})(?:\s*[:.h]?\s*(\d{2}))?$")


def _norm(text: str) -> str:
    """Case-folded, accents stripped, ``_ - . '`` ignored, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = re.sub(r"[.'’]", "", plain)
    plain = re.sub(r"[_\-\s]+", " ", plain)
    plain = re.sub(r"\s*/\s*", "/", plain)
    return plain.strip()


def zone_from_offset_minutes(minutes: int) -> str:
    """``330`` -> ``"UTC+05:30"``, ``-180`` -> ``"UTC-03:00"``, ``0`` -> ``"UTC"``.

    Raises ValueError outside -12:00..+14:00 or when not a multiple of 15 minutes.
    """
    if not MIN_OFFSET_MINUTES <= minutes <= MAX_OFFSET_MINUTES or minutes % 15:
        raise ValueError(f"not a usable UTC offset: {minutes} min")
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{mins:02d}"


@cache
def _iana_names() -> dict[str, str]:
    """Normalized full name -> IANA name, for every zone tz data knows."""
    names = zoneinfo.available_timezones() - _NOT_ZONES
    return {_norm(n): n for n in sorted(names) if not n.startswith(("posix/", "right/"))}


@cache
def _city_names() -> dict[str, str]:
    """Normalized city (last part of a regional IANA name) -> IANA name; the longer name wins."""
    cities: dict[str, str] = {}
    regional = (n for n in _iana_names().values() if n.split("/", 1)[0] in _REGIONS)
    for name in sorted(regional, key=lambda n: (n.count("/"), n)):
        cities[_norm(name.rsplit("/", 1)[1])] = name
    return cities


@cache
def _fuzzy_choices() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Parallel tuples (normalized key, IANA name) to match typos against."""
    available = set(_iana_names().values())
    pairs: dict[str, str] = {k: v for k, v in ALIASES.items() if len(k) > 3 and v in available}
    pairs.update(_city_names())
    for key, name in _iana_names().items():
        if name.split("/", 1)[0] in _REGIONS:
            pairs[key] = name
    return tuple(pairs), tuple(pairs.values())


def _offset_minutes(text: str) -> int | None:
    m = _OFFSET.match(text)
    if m is None:
        return None
    hours, mins = int(m.group(2)), int(m.group(3) or 0)
    if mins not in (0, 15, 30, 45):
        return None
    total = hours * 60 + mins
    return -total if m.group(1) in "-−" else total


def _exact(key: str) -> str | None:
    if key in _UTC_WORDS:
        return "UTC"
    available = _iana_names()
    alias = ALIASES.get(key)
    if alias is not None and _norm(alias) in available:
        return alias
    full = available.get(key)
    if full is not None and "/" in full:
        return full
    # "singapore" -> Asia/Singapore rather than the legacy top-level link "Singapore"
    return _city_names().get(key) or full


def _iana_suggestions(key: str, limit: int) -> list[tuple[float, str]]:
    """(similarity, IANA name) for zones whose name, city or alias looks like ``key``."""
    from rapidfuzz import fuzz, process  # loaded with the first typo, not at start-up

    keys, names = _fuzzy_choices()
    found: list[tuple[float, str]] = []
    best: float | None = None
    for matched, score, index in process.extract(
        key, keys, scorer=fuzz.ratio, limit=limit * 6, score_cutoff=60
    ):
        best = score if best is None else best
        if score < best - 20:  # far behind the best match: noise
            break
        name = names[index]
        if all(name != n for _, n in found):
            found.append((fuzz.ratio(key, matched), name))
        if len(found) == limit:
            break
    return found


def suggest_options(text: str, limit: int = 5) -> tuple[ZoneOption, ...]:
    """Zones that look like ``text`` (a typo), labelled with the city when one, best first."""
    key = _norm(text)
    if not key:
        return ()
    scored = [(score, ZoneOption(name, "")) for score, name in _iana_suggestions(key, limit)]
    if "/" not in key:
        scored += [
            (score, ZoneOption(p.zone, p.label))
            for score, p in places.table().suggest(places.fold(text), limit)
        ]
    found: dict[str, ZoneOption] = {}
    # stable: on equal similarity a city's label beats a bare zone name
    for _, option in sorted(scored, key=lambda s: (-s[0], not s[1].place)):
        found.setdefault(option.zone, option)
    return tuple(found.values())[:limit]


def _people(options: list[places.Place], label: str) -> int:
    return sum(o.population for o in options if o.area and o.label == label)


def _decide(found: places.Lookup, ignored: str) -> ZoneFound | ZoneChoices:
    """One zone or a clear winner answers; otherwise the likely places are offered."""
    options = list(found.places)
    for near in found.near_misses:  # "sidney": Sidney, Ohio, and Sydney
        if all(near.zone != o.zone for o in options):
            options.append(near)
    top = options[0]
    if len(options) == 1:
        return ZoneFound(top.zone, top.label)
    second = options[1]
    clear = (
        not ignored
        and not found.near_misses
        and not (top.area and second.area and top.label != second.label)  # "punjab"
        and top.population
        >= (DOMINANT if top.area == second.area else DOMINANT_MIXED) * max(second.population, 1)
        and (not top.area or top.population >= AREA_SHARE * _people(options, top.label))
    )
    if clear:
        return ZoneFound(top.zone, top.label, other=ZoneOption(second.zone, second.label))
    shown = tuple(ZoneOption(p.zone, p.label) for p in options[:MAX_CHOICES])
    return ZoneChoices(shown, more=len(options) > MAX_CHOICES, ignored=ignored)


def resolve_zone(text: str) -> ZoneFound | ZoneChoices | ZoneUnknown:
    """Interpret /timezone input; see the module docstring for the order of rules."""
    raw = " ".join(text.split())
    if not raw or len(raw) > 100:
        return ZoneUnknown(())
    compact = raw.casefold().replace(" ", "")
    if compact in _UTC_WORDS:
        return ZoneFound("UTC")
    if (minutes := _offset_minutes(raw.casefold())) is not None:
        try:
            return ZoneFound(zone_from_offset_minutes(minutes))
        except ValueError:
            return ZoneUnknown(())
    key = _norm(raw)
    if key in _UTC_WORDS:
        return ZoneFound("UTC")
    alias = ALIASES.get(key)
    if alias is not None and _norm(alias) in _iana_names():
        return ZoneFound(alias)
    full = _iana_names().get(key)
    if full is not None and "/" in full:
        return ZoneFound(full)
    if "/" not in key and (found := places.lookup(raw)) is not None and found.places:
        ignored = raw.split(",", 1)[1].strip() if found.ignored else ""
        return _decide(found, ignored)
    name = _exact(key)
    if name is None and "," in key:
        name = _exact(key.split(",", 1)[0].strip())
    if name is not None:
        return ZoneFound(name)
    if (bare := _FILLER.sub("", raw)) != raw and bare:  # "i live in lahore", "im in nyc"
        return resolve_zone(bare)
    options = suggest_options(raw.split(",", 1)[0])
    return ZoneUnknown(tuple(o.zone for o in options), options)


@cache
def _finder() -> Any:
    """timezonefinder's bundled polygons, opened once (the first lookup takes a moment)."""
    from timezonefinder import TimezoneFinder

    return TimezoneFinder()


def zone_at(lat: float, lon: float) -> str | None:
    """The IANA zone at a point (a shared location), offline; None off the map or at sea
    where no zone is known."""
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    name = _finder().timezone_at(lat=lat, lng=lon)
    return str(name) if name else None
