"""How much a training day was, measured the way its track counts, and when it is too much.

A track states one session in its own units (WeekTarget.measure): backward minutes, interval
rounds, or repetitions of backward sprints and backpedals. Backward walking has its own range
where a track gives one (general fitness, beginner), so a 20-minute backward walk can be on
target while 20 minutes of backward running in week 1 is not.

Several logs on one local day are one training day: their amounts are summed before any
judgement, so five logs on a Tuesday count once and are judged as one day's work.

Load is compared in "effort seconds": backward running counts in full, backward walking at
half (it is far gentler on the legs, SCIENCE.md), and a log with only metres or reps is
converted with typical speeds. The weekly rule follows Nielsen 2014 (~30%): a week may reach
the plan's own weekly amount, and beyond that at most 30% above last week's actual.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal

from bot.coach.sessions import Block, Mode
from bot.coach.types import LogDraft, SessionFact, WeekTarget

Verdict = Literal["under", "on", "over", "far_over"]

WALK_EFFORT = 0.5  # a second of backward walking, in effort seconds
# Typical backward speeds (m/s) for a log given only in metres (team plan: 10 m sprint ~3 s).
SPEED_M_S: Mapping[str, float] = {"walk": 1.0, "run": 1.6, "sprint": 3.5}
FAR_OVER = 1.5  # a day over 1.5x the session's top end is "far above" ...
FAR_OVER_MIN_S = 60  # ... when that is at least a minute over it (or FAR_OVER_MIN_COUNT)
FAR_OVER_MIN_COUNT = 3
WEEK_GROWTH = 1.3  # at most 30% above last week's actual (or the plan's weekly amount)


@dataclass(frozen=True)
class Amount:
    """Backward work of a session or a day. Seconds are split by what is known of the mode."""

    run_s: float = 0.0  # running and sprinting
    walk_s: float = 0.0  # walking
    open_s: float = 0.0  # mode not known
    metres: float = 0.0  # backward metres
    metres_s: float = 0.0  # seconds estimated for metres logged without a time
    reps: int = 0  # backward repetitions (interval rounds, sprints); 0 when not counted

    def __add__(self, other: Amount) -> Amount:
        return Amount(
            self.run_s + other.run_s,
            self.walk_s + other.walk_s,
            self.open_s + other.open_s,
            self.metres + other.metres,
            self.metres_s + other.metres_s,
            self.reps + other.reps,
        )

    @property
    def seconds(self) -> float:
        """Backward seconds, logged or estimated from metres."""
        return self.run_s + self.walk_s + self.open_s + self.metres_s

    @property
    def empty(self) -> bool:
        return self.seconds <= 0 and self.reps <= 0


def _timed(seconds: float, mode: str | None) -> Amount:
    if mode == Mode.WALK.value:
        return Amount(walk_s=seconds)
    if mode in (Mode.RUN.value, Mode.SPRINT.value):
        return Amount(run_s=seconds)
    return Amount(open_s=seconds)  # unknown, or walking and running mixed in one total


def _metres_only(metres: float, mode: str | None) -> Amount:
    """Metres without a time: seconds estimated at a typical speed for the mode."""
    estimate = metres / SPEED_M_S.get(mode or "", SPEED_M_S["run"])
    timed = _timed(estimate, mode)
    if timed.open_s:
        return Amount(metres=metres, metres_s=estimate)
    return timed + Amount(metres=metres)


def of_blocks(blocks: Iterable[Block]) -> Amount:
    """A session given as structure: each backward part in its own mode."""
    total = Amount()
    repeated = False
    reps = 0
    for block in blocks:
        for part in block.parts:
            if not part.backward:
                continue
            reps += block.rounds
            repeated = repeated or block.rounds > 1
            if part.seconds:
                total += _timed(part.seconds * block.rounds, part.mode.value)
                if part.metres:
                    total += Amount(metres=part.metres * block.rounds)
            elif part.metres:
                total += _metres_only(part.metres * block.rounds, part.mode.value)
    return total + Amount(reps=reps if repeated else 0)


def of_fact(fact: SessionFact) -> Amount:
    seconds = max(fact.duration_s or 0, 0)
    metres = max(fact.distance_m or 0.0, 0.0)
    if seconds:
        amount = _timed(seconds, fact.mode) + Amount(metres=metres)
    elif metres:
        amount = _metres_only(metres, fact.mode)
    else:
        amount = Amount()
    return amount + Amount(reps=max(fact.reps or 0, 0))


def of_draft(draft: LogDraft) -> Amount:
    """What was just logged; the structure when the parser found one."""
    if draft.blocks:
        return of_blocks(draft.blocks)
    return of_fact(
        SessionFact(
            local_date=date.min,
            duration_s=draft.duration_s,
            distance_m=draft.distance_m,
            reps=draft.reps,
        )
    )


@dataclass(frozen=True)
class Day:
    """One training day: every log of that local date, summed."""

    local_date: date
    amount: Amount
    pain: bool
    logs: int


def days_of(facts: Iterable[SessionFact]) -> list[Day]:
    """Facts grouped by local date, oldest first."""
    amounts: dict[date, Amount] = {}
    pain: dict[date, bool] = {}
    logs: dict[date, int] = {}
    for fact in facts:
        d = fact.local_date
        amounts[d] = amounts.get(d, Amount()) + of_fact(fact)
        pain[d] = pain.get(d, False) or fact.pain
        logs[d] = logs.get(d, 0) + 1
    return [Day(d, amounts[d], pain[d], logs[d]) for d in sorted(amounts)]


# --- judging a day against the week's session --------------------------------------------


def _resolved(amount: Amount, target: WeekTarget) -> tuple[float, float]:
    """(running seconds, walking seconds), giving an unknown mode the benefit of the doubt.

    With a walking range, time of unknown mode beyond the running range but long enough
    for the walking range reads as walking.
    """
    run, walk = amount.run_s, amount.walk_s
    unknown = amount.open_s + amount.metres_s
    total = run + walk + unknown
    if target.has_walk_range and run + unknown > target.max_s and total >= target.walk_min_s:
        walk += unknown
    else:
        run += unknown
    return run, walk


def count_of(amount: Amount, target: WeekTarget) -> int | None:
    """Rounds or reps, in the track's terms; None when the log gives neither."""
    if amount.reps > 0:
        return amount.reps
    if target.measure == "reps" and amount.metres > 0:
        per_rep = _metres_per_rep(target)
        if per_rep:
            return round(amount.metres / per_rep)
    return None


def _metres_per_rep(target: WeekTarget) -> float | None:
    reps = 0
    metres = 0.0
    for block in target.blocks:
        for part in block.parts:
            if part.backward and part.metres:
                reps += block.rounds
                metres += part.metres * block.rounds
    return metres / reps if reps else None


def _by_range(value: float, low: float, high: float, min_over: float) -> Verdict:
    if value < low:
        return "under"
    if value <= high:
        return "on"
    if value > FAR_OVER * high and value - high >= min_over:
        return "far_over"
    return "over"


def judge(amount: Amount, target: WeekTarget) -> Verdict:
    """How one day's work compares with one session of the week, in the track's units."""
    if target.measure in ("reps", "rounds") and target.max_count > 0:
        count = count_of(amount, target)
        if count is not None:
            return _by_range(count, target.min_count, target.max_count, FAR_OVER_MIN_COUNT)
    run, walk = _resolved(amount, target)
    if not target.has_walk_range:
        return _by_range(run + walk, target.min_s, target.max_s, FAR_OVER_MIN_S)
    # Running has its own range; the whole session (walking included) the walking range.
    by_run = _by_range(run, target.min_s, target.max_s, FAR_OVER_MIN_S)
    by_total = _by_range(run + walk, target.walk_min_s, target.walk_max_s, FAR_OVER_MIN_S)
    if "far_over" in (by_run, by_total):
        return "far_over"
    if "over" in (by_run, by_total):
        return "over"
    return "on" if "on" in (by_run, by_total) else "under"


def met(amount: Amount, target: WeekTarget) -> bool:
    """Whether a day counts as one of the week's sessions (at or above its low end)."""
    return not amount.empty and judge(amount, target) != "under"


# --- load ----------------------------------------------------------------------------------


def effort(amount: Amount, target: WeekTarget) -> float:
    """Effort seconds of one day (walking at half), converting reps when no time was given."""
    if amount.seconds <= 0 and amount.reps > 0:
        if target.max_count > 0:
            return amount.reps * target.max_s / target.max_count
        return 0.0
    run, walk = _resolved(amount, target)
    return run + WALK_EFFORT * walk


def session_effort(target: WeekTarget) -> float:
    """Effort seconds of one session at the top of the week's range."""
    return max(float(target.max_s), WALK_EFFORT * target.walk_max_s)


def typical_week_effort(target: WeekTarget) -> float:
    """A week done exactly as written: the typical session (blocks) on every session day."""
    return target.sessions * effort(of_blocks(target.blocks), target)


def plan_week_effort(target: WeekTarget) -> float:
    """The plan's own weekly amount: its sessions at the top of their range (and never less
    than the week as written)."""
    return max(target.sessions * session_effort(target), typical_week_effort(target))


def week_limit(target: WeekTarget, last_week_effort: float) -> float:
    """The most a week may hold before a caution.

    The plan's weekly amount is always allowed; on top of it, 30% over last week's actual
    when there was one, else 30% over the plan's amount (a first week is checked too).
    """
    plan_amount = plan_week_effort(target)
    base = last_week_effort if last_week_effort > 0 else plan_amount
    return max(plan_amount, WEEK_GROWTH * base)


Caution = Literal["day", "week"]


def overload(
    day: Amount, target: WeekTarget, week_effort: float, last_week_effort: float
) -> Caution | None:
    """One caution at most: a day far above the session, else a week above its limit."""
    if day.empty:
        return None
    if judge(day, target) == "far_over":
        return "day"
    if week_effort > week_limit(target, last_week_effort):
        return "week"
    return None
