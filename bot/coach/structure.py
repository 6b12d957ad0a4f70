"""From the amounts found in a log to a session's blocks: direction, mode and rounds.

parsing.py finds amounts (times, distances, intervals) and their spans; this module decides,
for each, whether it was backward or forward, walking, running or sprinting, and which amounts
repeat together ("90s back / 90s forward x5", "4 x (2 min back, 1 min fwd)", "ten 20 m
backpedals"). Rules, each pinned by the corpus in tests/unit:

- A direction word in an amount's stretch of text (between separators such as commas,
  "then", "/") decides it; the nearest wins, a word after the amount on a tie.
- An amount with no direction word of its own follows the others: forward when its stretch
  says jog/run and the log names backward work elsewhere, otherwise the nearest direction.
- No direction word anywhere: time is backward (this is a backward-running coach), unless the
  log reads like an ordinary run ("jogged 10k"): then nothing is backward and the coach asks.
  A distance of a kilometre or more with no direction word is read as backward but asked.
- "N times" / "x N" after amounts repeats the amounts since the last strong break; "N x (...)"
  and "N rounds: ..." repeat what follows; "N <reps words> of <amount>" repeats one amount.
- A forward amount that "includes" backward work ("45 min run incl. 5x1min backwards") is
  counted without it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from bot.coach.sessions import Block, Direction, Mode, Part

_FLAGS = re.VERBOSE | re.ASCII
Kind = Literal["time", "distance"]
Role = Literal["back", "forward"]  # "back": nothing next to it says otherwise


@dataclass(frozen=True)
class Piece:
    """One amount as parsing.py found it: per-repetition value and its span."""

    kind: Kind
    value: float  # one repetition: seconds or metres
    start: int
    end: int
    role: Role = "back"
    reps: int | None = None  # from "6x30s", "30s x 6", "3 laps"
    total: bool = False
    tail: bool = False  # the reps came after the amount ("1 min x10")


@dataclass
class Reading:
    blocks: list[Block] = field(default_factory=list)
    undirected: bool = False  # some amount had no direction word anywhere in the log
    ordinary_run: bool = False  # ... and the log reads like a forward run
    far_undirected: bool = False  # ... and one was a distance of 1 km or more


_SEPARATOR = re.compile(
    r"[,;/+\n()&]|\.(?![0-9])|\s-\s|\b(?:then|and|after|followed\s+by|plus|incl\w*|inc|with)\b",
    _FLAGS,
)
_STRONG_BREAK = re.compile(r"[;\n:]|\.(?![0-9])|\b(?:then|after\s+that|followed\s+by)\b", _FLAGS)
_BACK = re.compile(
    r"""
    \b(?: backwards? | backward | bwd | bw | retro | reverse[ds]? | back[\s-]?pedal\w* | rückwärts
        | (?<!lower\s)(?<!upper\s)(?<!\bmy\s)(?<!\bgot\s)(?<!came\s)(?<!\bget\s)(?<!\bbe\s)
          (?<!going\s)(?<!\bwent\s)(?<!\bim\s)(?<!\bam\s)(?<!i'm\s)(?<!coming\s)(?<!\bis\s)
          back (?!\s*(?:pain|ache|hurt|sore|stiff|tight|is|was|felt|feels|home|on\s+track
                      |again|to\s+work|into|in\s+action|spasm|twinge|muscles?)\b)
    )\b
    """,
    _FLAGS,
)
_FORWARD = re.compile(
    r"\b(?<!looking\s)(?<!look\s)(?:forwards?|fwd|fw|frontwards|normal\s+direction)\b", _FLAGS
)
_NOT_THE_WORK = r"(?!\s+(?:back\s+)?(?:recovery|between|rest)\b)"  # "90s walk recovery"
_WALK = re.compile(rf"\b(?:walk\w*|hik(?:e|ed|ing)|stroll\w*|march\w*)\b{_NOT_THE_WORK}", _FLAGS)
_SPRINT = re.compile(
    rf"\b(?:sprint\w*|dash\w*|back[\s-]?pedal\w*|shuttles?|strides?)\b{_NOT_THE_WORK}", _FLAGS
)
_RUN = re.compile(rf"\b(?:run|runs|ran|running|jog\w*|trot\w*|parkrun)\b{_NOT_THE_WORK}", _FLAGS)
# Words that make an undirected stretch an ordinary forward run.
_ORDINARY = re.compile(
    r"\b(?:run|runs|ran|running|jog\w*|parkrun|marathon|half|tempo|long\s+run|warm[\s-]?up"
    r"|cool[\s-]?down)\b",
    _FLAGS,
)
_INCLUDES = re.compile(r"\W*(?:\w+\W+)?(?:incl\w*|inc|of\s+which|with(?:in)?|containing)\b", _FLAGS)
# Next to backward work elsewhere, these make an undirected stretch forward ("10k easy").
_FORWARD_HINT = re.compile(
    r"\b(?:easy|tempo|race|steady|long|recovery\s+run|k\s+run|intervals?)\b", _FLAGS
)
_TRAILING = re.compile(
    r"""\s*(?:[),:.-]\s*)?
    (?: x \s* (?P<x>[0-9]{1,3}) | (?P<n>[0-9]{1,3}) \s* (?:x|times|rounds|reps|sets|goes)
      | (?P<w>once|twice) )
    (?![0-9a-z])""",
    _FLAGS,
)
_GROUP_HEAD = re.compile(
    r"""(?P<n>[0-9]{1,3}) \s* (?: x | times | rounds? | sets? | reps? ) \s* (?:of\s*)?
    (?P<open> \( | : | of\b )""",
    _FLAGS,
)
_REP_WORDS = frozenset(
    [
        "backward",
        "backwards",
        "back",
        "reps",
        "rep",
        "sprints",
        "sprint",
        "backpedals",
        "backpedal",
        "shuttles",
        "shuttle",
        "efforts",
        "effort",
        "runs",
        "intervals",
        "strides",
        "hill",
        "hills",
        "short",
        "quick",
        "fast",
        "flat",
        "flying",
        "max",
        "maximal",
        "all",
        "out",
        "hard",
        "easy",
        "retro",
        "reverse",
        "x",
        "of",
        "each",
    ]
)
_LEAD = re.compile(r"(?P<n>[0-9]{1,3})(?P<words>(?:\s+[a-z-]+){0,4}?)\s*[,:]?\s*$", _FLAGS)
_ANY_DIGIT = re.compile(r"[0-9]")
_CHAIN = re.compile(r"[\sa-z]*?(?:[/+&][\sa-z]*)?", _FLAGS)  # words, or a "/" between
_EACH = re.compile(r"\s*(?:each|apiece|a\s+piece|per\s+rep)\b", _FLAGS)


_Word = tuple[int, int, Direction]


def _direction_words(text: str) -> list[_Word]:
    words = [(m.start(), m.end(), Direction.BACKWARD) for m in _BACK.finditer(text)]
    words += [(m.start(), m.end(), Direction.FORWARD) for m in _FORWARD.finditer(text)]
    return words


def _nearest(
    found: list[_Word], lo: int, hi: int, a_start: int, a_end: int, before_first: bool = False
) -> Direction | None:
    """The closest direction word; on a tie the word after the amount ("1 min back"), or the
    word before when the log writes directions first ("backward 1 min forward 1 min")."""
    best: tuple[int, int, Direction] | None = None
    for start, end, direction in found:
        if start < lo or end > hi:
            continue
        gap = max(start - a_end, a_start - end, 0)
        after = start >= a_end
        key = (gap, 0 if after != before_first else 1, direction)
        if best is None or key[:2] < best[:2]:
            best = key
    return best[2] if best else None


_MODES = ((_SPRINT, Mode.SPRINT), (_WALK, Mode.WALK), (_RUN, Mode.RUN))


def _mode_words(text: str) -> list[tuple[int, int, Mode]]:
    return [(m.start(), m.end(), mode) for pat, mode in _MODES for m in pat.finditer(text)]


def _mode_in(found: list[tuple[int, int, Mode]], lo: int, hi: int) -> Mode | None:
    """Sprint over walk over run when a stretch names more than one."""
    for start, end, mode in found:  # ordered by priority
        if start >= lo and end <= hi:
            return mode
    return None


def _mode(text: str, lo: int, hi: int) -> Mode | None:
    return _mode_in(_mode_words(text[lo:hi]), 0, hi - lo)


def _stretches(words: str, pieces: list[Piece]) -> list[tuple[int, int]]:
    """For each piece, the text around it up to the nearest separators on either side."""
    cuts = [m.start() for m in _SEPARATOR.finditer(words)] + [len(words)]
    out = []
    for p in pieces:
        lo = max((c for c in cuts if c < p.start), default=-1) + 1
        hi = min((c for c in cuts if c >= p.end), default=len(words))
        out.append((lo, hi))
    return out


def _rounds_of(text: str, pieces: list[Piece]) -> list[int]:
    """Rounds per piece (1 when not repeated) and group ids, from multipliers in the text."""
    rounds = [p.reps or 1 for p in pieces]
    group = list(range(len(pieces)))
    no_multiplier = not _ANY_DIGIT.search(text) and "once" not in text and "twice" not in text
    if no_multiplier and not any(p.tail for p in pieces):  # nothing left once amounts blank
        return [r * 1000 + g for r, g in zip(rounds, group, strict=True)]
    taken: list[tuple[int, int]] = [(p.start, p.end) for p in pieces]

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    # "4 x (2 min back, 1 min fwd)", "6 rounds: 1 min backward, 1 min forward"
    for head in _GROUP_HEAD.finditer(text):
        if not free(head.start(), head.end()):
            continue
        close = text.find(")", head.end()) if head["open"] == "(" else -1
        stop = close if close >= 0 else _sentence_end(text, head.end())
        members = [i for i, p in enumerate(pieces) if head.end() <= p.start < stop and not p.reps]
        if members:
            for i in members:
                rounds[i], group[i] = int(head["n"]), members[0]
            taken.append((head.start(), head.end()))
    # "90s back / 90s forward x5", "backward 30s, forward 30s, 12 times"
    for i, p in enumerate(pieces):
        nxt = pieces[i + 1].start if i + 1 < len(pieces) else len(text)
        for tail in _TRAILING.finditer(text, p.end, nxt):
            if not free(tail.start(), tail.end()):
                continue
            n = 2 if tail["w"] == "twice" else 1 if tail["w"] else int(tail["x"] or tail["n"])
            start = _last_break(text, p.end)
            members = [j for j in range(i + 1) if pieces[j].start >= start and rounds[j] == 1]
            members = [j for j in members if not pieces[j].reps] or [i]
            if members and n >= 1 and rounds[i] == 1:
                for j in members:
                    rounds[j], group[j] = n, members[0]
                taken.append((tail.start(), tail.end()))
            break
    # "backward 1 min forward 1 min x10": a tail on the last of a chain repeats the chain
    for i, p in enumerate(pieces):
        if not p.tail or not i:
            continue
        j = i
        while (
            j > 0
            and rounds[j - 1] == 1
            and _CHAIN.fullmatch(text, pieces[j - 1].end, pieces[j].start)
        ):
            j -= 1
        for k in range(j, i):
            rounds[k], group[k] = rounds[i], j
        group[i] = j
    # "ten 20 m backpedals", "8 backward sprints of 15 m", "12 reps, 10 metres each"
    for i, p in enumerate(pieces):
        if rounds[i] != 1:
            continue
        prev_end = pieces[i - 1].end if i else 0
        lead = _LEAD.search(text, prev_end, p.start)
        if lead is None or not free(lead.start(), lead.start() + len(lead["n"])):
            continue
        if lead.start() and text[lead.start() - 1].isalnum():
            continue
        words = lead["words"].split()
        if not all(w in _REP_WORDS for w in words):
            continue
        if (
            words
            and words[-1] != "of"
            and not _EACH.match(text, p.end)
            and not (
                set(words)
                & {"reps", "rep", "sprints", "backpedals", "shuttles", "efforts", "strides"}
            )
        ):
            continue
        n = int(lead["n"])
        if n >= 1:
            rounds[i] = n
            taken.append((lead.start(), lead.end()))
    return [r * 1000 + g for r, g in zip(rounds, group, strict=True)]


def _sentence_end(text: str, pos: int) -> int:
    m = re.compile(r"[;\n]|\.(?![0-9])", _FLAGS).search(text, pos)
    return m.start() if m else len(text)


def _last_break(text: str, pos: int) -> int:
    last = 0
    for m in _STRONG_BREAK.finditer(text, 0, pos):
        last = m.end()
    return last


def read_blocks(words: str, pieces: list[Piece], assume: Direction | None = None) -> Reading:
    """Blocks for the pieces, in the order written. `words` has the amounts blanked out;
    `assume` is the user's answer for amounts that name no direction."""
    reading = Reading()
    if not pieces:
        return reading
    spans = _stretches(words, pieces)
    found = _direction_words(words)
    first_word = min((w[0] for w in found if w[0] >= spans[0][0]), default=len(words))
    before_first = first_word < pieces[0].start
    directions: list[Direction | None] = []
    for p, (lo, hi) in zip(pieces, spans, strict=True):
        # "cool-down 5 min backwards": a direction word beats the warm-up/cool-down context
        d = _nearest(found, lo, hi, p.start, p.end, before_first)
        d = d or (Direction.FORWARD if p.role == "forward" else None)
        directions.append(d)
    named = [d for d in directions if d is not None]
    has_back = Direction.BACKWARD in named
    for i, (lo, hi) in enumerate(spans):
        if directions[i] is not None:
            continue
        ordinary = bool(_ORDINARY.search(words, lo, hi))
        p = pieces[i]
        back_kinds = {
            q.kind for q, d in zip(pieces, directions, strict=True) if d is Direction.BACKWARD
        }
        far = p.kind == "distance" and p.value * (p.reps or 1) >= 1000
        if assume is not None:
            directions[i] = assume
        elif named:
            hint = ordinary or _FORWARD_HINT.search(words, lo, hi)
            if has_back and (hint or (far and p.kind not in back_kinds)):
                directions[i] = Direction.FORWARD
            else:
                before = [d for d in directions[:i] if d is not None]
                after = [d for d in directions[i + 1 :] if d is not None]
                directions[i] = before[-1] if before else after[0]
        else:
            reading.undirected = True
            if ordinary or _ORDINARY.search(words):
                reading.ordinary_run = True
                directions[i] = Direction.FORWARD
            else:
                directions[i] = Direction.BACKWARD
                if far:
                    reading.far_undirected = True
    modes = _mode_words(words)
    whole_mode = _mode_in(modes, 0, len(words))
    keys = _rounds_of(words, pieces)
    for i in range(1, len(pieces)):
        single = keys[i] // 1000 == 1 and keys[i - 1] // 1000 == 1
        if single and spans[i] == spans[i - 1] and pieces[i].kind != pieces[i - 1].kind:
            keys[i] = keys[i - 1]  # "400m in 2:30": one stretch, one part
    values = [p.value for p in pieces]
    # A forward stretch that includes the backward work after it counts without it.
    for i, p in enumerate(pieces):
        if directions[i] is Direction.FORWARD and _INCLUDES.match(words, p.end):
            inner = sum(
                q.value * (keys[j] // 1000)
                for j, q in enumerate(pieces)
                if j > i and q.kind == p.kind and directions[j] is Direction.BACKWARD
            )
            values[i] = max(0.0, p.value - inner)
    groups: dict[int, list[Part]] = {}
    order: list[int] = []
    last_span: dict[int, tuple[int, int]] = {}
    for i, p in enumerate(pieces):
        if values[i] <= 0:
            continue
        lo, hi = spans[i]
        mode = _mode_in(modes, lo, hi) or whole_mode or Mode.RUN
        part = Part(
            direction=directions[i] or Direction.BACKWARD,
            mode=mode,
            seconds=values[i] if p.kind == "time" else None,
            metres=values[i] if p.kind == "distance" else None,
        )
        key = keys[i]
        if key not in groups:
            groups[key] = []
            order.append(key)
        prev = groups[key][-1] if groups[key] else None
        if prev is not None and last_span.get(key) == spans[i] and _complement(prev, part):
            # "400m in 2:30": one stretch with a distance and a time is one part.
            groups[key][-1] = Part(
                prev.direction,
                prev.mode,
                prev.seconds if prev.seconds is not None else part.seconds,
                prev.metres if prev.metres is not None else part.metres,
            )
        else:
            groups[key].append(part)
        last_span[key] = spans[i]
    reading.blocks = [Block(tuple(groups[k]), rounds=k // 1000) for k in order]
    return reading


def _complement(a: Part, b: Part) -> bool:
    return a.direction is b.direction and (
        (a.seconds is None and a.metres is not None and b.metres is None)
        or (a.metres is None and a.seconds is not None and b.seconds is None)
    )


def mode_of(text: str) -> Mode | None:
    """Walking, running or sprinting, from the words of a note (lower-case)."""
    return _mode(text.lower(), 0, len(text))
