"""Plain values shared by the core, the content loader and the Telegram edge."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, Literal

from bot.coach.sessions import Block


class Feeling(StrEnum):
    GREAT = "great"
    GOOD = "good"
    OK = "ok"
    HARD = "hard"


# Canonical body-part names; the export and the parser speak only these.
BODY_PARTS: tuple[str, ...] = (
    "knee",
    "ankle",
    "hip",
    "calf",
    "achilles",
    "shin",
    "hamstring",
    "quad",
    "foot",
    "neck",
    "back",
)

# How a body part is written in the plural, and the noun of each kind of soreness: the parser
# reads these words and render writes them back.
PLURALS = {
    "knee": "knees",
    "ankle": "ankles",
    "hip": "hips",
    "calf": "calves",
    "shin": "shins",
    "hamstring": "hamstrings",
    "quad": "quads",
    "foot": "feet",
}
SORE_NOUNS = {"sore": "soreness", "stiff": "stiffness", "tight": "tightness"}

# Words that mean "stop now and get it checked" rather than ordinary pain.
RedFlag = Literal[
    "sharp pain", "swelling", "giving way", "fall", "dizziness", "chest pain", "breathless"
]

TRACKS: tuple[str, ...] = ("beginner", "runner", "team", "rehab", "general")

# A note as meaning, not English: a code and its parameters, rendered at reply time.
#   ("surface", "grass")          where it happened
#   ("sore", "calf", "quad")      soreness ("stiff", "tight" likewise), parts optional
#   ("text", "what the user wrote as a note")
Note = tuple[str, ...]
NOTE_CODES: tuple[str, ...] = ("surface", "sore", "stiff", "tight", "text")

# What a first reading could not settle; the coach asks instead of storing a guess.
#   "direction": no direction word and it may have been forward ("did 2k")
#   "forward_only": only forward work ("jogged 10k"): was any of it backward?
#   "unit": "5m" may be minutes or metres
#   "day": a day in the future or more than 14 days back
Question = Literal["direction", "forward_only", "unit", "day"]


@dataclass(frozen=True)
class LogDraft:
    """What the parser understood from one free-text log. Always valid when built by parse_log."""

    text: str
    duration_s: int | None = None
    distance_m: float | None = None
    feeling: Feeling | None = None
    pain: bool = False
    body_parts: tuple[str, ...] = ()  # where it hurts, canonical names, sorted, no repeats
    sore_parts: tuple[str, ...] = ()  # ordinary muscle soreness, not pain
    red_flags: tuple[RedFlag, ...] = ()
    surface: str | None = None  # "grass", "treadmill", "track", "road", "sand", "trail", ...
    reps: int | None = None  # backward repetitions: 6x30s -> reps=6, rep_s=30, duration_s=180
    rep_s: int | None = None
    notes: tuple[Note, ...] = ()  # surface, soreness, the user's own note: as codes
    # The session as structure; duration_s and distance_m above are its backward totals.
    blocks: tuple[Block, ...] = ()
    days_ago: int = 0  # 0 today, 1 yesterday, ...: the local day the session happened
    forward_s: int | None = None  # forward totals: kept, never counted as backward work
    forward_m: float | None = None
    mode: str | None = None  # "walk", "run", "sprint" or "mixed" over the backward parts
    questions: tuple[Question, ...] = ()  # non-empty: ask before storing


ParseErrorCode = Literal["empty", "too_long", "no_amount", "not_positive", "absurd"]


@dataclass(frozen=True)
class ParseError:
    """Why a text could not become a session; render turns it into a friendly reply."""

    code: ParseErrorCode
    detail: str = ""


# How a track counts one session: backward minutes, interval rounds, or repetitions.
Measure = Literal["time", "rounds", "reps"]


@dataclass(frozen=True)
class WeekTarget:
    """One week of one track, as the plan content defines it.

    ``min_s``/``max_s`` are the backward running seconds of one session (every track has
    them: the chart and the load rule speak seconds). A track that counts otherwise says so
    in ``measure`` with its own range in ``min_count``/``max_count`` (rounds or reps), and a
    track where backward walking is its own activity gives ``walk_min_s``/``walk_max_s``.
    """

    week: int  # 1..8
    phase: str  # e.g. "Familiarization"
    sessions: int  # target sessions (training days) in the week
    min_s: int  # backward seconds per session, lower end of the target
    max_s: int  # upper end
    workout: str  # one line a person can follow, e.g. "1–2 min backward on a flat track"
    focus: str  # what the week is about, one line
    # One session of the week as structure (the typical day, for the audio guide and Done).
    blocks: tuple[Block, ...] = ()
    measure: Measure = "time"
    min_count: int = 0  # rounds or reps per session when measure is "rounds" or "reps"
    max_count: int = 0
    walk_min_s: int = 0  # backward walking seconds per session; 0: no walking range
    walk_max_s: int = 0
    speed_kmh: float | None = None  # treadmill speed when the plan gives one

    @property
    def has_walk_range(self) -> bool:
        return self.walk_max_s > 0


# A session's amounts, stored under these names on every record of it (the parser's draft, the
# database row, the facts the core reads, the export), so they are copied by name.
AMOUNTS = ("duration_s", "distance_m", "forward_s", "forward_m", "reps", "mode")


def amounts_of(record: object) -> dict[str, Any]:
    """The amounts of any record of a session, by name (see AMOUNTS)."""
    return {name: getattr(record, name) for name in AMOUNTS}


@dataclass(frozen=True)
class SessionFact:
    """The part of a stored session the core needs for stats and feedback."""

    local_date: date
    duration_s: int | None  # backward seconds
    distance_m: float | None = None  # backward metres
    pain: bool = False
    feeling: Feeling | None = None
    reps: int | None = None  # backward repetitions
    mode: str | None = None  # "walk", "run", "sprint" or "mixed" (backward parts)
    forward_s: int | None = None
    forward_m: float | None = None


@dataclass(frozen=True)
class WeekReview:
    """A finished local week, as input to progression."""

    week: int  # the plan week the user was in
    sessions_done: int  # distinct training days that met the per-session target
    sessions_target: int
    pain: bool
    backward_s: int = 0
    paused: bool = False
    days: int = 0  # distinct days with any session (on target or not)


ProgressionDecision = Literal["advance", "hold", "repeat", "finish", "rest"]


@dataclass(frozen=True)
class Reason:
    """Why the plan is where it is, as a code with parameters; render words it."""

    code: str  # see plan.REASON_CODES
    params: tuple[tuple[str, int], ...] = ()

    def get(self, key: str, default: int = 0) -> int:
        return dict(self.params).get(key, default)


@dataclass(frozen=True)
class Progression:
    new_week: int
    decision: ProgressionDecision
    reason: Reason  # rendered in /plan and the weekly summary


@dataclass(frozen=True)
class WeekStat:
    """Backward minutes and sessions of one local week (Monday start)."""

    week_start: date
    sessions: int  # distinct training days with a session
    backward_s: int
    pain_sessions: int = 0
    target_sessions: int = 0
    target_min_s: int = 0
    target_max_s: int = 0
    paused: bool = False
    dates: tuple[date, ...] = field(default_factory=tuple)
    met_days: int = 0  # days that met the week's per-session target
