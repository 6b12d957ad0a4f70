"""The state of the log's conversations, typed: the guided /log, an edit waiting for a typed
answer, and a session read from chat that waits for "Log it" or an answer (pending).

Each is stored as JSON in `conversations.data`; ``from_data`` reads the shapes stored by
earlier versions too (missing or odd fields become defaults), so a conversation stored
before an upgrade still resumes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from bot.coach.answers import FEELING_VALUES, known_answers
from bot.coach.parsing import MAX_DURATION_S, read_note
from bot.coach.sessions import Block, Direction, Mode, Part
from bot.coach.structure import mode_of
from bot.coach.types import Feeling, LogDraft, Note
from bot.coach.units import format_duration


class LogStep(StrEnum):
    DURATION = "duration"
    FEELING = "feeling"
    NOTE = "note"


class EditStep(StrEnum):
    DURATION = "duration"
    FEELING = "feeling"
    NOTE = "note"


class OfferStep(StrEnum):
    CONFIRM = "confirm"


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _str(value: object) -> str | None:
    return value if isinstance(value, str) else None


@dataclass(frozen=True)
class GuidedLog:
    """The answers so far; ``said`` keeps what the user typed or chose, read for pain."""

    duration_s: int | None = None
    feeling: str | None = None
    said: tuple[str, ...] = ()

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"said": list(self.said)}
        if self.duration_s is not None:
            data["duration_s"] = self.duration_s
        if self.feeling is not None:
            data["feeling"] = self.feeling
        return data

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> GuidedLog:
        said = data.get("said")
        return cls(
            duration_s=_int(data.get("duration_s")),
            feeling=_str(data.get("feeling")),
            said=tuple(s for s in said if isinstance(s, str)) if isinstance(said, list) else (),
        )

    @classmethod
    def picked(cls, seconds: int) -> GuidedLog:
        """A duration chosen with a button: its words stand for what was said."""
        return cls(duration_s=seconds, said=(format_duration(seconds),))

    def felt(self, feeling: str | None, said: str | None = None) -> GuidedLog:
        """The feeling answered (None: skipped), with what was typed for it."""
        return replace(self, feeling=feeling, said=(*self.said, *([said] if said else [])))

    def pressed(self, feeling: str | None) -> GuidedLog:
        """The feeling chosen with a button (None: Skip)."""
        return self.felt(feeling, f"felt {feeling}" if feeling else None)


def guided_draft(state: GuidedLog, note: str) -> LogDraft | None:
    """The session built from the guided answers; everything typed is read for pain and
    surface (amounts are ignored: the time had its own step). None when the time is gone."""
    seconds = state.duration_s
    if seconds is None or not 0 < seconds <= MAX_DURATION_S:
        return None
    said = [s for s in state.said if s] + ([note] if note else [])
    words = read_note(". ".join(said))
    mode = mode_of(" ".join(said)) or Mode.RUN
    notes: tuple[Note, ...] = words.notes + ((("text", note),) if note else ())
    feeling = state.feeling
    return LogDraft(
        text=", ".join(said) or format_duration(seconds),
        duration_s=seconds,
        mode=mode.value,
        blocks=(Block((Part(Direction.BACKWARD, mode, seconds=float(seconds)),)),),
        feeling=Feeling(feeling)
        if feeling is not None and feeling in FEELING_VALUES
        else words.feeling,
        pain=words.pain,
        body_parts=words.body_parts,
        sore_parts=words.sore_parts,
        red_flags=words.red_flags,
        surface=words.surface,
        notes=notes,
    )


@dataclass(frozen=True)
class EditState:
    """Which stored session a typed answer edits, and since when (epoch seconds)."""

    workout_id: int | None
    since: int = 0

    def to_data(self) -> dict[str, Any]:
        return {"id": self.workout_id, "since": self.since}

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> EditState:
        return cls(_int(data.get("id")), _int(data.get("since")) or 0)


@dataclass(frozen=True)
class PendingSession:
    """A session told in chat, not yet logged: its text, the answers so far, the question
    asked, and a nonce that ties the buttons to it. ``target``: "did it", today's target."""

    text: str
    source: str
    nonce: str | None = None
    answers: Mapping[str, str] = field(default_factory=dict)
    question: str | None = None
    target: bool = False

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "text": self.text,
            "answers": dict(self.answers),
            "source": self.source,
            "nonce": self.nonce,
        }
        if self.question is not None:
            data["question"] = self.question
        if self.target:
            data["target"] = True
        return data

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> PendingSession:
        return cls(
            text=str(data.get("text", "")),
            source=str(data.get("source", "text")),
            nonce=_str(data.get("nonce")),
            answers=known_answers(data.get("answers")),
            question=_str(data.get("question")),
            target=data.get("target") is True,
        )

    def matches(self, nonce: str) -> bool:
        """A press belongs to this session (an older offer's button does not)."""
        return self.nonce is not None and self.nonce == nonce
