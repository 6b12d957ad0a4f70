"""The coach's voice: plan reasons, reminders, the weekly summary, targets in each track's
units, and the words for body parts that the reply to a log (render/log.py) shares.

The core decides (coach/feedback.py, coach/plan.py); these functions only word it.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.coach.types import Reason, WeekTarget
from bot.coach.units import format_duration, format_range
from bot.render import e

_PART_NAMES: dict[str, str] = {"achilles": "Achilles"}
MUSCLE_PLURALS: dict[str, str] = {"calf": "calves", "quad": "quads", "hamstring": "hamstrings"}


def join_words(words: Sequence[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def your_parts(parts: Sequence[str]) -> str:
    if not parts:
        return "it"
    return "your " + join_words([_PART_NAMES.get(p, p) for p in parts])


def sore_words(parts: Sequence[str]) -> str:
    """Sore muscles in the plural: "calves and quads"."""
    return join_words([MUSCLE_PLURALS.get(p, _PART_NAMES.get(p, p)) for p in parts])


# --- targets in the track's own units ----------------------------------------------------


def session_target(t: WeekTarget) -> str:
    """One session of the week, as its track counts it: '6–8 reps', '5–6 rounds', '2–4 min'."""
    if t.measure == "reps":
        return f"{_count_range(t)} reps"
    if t.measure == "rounds":
        return f"{_count_range(t)} rounds"
    running = format_range(t.min_s, t.max_s)
    if t.has_walk_range:
        walk = format_range(t.walk_min_s, t.walk_max_s)
        return f"{running} of backward jogging, or {walk} with walking"
    speed = f" at {t.speed_kmh:g} km/h" if t.speed_kmh else ""
    return f"{running} backward{speed}"


def _count_range(t: WeekTarget) -> str:
    return str(t.min_count) if t.min_count == t.max_count else f"{t.min_count}–{t.max_count}"


def week_line(t: WeekTarget) -> str:
    sessions = f"{t.sessions} session" if t.sessions == 1 else f"{t.sessions} sessions"
    return f"{sessions} of {session_target(t)}"


# --- plan reasons ---------------------------------------------------------------------------


def _sessions(n: int) -> str:
    return f"{n} session" if n == 1 else f"{n} sessions"


def reason(r: Reason | None, *, preview: bool = False) -> str:
    """Why the plan is where it is. ``preview``: said on Sunday about the week still running."""
    if r is None:
        return "You started the plan this week."
    week, done, target = r.get("week", 1), r.get("done"), r.get("target")
    which = "this week" if preview else "last week"
    tally = f"{done} of {_sessions(target)} on target {which}"
    moving = "you'll" if preview else "you"
    texts = {
        "start": "You started the plan this week.",
        "pain": f"You flagged pain, so we stay in week {week} until it settles.",
        "rest": f"{which.capitalize()} was a pause, so you stay in week {week}; no ground lost.",
        "finish": f"{tally}: the 8-week plan is complete, well done!",
        "advance": f"{tally} and no pain, so {moving} move up to week {week}.",
        "repeat": f"{tally}, so we repeat week {week}.",
        "hold": f"{tally}, close, so we stay in week {week} one more time.",
        "restart": f"You chose to go through the last phase again, from week {week}.",
        "maintain": f"You chose to keep week {week} as your maintenance routine.",
        "switch": f"You switched plans, so you start at week {week}.",
    }
    return texts.get(r.code, "You started the plan this week.")


# --- reminders and the weekly summary ------------------------------------------------------


def reminder(first_name: str, week: int, target: WeekTarget, snoozed: bool) -> str:
    hello = (
        "Here's your reminder again" if snoozed else f"Time to train, {e(first_name) or 'friend'}"
    )
    return (
        f"🏃 {hello}! Week {week} · {e(target.phase)}\n\n"
        f"Today: {e(target.workout)}\n"
        f"Target: <b>{e(session_target(target))}</b>\n\n"
        "Flat, clear ground; look over alternating shoulders. /safety has the rest."
    )


def pain_reminder(first_name: str, parts: Sequence[str]) -> str:
    """On a training day while pain is open: rest, not the workout."""
    name = e(first_name) or "there"
    return (
        f"🩹 Hi {name}, no workout today: rest {e(your_parts(parts))} while the pain settles. "
        "Gentle walking is fine if it doesn't hurt.\n\n"
        "Is it better? Tap below, and the plan picks up again."
    )


def weekly_summary(
    done: int,
    days: int,
    target: int,
    backward_s: int,
    pain: bool,
    streak: int,
    outlook: Reason,
    next_week: int,
    focus: str,
) -> str:
    """Sunday's look at the week still running: "this week", never "last week"."""
    minutes = format_duration(backward_s) if backward_s else "0 min"
    extra = f" ({days} days trained)" if days > done else ""
    lines = [
        "📊 <b>Your week so far</b>",
        f"Sessions on target: {done} of {target}{extra}",
        f"Backward time: {minutes}",
    ]
    if pain:
        lines.append("You flagged pain: rest it, and see a professional if it lingers.")
    else:
        lines.append(f"Weekly streak: {streak} week{'s' if streak != 1 else ''}")
    lines += ["", e(reason(outlook, preview=True)), f"Next up: week {next_week}: {e(focus)}"]
    return "\n".join(lines)
