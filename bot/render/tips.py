"""Messages for /tip, /safety and /plan."""

from __future__ import annotations

from collections.abc import Sequence

from bot.coach.types import WeekTarget
from bot.render import e, target_range


def no_match(query: str) -> str:
    return (
        f"I don't have a tip on “{e(query[:80])}”. Here's what I can help with; "
        "tap a topic or try other words (like <code>/tip heels</code>)."
    )


def choose(query: str) -> str:
    return f"A few tips could fit “{e(query[:80])}”. Which one?"


def plan(
    track_title: str,
    week: int,
    weeks_total: int,
    target: WeekTarget,
    today: WeekTarget | None,
    days: str,
    ahead: Sequence[WeekTarget],
    reason: str,
) -> str:
    lines = [
        f"🗓 <b>Week {week} of {weeks_total}</b> · {e(target.phase)} ({e(track_title)})",
        f"This week: {target.sessions} sessions of {target_range(target)} backward on {e(days)}",
        f"Focus: {e(target.focus)}",
        "",
    ]
    if today is not None:
        lines.append(f"<b>Today</b>: {e(today.workout)} ({target_range(today)} backward)")
    else:
        lines.append("<b>Today</b>: rest day. Easy walking or mobility is fine.")
    if ahead:
        lines += ["", "<b>Coming up</b>"]
        lines += [f"Week {w.week}: {e(w.phase)}, {w.sessions}× {target_range(w)}" for w in ahead]
    lines += ["", f"<i>Why week {week}:</i> {e(reason)}"]
    return "\n".join(lines)
