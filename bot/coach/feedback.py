"""What the coach decides to say right after a log. Pure: facts in, a decision out.

A reply is composed, not appended: one primary message chosen by priority, at most one
secondary remark, at most one milestone, at most one tip. render/feedback.py words it.

Priority of the primary message (first that applies wins), following SCIENCE.md's stop signs:

1. ``urgent``: chest pain, fainting, a fall with a head injury -> stop, medical help now;
2. ``stop_sign``: sharp pain, swelling, a joint giving way, a fall with injury -> stop, rest,
   see a physio or doctor if it persists;
3. ``dizzy``: dizziness or unusual breathlessness -> stop and rest, help if it doesn't settle;
4. ``pain``: pain somewhere -> stop for now, rest, get it checked if it lasts;
5. ``fall_minor``: a stumble or a graze -> first aid and a look at the surroundings;
6. ``pain_check``: pain is still open from an earlier log -> ask how it is;
7. ``day_over`` / ``week_over``: too much too soon (coach/load.py), one caution;
8. ``under`` / ``on`` / ``over``: the day against the week's session, in the track's units;
9. ``logged``: nothing to compare with.

A reply that stops or cautions never celebrates: no milestone beside it, no praise in it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from bot.coach import load
from bot.coach.types import Feeling, LogDraft, WeekTarget

Primary = Literal[
    "urgent",
    "stop_sign",
    "dizzy",
    "pain",
    "fall_minor",
    "pain_check",
    "day_over",
    "week_over",
    "under",
    "on",
    "over",
    "logged",
]
Secondary = Literal[
    "sore_expected", "sore_easy", "achilles", "watch_part", "pace_hard", "pace_under", "rest_day"
]
Milestone = Literal["first_session", "first_full_week", "first_ten_min"]

STOP_PRIMARIES: frozenset[str] = frozenset({"urgent", "stop_sign", "dizzy", "pain"})
CAUTION_PRIMARIES: frozenset[str] = frozenset({"day_over", "week_over"})
TEN_MINUTES_S = 600
# Plan weeks 1-2 are when SCIENCE.md says calf and quad soreness is expected.
EARLY_WEEKS = 2
# Weeks 1-4: a hard session the day after another deserves a word about rest.
REST_WEEKS = 4

# Muscles that backward running's toe-first landing works harder (SCIENCE: calves, quads;
# hamstrings as "the back of the legs"). Soreness there early on is expected.
MUSCLE_PARTS: frozenset[str] = frozenset({"calf", "quad", "hamstring"})
STOP_FLAGS: frozenset[str] = frozenset({"sharp pain", "swelling", "giving way"})
DIZZY_FLAGS: frozenset[str] = frozenset({"dizziness", "breathless"})

# The parser says "fall" for any fall and "dizziness" for fainting too; these words tell how
# bad it was. They refine its flags, they don't parse the log again.
_HEAD = re.compile(r"\b(head|concuss\w*|knocked out)\b", re.IGNORECASE)
_FAINT = re.compile(r"\b(faint\w*|passed out|blacked out|black ?out|collapsed?)\b", re.IGNORECASE)
_MINOR = re.compile(
    r"\b(graze[ds]?|grazing|scrape[ds]?|scratch(es|ed)?|bruised?|scuffed?|stumbled?|"
    r"tripped|no injury|not hurt|unhurt|fine|ok(ay)?)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class TipRef:
    """A content tip matched to the log's words, as much of it as the reply needs."""

    id: str
    title: str
    summary: str


@dataclass(frozen=True)
class DayContext:
    """What the core needs to know about the day and week around this log."""

    target: WeekTarget | None
    day_before: load.Amount  # earlier logs of the same local day
    logs_before_today: int  # how many logs that day already had
    week_effort_before: float  # effort seconds of the week's other days (and of day_before)
    last_week_effort: float
    met_days_before: int  # this week's days already on target, not counting this day
    day_met_before: bool  # this day was on target before this log
    trained_day_before: bool  # a session on the previous local day
    pain_open: bool  # pain flagged earlier and not yet reported better
    pain_this_week: bool
    first_log: bool
    full_week_before: bool  # some earlier week already met its target
    ten_min_day_before: bool  # some earlier day already held 10 minutes backward


@dataclass(frozen=True)
class Feedback:
    primary: Primary
    verdict: load.Verdict | None  # the whole day against the session target
    target: WeekTarget | None
    day: load.Amount  # the whole day, this log included
    logs_today: int  # this log included
    count: int | None  # reps or rounds of the day, when the track counts them
    week_effort: float
    week_limit: float
    flags: tuple[str, ...]  # red flags, as the parser named them
    body_parts: tuple[str, ...]
    sore_parts: tuple[str, ...]
    secondary: Secondary | None
    milestone: Milestone | None
    tip: TipRef | None

    @property
    def stop(self) -> bool:
        return self.primary in STOP_PRIMARIES

    @property
    def caution(self) -> bool:
        return self.primary in CAUTION_PRIMARIES

    @property
    def opens_pain(self) -> bool:
        """This log flags pain the coach keeps in mind until the user says it's better."""
        return self.stop


def ten_minute_day_before(longest_day_s: int, day_s: int) -> bool:
    """Whether a day other than the logged one held ten minutes backward, from the longest
    day of the history (``day_s``: the logged day's seconds before this log). Below ten
    minutes the logged day is not that longest day, so the answer is exact; a day already at
    ten minutes cannot cross them again, and whether another day is longer still is enough."""
    if day_s >= TEN_MINUTES_S:
        return longest_day_s > day_s
    return longest_day_s >= TEN_MINUTES_S


def classify_flags(draft: LogDraft) -> Primary | None:
    """The safety message a log needs, in proportion to what happened (None: none)."""
    flags = set(draft.red_flags)
    text = draft.text
    fell = "fall" in flags
    if "chest pain" in flags or _FAINT.search(text) or (fell and _HEAD.search(text)):
        return "urgent"
    if flags & STOP_FLAGS:
        return "stop_sign"
    if flags & DIZZY_FLAGS:
        return "dizzy"
    if fell and _MINOR.search(text):
        return "fall_minor"
    if fell:
        return "stop_sign" if draft.body_parts else "fall_minor"
    if draft.pain or draft.body_parts:
        return "pain"
    return None


def _secondary(draft: LogDraft, verdict: load.Verdict | None, ctx: DayContext) -> Secondary | None:
    muscles = [p for p in draft.sore_parts if p in MUSCLE_PARTS]
    if "achilles" in draft.sore_parts:
        return "achilles"
    if muscles:
        early = ctx.target is None or ctx.target.week <= EARLY_WEEKS
        return "sore_expected" if early else "sore_easy"
    if draft.sore_parts:
        return "watch_part"
    if draft.feeling == Feeling.HARD:
        return "pace_under" if verdict == "under" else "pace_hard"
    hard = verdict in ("on", "over", "far_over")
    if (
        ctx.trained_day_before
        and ctx.logs_before_today == 0
        and ctx.target is not None
        and ctx.target.week <= REST_WEEKS
        and hard
        and ctx.target.sessions < 7
    ):
        return "rest_day"
    return None


def _milestone(day: load.Amount, met_now: bool, ctx: DayContext) -> Milestone | None:
    """Firsts, each reached exactly once; by training days, so overdoing never hurries one."""
    if ctx.first_log:
        return "first_session"
    target = ctx.target
    if (
        target is not None
        and met_now
        and not ctx.day_met_before
        and ctx.met_days_before + 1 == target.sessions
        and not ctx.full_week_before
        and not ctx.pain_this_week
    ):
        return "first_full_week"
    crossed = ctx.day_before.seconds < TEN_MINUTES_S <= day.seconds
    if crossed and not ctx.ten_min_day_before:
        return "first_ten_min"
    return None


def coach_feedback(draft: LogDraft, ctx: DayContext, tip: TipRef | None) -> Feedback:
    """The decision for one log: one primary message, the rest only when it helps."""
    amount = load.of_draft(draft)
    day = ctx.day_before + amount
    target = ctx.target
    verdict = load.judge(day, target) if target is not None and not day.empty else None
    count = load.count_of(day, target) if target is not None and target.measure != "time" else None
    week_effort = ctx.week_effort_before
    limit = 0.0
    caution: load.Caution | None = None
    if target is not None:
        before = load.effort(ctx.day_before, target) if not ctx.day_before.empty else 0.0
        week_effort = ctx.week_effort_before - before + load.effort(day, target)
        limit = load.week_limit(target, ctx.last_week_effort)
        caution = load.overload(day, target, week_effort, ctx.last_week_effort)
    safety = classify_flags(draft)
    primary: Primary
    if safety is not None:
        primary = safety
    elif ctx.pain_open:
        primary = "pain_check"
    elif caution == "day":
        primary = "day_over"
    elif caution == "week":
        primary = "week_over"
    elif verdict is None:
        primary = "logged"
    elif verdict == "far_over":
        primary = "over"
    else:
        primary = verdict
    calm = primary in ("under", "on", "over", "logged", "fall_minor")
    secondary = _secondary(draft, verdict, ctx) if calm or primary in CAUTION_PRIMARIES else None
    if primary in CAUTION_PRIMARIES and secondary == "rest_day":
        secondary = None  # the caution says it already
    met_now = target is not None and load.met(day, target)
    quiet = primary in ("under", "on", "over", "logged")
    milestone = _milestone(day, met_now, ctx) if quiet else None
    if primary in STOP_PRIMARIES:
        tip = None  # a safety reply is about safety only
    return Feedback(
        primary=primary,
        verdict=verdict,
        target=target,
        day=day,
        logs_today=ctx.logs_before_today + 1,
        count=count,
        week_effort=week_effort,
        week_limit=limit,
        flags=tuple(dict.fromkeys(draft.red_flags)),
        body_parts=draft.body_parts,
        sore_parts=draft.sore_parts,
        secondary=secondary,
        milestone=milestone,
        tip=tip,
    )
