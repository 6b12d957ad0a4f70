"""Which days go into the user's calendar: the coming training days through the plan's end.

Pure. The plan moves up one week every Monday when the week goes to plan, so the calendar
shows that path: this week's days at the current plan week, next week's at the next, and so
on through the last plan week. Days inside a pause are left out. When the coach holds a week,
the days move on; sending /calendar again updates the same events (one UID per user and day).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from bot.coach.guide import GuideError, build_guide
from bot.coach.plan import target_for_week, week_starting
from bot.coach.sessions import Block
from bot.coach.types import WeekTarget

MAX_DAYS = 8 * 7 + 7  # a safety bound: the plan is eight weeks


@dataclass(frozen=True)
class PlanDay:
    day: date
    target: WeekTarget


def plan_days(
    weeks: Sequence[WeekTarget],
    current_week: int,
    today: date,
    training_days: frozenset[int],
    paused_through: date | None = None,
) -> tuple[PlanDay, ...]:
    """Training days from today on, each with its plan week, through the last plan week.

    ``paused_through``: the last local day of a pause; days up to it are skipped.
    """
    if not weeks or not training_days:
        return ()
    last = max(w.week for w in weeks)
    monday = week_starting(today)
    out: list[PlanDay] = []
    for offset in range(MAX_DAYS):
        day = today + timedelta(days=offset)
        week = current_week + (week_starting(day) - monday).days // 7
        if week > last:
            break
        if day.weekday() not in training_days:
            continue
        if paused_through is not None and day <= paused_through:
            continue
        target = target_for_week(weeks, week)
        if target is not None:
            out.append(PlanDay(day, target))
    return tuple(out)


MIN_EVENT_MIN = 20
WARM_UP_MIN = 10


def event_minutes(blocks: tuple[Block, ...]) -> int:
    """A calendar event's length: a warm-up plus the guided part, rounded up to 5 minutes,
    at least MIN_EVENT_MIN."""
    try:
        workout_min = build_guide(blocks).workout_s / 60
    except GuideError:
        workout_min = 0.0
    total = WARM_UP_MIN + workout_min
    return max(MIN_EVENT_MIN, int(-(-total // 5) * 5))
