"""The audio guide's timeline: which stretch comes when, and which cue sounds when.

Pure rules, no sound: bot/guide_audio.py turns a Guide into an OGG/Opus voice message and
bot/render/guide.py explains it. Times are seconds from the moment the user presses play.

- A count-in of COUNT_IN_S: a "ready" chime at once (it is playing: pocket the phone), three
  pips in the last three seconds, then the first stretch starts.
- Every stretch starts with a cue: "back" (rising tones) for a backward stretch, "forward"
  or "rest" (the same falling tones) for forward running or a rest.
- Reps of one backward stretch with no walk or forward part to recover get a rest between
  them (rest_after_rep); separate blocks get a SET_BREAK_S easy break between them.
- Three pips lead into every rep that follows a rest, like a start line.
- "10 s left" in every stretch of at least TEN_LEFT_MIN_S; "halfway" once, at the middle of
  the workout (just after another cue if one is sounding then); "done" at the end.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from bot.coach.sessions import Block, Direction, Mode, Part
from bot.coach.types import LogDraft, WeekTarget

COUNT_IN_S = 15.0  # tap play, pocket the phone, get to the line
PIPS = 3  # one a second before a start
TEN_LEFT_S = 10.0
TEN_LEFT_MIN_S = 25.0  # shorter stretches get no "10 s left" (it would crowd the start cue)
HALFWAY_MIN_S = 60.0  # no "halfway" in a workout shorter than this
SET_BREAK_S = 90.0  # between two blocks: walk it off and set up the next set
MIN_PART_S = 2.0
MAX_WORKOUT_S = 90 * 60  # a guide longer than this is not a guide any more
MAX_STRETCHES = 500
GAP_S = 0.5  # silence kept between two cues that would otherwise run together

# Estimated speeds (m/s) for a part given only in metres: backward about half of forward.
SPEED_M_S: dict[tuple[Direction, Mode], float] = {
    (Direction.BACKWARD, Mode.WALK): 1.0,
    (Direction.BACKWARD, Mode.RUN): 1.7,
    (Direction.BACKWARD, Mode.SPRINT): 3.5,
    (Direction.FORWARD, Mode.WALK): 1.4,
    (Direction.FORWARD, Mode.RUN): 3.0,
    (Direction.FORWARD, Mode.SPRINT): 6.0,
}
WALK_BACK_M_S = 1.2  # walking back to the start line between reps


class Cue(StrEnum):
    READY = "ready"
    PIP = "pip"
    BACK = "back"  # turn and go backward
    FORWARD = "forward"  # run forward
    REST = "rest"  # recover (walk back to the start); sounds like FORWARD, says "rest"
    HALFWAY = "halfway"
    TEN_LEFT = "ten_left"
    DONE = "done"


# How long each cue sounds (bot/guide_audio.py renders each sound to exactly this length).
CUE_S: dict[Cue, float] = {
    Cue.READY: 0.8,
    Cue.PIP: 0.12,
    Cue.BACK: 0.6,
    Cue.FORWARD: 0.6,
    Cue.REST: 0.6,
    Cue.HALFWAY: 0.4,
    Cue.TEN_LEFT: 0.45,
    Cue.DONE: 0.9,  # the file ends with it: under a second past the workout
}


class Kind(StrEnum):
    BACKWARD = "backward"
    FORWARD = "forward"
    REST = "rest"  # recovery the guide adds between reps or sets


START_CUE = {Kind.BACKWARD: Cue.BACK, Kind.FORWARD: Cue.FORWARD, Kind.REST: Cue.REST}


@dataclass(frozen=True)
class Stretch:
    kind: Kind
    start_s: float  # from the start of the workout (after the count-in)
    seconds: float
    mode: Mode | None = None
    estimated: bool = False  # seconds worked out from metres


@dataclass(frozen=True)
class Sound:
    cue: Cue
    at_s: float  # from pressing play


@dataclass(frozen=True)
class Guide:
    blocks: tuple[Block, ...]  # what it plays, as the plan or the user gave it
    stretches: tuple[Stretch, ...]
    sounds: tuple[Sound, ...]
    workout_s: float  # first cue to "done"
    rests: tuple[float, ...]  # the rest between reps the guide adds, one per block (0: none)
    estimated: bool  # some times were worked out from distances

    @property
    def total_s(self) -> float:
        """The length of the voice message."""
        return COUNT_IN_S + self.workout_s + CUE_S[Cue.DONE]


class GuideError(ValueError):
    """Why a structure cannot become a guide: "empty" or "too_long"."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def part_seconds(part: Part) -> tuple[float, bool] | None:
    """A part's seconds, or an estimate from its metres (with True), or None if neither."""
    if part.seconds is not None and part.seconds > 0:
        return max(MIN_PART_S, float(part.seconds)), False
    if part.metres is not None and part.metres > 0:
        speed = SPEED_M_S[(part.direction, part.mode)]
        return max(MIN_PART_S, float(math.ceil(part.metres / speed))), True
    return None


def _round_up(seconds: float, step: float) -> float:
    return float(math.ceil(seconds / step - 1e-9) * step)


def rest_after_rep(block: Block) -> float:
    """Recovery between two rounds of a block, 0 when a round has its own recovery.

    A round with a walk or a forward part recovers by itself (1 min back / 2 min forward).
    Otherwise: sprints get about 8x the rep's time (20–60 s; full recovery keeps every rep
    fast); steadier reps get as long as the rep (15–60 s). Either way at least the time to
    walk back to the start (metres / 1.2 m/s + 5 s), rounded up to 5 s.
    """
    if block.rounds <= 1:
        return 0.0
    if any(not p.backward or p.mode is Mode.WALK for p in block.parts):
        return 0.0
    timed = [part_seconds(p) for p in block.parts]
    rep_s = sum(t[0] for t in timed if t is not None)
    metres = sum(p.metres or 0.0 for p in block.parts)
    sprint = any(p.mode is Mode.SPRINT for p in block.parts)
    base = min(max(8 * rep_s, 20.0), 60.0) if sprint else min(max(rep_s, 15.0), 60.0)
    walk_back = metres / WALK_BACK_M_S + 5 if metres else 0.0
    return _round_up(max(base, walk_back), 5.0)


def build_guide(blocks: Iterable[Block]) -> Guide:
    """The guide for a session; raises GuideError when nothing in it can be timed."""
    blocks = tuple(blocks)
    stretches: list[Stretch] = []
    rests: list[float] = []
    t = 0.0
    for block in blocks:
        timed = [(p, part_seconds(p)) for p in block.parts]
        parts = [(p, s) for p, s in timed if s is not None]
        rest = rest_after_rep(block) if parts else 0.0
        rests.append(rest)
        if not parts:
            continue
        if stretches:
            stretches.append(Stretch(Kind.REST, t, SET_BREAK_S))
            t += SET_BREAK_S
        for round_no in range(block.rounds):
            if round_no and rest:
                stretches.append(Stretch(Kind.REST, t, rest))
                t += rest
            for part, (seconds, estimated) in parts:
                kind = Kind.BACKWARD if part.backward else Kind.FORWARD
                stretches.append(Stretch(kind, t, seconds, part.mode, estimated))
                t += seconds
            if len(stretches) > MAX_STRETCHES or t > MAX_WORKOUT_S:
                raise GuideError("too_long")
    if not stretches:
        raise GuideError("empty")
    return Guide(
        blocks=blocks,
        stretches=tuple(stretches),
        sounds=_sounds(stretches, t),
        workout_s=t,
        rests=tuple(rests),
        estimated=any(s.estimated for s in stretches),
    )


def _sounds(stretches: list[Stretch], workout_s: float) -> tuple[Sound, ...]:
    c = COUNT_IN_S
    sounds = [Sound(Cue.READY, 0.0)]
    sounds += [Sound(Cue.PIP, c - k) for k in range(PIPS, 0, -1)]
    previous: Stretch | None = None
    for s in stretches:
        start = c + s.start_s
        rested = previous is not None and previous.kind is Kind.REST and previous.seconds > PIPS
        if rested and s.kind is Kind.BACKWARD:
            sounds += [Sound(Cue.PIP, start - k) for k in range(PIPS, 0, -1)]
        sounds.append(Sound(START_CUE[s.kind], start))
        if s.seconds >= TEN_LEFT_MIN_S:
            sounds.append(Sound(Cue.TEN_LEFT, start + s.seconds - TEN_LEFT_S))
        previous = s
    sounds.append(Sound(Cue.DONE, c + workout_s))
    sounds.sort(key=lambda x: x.at_s)
    if workout_s >= HALFWAY_MIN_S:
        sounds = _with_halfway(sounds, c + workout_s / 2)
    return tuple(sounds)


def _with_halfway(sounds: list[Sound], middle: float) -> list[Sound]:
    """Place "halfway" at the middle, or in the first quiet moment after it."""
    length = CUE_S[Cue.HALFWAY]
    at = middle
    for s in sounds:
        end = s.at_s + CUE_S[s.cue] + GAP_S
        if s.at_s - GAP_S < at + length and at < end:
            at = end
    if at + length + GAP_S > sounds[-1].at_s:  # no room before "done": leave it out
        return sounds
    return sorted([*sounds, Sound(Cue.HALFWAY, at)], key=lambda x: x.at_s)


def draft_blocks(draft: LogDraft) -> tuple[Block, ...]:
    """The structure a user typed: the parser's blocks, or blocks rebuilt from its totals.

    A parser that fills only reps, rep_s and the backward totals still gives a guide: N reps
    of one backward stretch (rest_after_rep puts the recovery between them), or one stretch.
    Short reps (under 15 s, or under 50 m) are taken as sprints.
    """
    if draft.blocks:
        return draft.blocks
    reps = draft.reps or 0
    if reps > 1 and (draft.rep_s or draft.distance_m):
        rep_s = float(draft.rep_s) if draft.rep_s else None
        rep_m = draft.distance_m / reps if draft.distance_m and not draft.rep_s else None
        short = (rep_s is not None and rep_s < 15) or (rep_m is not None and rep_m < 50)
        mode = Mode.SPRINT if short else Mode.RUN
        return (Block((Part(Direction.BACKWARD, mode, seconds=rep_s, metres=rep_m),), reps),)
    if draft.duration_s or draft.distance_m:
        seconds = float(draft.duration_s) if draft.duration_s else None
        part = Part(Direction.BACKWARD, Mode.RUN, seconds=seconds, metres=draft.distance_m)
        return (Block((part,)),)
    return ()


class Today(StrEnum):
    SESSION = "session"  # the plan's session for today
    EASY = "easy"  # pain lately: an easy backward walk instead
    REST_DAY = "rest_day"  # not a training day: no guide unless asked for anyway
    STOP = "stop"  # pain today or a warning sign: rest, no guide


EASY_MIN_S = 60
EASY_MAX_S = 300


@dataclass(frozen=True)
class TodayGuide:
    verdict: Today
    blocks: tuple[Block, ...] = ()  # what to play; empty when nothing should be played


@dataclass(frozen=True)
class PainMark:
    """What one logged session said about pain, for the guide's choice."""

    day: date
    pain: bool
    warning: bool  # a red flag: sharp pain, swelling, giving way, a fall, dizziness, ...


WARNING_DAYS = 7


def todays_guide(
    today_target: WeekTarget | None,
    week: WeekTarget,
    today: date,
    recent: Iterable[PainMark],
    anyway: bool = False,
) -> TodayGuide:
    """What /go plays today, following the plan's pain rule (pain holds the week).

    ``recent``: the sessions of this local week and the last (the week a pain flag holds).
    Pain logged today, or a warning sign in the last WARNING_DAYS days: no guide, rest. A
    rest day: no guide, unless the user asks for one anyway. Other pain in those two weeks:
    the week is held, so the guide is an easy backward walk at the low end of the week
    (1 to 5 min) instead of the full session.
    """
    marks = list(recent)
    pain_today = any((m.pain or m.warning) and m.day == today for m in marks)
    warning = any(m.warning and (today - m.day).days < WARNING_DAYS for m in marks)
    if pain_today or warning:
        return TodayGuide(Today.STOP)
    if today_target is None and not anyway:
        return TodayGuide(Today.REST_DAY)
    if any(m.pain for m in marks):
        seconds = float(max(EASY_MIN_S, min(week.min_s, EASY_MAX_S)))
        easy = Part(Direction.BACKWARD, Mode.WALK, seconds=seconds)
        return TodayGuide(Today.EASY, (Block((easy,)),))
    return TodayGuide(Today.SESSION, (today_target or week).blocks)
