"""The /progress messages: the weekly text, the chart caption, and the first-timer nudge."""

from __future__ import annotations

from bot.coach.progress import CHART_WEEKS, Progress
from bot.coach.types import WeekStat, WeekTarget
from bot.render import day_label, distance, duration, e


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _minutes(seconds: int) -> str:
    return duration(seconds) if seconds else "0 min"


def _band(week: WeekStat) -> str:
    """The week's backward-time target: sessions × the per-session range."""
    low = week.target_sessions * week.target_min_s
    high = week.target_sessions * max(week.target_max_s, week.target_min_s)
    return _minutes(low) if low == high else f"{_minutes(low)}–{_minutes(high)}"


def _week_lines(week: WeekStat, current: bool) -> list[str]:
    if week.target_sessions > 0:
        met = week.sessions >= week.target_sessions
        tick = " ✅" if met else ""
        sessions = f"Sessions: <b>{week.sessions} of {week.target_sessions}</b>{tick}"
        minutes = f"Backward: <b>{_minutes(week.backward_s)}</b> (target {_band(week)})"
    else:
        sessions = f"Sessions: <b>{week.sessions}</b>"
        minutes = f"Backward: <b>{_minutes(week.backward_s)}</b>"
    lines = [sessions, minutes]
    if week.paused and week.sessions == 0:
        lines.append("<i>Paused: this week doesn't count against you.</i>")
    if week.pain_sessions:
        lines.append(
            f"⚠️ Pain flagged in {_plural(week.pain_sessions, 'session')}"
            + (": rest it, and see a professional if it lingers." if current else ".")
        )
    return lines


def _streak(streak: int) -> str:
    if streak == 0:
        return "Weekly streak: 0 weeks. Hit this week's session target to start one."
    return f"Weekly streak: <b>{_plural(streak, 'week')}</b> on target 🔥"


def progress_text(p: Progress) -> str:
    t = p.totals
    lines = [
        "📈 <b>Your progress</b>",
        f"Plan: week <b>{p.plan_week}</b> of {p.plan_weeks} · {e(p.target.phase)}",
        "",
        f"<b>This week</b> (since {day_label(p.this_week.week_start)})",
        *_week_lines(p.this_week, current=True),
        "",
        "<b>Last week</b>",
        *_week_lines(p.last_week, current=False),
        "",
        "<b>All time</b>",
        f"{_plural(t.sessions, 'session')} · {_minutes(t.backward_s)} backward"
        + (f" · {distance(t.distance_m)}" if t.distance_m > 0 else ""),
        f"Longest session: {_minutes(t.longest_s)}",
        _streak(p.streak),
    ]
    if not p.chart_has_sessions:
        lines += ["", f"<i>No sessions in the last {CHART_WEEKS} weeks, so no chart this time.</i>"]
    return "\n".join(lines)


def first_steps(target: WeekTarget) -> str:
    """For someone with nothing logged: where to start, and that the chart comes later."""
    per_session = (
        duration(target.min_s)
        if target.min_s == target.max_s
        else f"{duration(target.min_s)}–{duration(target.max_s)}"
    )
    return (
        "📈 <b>Your progress starts with one session</b>\n\n"
        "Nothing logged yet, and that's the best place to start: every backward runner "
        "began with a first, slightly wobbly minute.\n\n"
        f"Week {target.week} · {e(target.phase)}: {_plural(target.sessions, 'session')} "
        f"of {per_session} backward.\n"
        f"<i>{e(target.workout)}</i>\n\n"
        "After your first session, log it like <code>/log 2 min felt good</code>, "
        "and /progress will show your weeks on a chart."
    )


def chart_caption() -> str:
    return (
        f"Backward minutes per week, last {CHART_WEEKS} weeks. Green band: the plan's target. "
        "N×: sessions that week. Orange hatching: a week with pain logged."
    )


def chart_failed() -> str:
    return "I couldn't draw your chart this time; the numbers above are up to date."
