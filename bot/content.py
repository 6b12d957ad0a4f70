"""Coaching content: markdown files with YAML front matter, validated once at start-up.

Pure module: it reads files, renders Telegram HTML and searches tips. No telegram or database
imports, so the core, the edge and the tests can all use it.
"""

from __future__ import annotations

import html
import random
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, Self, TypeVar

import yaml
from frontmatter.default_handlers import YAMLHandler
from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import ErrorDetails
from rapidfuzz import fuzz, process

from bot.coach import load
from bot.coach.sessions import Block, Direction, Mode, Part
from bot.coach.types import TRACKS, WeekTarget

DEFAULT_ROOT: Path = Path(__file__).resolve().parent.parent / "content"

TipKind = Literal["technique", "safety", "mistake", "benefit"]
TIP_KINDS: tuple[TipKind, ...] = ("technique", "safety", "mistake", "benefit")
PLAN_WEEKS: tuple[int, ...] = tuple(range(1, 9))
SAFETY_ID = "safety-rules"  # the tip /safety shows when a track has none of its own
# Each track's own safety rules (ids prefixed by the track); /safety shows the user's.
TRACK_SAFETY: dict[str, tuple[str, ...]] = {
    "team": ("team-sprint-safety",),
    "rehab": ("rehab-treadmill-safety",),
    "runner": ("runner-interval-safety",),
    "beginner": ("beginner-first-steps-safety",),
    "general": ("general-cardio-safety",),
}
MAX_TIP_HTML = 3500  # Telegram allows 4096; leave room for a header or buttons text

# Search tuning: a tip must score MIN_SCORE (0-100) to count; tips within AMBIGUOUS_GAP of the
# best are offered as choices instead of guessing.
MIN_SCORE = 60.0
AMBIGUOUS_GAP = 6.0
MAX_CHOICES = 4

_KIND_RANK = {kind: rank for rank, kind in enumerate(TIP_KINDS)}
_NEGATIONS = frozenset({"no", "not", "without", "never", "zero"})
# Words that carry no topic: question words, filler, and "backward running" itself.
_STOP_TEXT = """a about am an and any are as at be backward backwards best can could did do does
    doing for from get go going good had has have how i im in into is it its just me my of on or
    please reverse retro run running runs should so some tell that the there this tip tips to
    use using was what when which while who why will with would you your"""
_STOP_WORDS = frozenset(_STOP_TEXT.split())


class ContentError(Exception):
    """A content file is unusable; str() is one line: '<path>: <problem>'."""

    def __init__(self, path: Path | str, problem: str, *, shown: str | None = None) -> None:
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"{shown or path}: {problem}")


# ---------------------------------------------------------------------------------------------
# Public models


class Tip(BaseModel):
    """One technique, safety, mistake or benefit tip, ready to send."""

    model_config = ConfigDict(frozen=True)

    id: str
    kind: TipKind
    title: str
    aliases: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    summary: str = ""  # one line sent after a matching log; may be empty
    log_words: tuple[str, ...] = ()
    body_md: str
    html: str  # "<b>title</b>\n\n" + body, Telegram HTML
    source: str = ""  # file it came from, for messages

    @property
    def topic(self) -> str:
        """What a user can type after /tip to get exactly this tip."""
        return self.aliases[0] if self.aliases else self.title.lower()


class TrackPlan(BaseModel):
    """The 8-week plan of one track."""

    model_config = ConfigDict(frozen=True)

    id: str
    title: str
    button: str
    summary: str
    html: str  # the body as Telegram HTML (who it is for, how to fit it in)
    weeks: tuple[WeekTarget, ...]

    def week(self, number: int) -> WeekTarget:
        """The target of a plan week, clamped to 1..8 so a stale position never crashes."""
        return self.weeks[min(max(number, 1), len(self.weeks)) - 1]


@dataclass
class SearchResult:
    """best when confident; choices (2-4) when ambiguous; both empty when nothing matched."""

    best: Tip | None
    choices: list[Tip]


# ---------------------------------------------------------------------------------------------
# Front matter schemas (strict: YAML "3" is not an int, unknown fields are typos)

_M = TypeVar("_M", bound=BaseModel)
_STRICT = ConfigDict(strict=True, extra="forbid", frozen=True)
_Id = Annotated[str, Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=40)]
_Line = Annotated[str, Field(min_length=1, max_length=300, pattern=r"^[^\n]*\S[^\n]*$")]


class _TipMeta(BaseModel):
    model_config = _STRICT

    id: _Id
    kind: TipKind
    title: _Line
    aliases: list[_Line] = []
    tags: list[_Line] = []
    summary: Annotated[str, Field(max_length=300, pattern=r"^[^\n]*$")] = ""
    log_words: list[_Line] = []


class _PartMeta(BaseModel):
    model_config = _STRICT

    direction: Literal["backward", "forward"]
    mode: Literal["walk", "run", "sprint"]
    seconds: float | None = Field(default=None, gt=0, le=4 * 3600)
    metres: float | None = Field(default=None, gt=0, le=50_000)

    @model_validator(mode="after")
    def _amount(self) -> Self:
        if self.seconds is None and self.metres is None:
            raise ValueError("a part needs seconds or metres")
        return self


class _BlockMeta(BaseModel):
    model_config = _STRICT

    rounds: int = Field(default=1, ge=1, le=100)
    parts: list[_PartMeta] = Field(min_length=1)

    def block(self) -> Block:
        return Block(
            parts=tuple(
                Part(Direction(p.direction), Mode(p.mode), p.seconds, p.metres) for p in self.parts
            ),
            rounds=self.rounds,
        )


class _WeekMeta(BaseModel):
    model_config = _STRICT

    week: int = Field(ge=1, le=8)
    phase: _Line
    sessions: int = Field(ge=1, le=14)
    min_s: int = Field(ge=1, le=4 * 3600)
    max_s: int = Field(ge=1, le=4 * 3600)
    workout: _Line
    focus: _Line
    blocks: list[_BlockMeta] = Field(min_length=1)
    measure: Literal["time", "rounds", "reps"] = "time"
    min_count: int = Field(default=0, ge=0, le=200)
    max_count: int = Field(default=0, ge=0, le=200)
    walk_min_s: int = Field(default=0, ge=0, le=4 * 3600)
    walk_max_s: int = Field(default=0, ge=0, le=4 * 3600)
    speed_kmh: float | None = Field(default=None, gt=0, le=20)

    @model_validator(mode="after")
    def _range(self) -> Self:
        if self.min_s > self.max_s:
            raise ValueError(f"min_s ({self.min_s}) is above max_s ({self.max_s})")
        if self.measure != "time" and not 0 < self.min_count <= self.max_count:
            raise ValueError(
                f"measure {self.measure} needs 0 < min_count <= max_count "
                f"(got {self.min_count} and {self.max_count})"
            )
        if self.walk_min_s > self.walk_max_s:
            raise ValueError(
                f"walk_min_s ({self.walk_min_s}) is above walk_max_s ({self.walk_max_s})"
            )
        return self


class _PlanMeta(BaseModel):
    model_config = _STRICT

    id: _Id
    kind: Literal["plan"]
    title: _Line
    button: Annotated[str, Field(min_length=1, max_length=20)]
    summary: _Line
    weeks: list[_WeekMeta]


# ---------------------------------------------------------------------------------------------
# Markdown -> Telegram HTML

_MD = MarkdownIt("commonmark", {"html": False})


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def markdown_to_html(md: str) -> str:
    """Render simple markdown as Telegram HTML: only <b>, <i>, <a href>, <code>, bullets as '• '."""
    root = SyntaxTreeNode(_MD.parse(md))
    return "\n\n".join(b for b in (_block(node) for node in root.children) if b)


def _block(node: SyntaxTreeNode) -> str:
    kind = node.type
    if kind == "paragraph":
        return _inline_of(node)
    if kind == "heading":
        return f"<b>{_inline_of(node)}</b>"
    if kind in ("bullet_list", "ordered_list"):
        return _list(node, 0)
    if kind in ("fence", "code_block"):
        return f"<code>{_esc(node.content.rstrip())}</code>"
    if kind in ("html_block", "hr"):
        return _esc(node.content.strip())
    return "\n\n".join(b for b in (_block(child) for child in node.children) if b)


def _list(node: SyntaxTreeNode, depth: int) -> str:
    """Lists become plain lines ('• ' or '1. '), nested ones indented: Telegram has no lists."""
    ordered = node.type == "ordered_list"
    start = int(node.attrs.get("start", 1)) if ordered else 1
    lines = []
    for number, item in enumerate(node.children, start):
        parts = [
            _list(child, depth + 1) if child.type.endswith("_list") else _block(child)
            for child in item.children
        ]
        marker = f"{number}. " if ordered else "• "
        lines.append("  " * depth + marker + "\n".join(p for p in parts if p))
    return "\n".join(lines)


def _inline_of(node: SyntaxTreeNode) -> str:
    return "".join(_inline(child) for child in node.children)


def _inline(node: SyntaxTreeNode) -> str:
    kind = node.type
    if kind == "text":
        return _esc(node.content)
    if kind == "softbreak":
        return " "  # a wrapped source line, not a new line
    if kind == "hardbreak":
        return "\n"
    if kind == "code_inline":
        return f"<code>{_esc(node.content)}</code>"
    inner = _inline_of(node)
    if kind == "strong":
        return f"<b>{inner}</b>"
    if kind == "em":
        return f"<i>{inner}</i>"
    if kind == "link":
        href = html.escape(str(node.attrs.get("href", "")), quote=True)
        return f'<a href="{href}">{inner}</a>'
    return inner or _esc(node.content)


# ---------------------------------------------------------------------------------------------
# Loading and validation


def _shown(path: Path, root: Path) -> str:
    """Path as a person finds it: relative to the folder holding the content root."""
    try:
        return path.relative_to(root.parent).as_posix()
    except ValueError:
        return str(path)


def _fail(path: Path, root: Path, problem: str) -> ContentError:
    return ContentError(path, problem, shown=_shown(path, root))


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _read(path: Path, root: Path) -> tuple[dict[str, Any], str]:
    """Split a file into its front matter mapping and markdown body."""
    try:
        text = path.read_text(encoding="utf-8").lstrip("\ufeff")
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail(path, root, f"cannot read file: {_one_line(str(exc))}") from exc
    handler = YAMLHandler()
    if not handler.detect(text):
        raise _fail(path, root, "no front matter: the file must start with a '---' line")
    try:
        raw, body = handler.split(text)
    except ValueError as exc:
        raise _fail(path, root, "front matter has no closing '---' line") from exc
    try:
        meta = yaml.load(raw, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        where = ""
        mark = getattr(exc, "problem_mark", None)
        if mark is not None:
            where = f" at line {mark.line + 2}"  # +1 for 0-based, +1 for the opening '---'
        reason = getattr(exc, "problem", None) or str(exc)
        raise _fail(
            path, root, f"front matter is not valid YAML{where}: {_one_line(reason)}"
        ) from exc
    if not isinstance(meta, dict):
        raise _fail(path, root, "front matter must be a mapping of 'field: value' lines")
    return meta, body


def _describe(error: ErrorDetails, meta: Mapping[str, Any]) -> str:
    """One pydantic error as "field 'x': msg", naming the plan week when inside 'weeks'."""
    loc = error["loc"]
    msg = error["msg"].removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        msg = "unknown field (typo?)"
    elif error["type"] == "string_pattern_mismatch":
        kebab = loc[-1] == "id"
        msg = "must be kebab-case, like 'heel-striking'" if kebab else "must be one non-empty line"
    if len(loc) >= 2 and loc[0] == "weeks" and isinstance(loc[1], int):
        weeks = meta.get("weeks")
        item = weeks[loc[1]] if isinstance(weeks, list) and loc[1] < len(weeks) else None
        number = item.get("week") if isinstance(item, dict) else None
        label = f"week {number}" if isinstance(number, int) else f"weeks item {loc[1] + 1}"
        rest = ".".join(str(part) for part in loc[2:])
        return f"{label}: field '{rest}': {msg}" if rest else f"{label}: {msg}"
    return f"field '{'.'.join(str(part) for part in loc)}': {msg}"


def _validate(model: type[_M], meta: dict[str, Any], path: Path, root: Path) -> _M:
    try:
        return model.model_validate(meta)
    except ValidationError as exc:
        raise _fail(path, root, _describe(exc.errors()[0], meta)) from exc


def _body_html(body: str, path: Path, root: Path) -> str:
    if not body.strip():
        raise _fail(path, root, "empty body: write the text below the front matter")
    return markdown_to_html(body)


def _parse_tip(meta: dict[str, Any], body: str, path: Path, root: Path) -> Tip:
    data = _validate(_TipMeta, meta, path, root)
    page = f"<b>{_esc(data.title)}</b>\n\n{_body_html(body, path, root)}"
    if len(page) > MAX_TIP_HTML:
        raise _fail(
            path, root, f"body too long: {len(page)} characters of HTML (limit {MAX_TIP_HTML})"
        )
    return Tip(
        id=data.id,
        kind=data.kind,
        title=data.title,
        aliases=tuple(dict.fromkeys(a.strip() for a in data.aliases)),
        tags=tuple(dict.fromkeys(t.strip() for t in data.tags)),
        summary=data.summary.strip(),
        log_words=tuple(dict.fromkeys(_norm(w) for w in data.log_words if _norm(w))),
        body_md=body.strip(),
        html=page,
        source=_shown(path, root),
    )


def _parse_plan(meta: dict[str, Any], body: str, path: Path, root: Path) -> TrackPlan:
    data = _validate(_PlanMeta, meta, path, root)
    if data.id not in TRACKS:
        raise _fail(
            path, root, f"unknown track id '{data.id}' (expected one of {', '.join(TRACKS)})"
        )
    numbers = [w.week for w in data.weeks]
    for number in PLAN_WEEKS:
        if numbers.count(number) > 1:
            raise _fail(path, root, f"week {number} is listed more than once")
        if number not in numbers:
            raise _fail(path, root, f"week {number} is missing (weeks must be 1 to 8)")
    weeks = tuple(
        WeekTarget(
            week=w.week,
            phase=w.phase,
            sessions=w.sessions,
            min_s=w.min_s,
            max_s=w.max_s,
            workout=w.workout,
            focus=w.focus,
            blocks=tuple(b.block() for b in w.blocks),
            measure=w.measure,
            min_count=w.min_count,
            max_count=w.max_count,
            walk_min_s=w.walk_min_s,
            walk_max_s=w.walk_max_s,
            speed_kmh=w.speed_kmh,
        )
        for w in sorted(data.weeks, key=lambda w: w.week)
    )
    problem = plan_problem(weeks)
    if problem:
        raise _fail(path, root, problem)
    return TrackPlan(
        id=data.id,
        title=data.title,
        button=data.button,
        summary=data.summary,
        html=_body_html(body, path, root),
        weeks=weeks,
    )


def plan_problem(weeks: Sequence[WeekTarget]) -> str | None:
    """The coach's own rules, applied to the plan: each week's typical session is on its
    target, and a week done as written never grows more than the load rule allows."""
    previous: WeekTarget | None = None
    for week in weeks:
        verdict = load.judge(load.of_blocks(week.blocks), week)
        if verdict != "on":
            return f"week {week.week}: its blocks are {verdict.replace('_', ' ')} its own target"
        if previous is not None:
            grown = load.typical_week_effort(week)
            allowed = load.WEEK_GROWTH * load.typical_week_effort(previous)
            if grown > allowed + 1e-6:
                return (
                    f"week {week.week}: done as written it is {grown:.0f} effort seconds, "
                    f"over the {allowed:.0f} the 30% rule allows after week {previous.week}"
                )
        previous = week
    return None


def _check_unique(tips: Iterable[Tip], paths: Mapping[str, Path], root: Path) -> None:
    """Aliases (titles count as aliases) and log words must point at a single tip."""
    alias_owner: dict[str, Tip] = {}
    log_owner: dict[str, Tip] = {}
    for tip in tips:
        for alias in dict.fromkeys(_norm(a) for a in (tip.title, *tip.aliases)):
            other = alias_owner.setdefault(alias, tip)
            if other is not tip:
                raise _fail(paths[tip.id], root, f"alias '{alias}' is also used by {other.source}")
        for word in tip.log_words:
            other = log_owner.setdefault(word, tip)
            if other is not tip:
                raise _fail(
                    paths[tip.id], root, f"log word '{word}' is also used by {other.source}"
                )


def load_content(root: Path = DEFAULT_ROOT) -> Content:
    """Load and validate every content file; the first problem raises ContentError."""
    root = Path(root)
    if not root.is_dir():
        raise ContentError(root, "content folder not found")
    tips: dict[str, Tip] = {}
    tracks: dict[str, TrackPlan] = {}
    paths: dict[str, Path] = {}
    for path in sorted(root.rglob("*.md")):
        if path.name.lower() == "readme.md":
            continue
        meta, body = _read(path, root)
        kind = meta.get("kind")
        if kind == "plan":
            item: Tip | TrackPlan = _parse_plan(meta, body, path, root)
        elif kind in TIP_KINDS:
            item = _parse_tip(meta, body, path, root)
        elif kind is None:
            raise _fail(
                path, root, "field 'kind': missing (technique, safety, mistake, benefit or plan)"
            )
        else:
            raise _fail(
                path,
                root,
                f"unknown kind {kind!r} (expected technique, safety, mistake, benefit or plan)",
            )
        if item.id in paths:
            raise _fail(
                path, root, f"duplicate id '{item.id}' (also in {_shown(paths[item.id], root)})"
            )
        paths[item.id] = path
        if isinstance(item, Tip):
            tips[item.id] = item
        else:
            tracks[item.id] = item
    _check_unique(tips.values(), paths, root)
    for track in TRACKS:
        if track not in tracks:
            raise _fail(root / "plan" / f"{track}.md", root, f"missing plan for track '{track}'")
    for track, ids in TRACK_SAFETY.items():
        if not any(i in tips for i in ids):
            raise _fail(
                root / "safety", root, f"missing the safety tip of track '{track}' ({ids[0]})"
            )
    if SAFETY_ID not in tips:
        raise _fail(
            root / "safety" / "rules.md", root, f"missing the /safety tip (id '{SAFETY_ID}')"
        )
    return Content(tips, {t: tracks[t] for t in TRACKS})


def check_content(root: Path = DEFAULT_ROOT) -> list[str]:
    """Validate the content and summarise it for an operator; raises ContentError."""
    content = load_content(root)
    kinds = [sum(tip.kind == kind for tip in content.tips.values()) for kind in TIP_KINDS]
    longest = max(content.tips.values(), key=lambda tip: len(tip.html))
    lines = [
        f"{len(content.tracks)} tracks: {', '.join(content.tracks)}",
        f"{len(content.tips)} tips: "
        + ", ".join(f"{n} {kind}" for n, kind in zip(kinds, TIP_KINDS, strict=True)),
        f"longest tip: {longest.id} ({len(longest.html)} of {MAX_TIP_HTML} HTML characters)",
    ]
    for tip in content.topics():
        found = content.search(tip.topic)
        if found.best is not tip and tip not in found.choices:
            lines.append(f"warning: {tip.source}: '/tip {tip.topic}' does not find this tip")
    return lines


# ---------------------------------------------------------------------------------------------
# Search


def _norm(text: str) -> str:
    """Lower case, apostrophes dropped, anything not a letter or digit a single space."""
    return " ".join(
        re.sub(r"[^a-z0-9]+", " ", text.lower().replace("'", "").replace("’", "")).split()
    )


def _keywords(text: str) -> list[str]:
    """Normalised words without stop words; all words if only stop words were typed."""
    words = _norm(text).split()
    kept = [w for w in words if w not in _STOP_WORDS]
    return kept or words


@dataclass(frozen=True)
class _Entry:
    """A tip prepared for fuzzy search."""

    tip: Tip
    phrases: tuple[tuple[str, frozenset[str], float], ...]  # normalised text, its words, weight
    strong: tuple[str, ...]  # words of the title and aliases
    tagged: tuple[str, ...]  # words only found in tags
    weak: frozenset[str]  # words of the body


_TAG_WEIGHT = 0.85  # a tag is a hint shared by several tips, an alias names one tip
_BODY_WEIGHT = 0.5


def _entry(tip: Tip) -> _Entry:
    weighted = [(tip.title, 1.0), *((a, 1.0) for a in tip.aliases)]
    weighted += [(t, _TAG_WEIGHT) for t in tip.tags]
    phrases: dict[str, float] = {}
    for text, weight in weighted:
        phrase = " ".join(_keywords(text))
        if phrase:
            phrases[phrase] = max(weight, phrases.get(phrase, 0.0))
    strong = dict.fromkeys(w for p, wt in phrases.items() if wt == 1.0 for w in p.split())
    tagged = dict.fromkeys(w for p in phrases for w in p.split() if w not in strong)
    weak = frozenset(w for w in _keywords(tip.body_md) if len(w) > 2) - set(strong) - set(tagged)
    return _Entry(
        tip,
        tuple((p, frozenset(p.split()), wt) for p, wt in phrases.items()),
        tuple(strong),
        tuple(tagged),
        weak,
    )


def _fuzzy(word: str, choices: Sequence[str], cutoff: float) -> float:
    """Best typo-tolerant similarity of word to any choice; exact only for short words."""
    if word in choices:
        return 100.0
    if len(word) < 4 or not choices:
        return 0.0
    hit = process.extractOne(word, choices, scorer=fuzz.ratio, score_cutoff=cutoff)
    return float(hit[1]) if hit is not None else 0.0


def _word_score(word: str, entry: _Entry) -> float:
    """How well one query word matches a tip: its title and aliases first, tags, then its body."""
    return max(
        _fuzzy(word, entry.strong, 75),
        _TAG_WEIGHT * _fuzzy(word, entry.tagged, 75),
        _BODY_WEIGHT * (100.0 if word in entry.weak else 0.0),
    )


def _phrase_score(
    query: str, words: frozenset[str], phrase: str, phrase_words: frozenset[str]
) -> float:
    """Whole-phrase similarity: typos via ratio; a phrase inside a longer question scores high,
    a query that is only part of a longer phrase lower (it is less specific)."""
    overlap = fuzz.token_set_ratio(query, phrase)
    factor = 0.9 if phrase_words <= words else 0.75
    return max(fuzz.ratio(query, phrase), factor * overlap)


def _score(words: Sequence[str], entry: _Entry) -> float:
    """Half best phrase similarity, half how many query words the tip covers."""
    query = " ".join(words)
    word_set = frozenset(words)
    phrase = max(
        (
            weight * _phrase_score(query, word_set, text, text_words)
            for text, text_words, weight in entry.phrases
        ),
        default=0.0,
    )
    coverage = sum(_word_score(w, entry) for w in words) / len(words)
    return 0.5 * phrase + 0.5 * coverage


# ---------------------------------------------------------------------------------------------
# The loaded content


class Content:
    """All tips and track plans, with search and tip selection."""

    def __init__(self, tips: Mapping[str, Tip], tracks: Mapping[str, TrackPlan]) -> None:
        self.tips: dict[str, Tip] = dict(tips)
        self.tracks: dict[str, TrackPlan] = dict(tracks)
        self._topics = sorted(
            self.tips.values(),
            key=lambda t: (_KIND_RANK[t.kind], t.id != SAFETY_ID, t.id),
        )
        self._entries = [_entry(tip) for tip in self._topics]
        # Longest phrases first, so "heel striking" beats "heel", and mistakes before others.
        self._log_phrases = sorted(
            ((word, tip) for tip in self._topics for word in tip.log_words),
            key=lambda pair: (-len(pair[0].split()), pair[1].kind != "mistake", -len(pair[0])),
        )

    def safety_tip(self, track: str | None = None) -> Tip:
        """The safety rules of a track (content/safety/<track>-...), else the general ones."""
        for tip in self._topics:
            if track and tip.kind == "safety" and tip.id in TRACK_SAFETY.get(track, ()):
                return tip
        return self.tips[SAFETY_ID]

    def safety_html(self, track: str | None = None) -> str:
        """The /safety message for a track."""
        return self.safety_tip(track).html

    def topics(self) -> list[Tip]:
        """Tips a user can ask for: technique, safety, mistakes, benefits; stable order."""
        return list(self._topics)

    def topics_html(self) -> str:
        """A topic list for /tip without a match: one line per tip, grouped by kind."""
        titles = {
            "technique": "Technique",
            "safety": "Safety",
            "mistake": "Common mistakes",
            "benefit": "Benefits",
        }
        blocks = []
        for kind in TIP_KINDS:
            lines = [
                f"• {_esc(t.title)} — /tip {_esc(t.topic)}" for t in self._topics if t.kind == kind
            ]
            if lines:
                blocks.append(f"<b>{titles[kind]}</b>\n" + "\n".join(lines))
        return "\n\n".join(blocks)

    def search(self, query: str) -> SearchResult:
        """Best tip for free text (typos, synonyms, questions); choices when it is a close call."""
        words = _keywords(query[:200])
        if not words:
            return SearchResult(None, [])
        scored = sorted(
            ((_score(words, entry), index) for index, entry in enumerate(self._entries)),
            key=lambda pair: (-pair[0], pair[1]),
        )
        top = scored[0][0]
        if top < MIN_SCORE:
            return SearchResult(None, [])
        close = [self._topics[i] for s, i in scored if s >= max(top - AMBIGUOUS_GAP, MIN_SCORE)]
        if len(close) == 1:
            return SearchResult(close[0], [])
        return SearchResult(None, close[:MAX_CHOICES])

    def scores(self, query: str) -> list[tuple[str, float]]:
        """Every tip's search score, best first; for tuning and tests."""
        words = _keywords(query)
        if not words:
            return []
        pairs = [(e.tip.id, round(_score(words, e), 1)) for e in self._entries]
        return sorted(pairs, key=lambda pair: -pair[1])

    def match_log(self, text: str) -> Tip | None:
        """The tip whose log words appear in a session log; the most specific phrase wins.

        A phrase right after "no"/"not"/"without" does not count ("no neck trouble").
        """
        words = _norm(text).split()
        for phrase, tip in self._log_phrases:
            size = len(phrase.split())
            for start in range(len(words) - size + 1):
                if " ".join(words[start : start + size]) != phrase:
                    continue
                if start == 0 or words[start - 1] not in _NEGATIONS:
                    return tip
        return None

    def pick_fresh(self, recent_ids: Sequence[str], seed: int) -> Tip:
        """A tip not in recent_ids (newest first), chosen by seed; if all are recent, the oldest.

        Deterministic for the same seed and history, so a retried update gives the same tip.
        """
        recent = set(recent_ids)
        fresh = [tip for tip in self._topics if tip.id not in recent]
        if fresh:
            return random.Random(seed).choice(fresh)
        newest_at: dict[str, int] = {}
        for position, tip_id in enumerate(recent_ids):
            newest_at.setdefault(tip_id, position)
        return max(self._topics, key=lambda tip: newest_at.get(tip.id, len(recent_ids)))


def main() -> int:
    """`python -m bot.content`: validate the content, print a summary or the problem."""
    try:
        lines = check_content()
    except ContentError as exc:
        print(f"content error: {exc}", file=sys.stderr)
        return 1
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
