"""The coach's voice: the reply to a log, plan reasons, targets in each track's units.

The core decides (coach/feedback.py, coach/plan.py); these functions only word it. A reply
to a log is short enough for a phone screen: the logged line, one message, at most one
remark, one milestone and one tip; a reply that stops or cautions never celebrates.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.coach import load
from bot.coach.feedback import Feedback
from bot.coach.types import Reason, WeekTarget
from bot.coach.units import format_duration, format_range
from bot.render import day_label, e

MAX_REPLY_LINES = 8

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
MILESTONES: dict[str, str] = {
    "first_session": "First session logged!",
    "first_full_week": "First full week done!",
    "first_ten_min": "First 10-minute day!",
}


def join_words(words: Sequence[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def your_parts(parts: Sequence[str]) -> str:
    if not parts:
        return "it"
    return "your " + join_words([_PART_NAMES.get(p, p) for p in parts])


def _sore(parts: Sequence[str]) -> str:
    return join_words([_PART_PLURALS.get(p, _PART_NAMES.get(p, p)) for p in parts])


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


def _day_amount(fb: Feedback) -> str:
    t = fb.target
    if t is not None and fb.count is not None:
        word = "reps" if t.measure == "reps" else "rounds"
        return f"{fb.count} {word}"
    return format_duration(round(fb.day.seconds)) + " backward"


def _today(fb: Feedback) -> str:
    return "today in all" if fb.logs_today > 1 else "logged"


# --- the reply to a log --------------------------------------------------------------------


def _primary(fb: Feedback) -> list[str]:
    t = fb.target
    flags = [f for f in fb.flags if f in _FLAG_NAMES]
    named = join_words([_FLAG_NAMES[f] for f in flags]) or "that"
    where = f" in {your_parts(fb.body_parts)}" if fb.body_parts else ""
    if fb.primary == "urgent":
        return [
            f"⛔ {named[:1].upper()}{named[1:]} can be serious: stop now and get medical help "
            "right away. If it is severe, call emergency services.",
        ]
    if fb.primary == "stop_sign":
        return [
            f"⛔ Stop for today: {named}{where} is a stop sign. Rest, and see a physio or "
            "doctor if it doesn't settle within a day or two.",
            "Your plan holds until it's better.",
        ]
    if fb.primary == "dizzy":
        return [
            f"⛔ Stop and rest: sit down until the {named.removeprefix('a ')} passes. If it "
            "doesn't settle, or comes back, get medical advice.",
        ]
    if fb.primary == "pain":
        return [
            f"Sorry about the pain{where}: stop backward running for now and rest it.",
            "If it still hurts after a day, or gets worse, see a physio or doctor. "
            "Your plan holds until it's better.",
        ]
    if fb.primary == "fall_minor":
        return [
            "Sorry about the tumble. Clean any graze and check the ground behind you for "
            "what tripped you before the next session.",
        ]
    if fb.primary == "pain_check":
        return ["You flagged pain earlier: how is it now? Tap below once it's better."]
    if fb.primary == "day_over" and t is not None:
        return [
            f"⚠️ {_day_amount(fb).capitalize()} {_today(fb)}: well above one session this "
            f"week ({session_target(t)}). More doesn't move the plan on sooner; build up "
            "gradually to stay injury-free.",
        ]
    if fb.primary == "week_over" and t is not None:
        return [
            "⚠️ This week's backward load is now more than 30% above "
            + ("last week's." if fb.week_limit > load.plan_week_effort(t) else "the plan's.")
            + " Keep the rest of the week easy.",
        ]
    if t is not None and fb.primary == "under":
        return [f"{_day_amount(fb)} {_today(fb)}: a little under this week's {session_target(t)}."]
    if t is not None and fb.primary == "on":
        return [f"{_day_amount(fb)} {_today(fb)}: right on this week's {session_target(t)}. 👍"]
    if t is not None and fb.primary == "over":
        return [
            f"{_day_amount(fb)} {_today(fb)}: above this week's {session_target(t)}; "
            "it counts as one session, so no need to do more."
        ]
    return ["Saved."]


_SECONDARY: dict[str, str] = {
    "achilles": "Go carefully with a sore Achilles: backward running loads it more.",
    "pace_hard": "It felt hard: slow down to a pace where you could still talk.",
    "pace_under": "Finding it hard is normal at first: go slower rather than shorter.",
    "rest_day": "Two days in a row: give your legs a rest day before the next one.",
}


def _secondary(fb: Feedback) -> str | None:
    if fb.secondary is None:
        return None
    muscles = [p for p in fb.sore_parts if p in _PART_PLURALS]
    if fb.secondary == "sore_expected":
        return (
            f"Sore {_sore(muscles)} are expected in the first weeks: "
            "toe-first landings work them harder."
        )
    if fb.secondary == "sore_easy":
        return f"Some soreness in your {_sore(muscles)} is normal; keep the next session easy."
    if fb.secondary == "watch_part":
        return (
            f"Keep an eye on {your_parts(fb.sore_parts)}: if soreness turns into pain, "
            "stop and rest."
        )
    return _SECONDARY.get(fb.secondary)


def logged_reply(summary: str, day: date, fb: Feedback) -> str:
    """The whole reply: at most MAX_REPLY_LINES lines of text."""
    out = [f"✅ Logged for {day_label(day)}: {summary}"]
    if fb.milestone is not None and not (fb.stop or fb.caution):
        out.append(f"🏅 {e(MILESTONES[fb.milestone])}")
    out += ["", *(e(line) for line in _primary(fb))]
    extra = _secondary(fb)
    if extra:
        out.append(e(extra))
    if fb.tip is not None and fb.tip.summary:
        out += ["", f"💡 <b>{e(fb.tip.title)}</b>: {e(fb.tip.summary)}"]
    return "\n".join(out[: MAX_REPLY_LINES + 2])


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
