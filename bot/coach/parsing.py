"""Turn a free-text session log ("did 4 min backwards, felt great") into a LogDraft.

Pure string work (no I/O) so the Telegram edge, the API and the tests share one reading.
Rules worth knowing, each pinned by tests/unit/test_parsing_corpus.py:

- Several amounts add up ("2 min on grass, 3 min on track" -> 5 min), unless one is marked as
  the total ("6x30s, 3 min total" -> 3 min).
- Amounts next to rest/recovery/break/pause/warm-up/cool-down/forward(s) are not backward time
  and are skipped; so are paces ("5:30/km", "pace 5:30"), speeds ("6 km/h") and clock times of
  day ("at 7:30", "6:45 am").
- "m" after a number is metres ("5m"); "1m30s" / "5m 20s" (one or two digits, "m", then
  seconds) is minutes, so "50m 10s" reads 50:10 - write "50m in 10s" for a sprint.
  "2min30" / "1h30" read the glued number as seconds / minutes.
- A range "3-4 min" counts the number next to the unit (4 min).
- Intervals "6x30s" give reps, rep_s and reps*rep_s seconds; "6x100m" gives reps and metres.
- Feeling: the last feeling word wins ("tough but good" -> good); emoji count only when no
  word does; "ok"/"fine"/"good" right after a body part ("knees fine") is a body status.
- Pain/soreness words attach body parts in the same clause, nearest word first.
- Which amounts are backward or forward, walked, run or sprinted, and which repeat together
  is structure.py's job; the day is when.py's; misspelled vocabulary is fixed by typos.py
  before any pattern runs. What can't be settled (no direction, "5m", a far-off day, only
  forward work) becomes a question on the draft, answered through `answers`.
- Notes are codes (types.Note), rendered by render/sessions.py.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any, Literal

from bot.coach.sessions import Direction, totals
from bot.coach.structure import Piece, Reading, read_blocks
from bot.coach.types import (
    PLURALS,
    SORE_NOUNS,
    Feeling,
    LogDraft,
    Note,
    ParseError,
    Question,
    RedFlag,
)
from bot.coach.typos import correct
from bot.coach.when import read_day

MAX_TEXT = 500
MAX_DURATION_S = 4 * 3600
MAX_DISTANCE_M = 50_000

_FLAGS = re.VERBOSE | re.ASCII
_Kind = Literal["time", "distance"]

# --------------------------------------------------------------------------- normalising

_CHAR_MAP = str.maketrans(
    {
        "’": "'",
        "‘": "'",
        "`": "'",
        "´": "'",
        "“": '"',
        "”": '"',
        "–": "-",
        "—": "-",
        "−": "-",
        "‐": "-",
        "‑": "-",
        "？": "?",
    }
)
_FRACTION = re.compile(r"(?P<whole>[0-9]+)?\s?(?P<frac>[½¼¾])")
_FRACTION_VALUE = {"½": 0.5, "¼": 0.25, "¾": 0.75}
_LEADING_DOT = re.compile(r"(?<![0-9a-z])\.(?=[0-9])")  # ".5 min" -> "0.5 min"
# A multiplication sign between numbers (also Cyrillic "х" and "*") is the interval "x".
_TIMES_SIGN = re.compile(r"(?<=[0-9])\s*[хx×✕✖*]\s*(?=[0-9])")

_SMALL_NUMBERS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fourty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_NUMBER_WORD = re.compile(
    rf"""
    \b(?:
        (?P<tens>{"|".join(_TENS)})
        (?:[\s-]+(?P<ones>one|two|three|four|five|six|seven|eight|nine)\b)?  # twenty-five
      | (?P<small>{"|".join(sorted(_SMALL_NUMBERS, key=len, reverse=True))})
    )\b
    """,
    _FLAGS,
)
_MAGNITUDE = re.compile(
    r"""
    \b(?:(?P<n>[0-9]+)|an?)\s+(?P<mag>hundred|thousand)      # "4 hundred", "a hundred"
    (?:\s+(?:and\s+)?(?P<rest>[0-9]{1,2})\b)?               # "2 hundred and 50"
    """,
    _FLAGS,
)
# Unit words the phrase rules below may rewrite ("half an hour" -> "0.5 hour").
_UNIT_WORD = (
    r"(?:hours?|hrs?|minutes?|mins?|seconds?|secs?|miles?|km|kilomet(?:er|re)s?|k|metres?|meters?)"
)
_PHRASES: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    # "a minute and a half", "2 minutes and a half"
    (
        re.compile(rf"\b(?:(?P<n>[0-9]+)|an?)\s+(?P<u>{_UNIT_WORD})\s+and\s+a\s+half\b", _FLAGS),
        lambda m: f"{m['n'] or 1}.5 {m['u']}",
    ),
    # "1 and a half minutes"
    (
        re.compile(rf"\b(?P<n>[0-9]+)\s+and\s+a\s+half\s+(?P<u>{_UNIT_WORD})\b", _FLAGS),
        "\\g<n>.5 \\g<u>",
    ),
    # "half a minute", "half an hour", "a half hour"
    (re.compile(rf"\b(?:a\s+)?half\s+(?:an?\s+)?(?P<u>{_UNIT_WORD})\b", _FLAGS), "0.5 \\g<u>"),
    (re.compile(r"\b(?:a\s+)?quarter\s+(?:of\s+)?(?:an?\s+)?hour\b", _FLAGS), "15 min"),
    (re.compile(rf"\b(?:a\s+)?couple\s+(?:of\s+)?(?P<u>{_UNIT_WORD})\b", _FLAGS), "2 \\g<u>"),
    (re.compile(rf"\ba\s+few\s+(?:more\s+)?(?P<u>{_UNIT_WORD})\b", _FLAGS), "3 \\g<u>"),
    (re.compile(r"\ban?\s+(?P<u>laps?)\b", _FLAGS), "1 \\g<u>"),
    (re.compile(r"\ba\s+dozen\b", _FLAGS), "12"),
    # "a minute", "an hour", "a mile"; not "a second" ("for a second I thought...")
    (
        re.compile(r"\ban?\s+(?P<u>hour|hr|minute|min|mile|km|kilomet(?:er|re))\b", _FLAGS),
        "1 \\g<u>",
    ),
)


def _number_word(match: re.Match[str]) -> str:
    if match["small"]:
        return str(_SMALL_NUMBERS[match["small"]])
    ones = _SMALL_NUMBERS[match["ones"]] if match["ones"] else 0
    return str(_TENS[match["tens"]] + ones)


def _magnitude(match: re.Match[str]) -> str:
    base = int(match["n"]) if match["n"] else 1
    scale = 100 if match["mag"] == "hundred" else 1000
    return str(base * scale + (int(match["rest"]) if match["rest"] else 0))


def _fraction(match: re.Match[str]) -> str:
    value = int(match["whole"] or 0) + _FRACTION_VALUE[match["frac"]]
    return f"{value:g}"


# speech-to-text: "two an a half minutes"
_AN_A_HALF = re.compile(r"\ban\s+a\s+half\b", _FLAGS)
_SLASH_FRACTION = re.compile(
    r"(?<![0-9/])(?P<f>1/2|1/4|3/4)(?=\s*(?:an?\s+)?(?:hours?|hrs?|h\b|min|mile|km))", _FLAGS
)
_SLASH_VALUE = {"1/2": "0.5", "1/4": "0.25", "3/4": "0.75"}


def _normalize(text: str) -> str:
    """Lower-case ASCII-ish text with number words as digits, so one set of patterns suffices."""
    text = _FRACTION.sub(_fraction, text)
    text = unicodedata.normalize("NFKC", text).lower().translate(_CHAR_MAP)
    text = _AN_A_HALF.sub("and a half", correct(text))
    text = _SLASH_FRACTION.sub(lambda m: _SLASH_VALUE[m["f"]], text)
    text = _LEADING_DOT.sub("0.", text)
    text = _TIMES_SIGN.sub("x", text)
    text = _NUMBER_WORD.sub(_number_word, text)
    text = _MAGNITUDE.sub(_magnitude, text)
    for pattern, replacement in _PHRASES:
        text = pattern.sub(replacement, text)
    return text


# --------------------------------------------------------------------------- amounts

_NUM = r"[0-9]+(?:[.,][0-9]+)?"
_H = r"(?:hours|hour|hrs|hr|h)"
_MIN = r"(?:minutes|minute|mins|min|mns|mn|'|′)"
_SEC = r'(?:seconds|second|secs|sec|s|"|″)'
_END = r"(?![0-9a-z:]|[.,][0-9])"  # a glued number ends here: not "2min30s", not "2min30.5"

_CLOCK = re.compile(
    rf"""
    (?P<a>[0-9]{{1,3}}) : (?P<b>[0-5][0-9])     # m:ss, or h:mm when an hour unit follows
    (?: : (?P<c>[0-5][0-9]) )?                  # h:mm:ss
    (?![0-9:])
    (?: \s* (?: (?P<hu>{_H}) | {_MIN} ) (?![a-z]) )?    # "1:30 min", "1:15 h"
    """,
    _FLAGS,
)
_DURATION = re.compile(
    rf"""
    (?P<h>{_NUM}) \s* {_H} (?![a-z])                                  # 1 hour
    (?: \s* (?:and\s+)? (?P<hm>[0-9]{{1,2}}) \s* (?:{_MIN}|m) (?![a-z])   # ... 5 min / 30m
      | (?P<hmb>[0-9]{{2}}) {_END}                                      # ... "1h30"
    )?
    (?: \s* (?:and\s+)? (?P<hs>[0-9]{{1,2}}) \s* {_SEC} (?![a-z]) )?      # ... 10 s
  | (?P<m>{_NUM}) \s* {_MIN} (?![a-z])                                # 3 min
    (?: \s* (?:and\s+)? (?P<ms>[0-9]{{1,2}}(?:\.[0-9]+)?) \s* {_SEC} (?![a-z])  # ... 30 s
      | (?P<msb>[0-9]{{2}}) {_END}                                      # ... "2min30"
      | \s+ (?P<msc>[0-5][0-9]) {_END}                                  # ... "1 min 45"
        (?!\s*(?:x\b|times|reps?|sets?|rounds?|laps?|goes|m\b|k\b|km|mi\b|yards?|metres?
                |meters?|[a-z]*\s*(?:sprints|backpedals)))
    )?
  | (?P<mm>[0-9]{{1,2}}) \s* m \s* (?P<mms>[0-9]{{1,2}}) \s* {_SEC} (?![a-z])  # "1m30s"
  | (?P<s>{_NUM}) \s* {_SEC} (?![a-z])                                # 90 s
    """,
    _FLAGS,
)
_DISTANCE = re.compile(
    rf"""
    (?P<d>{_NUM}) \s*
    (?P<du> kilometres|kilometers|kilometre|kilometer|kms|km|k
          | metres|meters|metre|meter|mtrs|mtr|m
          | miles|mile|mi
          | yards|yard|yds|yd
          | feet|ft )
    (?![a-z])
    """,
    _FLAGS,
)
_METRES_PER = {"k": 1000.0, "mi": 1609.344, "m": 1.0, "y": 0.9144, "f": 0.3048}
_INTERVAL_HEAD = re.compile(
    r"""
    (?P<reps>[0-9]{1,4}) \s*
    (?: x | times | (?:reps?|sets?|rounds?) \s+ of )   # 6x, 6 times, 6 reps of
    \s* (?=[0-9])
    """,
    _FLAGS,
)
_INTERVAL_TAIL = re.compile(rf"\s* x \s* (?P<reps>[0-9]{{1,4}}) {_END}", _FLAGS)  # "30s x 6"

# Context that makes an amount something other than backward time.
_PACE_AFTER = re.compile(r"\s*(?:/|per\b)\s*(?:km|k|kilomet|mi|mile|100\s*m)", _FLAGS)
_SPEED_AFTER = re.compile(r"\s*(?:/\s*h|/\s*hr|/\s*hour|per\s+hour)\b", _FLAGS)
_PACE_BEFORE = re.compile(r"\bpace\s*(?:of|was|is|at|around|about|:|=|~)?\s*$", _FLAGS)
_CLOCK_TIME_BEFORE = re.compile(
    r"(?:\b(?:at|from|to|until|till|by|since|before|after)|@)\s*$", _FLAGS
)
_CLOCK_TIME_AFTER = re.compile(r"\s*(?:am|pm|a\.m|p\.m|o'?clock)\b", _FLAGS)


def _word_before(word: str) -> re.Pattern[str]:
    """`word` right before an amount: "rest 90s", "warm-up: 5 min"."""
    return re.compile(rf"\b{word}\s*(?:of|:|=|-)?\s*$", _FLAGS)


_REST = r"(?:rest|recovery|recover|break|pause)"
_FORWARD_WORD = r"(?:warm[\s-]?up|cool[\s-]?down|forwards?|fwd)"
_REST_AFTER = re.compile(
    rf"\s*(?:of\s+)?(?:{_REST}|(?:walk|jog)(?:ing)?\s+(?:between|recovery)|between)\b",
    _FLAGS,
)
_REST_BEFORE = _word_before(_REST)
# "30 min bike", "10 min of core": other training, neither backward nor forward running
_OTHER_SPORT_AFTER = re.compile(
    r"\s*(?:of\s+)?(?:on\s+the\s+)?(?:bike|biking|cycl\w*|spin(?:ning)?|swim\w*|rowing|row"
    r"|weights|yoga|core|stretch\w*|pilates|skipping|rope)\b",
    _FLAGS,
)
_FORWARD_AFTER = re.compile(rf"\s*(?:of\s+)?(?:easy\s+)?{_FORWARD_WORD}\b", _FLAGS)
_FORWARD_BEFORE = _word_before(_FORWARD_WORD)
# "3 laps", "2 laps of 200m": a track lap is 400 m unless the user says otherwise
_LAPS = re.compile(
    r"(?P<n>[0-9]{1,3})\s*laps?\b(?:\s+(?:of|around|round)\s+(?:an?\s+|the\s+)?(?P<len>[0-9]{2,4})\s*m\b)?",
    _FLAGS,
)
LAP_M = 400.0
_TOTAL_AFTER = re.compile(r"\s*(?:in\s+)?(?:total|overall|altogether)\b", _FLAGS)
_TOTAL_BEFORE = re.compile(r"\b(?:total|overall)\s*(?:of|:|=|was|is)?\s*$", _FLAGS)
_DIGITS = re.compile(r"[0-9]+")
_WORDISH = frozenset("0123456789abcdefghijklmnopqrstuvwxyz")


@dataclass(frozen=True)
class _Single:
    kind: _Kind
    value: float  # seconds or metres
    end: int
    clock: bool = False


@dataclass(frozen=True)
class _Amount:
    kind: _Kind
    value: float  # seconds or metres, reps included
    start: int
    end: int
    negative: bool = False
    counts: bool = True  # False for rest, pace, speed, time of day
    total: bool = False  # explicitly the session total
    reps: int | None = None
    rep_s: int | None = None
    forward: bool = False  # next to "forward", "warm-up", "cool-down"
    tail: bool = False  # reps written after the amount: "30s x 6"
    unit_value: float = 0.0  # one repetition


def _number(text: str) -> float:
    """'1,000' is a thousand, '2,5' is two and a half (decimal comma)."""
    if "," in text:
        whole, _, frac = text.partition(",")
        text = whole + frac if len(frac) == 3 else f"{whole}.{frac}"
    return float(text)


def _whole_seconds(value: float) -> float:
    """Round to a whole second without tripping over inf from absurd inputs."""
    return float(round(value)) if math.isfinite(value) else value


def _opt(text: str | None) -> float:
    return _number(text) if text else 0.0


def _clock_seconds(match: re.Match[str]) -> float:
    a, b = int(match["a"]), int(match["b"])
    if match["c"] is not None:
        return a * 3600 + b * 60 + int(match["c"])
    return a * 3600 + b * 60 if match["hu"] else a * 60 + b


def _duration_seconds(match: re.Match[str]) -> float:
    if match["h"] is not None:
        minutes = _opt(match["hm"] or match["hmb"])
        return _number(match["h"]) * 3600 + minutes * 60 + _opt(match["hs"])
    if match["m"] is not None:
        return _number(match["m"]) * 60 + _opt(match["ms"] or match["msb"] or match["msc"])
    if match["mm"] is not None:
        return int(match["mm"]) * 60 + int(match["mms"])
    return _number(match["s"])


def _distance_metres(match: re.Match[str]) -> float:
    unit = match["du"]
    key = "mi" if unit.startswith("mi") else unit[0]
    return _number(match["d"]) * _METRES_PER[key]


def _single_at(text: str, pos: int) -> _Single | None:
    """One clock, duration or distance starting exactly at pos."""
    if clock := _CLOCK.match(text, pos):
        return _Single("time", float(_clock_seconds(clock)), clock.end(), clock=True)
    if duration := _DURATION.match(text, pos):
        return _Single("time", _duration_seconds(duration), duration.end())
    if distance := _DISTANCE.match(text, pos):
        return _Single("distance", _distance_metres(distance), distance.end())
    return None


def _can_start(text: str, pos: int) -> bool:
    """A number must not be glued to a word or be the tail of another number ("1.5", "x30")."""
    if pos == 0:
        return True
    before = text[pos - 1]
    if before in _WORDISH:
        return False
    return not (before in ".,:" and pos >= 2 and text[pos - 2].isdigit())


def _is_negative(text: str, pos: int) -> bool:
    """'-3 min' is negative, '3-4 min' is a range."""
    if pos < 1 or text[pos - 1] != "-":
        return False
    return pos < 2 or text[pos - 2] not in _WORDISH


def _counts(text: str, start: int, single: _Single, end: int) -> bool:
    """False when the amount is a pace, speed, rest or a clock time of day."""
    before = text[max(0, start - 24) : start]
    if _PACE_AFTER.match(text, end) or _PACE_BEFORE.search(before):
        return False
    if single.kind == "distance" and _SPEED_AFTER.match(text, end):
        return False
    if single.clock and (_CLOCK_TIME_BEFORE.search(before) or _CLOCK_TIME_AFTER.match(text, end)):
        return False
    if _OTHER_SPORT_AFTER.match(text, end):
        return False
    return not (_REST_AFTER.match(text, end) or _REST_BEFORE.search(before))


def _forward(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 24) : start]
    return bool(_FORWARD_AFTER.match(text, end) or _FORWARD_BEFORE.search(before))


def _amount_at(text: str, pos: int) -> _Amount | None:
    negative = _is_negative(text, pos)
    start = pos - 1 if negative else pos
    reps: int | None = None
    single: _Single | None = None
    from_tail = False
    if laps := _LAPS.match(text, pos):
        reps = int(laps["n"])
        length = float(laps["len"]) if laps["len"] else LAP_M
        single = _Single("distance", length, laps.end())
    elif head := _INTERVAL_HEAD.match(text, pos):
        single = _single_at(text, head.end())
        reps = int(head["reps"]) if single else None
    if single is None:
        single = _single_at(text, pos)
        if single is None:
            return None
        if tail := _INTERVAL_TAIL.match(text, single.end):
            reps = int(tail["reps"])
            from_tail = True
            single = _Single(single.kind, single.value, tail.end(), single.clock)
    end = single.end
    value, rep_s = single.value, None
    unit_value = 0.0 if reps == 0 else single.value
    if reps is not None and single.kind == "time":
        rep_value = _whole_seconds(single.value)
        rep_s = int(rep_value) if reps and math.isfinite(rep_value) else None
        value = reps * rep_value if reps else 0.0
    elif reps is not None:
        value = reps * single.value if reps else 0.0
    before = text[max(0, start - 24) : start]
    return _Amount(
        kind=single.kind,
        value=value,
        start=start,
        end=end,
        negative=negative,
        counts=_counts(text, start, single, end),
        total=bool(_TOTAL_AFTER.match(text, end) or _TOTAL_BEFORE.search(before)),
        reps=reps or None,
        rep_s=rep_s,
        forward=_forward(text, start, end),
        tail=from_tail,
        unit_value=unit_value,
    )


def _find_amounts(text: str) -> list[_Amount]:
    """Scan left to right; the first pattern that fits a number consumes its span."""
    found: list[_Amount] = []
    consumed = 0
    for digits in _DIGITS.finditer(text):
        pos = digits.start()
        if pos < consumed or not _can_start(text, pos):
            continue
        amount = _amount_at(text, pos)
        if amount is not None:
            found.append(amount)
            consumed = amount.end
    return found


@dataclass(frozen=True)
class _Totals:
    """The amounts' part of a draft; its fields but `reading` are LogDraft's, by name."""

    duration_s: int | None
    distance_m: float | None
    reps: int | None
    rep_s: int | None
    forward_s: int | None
    forward_m: float | None
    mode: str | None
    reading: Reading

    def draft_fields(self) -> dict[str, Any]:
        """LogDraft's amount fields: these totals, and the reading's blocks."""
        amounts = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "reading"}
        return {**amounts, "blocks": tuple(self.reading.blocks)}


def _fragment(text: str, amount: _Amount) -> str:
    return text[amount.start : amount.end].strip()


def _rep_s(reading: Reading) -> int | None:
    """The one repeated backward time, when every repeated backward part has the same."""
    lengths = {p.seconds for b in reading.blocks if b.rounds > 1 for p in b.parts if p.backward}
    if len(lengths) != 1:
        return None
    only = lengths.pop()
    return round(only) if only else None


def _check(text: str, counted: list[_Amount]) -> ParseError | None:
    negative = next((a for a in counted if a.negative), None)
    if negative is not None:
        return ParseError("not_positive", _fragment(text, negative))
    for kind, limit in (("time", MAX_DURATION_S), ("distance", MAX_DISTANCE_M)):
        of_kind = [a for a in counted if a.kind == kind]
        if (
            any(not math.isfinite(a.value) for a in of_kind)
            or sum(a.value for a in of_kind) > limit * 2
        ):
            worst = max(of_kind, key=lambda a: a.value)
            return ParseError("absurd", _fragment(text, worst))
    return None


def _totals(
    text: str, words: str, amounts: list[_Amount], assume: Direction | None
) -> _Totals | ParseError:
    counted = [a for a in amounts if a.counts]
    if not counted:
        return ParseError("no_amount")
    problem = _check(text, counted)
    if problem is not None:
        return problem
    marked = {a.kind for a in counted if a.total}
    pieces = [
        Piece(
            kind=a.kind,
            value=a.unit_value,
            start=a.start,
            end=a.end,
            role="forward" if a.forward else "back",
            reps=a.reps,
            total=a.total,
            tail=a.tail,
        )
        for a in counted
        if not (a.total and len([b for b in counted if b.kind == a.kind]) > 1)
    ]
    reading = read_blocks(words, pieces, assume)
    sums = totals(reading.blocks)
    seconds, metres = sums.backward_s, sums.backward_m
    # An explicit total ("6x30s, 3 min total") is what the user says they did backward.
    for kind in marked:
        stated = sum(a.value for a in counted if a.total and a.kind == kind)
        if kind == "time":
            seconds = stated
        else:
            metres = stated
    over_time = seconds > MAX_DURATION_S or sums.forward_s > MAX_DURATION_S
    if over_time or metres > MAX_DISTANCE_M or sums.forward_m > MAX_DISTANCE_M:
        kind = "time" if over_time else "distance"
        worst = max((a for a in counted if a.kind == kind), key=lambda a: a.value)
        return ParseError("absurd", _fragment(text, worst))
    duration_s = round(seconds) or None
    distance_m = round(metres, 1) or None
    forward_s = round(sums.forward_s) or None
    forward_m = round(sums.forward_m, 1) or None
    if duration_s is None and distance_m is None and forward_s is None and forward_m is None:
        return ParseError("not_positive", _fragment(text, counted[0]))
    reps = sums.reps
    return _Totals(
        duration_s,
        distance_m,
        reps,
        _rep_s(reading) if reps else None,
        forward_s,
        forward_m,
        sums.mode,
        reading,
    )


def _mask(text: str, spans: list[tuple[int, int]]) -> str:
    """Blank out spans (same length) so later word rules don't see numbers and units."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


# --------------------------------------------------------------------------- health

_CLAUSE_BREAK = re.compile(
    r"[,;.!?\n()]+|\s-\s|\b(?:but|though|although|however|except|whereas|yet)\b", _FLAGS
)
_RED_FLAGS: tuple[tuple[RedFlag, re.Pattern[str], bool], ...] = (
    # (flag, pattern, locates a body part)
    (
        "sharp pain",
        re.compile(
            r"\b(?:sharp\s+(?:(?:shooting|stabbing)\s+)?(?:pains?|twinges?|stab)"
            r"|stabbing\s+pains?|shooting\s+pains?)\b",
            _FLAGS,
        ),
        True,
    ),
    ("swelling", re.compile(r"\b(?:swell(?:ing|ed|s)?|swollen)\b", _FLAGS), True),
    (
        "giving way",
        re.compile(
            r"\b(?:(?:gave|giving|gives|give|given)\s+(?:way|out)|buckl(?:ed|ing|es|e))\b", _FLAGS
        ),
        True,
    ),
    (
        "fall",
        re.compile(
            r"\b(?<!this\s)(?<!last\s)(?<!next\s)(?<!the\s)"
            r"(?:fell|fall|falls|fallen|falling|tripped|took\s+a\s+tumble)\b"
            r"(?!\s+(?:asleep|for\b|in\s+love|behind|short|apart|through|into\s+(?:a\s+)?(?:rhythm|routine|place))|\s+off\s+(?:the\s+)?(?:wagon|plan))",
            _FLAGS,
        ),
        True,
    ),
    (
        "dizziness",
        re.compile(
            r"\b(?:dizzy|dizziness|light[\s-]?headed(?:ness)?|fainted|fainting|felt\s+faint"
            r"|vertigo)\b",
            _FLAGS,
        ),
        False,
    ),
    (
        "chest pain",
        re.compile(
            r"\b(?:chest\s+(?:(?:felt|feels|was|is|got|went)\s+)?(?:pains?|tight(?:ness)?|hurts?"
            r"|hurting|pressure)"
            r"|tight(?:ness)?\s+(?:in\s+(?:my\s+|the\s+)?)?chest|pains?\s+in\s+(?:my\s+|the\s+)?chest)\b",
            _FLAGS,
        ),
        False,
    ),
    (
        "breathless",
        re.compile(
            r"(?:\b(?:couldn'?t|could\s+not|can'?t|cannot|could\s+barely|could\s+hardly"
            r"|struggl(?:ed|ing)\s+to)\s+breathe"
            r"|\b(?:very|really|extremely|so|super|completely)\s+breathless"
            r"|\bshortness\s+of\s+breath)\b",
            _FLAGS,
        ),
        False,
    ),
)
_CONDITION = re.compile(
    r"""
    \b(?:
        (?P<pain> pains? | painful | hurt(?:s|ing)? | ache[sd]? | aching | twinge[sd]?
                | tweak(?:ed)? | niggles? | niggly | strain(?:ed)? | sprain(?:ed)? | pulled
                | injur(?:y|ies|ed) | ouch | splints | cramp(?:s|ed|ing)? | throbbing
                | rolled | twisted | agony | grazed | bruised? )
      | (?P<sore> sore(?:ness)? | doms | achy | tender(?:ness)? )
      | (?P<stiff> stiff(?:ness)? )
      | (?P<tight> tight(?:ness)? )
      | (?P<fine> ok | okay | fine | good | great | alright | all\s+right | happy | perfect
                | solid | strong | no\s+problems? | no\s+issues? )
    )\b
    """,
    _FLAGS,
)
_BODY_PART = re.compile(
    r"""
    \b(?:
        (?P<knee> knee(?:cap)?s? )
      | (?P<ankle> ankles? )
      | (?P<hip> hips? )
      | (?P<calf> calf | calves | calfs )
      | (?P<achilles> achilles(?:\s+tendons?)? )
      | (?P<shin> shins? )
      | (?P<hamstring> hamstrings? | hammy | hammies )
      | (?P<quad> quadriceps | quad(?:ricep)?s? )
      | (?P<foot> feet | foot | heels? | plantar | soles? | arch(?:es)? | toes? )
      | (?P<neck> neck )
      | (?P<back> (?:lower|upper|lumbar|mid|my)\s+back | backache
                | back (?=\s+(?:pain|ache|hurts?|hurting|is|was|feels?|felt|sore|stiff|tight
                             |twinge|spasm))
                | (?<=sore\s)back | (?<=stiff\s)back | (?<=achy\s)back | (?<=tight\s)back
                | (?<=hurt\s)back | (?<=bad\s)back )
    )\b
    """,
    _FLAGS,
)
_NEGATED_BEFORE = re.compile(
    r"""
    (?: \b(?:no|not|never|without|zero|nothing|none|hardly|barely|free\s+of|0)
      | n't | \b(?:didnt|doesnt|dont|wasnt|isnt|werent|havent|hasnt|cant|couldnt)
    )
    (?:\s+[^\s]+){0,2} \s*$     # at most two words between: "no left knee pain"
    """,
    _FLAGS,
)
_NEGATED_AFTER = re.compile(
    r"\s*[:=-]?\s*(?:free|gone|none|nil|0(?:\s*/\s*10)?(?![0-9.,/]))\b|\s+(?:is|was|has)\s+gone\b",
    _FLAGS,
)
_NEAR_MISS_BEFORE = re.compile(
    r"\b(?:almost|nearly|scared\s+of|afraid\s+of|worried\s+about|fear\s+of|nervous\s+about"
    r"|without|no|never|didn'?t|did\s+not|not)\s*$",
    _FLAGS,
)


@dataclass(frozen=True)
class _Condition:
    start: int
    end: int
    kind: str  # "pain", "sore", "stiff", "tight", "fine" (incl. negated pain), "flag"


@dataclass(frozen=True)
class _Part:
    start: int
    end: int
    name: str
    plural: bool


@dataclass
class _Health:
    pain: bool = False
    body_parts: set[str] = field(default_factory=set)
    sore: list[tuple[str, str | None, bool]] = field(default_factory=list)  # label, part, plural
    red_flags: list[RedFlag] = field(default_factory=list)
    status_spans: list[tuple[int, int]] = field(default_factory=list)  # "fine" in "knees fine"


def _clauses(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    for brk in _CLAUSE_BREAK.finditer(text):
        spans.append((start, brk.start()))
        start = brk.end()
    spans.append((start, len(text)))
    return [(s, e) for s, e in spans if e > s]


def _negated(text: str, clause_start: int, start: int, end: int) -> bool:
    """'no knee pain', "didn't hurt", 'pain free', 'pain 0/10'."""
    before = text[max(clause_start, start - 40) : start]
    return bool(_NEGATED_BEFORE.search(before) or _NEGATED_AFTER.match(text, end))


def _red_flags(text: str, clause: tuple[int, int], health: _Health) -> list[_Condition]:
    """Record the red flags of a clause; each comes back as a condition ("fine" if it can't
    point at a body part, like chest pain) so its words are not read again as plain pain."""
    found: list[_Condition] = []
    for flag, pattern, locates in _RED_FLAGS:
        for match in pattern.finditer(text, *clause):
            near_miss = flag == "fall" and _NEAR_MISS_BEFORE.search(
                text[max(clause[0], match.start() - 16) : match.start()]
            )
            if near_miss or _negated(text, clause[0], match.start(), match.end()):
                continue
            health.pain = True
            if flag not in health.red_flags:
                health.red_flags.append(flag)
            found.append(_Condition(match.start(), match.end(), "pain" if locates else "flag"))
    return found


def _conditions(text: str, clause: tuple[int, int]) -> list[_Condition]:
    found: list[_Condition] = []
    for match in _CONDITION.finditer(text, *clause):
        kind = match.lastgroup or "fine"
        if kind != "fine" and _negated(text, clause[0], match.start(), match.end()):
            kind = "fine"
        found.append(_Condition(match.start(), match.end(), kind))
    return found


# "landed on my heels", "running on my toes": where the foot touched down, not where it hurts.
_LANDING_ON = re.compile(r"\b(?:land\w*|ran|run\w*|stay\w*|up)\s+on\s+(?:(?:my|the|your)\s+)?$")


def _parts(text: str, clause: tuple[int, int]) -> list[_Part]:
    parts: list[_Part] = []
    for match in _BODY_PART.finditer(text, *clause):
        name = match.lastgroup or ""
        if _LANDING_ON.search(text, clause[0], match.start()):
            continue
        word = match.group()
        plural = name in PLURALS and (word.endswith("s") or word == "feet")
        parts.append(_Part(match.start(), match.end(), name, plural))
    return parts


def _nearest(part: _Part, conditions: list[_Condition]) -> _Condition | None:
    """Closest condition word; ties prefer pain, then a word after the part ("knees ok")."""
    rank = {"pain": 0, "sore": 1, "stiff": 1, "tight": 1, "fine": 2}

    def key(c: _Condition) -> tuple[int, int, int]:
        gap = max(c.start - part.end, part.start - c.end, 0)
        return gap, rank[c.kind], 0 if c.start >= part.start else 1

    return min(conditions, key=key, default=None)


def _health(text: str) -> _Health:
    """Pain, soreness, red flags and body parts, clause by clause."""
    health = _Health()
    for clause in _clauses(text):
        flags = _red_flags(text, clause, health)
        masked = _mask(text, [(c.start, c.end) for c in flags])
        conditions = [c for c in flags if c.kind == "pain"] + _conditions(masked, clause)
        if any(c.kind == "pain" for c in conditions):
            health.pain = True
        for part in _parts(masked, clause):
            near = _nearest(part, conditions)
            if near is None:
                continue
            if near.kind == "pain":
                health.body_parts.add(part.name)
            elif near.kind == "fine":
                health.status_spans.append((near.start, near.end))
            else:
                health.sore.append((near.kind, part.name, part.plural))
        for cond in conditions:
            if cond.kind in SORE_NOUNS and not any(s[0] == cond.kind for s in health.sore):
                health.sore.append((cond.kind, None, False))
    return health


# --------------------------------------------------------------------------- feeling

_FEELING_WORDS: dict[str, str] = {
    "great": "great",
    "amazing": "great",
    "awesome": "great",
    "fantastic": "great",
    "strong": "great",
    "loved it": "great",
    "love it": "great",
    "love this": "great",
    "loved this": "great",
    "brilliant": "great",
    "excellent": "great",
    "superb": "great",
    "incredible": "great",
    "epic": "great",
    "nailed it": "great",
    "crushed it": "great",
    "smashed it": "great",
    "killed it": "great",
    "good": "good",
    "nice": "good",
    "well": "good",
    "solid": "good",
    "fun": "good",
    "enjoyed it": "good",
    "enjoyable": "good",
    "decent": "good",
    "ok": "ok",
    "okay": "ok",
    "fine": "ok",
    "alright": "ok",
    "all right": "ok",
    "meh": "ok",
    "so-so": "ok",
    "so so": "ok",
    "hard": "hard",
    "tough": "hard",
    "tiring": "hard",
    "tired": "hard",
    "exhausting": "hard",
    "exhausted": "hard",
    "struggled": "hard",
    "struggle": "hard",
    "difficult": "hard",
    "brutal": "hard",
    "knackered": "hard",
    "challenging": "hard",
    "bad": "bad",
    "awful": "bad",
    "terrible": "bad",
    "horrible": "bad",
    "easy": "easy",
}
_G, _D, _O, _X = Feeling.GREAT, Feeling.GOOD, Feeling.OK, Feeling.HARD
# category -> (plain, "not ...", "didn't feel ...")
_FEELING_MEANING: dict[str, tuple[Feeling, Feeling, Feeling]] = {
    "great": (_G, _O, _X),
    "good": (_D, _O, _X),
    "ok": (_O, _X, _X),
    "hard": (_X, _O, _O),
    "bad": (_X, _D, _D),
    "easy": (_D, _X, _X),
}
_FEELING_ALT = "|".join(
    re.escape(w).replace(r"\ ", r"\s+") for w in sorted(_FEELING_WORDS, key=len, reverse=True)
)
_FEELING = re.compile(
    rf"""
    (?:
        (?P<vneg> \b(?:didn'?t|did\s+not|don'?t|do\s+not|doesn'?t|does\s+not|never)\s+feel\s+ )
      | (?P<neg> \b(?:not|wasn'?t|was\s+not|isn'?t|is\s+not|weren'?t|ain'?t)\s+ )
    )?
    (?: (?:so|that|too|very|really|super|overly|particularly|all|quite)\s+ ){{0,2}}
    \b(?P<word>{_FEELING_ALT})\b
    """,
    _FLAGS,
)
_FALSE_FRIEND = {
    "well": re.compile(r"\bas\s+$", _FLAGS),  # "as well" (checked before the word)
    "good": re.compile(r"\s+(?:morning|evening|afternoon|night)\b", _FLAGS),
    "hard": re.compile(r"\s+(?:ground|surface|floor|pavement|concrete|track|road)\b", _FLAGS),
    "strong": re.compile(r"\s+(?:winds?|breeze|sun|headwind)\b", _FLAGS),
    "ok": re.compile(r"'?d\b|'?ed\b", _FLAGS),  # "physio ok'd it"
}
# "easy" is a feeling when felt ("felt easy", "pretty easy", "..., easy"), not a pace ("easy 6k")
_EASY_FELT_BEFORE = re.compile(
    r"\b(?:felt|feel|feels|feeling|was|is|it's|its|pretty|so|very|too|quite|really|fairly|and"
    r"|super|nice)\s+$",
    _FLAGS,
)
_EASY_AT_END = re.compile(r"[^a-z0-9]*$", _FLAGS)
_EMOJI_FEELING: dict[str, Feeling] = {
    **dict.fromkeys("💪🔥😀😃😄😁🤩🥳🙌🚀", Feeling.GREAT),
    **dict.fromkeys("👍🙂😊😌", Feeling.GOOD),
    **dict.fromkeys("😐🤷", Feeling.OK),
    **dict.fromkeys("😅😓😩😫🥵😰😖😣🥴😵", Feeling.HARD),
}


def _false_friend(text: str, match: re.Match[str]) -> bool:
    word = match["word"]
    check = _FALSE_FRIEND.get(word)
    if word == "easy":
        before = text[max(0, match.start("word") - 12) : match.start("word")]
        felt = _EASY_FELT_BEFORE.search(before) or _EASY_AT_END.fullmatch(text, match.end())
        return not felt
    if check is None:
        return False
    if word == "well":
        return bool(check.search(text[max(0, match.start("word") - 4) : match.start("word")]))
    return bool(check.match(text, match.end()))


def _feeling(text: str) -> Feeling | None:
    """The last feeling word wins; emoji only when there is no word."""
    feeling: Feeling | None = None
    for match in _FEELING.finditer(text):
        if _false_friend(text, match):
            continue
        plain, negated, not_felt = _FEELING_MEANING[_FEELING_WORDS[_squash(match["word"])]]
        feeling = not_felt if match["vneg"] else negated if match["neg"] else plain
    if feeling is None:
        for char in text:
            feeling = _EMOJI_FEELING.get(char, feeling)
    return feeling


def _squash(words: str) -> str:
    return " ".join(words.split())


# --------------------------------------------------------------------------- surface, notes

_SURFACE = re.compile(
    r"""
    \b(?:
        (?P<grass> grass | grassy | lawn | turf )
      | (?P<treadmill> treadmill )
      | (?P<track> track )
      | (?P<road> roads? | pavements? | sidewalks? | tarmac | asphalt | streets? | concrete )
      | (?P<sand> sand | sandy )
      | (?P<trail> trails? )
      | (?P<hill> hills? | hilly | uphill | downhill | incline | slope )
      | (?P<park> parks? | parkrun )
      | (?P<beach> beach )
      | (?P<gym> gym )
      | (?P<field> fields? | pitch )
    )\b
    """,
    _FLAGS,
)
# "back on track", "keep track of", "on track for": not the running surface
_TRACK_IDIOM_BEFORE = re.compile(r"\b(?:back\s+on|off|keep|keeping|kept|lose|lost)\s+$", _FLAGS)
_TRACK_IDIOM_AFTER = re.compile(r"\s+(?:of|for|to|my|it|this)\b", _FLAGS)
_PLACES = frozenset({"park", "beach", "gym", "field"})


def _surface(text: str) -> str | None:
    """First surface named; a material (grass, sand...) beats a place (park, beach...)."""
    place: str | None = None
    for match in _SURFACE.finditer(text):
        name = match.lastgroup or ""
        if name == "track" and (
            _TRACK_IDIOM_BEFORE.search(text[max(0, match.start() - 16) : match.start()])
            or _TRACK_IDIOM_AFTER.match(text, match.end())
        ):
            continue
        if name not in _PLACES:
            return name
        place = place or name
    return place


def _soreness_notes(sore: list[tuple[str, str | None, bool]]) -> list[Note]:
    """("sore", "calf", "quad"), ("stiff", "back"), or ("sore",) when no part was named."""
    notes: list[Note] = []
    for label in dict.fromkeys(s[0] for s in sore):
        names = dict.fromkeys(p for lbl, p, _ in sore if lbl == label and p is not None)
        notes.append((label, *names))
    return notes


# --------------------------------------------------------------------------- public API

_QUESTION_START = re.compile(
    r"^[^a-z0-9]*(?:what|whats|what's|how|why|when|where|who|which|can|could|should|shall"
    r"|would|will|is|are|am|do|does|may|might|any)\b",
    _FLAGS,
)
# "5m": five metres or five minutes? Small bare "m" amounts are asked about.
_SMALL_M = re.compile(r"(?<![0-9.,x])(?P<n>[0-9]{1,2})\s*m(?![a-z0-9])(?!\s*[0-9])", _FLAGS)
_SENTENCE_END = re.compile(r"[!?\n]+|\.(?![0-9])", _FLAGS)
_TOLD = re.compile(
    r"\b(?:maybe|about|roughly|around|approx\w*|probably|i\s+think|ish|did|done|went|ran|walked"
    r"|managed|finished|just)\b",
    _FLAGS,
)


def parse_log(
    text: str, today: date | None = None, answers: Mapping[str, str] | None = None
) -> LogDraft | ParseError:
    """Read one free-text log; never raises, so any chat message can be tried.

    `today` is the user's local date (for "on sunday"); `answers` are the user's replies to
    the questions a first reading raised: {"direction": "backward" | "forward",
    "unit": "min" | "m", "day": "<days ago>"}.
    """
    raw = text.strip()
    if not raw:
        return ParseError("empty")
    if len(raw) > MAX_TEXT:
        return ParseError("too_long", str(len(raw)))
    answers = answers or {}
    norm = _normalize(raw)
    questions: list[Question] = []
    small_m = _small_metres(norm)
    if small_m and answers.get("unit") == "min":
        norm = _SMALL_M.sub(lambda m: f"{m['n']} min", norm)
    elif small_m and answers.get("unit") != "m":
        questions.append("unit")
    amounts = _find_amounts(norm)
    words = _mask(norm, [(a.start, a.end) for a in amounts])
    assume = {"backward": Direction.BACKWARD, "forward": Direction.FORWARD}.get(
        answers.get("direction", "")
    )
    found = _totals(norm, words, amounts, assume)
    if isinstance(found, ParseError):
        return found
    reading = found.reading
    if found.duration_s is None and found.distance_m is None:
        questions.append("forward_only")
    elif reading.undirected and (reading.ordinary_run or reading.far_undirected):
        questions.append("direction")
    day = read_day(words, today)
    days_ago = day.days_ago
    chosen = answers.get("day", "")
    if chosen.isdigit() and int(chosen) <= 14:
        days_ago = int(chosen)
    elif day.unclear:
        questions.append("day")
    asked = tuple(dict.fromkeys(questions))
    return _read_words(raw, words, **found.draft_fields(), days_ago=days_ago, questions=asked)


_METRES_LIKELY = re.compile(r"sprint|backpedal|shuttle|x\s*[0-9]|[0-9]\s*x|reps?\b|laps?\b", _FLAGS)


def _small_metres(norm: str) -> bool:
    """A lone "5m" with no other distance or direction of travel that makes metres likely."""
    matches = list(_SMALL_M.finditer(norm))
    if len(matches) != 1:
        return False
    if _METRES_LIKELY.search(norm):
        return False
    return 1 <= int(matches[0]["n"]) <= 20


def read_note(text: str) -> LogDraft:
    """The words of a note, amounts ignored: feeling, pain, soreness, red flags, surface.

    For answers whose time comes from elsewhere (the guided /log): a note with no amount, or
    an odd one ("after 999 hours at my desk"), still has its pain words read. Never raises.
    """
    raw = text.strip()[:MAX_TEXT]
    norm = _normalize(raw)
    words = _mask(norm, [(a.start, a.end) for a in _find_amounts(norm)])
    return _read_words(raw, words)


def _read_words(raw: str, words: str, **session: Any) -> LogDraft:
    """The words' part of a draft (feeling, pain, notes); `session` holds the amounts' part."""
    health = _health(words)
    surface = _surface(words)
    notes: list[Note] = [("surface", surface)] if surface else []
    notes += _soreness_notes(health.sore)
    return LogDraft(
        **session,
        text=raw,
        feeling=_feeling(_mask(words, health.status_spans)),
        pain=health.pain,
        body_parts=tuple(sorted(health.body_parts)),
        sore_parts=tuple(sorted({p for _, p, _ in health.sore if p is not None})),
        red_flags=tuple(health.red_flags),
        surface=surface,
        notes=tuple(notes),
    )


def looks_like_log(text: str) -> bool:
    """For plain chat: an amount that counts in a sentence that isn't a question.

    "is 5 min enough?" and "5 mins?" are questions; "just did my first go!! maybe a minute?"
    is a session told with a shrug (a hedge or a past-tense verb in the sentence).
    """
    raw = text.strip()
    if not raw or len(raw) > MAX_TEXT:
        return False
    norm = _normalize(raw)
    cuts = [0] + [m.end() for m in _SENTENCE_END.finditer(norm)] + [len(norm)]
    for amount in _find_amounts(norm):
        if not amount.counts:
            continue
        lo = max(c for c in cuts if c <= amount.start)
        hi = min(c for c in cuts if c >= amount.end)
        sentence = norm[lo:hi].strip()
        if _QUESTION_START.match(sentence) or "¿" in sentence:
            continue
        if sentence.endswith("?") and not _TOLD.search(sentence):
            continue
        return True
    return False


_BARE_NUMBER = re.compile(r"-?[0-9]{1,3}(?:[.,][0-9]+)?")


def parse_duration_answer(text: str) -> LogDraft | ParseError:
    """A typed answer to "how long?": a bare number means minutes ("4" -> 4 min)."""
    raw = text.strip()
    return parse_log(f"{raw} min" if _BARE_NUMBER.fullmatch(raw) else raw)
