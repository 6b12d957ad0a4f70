"""The /progress messages: the weekly text, the chart caption, and the first-timer nudge."""

from __future__ import annotations

from bot.coach.progress import CHART_WEEKS, Progress
from bot.coach.stats import met_week
from bot.coach.types import WeekStat, WeekTarget
from bot.render import day_label, distance, duration, e
from bot.render.coaching import week_line

CHART_FILENAME = "progress.png"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _minutes(seconds: int) -> str:
    return duration(seconds) if seconds else "0 min"


def _week_lines(week: WeekStat, current: bool, pain_open: bool = False) -> list[str]:
    """Sessions are training days; ✅ only for a week on target without pain."""
    lines: list[str] = []
    if week.target_sessions > 0:
        done = met_week(week) and not (current and pain_open)
        short = week.sessions >= week.target_sessions and week.met_days < week.target_sessions
        tail = " ✅" if done else (f" ({week.met_days} on target)" if short else "")
        lines.append(f"Sessions: <b>{week.sessions} of {week.target_sessions}</b>{tail}")
    else:
        lines.append(f"Sessions: <b>{week.sessions}</b>")
    lines.append(f"Backward: <b>{_minutes(week.backward_s)}</b>")
    if week.paused and week.sessions == 0:
        lines.append("<i>Paused: this week doesn't count against you.</i>")
    if week.pain_sessions:
        lines.append(
            f"⚠️ Pain flagged on {_plural(week.pain_sessions, 'day')}"
            + (": rest it, and see a professional if it lingers." if current else ".")
        )
    return lines


def _streak(streak: int, pain_open: bool, pain_shown: bool) -> str:
    """No 🔥 beside a pain warning; while pain is open the streak waits."""
    if pain_open:
        return "Weekly streak: on hold while the pain settles. Tap “It's better” in /plan."
    if pain_shown:
        return f"Weekly streak: {_plural(streak, 'week')}."
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
        f"Target: {e(week_line(p.target))}",
        *_week_lines(p.this_week, current=True, pain_open=p.pain_open),
        "",
        "<b>Last week</b>",
        *_week_lines(p.last_week, current=False),
        "",
        "<b>All time</b>",
        f"{_plural(t.sessions, 'session')} · {_minutes(t.backward_s)} backward"
        + (f" · {distance(t.distance_m)}" if t.distance_m > 0 else ""),
        f"Longest day: {_minutes(t.longest_s)}",
        _streak(
            p.streak,
            p.pain_open,
            p.this_week.pain_sessions > 0 or p.last_week.pain_sessions > 0,
        ),
    ]
    if not p.chart_has_sessions:
        lines += ["", f"<i>No sessions in the last {CHART_WEEKS} weeks, so no chart this time.</i>"]
    return "\n".join(lines)


def first_steps(target: WeekTarget) -> str:
    """For someone with nothing logged: where to start, and that the chart comes later."""
    return (
        "📈 <b>Your progress starts with one session</b>\n\n"
        "Nothing logged yet, and that's the best place to start: every backward runner "
        "began with a first, slightly wobbly minute.\n\n"
        f"Week {target.week} · {e(target.phase)}: {e(week_line(target))}.\n"
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
