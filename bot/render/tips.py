"""Messages for /tip, /safety and /plan."""

from __future__ import annotations

from collections.abc import Sequence

from bot.callbacks import cb
from bot.coach.types import WeekTarget
from bot.content import Tip
from bot.render import Keyboard, e, keyboard, target_range

ALL_TOPICS = "*"  # the tip button argument that lists every topic


def no_match(query: str) -> str:
    return (
        f"I don't have a tip on “{e(query[:80])}”. Most people start with one of these; "
        "or try other words (like <code>/tip heels</code>)."
    )


def closest(query: str) -> str:
    return f"Nothing on “{e(query[:80])}” exactly. The closest I have:"


def choose(query: str) -> str:
    return f"A few tips could fit “{e(query[:80])}”. Which one?"


def all_topics(listing_html: str) -> str:
    return (
        "<b>Every topic</b> (tap a command, or type <code>/tip</code> and a few words)\n\n"
        + listing_html
    )


def tip_buttons(tips: Sequence[Tip], *, all_topics: bool = False) -> Keyboard:
    """One tip per row, titles in full; optionally a last row that lists every topic."""
    rows = [[(tip.title, cb("tp", tip.id))] for tip in tips]
    if all_topics:
        rows.append([("📚 All topics", cb("tp", ALL_TOPICS))])
    return keyboard(rows)


def related_buttons(tips: Sequence[Tip]) -> Keyboard:
    """After the stop signs: the tips on the body part that hurts."""
    return keyboard([[(f"More: {tip.title}", cb("tp", tip.id))] for tip in tips])


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
