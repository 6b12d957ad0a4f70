"""What the coach says right after a log. Pure: facts in, plain sentences out.

Safety comes first (PRODUCT.md: pain is not soreness; red flags mean stop and get checked;
the plan holds), then how the session compares with the week's target, then advice.
Sentences are plain text; render.py escapes them. Wording follows shared/SCIENCE.md and
states no figures beyond it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from bot.coach.types import Feeling, LogDraft, RedFlag, SessionFact, WeekTarget
from bot.coach.units import format_distance, format_duration, format_range

Comparison = Literal["under", "on", "over", "rest_day", "no_target"]

MAX_LINES = 5
TEN_MINUTES_S = 600
# Plan weeks 1-2 are when SCIENCE.md says calf and quad soreness is expected; a user
# with fewer earlier sessions than two weeks' worth is also still "new" to it.
EARLY_WEEKS = 2
EARLY_SESSIONS = 6

PLAN_HOLDS = "Your plan holds this week, so there is nothing to catch up."
REST_MATTERS = "Rest days matter too: they are when your legs adapt."

MILESTONE_FIRST_SESSION = "First session logged!"
MILESTONE_FIRST_FULL_WEEK = "First full week done!"
MILESTONE_FIRST_TEN_MIN = "First 10-minute session!"

# Muscles that backward running's toe-first landing works harder (SCIENCE: calves, quads;
# hamstrings as "the back of the legs"). Soreness there early on is expected.
MUSCLE_PARTS: frozenset[str] = frozenset({"calf", "quad", "hamstring"})
# Red flags where minutes may matter: seek medical help now, not "later today".
URGENT_FLAGS: frozenset[str] = frozenset({"chest pain", "dizziness", "breathless"})

_PART_NAMES: dict[str, str] = {"achilles": "Achilles"}
_PART_PLURALS: dict[str, str] = {"calf": "calves", "quad": "quads", "hamstring": "hamstrings"}
_FLAG_NAMES: dict[str, str] = {
    "sharp pain": "sharp pain",
    "swelling": "swelling",
    "giving way": "a joint giving way",
    "fall": "a fall",
    "dizziness": "dizziness",
    "chest pain": "chest pain",
    "breathless": "unusual breathlessness",
}


@dataclass(frozen=True)
class TipRef:
    """A content tip matched to the log's words, as much of it as the reply needs."""

    id: str
    title: str
    summary: str


@dataclass(frozen=True)
class Feedback:
    comparison: Comparison
    lines: tuple[str, ...]  # plain text sentences (NOT escaped; the renderer escapes)
    stop: bool  # red flags / pain: stop, rest, get checked; the plan holds
    caution: str | None  # too much too soon
    tip: TipRef | None
    milestones: tuple[str, ...]


# --- small formatting helpers -------------------------------------------------------------


def join_words(words: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c': reads naturally in one sentence."""
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def _part_name(part: str) -> str:
    return _PART_NAMES.get(part, part)


def your_parts(parts: Sequence[str]) -> str:
    """'your knee', 'your knee and ankle'; 'it' when the parser found no body part."""
    if not parts:
        return "it"
    return "your " + join_words([_part_name(p) for p in parts])


def _sore_phrase(parts: Sequence[str]) -> str:
    return join_words([_PART_PLURALS.get(p, _part_name(p)) for p in parts])


def what_was_done(draft: LogDraft) -> str:
    """'3 min', '6×30 s (3 min)', '400 m in 2 min 30 s', '400 m': the amount, briefly."""
    parts: list[str] = []
    if draft.distance_m is not None:
        parts.append(format_distance(draft.distance_m))
    if draft.duration_s is not None:
        dur = format_duration(draft.duration_s)
        if draft.reps and draft.rep_s:
            dur = f"{draft.reps}×{format_duration(draft.rep_s)} ({dur})"
        parts.append(dur)
    return " in ".join(parts) if parts else "Your session"


# --- the decisions ------------------------------------------------------------------------


def compare(draft: LogDraft, target: WeekTarget | None, training_day: bool) -> Comparison:
    """Duration against the week's per-session target; a rest day or no duration skips it."""
    if target is None or draft.duration_s is None:
        return "no_target"
    if not training_day:
        return "rest_day"
    if draft.duration_s < target.min_s:
        return "under"
    if draft.duration_s > max(target.max_s, target.min_s):
        return "over"
    return "on"


def _red_flag_lines(draft: LogDraft) -> list[str]:
    flags = list(dict.fromkeys(draft.red_flags))
    urgent = [f for f in flags if f in URGENT_FLAGS]
    if urgent:
        named = join_words([_FLAG_NAMES[f] for f in urgent])
        lines = [
            f"{named[0].upper()}{named[1:]} can be serious: stop now and seek medical help "
            "right away.",
            "If it is severe or does not settle quickly, call emergency services.",
        ]
    else:
        named = join_words([_FLAG_NAMES[f] for f in flags])
        lines = [f"Stop now: {named} should be checked today by a doctor or physio."]
    if draft.body_parts:
        lines.append(f"Rest {your_parts(draft.body_parts)} and don't train until it's checked.")
    lines.append(PLAN_HOLDS)
    return lines


def _pain_lines(draft: LogDraft) -> list[str]:
    where = f" in {your_parts(draft.body_parts)}" if draft.body_parts else ""
    return [
        f"Sorry about the pain{where}: stop backward running for now and rest.",
        "If it still hurts after a day, or gets worse, see a physio or doctor.",
        PLAN_HOLDS,
    ]


def _early(target: WeekTarget | None, history_before: Sequence[SessionFact]) -> bool:
    by_plan = target is not None and target.week <= EARLY_WEEKS
    return by_plan or len(history_before) < EARLY_SESSIONS


def _soreness_lines(draft: LogDraft, early: bool) -> list[str]:
    """Muscle soreness is reassured, not treated; other sore spots are watched."""
    muscles = [p for p in draft.sore_parts if p in MUSCLE_PARTS]
    others = [p for p in draft.sore_parts if p not in MUSCLE_PARTS]
    lines: list[str] = []
    if muscles:
        sore = _sore_phrase(muscles)
        if early:
            lines.append(
                f"Sore {sore} are expected in the first weeks: toe-first landings work "
                "your calves and quads harder."
            )
        else:
            lines.append(f"Some soreness in your {sore} is normal; keep the next session easy.")
    if "achilles" in others:
        lines.append("Go carefully with a sore Achilles: backward running loads it more.")
        others.remove("achilles")
    if others:
        lines.append(
            f"Keep an eye on {your_parts(others)}: if soreness turns into pain, stop and rest."
        )
    return lines


def _comparison_line(
    comparison: Comparison, draft: LogDraft, target: WeekTarget | None, cautioned: bool = False
) -> str:
    """How the session compares with the target; with a caution, the caution does the talking."""
    done = what_was_done(draft)
    if target is not None and comparison in ("under", "on", "over"):
        goal = format_range(target.min_s, target.max_s)
        if comparison == "under":
            return f"{done} logged, a little under this week's {goal} target: every minute counts."
        if comparison == "on":
            return f"{done} logged, right on this week's {goal} target: nice work!"
        if cautioned:
            return f"{done} logged, well above this week's {goal} target."
        return f"{done} logged, above this week's {goal} target: no need to do more than that."
    if comparison == "rest_day":
        return f"{done} logged on a rest day: that's fine."
    if draft.duration_s is None and draft.distance_m is not None:
        return f"{done} logged, nice! Add a time next time so I can compare it with your plan."
    return f"{done} of backward running logged, nice work!"


def _pace_line(comparison: Comparison) -> str:
    if comparison == "under":
        return "Finding it hard is normal at first: go slower rather than shorter."
    return "It felt hard, so slow down to a pace where you could still talk (effort 3–4 of 10)."


def _week_total_line(
    draft: LogDraft, week_before: Sequence[SessionFact], last_week_backward_s: int
) -> str | None:
    """Only once there is more than one session this week; a single one says it all."""
    if not week_before or draft.duration_s is None:
        return None
    total = draft.duration_s + sum(s.duration_s or 0 for s in week_before)
    line = f"That makes {format_duration(total)} backward this week"
    if last_week_backward_s > 0:
        line += f" (last week: {format_duration(last_week_backward_s)})"
    return line + "."


# --- milestones ---------------------------------------------------------------------------


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _earlier_weeks(
    week_before: Sequence[SessionFact], history_before: Sequence[SessionFact]
) -> Counter[date]:
    """Sessions per earlier week (by Monday), leaving out this week whatever the caller sent."""
    this_week = {_monday(s.local_date) for s in week_before}
    return Counter(
        _monday(s.local_date) for s in history_before if _monday(s.local_date) not in this_week
    )


def milestones_for(
    draft: LogDraft,
    *,
    target: WeekTarget | None,
    week_before: Sequence[SessionFact],
    history_before: Sequence[SessionFact],
) -> tuple[str, ...]:
    """Firsts, each reached exactly once: a later session can never reach them again.

    "First full week" compares earlier weeks with the current target's session count,
    because a SessionFact does not carry the target of its own week.
    """
    earlier = [*history_before, *week_before]
    found: list[str] = []
    if not earlier:
        found.append(MILESTONE_FIRST_SESSION)
    if target is not None and target.sessions > 0 and len(week_before) + 1 == target.sessions:
        weeks = _earlier_weeks(week_before, history_before)
        if all(n < target.sessions for n in weeks.values()):
            found.append(MILESTONE_FIRST_FULL_WEEK)
    if (draft.duration_s or 0) >= TEN_MINUTES_S and all(
        (s.duration_s or 0) < TEN_MINUTES_S for s in earlier
    ):
        found.append(MILESTONE_FIRST_TEN_MIN)
    return tuple(found)


# --- the entry point ----------------------------------------------------------------------


def coach_feedback(
    draft: LogDraft,
    *,
    target: WeekTarget | None,
    training_day: bool,
    week_before: Sequence[SessionFact],
    last_week_backward_s: int,
    history_before: Sequence[SessionFact],
    tip: TipRef | None,
    caution: str | None,
) -> Feedback:
    """The reply to one log, most important sentence first.

    Red flags or pain replace the usual praise with stop / rest / get checked, and say the
    plan holds. With red flags no milestones are celebrated: that reply is about safety only.
    """
    comparison = compare(draft, target, training_day)
    red_flags: tuple[RedFlag, ...] = draft.red_flags
    stop = bool(red_flags) or draft.pain or bool(draft.body_parts)
    lines: list[str]
    if red_flags:
        lines = _red_flag_lines(draft)
    elif stop:
        lines = _pain_lines(draft)
    else:
        lines = [_comparison_line(comparison, draft, target, cautioned=caution is not None)]
        if not training_day and target is not None:
            lines.append(REST_MATTERS)
        if draft.feeling == Feeling.HARD:
            lines.append(_pace_line(comparison))
        lines.extend(_soreness_lines(draft, _early(target, history_before)))
        total = _week_total_line(draft, week_before, last_week_backward_s)
        if total is not None:
            lines.append(total)
    milestones = (
        ()
        if red_flags
        else milestones_for(
            draft, target=target, week_before=week_before, history_before=history_before
        )
    )
    if caution is not None:  # don't celebrate the very session we caution about
        milestones = tuple(m for m in milestones if m != MILESTONE_FIRST_TEN_MIN)
    return Feedback(
        comparison=comparison,
        lines=tuple(lines[:MAX_LINES]),
        stop=stop,
        caution=caution,
        tip=tip,
        milestones=milestones,
    )
