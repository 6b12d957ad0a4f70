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
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import ErrorDetails

from bot import paths
from bot.coach import load
from bot.coach.sessions import Block, Direction, Mode, Part
from bot.coach.types import TRACKS, WeekTarget

if TYPE_CHECKING:
    import numpy as np
    from markdown_it import MarkdownIt
    from markdown_it.tree import SyntaxTreeNode

DEFAULT_ROOT: Path = paths.CONTENT  # the repository's content/, or the installed copy

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
# A tip is read on a phone, between sets: about one screen. Telegram itself allows 4096.
MAX_TIP_HTML = 1200
MAX_SUMMARY = 120  # the summary follows a logged session as one line

# Search tuning: a tip must score MIN_SCORE (0-100) to count; tips within AMBIGUOUS_GAP of the
# best are offered as choices instead of guessing.
MIN_SCORE = 60.0
AMBIGUOUS_GAP = 6.0
MAX_CHOICES = 4
# Without a match, tips scoring NEAR_SCORE or more are offered as the closest topics.
NEAR_SCORE = 40.0
MAX_NEAR = 5
MAX_RELATED = 3
STOP_SIGNS_ID = "stop-signs"  # the first answer to any question about pain
# Offered when nothing is even close to the words: where most people start.
STARTER_IDS = ("first-session", "safety-rules", "how-long", "pace", "stop-signs")
# A question about falling, injury or danger ranks safety tips up and benefits down by this.
RISK_SHIFT = 10.0

_KIND_RANK = {kind: rank for rank, kind in enumerate(TIP_KINDS)}
_NEGATIONS = frozenset({"no", "not", "without", "never", "zero"})
# Words that carry no topic: question words, filler, and "backward running" itself.
_STOP_TEXT = """a about am an and any are as at be backward backwards best can could did do does
    doing for from get go going good had has have how i im in into is it its just me my of on or
    please reverse retro run running runs should so some tell that the there this tip tips to
    use using was what when which while who why will with would you your
    hi hey hello ok okay lol pls plz thanks thx yeah yes really also like all keep wear
    wearing wat wot shud shld u ur r ya"""
_STOP_WORDS = frozenset(_STOP_TEXT.split())
# Words that say something hurts; any of them (not negated) sends the stop signs first.
_PAIN_TEXT = """pain pains painful hurt hurts hurting sharp stabbing swollen swelling throbbing
    sprain sprained twisted tweaked pulled pull twinge agony ouch puffy swells swelled inflamed
    bruised"""
_PAIN_WORDS = frozenset(_PAIN_TEXT.split())
# Words that are pain only when a joint or bone is named ("sore knee", not "sore calves").
_JOINT_ACHE_WORDS = frozenset({"sore", "ache", "aches", "aching", "achy", "injury", "injured"})
_HURT_WORDS = _PAIN_WORDS | _JOINT_ACHE_WORDS
_JOINT_TEXT = """knee knees kneecap ankle ankles hip hips spine wrist wrists elbow shoulder
    shoulders foot feet heel heels toe toes bone joint joints"""
_JOINTS = frozenset(_JOINT_TEXT.split())
# "back" is a body part only as "my back", "lower back"; otherwise it is the direction.
_BACK_AS_BODY = frozenset({"my", "lower", "upper", "the"})
# Words about falling, injury or danger: safety tips answer those before benefits.
_RISK_TEXT = """fall falls fell falling trip tripped tripping injury injured injuries injure crash
    unsafe dangerous danger risk risky scared afraid"""
_RISK_WORDS = frozenset(_RISK_TEXT.split())


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
    summary: str  # one line: sent after a matching log
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
    """best when confident; choices (2-4) when ambiguous; both empty when nothing matched.

    related: with best, other tips on the same words (after the stop signs, the tip about the
    body part). near: without a match, the closest topics (may be empty).
    """

    best: Tip | None
    choices: list[Tip]
    related: list[Tip] = field(default_factory=list)
    near: list[Tip] = field(default_factory=list)


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
    summary: Annotated[str, Field(max_length=MAX_SUMMARY, pattern=r"^[^\n]*\S[^\n]*$")]
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

    def target(self) -> WeekTarget:
        """The week as the core reads it: the same fields, the blocks as structure."""
        fields = self.model_dump(exclude={"blocks"})
        return WeekTarget(**fields, blocks=tuple(b.block() for b in self.blocks))

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


# The parsers (markdown-it, PyYAML, python-frontmatter) are imported when content is parsed:
# a start from the compiled copy (bot/content_cache.py) never needs them.
@cache
def _markdown() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False})


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def markdown_to_html(md: str) -> str:
    """Render simple markdown as Telegram HTML: only <b>, <i>, <a href>, <code>, bullets as '• '."""
    from markdown_it.tree import SyntaxTreeNode

    root = SyntaxTreeNode(_markdown().parse(md))
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
    import yaml
    from frontmatter.default_handlers import YAMLHandler

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
    weeks = tuple(w.target() for w in sorted(data.weeks, key=lambda w: w.week))
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
    """Aliases (titles count as aliases) and log words must point at a single tip, also once
    search has dropped the filler words ("how long" and "long way" would both be "long")."""
    alias_owner: dict[str, Tip] = {}
    search_owner: dict[str, tuple[Tip, str]] = {}
    log_owner: dict[str, Tip] = {}
    for tip in tips:
        for alias in dict.fromkeys(_norm(a) for a in (tip.title, *tip.aliases)):
            other = alias_owner.setdefault(alias, tip)
            if other is not tip:
                raise _fail(paths[tip.id], root, f"alias '{alias}' is also used by {other.source}")
            searched = " ".join(_keywords(alias))
            owner, said = search_owner.setdefault(searched, (tip, alias))
            if owner is not tip:
                raise _fail(
                    paths[tip.id],
                    root,
                    f"alias '{alias}' searches as '{searched}', like '{said}' of {owner.source}",
                )
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
    return summary_lines(load_content(root))


def summary_lines(content: Content) -> list[str]:
    """What check-content prints of loaded content: its counts, and tips /tip cannot find."""
    kinds = [sum(tip.kind == kind for tip in content.tips.values()) for kind in TIP_KINDS]
    longest = max(content.tips.values(), key=lambda tip: len(tip.html))
    lines = [
        f"{len(content.tracks)} tracks: {', '.join(content.tracks)}",
        f"{len(content.tips)} tips: "
        + ", ".join(f"{n} {kind}" for n, kind in zip(kinds, TIP_KINDS, strict=True)),
        f"longest tip: {longest.id} ({len(longest.html)} of {MAX_TIP_HTML} HTML characters)",
    ]
    for tip in content.topics():
        for words in dict.fromkeys((tip.topic, tip.title)):
            if content.search(words).best is not tip:
                lines.append(f"warning: {tip.source}: '/tip {words}' does not find this tip")
    return lines


# ---------------------------------------------------------------------------------------------
# Search


def _norm(text: str) -> str:
    """Lower case, apostrophes dropped, anything not a letter or digit a single space."""
    return " ".join(
        re.sub(r"[^a-z0-9]+", " ", text.lower().replace("'", "").replace("’", "")).split()
    )


# Runs that are a kind of training, not the verb: "long run" must not shrink to "long".
_RUN_KINDS = re.compile(r"\b(long|easy|tempo|recovery|club) runs?\b")


def _words(text: str) -> list[str]:
    """Normalised words, kinds of run ("long run") as one word."""
    return _RUN_KINDS.sub(r"\1run", _norm(text)).split()


def _keywords(text: str) -> list[str]:
    """Normalised words without stop words; all words if only stop words were typed."""
    words = _words(text)
    kept = [w for w in words if w not in _STOP_WORDS]
    return kept or words


@dataclass(frozen=True)
class _Query:
    """What a search query asks: its topic words, and whether it is about pain or risk."""

    words: list[str]
    pain: bool  # something hurts: the stop signs come first
    risk: bool  # falling, injury, danger: safety before benefits


def _negated(words: Sequence[str], index: int) -> bool:
    """A word right after "no"/"not"/"without", or one word later ("no knee pain")."""
    return any(w in _NEGATIONS for w in words[max(0, index - 2) : index])


def _query(text: str) -> _Query:
    words = _words(text)
    live = [(w, not _negated(words, i)) for i, w in enumerate(words) if w not in _NEGATIONS]
    said = {w for w, ok in live if ok}
    joint = bool(said & _JOINTS) or any(
        w == "back" and i > 0 and words[i - 1] in _BACK_AS_BODY for i, w in enumerate(words)
    )
    pain = bool(said & _PAIN_WORDS) or bool(said & _JOINT_ACHE_WORDS and joint)
    # A negated pain word ("no pain") is not a topic either.
    kept = [w for w, ok in live if ok or w not in _HURT_WORDS]
    topic = [w for w in kept if w not in _STOP_WORDS]
    return _Query(topic or kept, pain, bool(said & (_RISK_WORDS | _PAIN_WORDS)))


@dataclass(frozen=True)
class _Entry:
    """A tip prepared for fuzzy search."""

    tip: Tip
    phrases: tuple[tuple[str, frozenset[str], float], ...]  # normalised text, its words, weight
    strong: tuple[str, ...]  # words of the title and aliases
    tagged: tuple[str, ...]  # words only found in tags
    weak: frozenset[str]  # words of the body
    stems: Mapping[str, float]  # stems of title, alias and tag words, with their weight
    written: frozenset[str]  # title, alias and tag words as written (no joined variants)


_TAG_WEIGHT = 0.85  # a tag is a hint shared by several tips, an alias names one tip
_BODY_WEIGHT = 0.5


def _entry(tip: Tip) -> _Entry:
    weighted = [(tip.title, 1.0), *((a, 1.0) for a in tip.aliases)]
    weighted += [(t, _TAG_WEIGHT) for t in tip.tags]
    phrases: dict[str, float] = {}
    written: set[str] = set()
    for text, weight in weighted:
        words = _keywords(text)
        written.update(words)
        # Two words are also typed as one ("head torch", "headtorch"; "hi vis", "hivis").
        variants = [" ".join(words), "".join(words)] if len(words) == 2 else [" ".join(words)]
        for phrase in filter(None, variants):
            phrases[phrase] = max(weight, phrases.get(phrase, 0.0))
    strong = dict.fromkeys(w for p, wt in phrases.items() if wt == 1.0 for w in p.split())
    tagged = dict.fromkeys(w for p in phrases for w in p.split() if w not in strong)
    weak = frozenset(w for w in _keywords(tip.body_md) if len(w) > 2) - set(strong) - set(tagged)
    stems = {_stem(w): _TAG_WEIGHT for w in tagged} | {_stem(w): 1.0 for w in strong}
    return _Entry(
        tip,
        tuple((p, frozenset(p.split()), wt) for p, wt in phrases.items()),
        tuple(strong),
        tuple(tagged),
        weak,
        stems,
        frozenset(written),
    )


_SUFFIXES = ("ing", "ed", "es", "s", "y")
_STEM_WEIGHT = 0.95  # "wobbling" for "wobbly": as good as a near-miss typo


def _stem(word: str) -> str:
    """The word without one common English ending ("wobbling", "wobbly" -> "wobbl").

    Deliberately crude: it only has to make inflections of our own alias words meet, and a
    full stemmer would be a dependency for five endings."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def _joined(words: Sequence[str], vocabulary: frozenset[str]) -> list[str]:
    """Rejoin words that speech-to-text or a phone split: "ear buds" -> "earbuds"."""
    out: list[str] = []
    i = 0
    while i < len(words):
        pair = words[i] + words[i + 1] if i + 1 < len(words) else ""
        if pair in vocabulary:
            out.append(pair)
            i += 2
        else:
            out.append(words[i])
            i += 1
    return out


_FUZZY_CUTOFF = 75.0  # similarity (0-100) below which a word is not a typo of another


class _Index:
    """Every tip's words and phrases as arrays, so one query is scored against all tips in a
    few vectorised rapidfuzz and numpy calls instead of thousands of Python-level ones.

    A tip's score: half its best phrase similarity, half how many query words it covers.
    Phrase: typos via ratio; a phrase inside a longer question scores high, a query that is
    only part of a longer phrase lower (it is less specific). A word: its title and aliases
    first (typo-tolerant, exact only for short words), then tags, stems, then the body.
    """

    def __init__(self, entries: Sequence[_Entry]) -> None:
        import numpy as np  # loaded with the first search, not at start-up

        self.size = len(entries)
        phrases = [(p, words, wt, i) for i, e in enumerate(entries) for p, words, wt in e.phrases]
        # Several tips share a tag: each distinct text is compared once, then spread back.
        self.texts = list(dict.fromkeys(p for p, _, _, _ in phrases))
        at_text = {text: k for k, text in enumerate(self.texts)}
        self.text_of = np.array([at_text[p] for p, _, _, _ in phrases], dtype=np.intp)
        self.text_words = [frozenset(text.split()) for text in self.texts]
        self.multi = np.array([" " in text for text in self.texts])
        self.multi_texts = [text for text, m in zip(self.texts, self.multi, strict=True) if m]
        self.single_words = np.array(
            [text if not m else "" for text, m in zip(self.texts, self.multi, strict=True)]
        )
        self.phrase_weight = np.array([wt for _, _, wt, _ in phrases], dtype=np.float64)
        owners = [i for _, _, _, i in phrases]  # grouped: each tip's phrases are contiguous
        self.phrase_start = np.array([owners.index(i) for i in range(self.size)], dtype=np.intp)
        self.vocabulary = sorted({w for e in entries for w in (*e.strong, *e.tagged)})
        at = {w: k for k, w in enumerate(self.vocabulary)}
        # weight of vocabulary word k for tip i: 1.0 title/alias, _TAG_WEIGHT tag, else 0
        self.weights = np.zeros((len(self.vocabulary), self.size))
        for i, e in enumerate(entries):
            for w in e.tagged:
                self.weights[at[w], i] = _TAG_WEIGHT
            for w in e.strong:
                self.weights[at[w], i] = 1.0
        self.body: dict[str, np.ndarray] = {}
        self.stems: dict[str, np.ndarray] = {}
        for i, e in enumerate(entries):
            for w in e.weak:
                self.body.setdefault(w, np.zeros(self.size))[i] = _BODY_WEIGHT * 100.0
            for stem, weight in e.stems.items():
                row = self.stems.setdefault(stem, np.zeros(self.size))
                row[i] = max(row[i], 100.0 * _STEM_WEIGHT * weight)

    def scores(self, words: Sequence[str]) -> np.ndarray:
        """Score (0-100) of every tip for the query words, in entry order."""
        return 0.5 * self._phrases(words) + 0.5 * self._coverage(words)

    def _phrases(self, words: Sequence[str]) -> np.ndarray:
        import numpy as np
        from rapidfuzz import fuzz, process

        query = " ".join(words)
        word_set = frozenset(words)
        ratio = process.cdist([query], self.texts, scorer=fuzz.ratio, dtype=np.float64)[0]
        # token_set_ratio, computed in full only for phrases of several words: a one-word
        # phrase is 100 when it is one of the query's words, else the ratio of the sorted
        # query words against it (what token_set_ratio reduces to without shared words).
        overlap = process.cdist(
            [" ".join(sorted(word_set))], self.texts, scorer=fuzz.ratio, dtype=np.float64
        )[0]
        overlap[np.isin(self.single_words, list(word_set))] = 100.0
        overlap[self.multi] = process.cdist(
            [query], self.multi_texts, scorer=fuzz.token_set_ratio, dtype=np.float64
        )[0]
        factor = np.full(len(self.texts), 0.75)
        for k in np.flatnonzero(overlap == 100.0):  # only there can the phrase be inside
            if self.text_words[k] <= word_set:
                factor[k] = 0.9
        per_text = np.maximum(ratio, factor * overlap)
        scored = self.phrase_weight * per_text[self.text_of]
        best: np.ndarray = np.maximum.reduceat(scored, self.phrase_start)
        return best

    def _coverage(self, words: Sequence[str]) -> np.ndarray:
        import numpy as np
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        similar: np.ndarray = 100.0 * process.cdist(
            words,
            self.vocabulary,
            scorer=OSA.normalized_similarity,
            score_cutoff=_FUZZY_CUTOFF / 100,
            dtype=np.float64,
        )
        for row, word in enumerate(words):
            if len(word) < 4:  # too short to tell a typo from another word: exact only
                similar[row] = np.where(similar[row] == 100.0, 100.0, 0.0)
        # per query word and tip: the best vocabulary match times that word's weight for the
        # tip, over the few vocabulary words similar enough to count
        typed = np.zeros((len(words), self.size))
        for row in range(len(words)):
            near = np.flatnonzero(similar[row])
            if near.size:
                typed[row] = (similar[row, near, None] * self.weights[near]).max(axis=0)
        none = np.zeros(self.size)
        extra = [np.maximum(self.body.get(w, none), self.stems.get(_stem(w), none)) for w in words]
        total: np.ndarray = np.maximum(typed, np.array(extra)).sum(axis=0)
        return total / len(words)


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
        # Longest phrases first, so "heel striking" beats "heel", and mistakes before others.
        self._log_phrases = sorted(
            ((word, tip) for tip in self._topics for word in tip.log_words),
            key=lambda pair: (-len(pair[0].split()), pair[1].kind != "mistake", -len(pair[0])),
        )

    # The search's tables are built on the first search: they, numpy and the arrays cost
    # start-up time and memory that a process answering no /tip never needs.
    @cached_property
    def _entries(self) -> list[_Entry]:
        return [_entry(tip) for tip in self._topics]

    @cached_property
    def _index(self) -> _Index:
        return _Index(self._entries)

    @cached_property
    def _vocabulary(self) -> frozenset[str]:
        """Words split by a phone are rejoined only into words the content itself uses."""
        return frozenset(w for e in self._entries for w in e.written)

    @cached_property
    def _named(self) -> dict[str, Tip]:
        """A query that is exactly a title or alias (filler words aside) names its tip."""
        return {
            phrase: entry.tip
            for entry in self._entries
            for phrase, _, weight in entry.phrases
            if weight == 1.0
        }

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
        """Best tip for free text (typos, synonyms, questions); choices when it is a close call.

        Pain first: any question about something hurting answers with the stop signs, and the
        tips on the same words follow as related. Questions about falling or injury rank
        safety tips above benefits. Without a match, the closest topics come back as near.
        """
        asked = _query(query[:200])
        if not asked.words:
            return SearchResult(None, [])
        if asked.pain and STOP_SIGNS_ID in self.tips:
            return SearchResult(self.tips[STOP_SIGNS_ID], [], related=self._related(asked))
        scored = self._ranked(asked)
        top = scored[0][0]
        fits = [(s, tip) for s, tip in scored if s >= MIN_SCORE]
        named = self._named.get(" ".join(_joined(asked.words, self._vocabulary)))
        if named is not None:
            return SearchResult(named, [])
        if top < MIN_SCORE:
            near = [tip for s, tip in scored[:MAX_NEAR] if s >= NEAR_SCORE]
            return SearchResult(None, [], near=near)
        close = [tip for s, tip in fits if s >= top - AMBIGUOUS_GAP]
        if len(close) == 1:
            return SearchResult(close[0], [])
        return SearchResult(None, close[:MAX_CHOICES])

    def _related(self, asked: _Query) -> list[Tip]:
        """After the stop signs: the tips on what hurts ("shin pain" -> Shins), found by the
        words other than the pain words. "back" is the body part here, not the direction."""
        rest = [w for w in asked.words if w not in _HURT_WORDS and w != "back"]
        if not rest:
            return []
        ranked = self._ranked(_Query(rest, pain=True, risk=True))
        return [tip for score, tip in ranked if score >= MIN_SCORE and tip.id != STOP_SIGNS_ID][
            :MAX_RELATED
        ]

    def _ranked(self, asked: _Query) -> list[tuple[float, Tip]]:
        """Every tip's score for the query, best first (ties in topic order)."""
        shift = {"safety": RISK_SHIFT, "benefit": -RISK_SHIFT} if asked.risk else {}
        words = _joined(asked.words, self._vocabulary)
        scores = self._index.scores(words)
        scored = sorted(
            (
                (float(score) + shift.get(self._topics[index].kind, 0.0), index)
                for index, score in enumerate(scores)
            ),
            key=lambda pair: (-pair[0], pair[1]),
        )
        return [(score, self._topics[index]) for score, index in scored]

    def starters(self) -> list[Tip]:
        """Where most people start: offered when nothing is close to what they typed."""
        return [self.tips[i] for i in STARTER_IDS if i in self.tips]

    def scores(self, query: str) -> list[tuple[str, float]]:
        """Every tip's search score, best first; for tuning and tests."""
        asked = _query(query)
        if not asked.words:
            return []
        return [(tip.id, round(score, 1)) for score, tip in self._ranked(asked)]

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
