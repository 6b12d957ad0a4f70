"""Answers to plain chat that isn't a session: today's workout, thanks, hello, "did it"."""

from __future__ import annotations

from datetime import date
from html import escape

from bot.coach.types import WeekTarget
from bot.coach.units import format_range


def _e(text: object) -> str:
    return escape(str(text), quote=False)


def _day(d: date) -> str:
    return f"{d:%A} {d.day} {d:%b}"


def today_answer(
    week: int, target: WeekTarget | None, next_day: date | None, next_target: WeekTarget | None
) -> str:
    if target is not None:
        return (
            f"Today is a training day (week {week} · {_e(target.phase)}).\n"
            f"{_e(target.workout)}\n"
            f"Backward time: <b>{format_range(target.min_s, target.max_s)}</b>"
            "\n\nTell me how it went when you're done, like <code>did 3 min backwards</code>."
        )
    if next_day is None or next_target is None:
        return "Today is a rest day. /remind sets your training days."
    return (
        f"Today is a rest day. Next up: <b>{_day(next_day)}</b>, {_e(next_target.workout)}"
        f" ({format_range(next_target.min_s, next_target.max_s)} backward)."
    )


def thanks() -> str:
    return "Any time! 🙌 Tell me about your next session when you've done it."


def greeting(first_name: str) -> str:
    name = _e(first_name) if first_name else "there"
    return (
        f"Hi {name}! 👋 I'm your backward-running coach. Tell me about a session "
        "(<i>did 4 min backwards, felt great</i>) and I'll log it; ask <i>what's on today?</i> "
        "for your workout, or <i>how am I doing?</i> for your progress. /help lists everything."
    )


def offer_target(summary: str, rest_day: bool) -> str:
    lead = "Today is a rest day in your plan, but nice work! " if rest_day else "Great job! "
    return f"{lead}Shall I log this week's target: {summary}?"


def already_logged(summary: str) -> str:
    return (
        f"You've already logged today: {summary}. "
        "Anything else, tell me like <code>/log 2 min</code>."
    )
