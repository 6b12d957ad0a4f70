"""A training session as people do it: blocks of parts, backward and forward, repeated.

One vocabulary for what a user logged, what a plan week asks for and what the audio guide
plays. "5 × (90 s back, 90 s forward)" is one block of two parts done five rounds; "ten 20 m
backpedals" is one block of one part done ten rounds; "easy 6k forward, then 4 min backwards"
is two blocks of one round each. Only backward parts ever count as backward work.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Direction(StrEnum):
    BACKWARD = "backward"
    FORWARD = "forward"


class Mode(StrEnum):
    WALK = "walk"
    RUN = "run"  # jogging and running
    SPRINT = "sprint"  # short maximal efforts and backpedals at speed


@dataclass(frozen=True)
class Part:
    """One stretch in one direction: a time, a distance, or both (one repetition of it)."""

    direction: Direction
    mode: Mode
    seconds: float | None = None
    metres: float | None = None

    @property
    def backward(self) -> bool:
        return self.direction is Direction.BACKWARD


@dataclass(frozen=True)
class Block:
    """Parts done in order, the whole sequence `rounds` times."""

    parts: tuple[Part, ...]
    rounds: int = 1


@dataclass(frozen=True)
class Totals:
    """A session's sums; backward and forward never mix."""

    backward_s: float = 0.0
    backward_m: float = 0.0
    forward_s: float = 0.0
    forward_m: float = 0.0
    reps: int | None = None  # backward repetitions, None when nothing was repeated
    mode: str | None = None  # "walk", "run", "sprint" or "mixed" over backward parts


def totals(blocks: Iterable[Block]) -> Totals:
    back_s = back_m = fwd_s = fwd_m = 0.0
    reps = 0
    repeated = False
    modes: set[Mode] = set()
    for block in blocks:
        for part in block.parts:
            s = (part.seconds or 0.0) * block.rounds
            m = (part.metres or 0.0) * block.rounds
            if part.backward:
                back_s, back_m = back_s + s, back_m + m
                modes.add(part.mode)
                reps += block.rounds
                repeated = repeated or block.rounds > 1
            else:
                fwd_s, fwd_m = fwd_s + s, fwd_m + m
    mode = None if not modes else (next(iter(modes)).value if len(modes) == 1 else "mixed")
    return Totals(back_s, back_m, fwd_s, fwd_m, reps if repeated else None, mode)


def blocks_to_data(blocks: Iterable[Block]) -> list[dict[str, object]]:
    return [
        {
            "rounds": b.rounds,
            "parts": [
                {"dir": p.direction.value, "mode": p.mode.value, "s": p.seconds, "m": p.metres}
                for p in b.parts
            ],
        }
        for b in blocks
    ]


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        return None
    return float(value)


def blocks_from_data(data: object) -> tuple[Block, ...]:
    """Blocks from stored data; anything malformed is left out rather than guessed."""
    if not isinstance(data, list):
        return ()
    out: list[Block] = []
    for raw in data:
        if not isinstance(raw, dict):
            continue
        rounds = raw.get("rounds")
        parts: list[Part] = []
        for p in raw.get("parts") or []:
            if not isinstance(p, dict):
                continue
            try:
                direction, mode = Direction(str(p.get("dir"))), Mode(str(p.get("mode")))
            except ValueError:
                continue
            seconds, metres = _number(p.get("s")), _number(p.get("m"))
            if seconds is not None or metres is not None:
                parts.append(Part(direction, mode, seconds, metres))
        if parts and isinstance(rounds, int) and not isinstance(rounds, bool) and rounds >= 1:
            out.append(Block(tuple(parts), rounds))
    return tuple(out)


def flip_part(blocks: Iterable[Block], index: int) -> tuple[Block, ...]:
    """The same session with part `index` (counted across blocks) turned the other way."""
    out: list[Block] = []
    i = 0
    for block in blocks:
        parts = []
        for part in block.parts:
            if i == index:
                other = Direction.FORWARD if part.backward else Direction.BACKWARD
                part = Part(other, part.mode, part.seconds, part.metres)
            parts.append(part)
            i += 1
        out.append(Block(tuple(parts), block.rounds))
    return tuple(out)


def all_parts(blocks: Iterable[Block]) -> tuple[Part, ...]:
    return tuple(p for b in blocks for p in b.parts)


def with_backward(blocks: Iterable[Block], new: Iterable[Block]) -> tuple[Block, ...]:
    """Replace the backward work with `new`, keeping forward parts where they were."""
    kept = [
        Block(tuple(p for p in b.parts if not p.backward), b.rounds)
        for b in blocks
        if any(not p.backward for p in b.parts)
    ]
    fresh = [b for b in new if any(p.backward for p in b.parts)]
    return tuple(kept[:1] + fresh + kept[1:]) if kept else tuple(fresh)
