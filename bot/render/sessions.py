"""A session as the user reads it back: its parts and its notes (render/log.py asks about it).

Stored sessions hold meaning (blocks of parts, note codes); the English is made here, at
reply time, so the words can change (or a second language arrive) without touching data.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from bot.coach.sessions import Block, Part
from bot.coach.types import PLURALS, SORE_NOUNS, Note
from bot.coach.units import format_distance, format_duration

SURFACE_WORDS: dict[str, str] = {
    "grass": "on grass",
    "treadmill": "on a treadmill",
    "track": "on a track",
    "road": "on road",
    "sand": "on sand",
    "trail": "on a trail",
    "hill": "on a hill",
    "park": "in a park",
    "beach": "on the beach",
    "gym": "in the gym",
    "field": "on a field",
}
_MODE_NOUN = {"walk": "walk", "run": "", "sprint": "sprint"}


def _e(text: object) -> str:
    return escape(str(text), quote=False)


def _join(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def note_text(note: Note) -> str:
    """One note code in words (plain text, not escaped)."""
    code, *params = note
    if code == "surface" and params:
        return SURFACE_WORDS.get(params[0], f"on {params[0]}")
    if code in SORE_NOUNS:
        parts = [PLURALS.get(p, p) for p in params]
        return f"{code} {_join(parts)}" if parts else SORE_NOUNS[code]
    return " ".join(params)


def notes_text(notes: Sequence[Note]) -> str:
    """All notes in words, "; "-separated (plain text, as the export writes them)."""
    return "; ".join(t for t in (note_text(n) for n in notes) if t)


def amount(seconds: float | None, metres: float | None) -> str:
    bits = []
    if metres:
        bits.append(format_distance(metres))
    if seconds:
        bits.append(("in " if metres else "") + format_duration(round(seconds)))
    return " ".join(bits)


def part_text(part: Part, bold: bool = False) -> str:
    """'4 min backward', '6 km forward', '20 m backward sprint', '15 min backward walk'.

    HTML-safe (the words are ours); `bold` marks the amount of a backward part."""
    noun = _MODE_NOUN[part.mode.value]
    how_much = amount(part.seconds, part.metres)
    if bold and part.backward:
        how_much = f"<b>{how_much}</b>"
    words = f"{how_much} {part.direction.value}"
    return f"{words} {noun}" if noun else words


def block_text(block: Block, bold: bool = False) -> str:
    inner = " + ".join(part_text(p, bold) for p in block.parts)
    if block.rounds == 1:
        return inner
    return f"{block.rounds} × ({inner})" if len(block.parts) > 1 else f"{block.rounds} × {inner}"


def parts_text(blocks: Sequence[Block], bold_backward: bool = False) -> str:
    """The parts in order, as HTML: '6 km forward, then 4 min backward'."""
    return ", then ".join(block_text(b, bold_backward) for b in blocks)
