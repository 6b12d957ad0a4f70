"""The /progress chart: weekly backward minutes against the plan, as PNG bytes.

Only matplotlib's object API (Figure + the Agg canvas) is used, never pyplot: pyplot keeps
global state and is not thread-safe, and the chart is rendered in a worker thread so the
event loop never blocks on it.

matplotlib is imported on the first chart, not at start-up: it is the heaviest import of the
bot (over a second and tens of MiB), and most processes draw a chart rarely or never.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from bot.coach.types import WeekStat

if TYPE_CHECKING:
    from matplotlib.axes import Axes

# 1200x900 px: wide enough for 8-12 weeks, still sharp when a phone scales it down.
FIG_SIZE_IN = (12.0, 9.0)
DPI = 100

# Few colours, readable for most colour-vision types: blue bars, green target, orange pain.
BAR_COLOUR = "#2563eb"
PAIN_COLOUR = "#ea580c"
TARGET_COLOUR = "#16a34a"
TEXT_COLOUR = "#1f2937"
MUTED_COLOUR = "#6b7280"

FONT_BASE = 20
FONT_TITLE = 26
FONT_LABEL = 18
FONT_TICK = 17

# English month names, independent of the process locale.
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# More weeks than this and labels get compact (every second date, no "0×") so nothing collides.
_DENSE_WEEKS = 10
# Older weeks are left out: beyond ~4 months the bars get too thin to read on a phone.
MAX_WEEKS = 16
PAUSED_COLOUR = "#f3f4f6"


def week_label(monday: date) -> str:
    """'24 Nov': short enough for a phone-width axis, unambiguous within a season."""
    return f"{monday.day} {_MONTHS[monday.month - 1]}"


def _minutes(seconds: int) -> float:
    return seconds / 60.0


def _target_range_min(week: WeekStat) -> tuple[float, float] | None:
    """The week's target band in minutes, or None when the plan set no target that week."""
    if week.target_sessions <= 0 or week.target_max_s <= 0:
        return None
    low = _minutes(week.target_sessions * week.target_min_s)
    high = _minutes(week.target_sessions * max(week.target_max_s, week.target_min_s))
    return (low, high)


def _y_limit(weeks: Sequence[WeekStat]) -> float:
    """Headroom above the highest bar or band so the 'N×' labels fit inside the plot."""
    tops = [_minutes(w.backward_s) for w in weeks]
    for w in weeks:
        band = _target_range_min(w)
        if band is not None:
            tops.append(band[1])
    highest = max(tops, default=0.0)
    return max(highest * 1.22, 5.0)


def _draw_target_bands(ax: Axes, weeks: Sequence[WeekStat]) -> bool:
    """Shaded per-week range behind each bar; wider than the bar so it shows either side."""
    drawn = False
    for i, w in enumerate(weeks):
        band = _target_range_min(w)
        if band is None:
            continue
        low, high = band
        ax.bar(
            i,
            max(high - low, 0.05),
            bottom=low,
            width=0.86,
            color=TARGET_COLOUR,
            alpha=0.22,
            edgecolor=TARGET_COLOUR,
            linewidth=1.5,
            zorder=1,
        )
        drawn = True
    return drawn


def _session_label(week: WeekStat, dense: bool) -> tuple[str, str] | None:
    """'3×' above a bar; '0×' only when there is room and the week had a plan (not before the
    user started, not paused: those are left blank or shaded)."""
    if week.sessions > 0:
        return f"{week.sessions}×", TEXT_COLOUR
    if dense or week.paused or week.target_sessions == 0:
        return None
    return "0×", MUTED_COLOUR


def _draw_bars(ax: Axes, weeks: Sequence[WeekStat], y_max: float) -> bool:
    """Bars of backward minutes; pain weeks hatched in orange; 'N×' sessions above each."""
    any_pain = False
    dense = len(weeks) > _DENSE_WEEKS
    for i, w in enumerate(weeks):
        value = _minutes(w.backward_s)
        pain = w.pain_sessions > 0
        any_pain = any_pain or pain
        ax.bar(
            i,
            value,
            width=0.56,
            color="white" if pain else BAR_COLOUR,
            edgecolor=PAIN_COLOUR if pain else BAR_COLOUR,
            hatch="//" if pain else None,
            linewidth=2.5 if pain else 0,
            zorder=2,
        )
        label = _session_label(w, dense)
        if label is None:
            continue
        text, colour = label
        ax.text(
            i,
            value + y_max * 0.015,
            text,
            ha="center",
            va="bottom",
            fontsize=FONT_TICK if dense else FONT_LABEL,
            fontweight="bold" if w.sessions > 0 else "normal",
            color=colour,
            zorder=3,
        )
    return any_pain


def _draw_paused(ax: Axes, weeks: Sequence[WeekStat]) -> bool:
    """Grey column behind paused weeks: an empty week there is a choice, not a miss."""
    drawn = False
    for i, w in enumerate(weeks):
        if w.paused:
            ax.axvspan(i - 0.5, i + 0.5, color=PAUSED_COLOUR, zorder=0.5, linewidth=0)
            drawn = True
    return drawn


def _style_axes(ax: Axes, weeks: Sequence[WeekStat], y_max: float) -> None:
    ax.set_ylim(0, y_max)
    ax.set_xlim(-0.5, max(len(weeks), 1) - 0.5)
    ax.set_ylabel("Backward minutes", fontsize=FONT_BASE, color=TEXT_COLOUR)
    ax.set_xlabel("Week starting (Monday)", fontsize=FONT_BASE, color=TEXT_COLOUR)
    step = 1 if len(weeks) <= _DENSE_WEEKS else 2
    ticks = list(range(0, len(weeks), step))
    ax.set_xticks(ticks, [week_label(weeks[i].week_start) for i in ticks])
    ax.tick_params(axis="both", labelsize=FONT_TICK, colors=TEXT_COLOUR, length=0)
    ax.grid(axis="y", color="#e5e7eb", linewidth=1.2, zorder=0)
    ax.set_axisbelow(True)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom"].set_color(MUTED_COLOUR)


def _draw_legend(ax: Axes, *, target: bool, pain: bool, paused: bool) -> None:
    from matplotlib.patches import Patch

    handles = [Patch(facecolor=BAR_COLOUR, label="Backward minutes")]
    if target:
        handles.append(
            Patch(facecolor=TARGET_COLOUR, alpha=0.3, edgecolor=TARGET_COLOUR, label="Plan target")
        )
    if pain:
        handles.append(
            Patch(facecolor="white", edgecolor=PAIN_COLOUR, hatch="//", label="Pain logged")
        )
    if paused:
        handles.append(Patch(facecolor=PAUSED_COLOUR, edgecolor=MUTED_COLOUR, label="Paused"))
    ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0.0, 1.0, 1.0, 0.06),  # in the gap between title and plot
        fontsize=FONT_TICK,
        labelcolor=TEXT_COLOUR,
        frameon=False,
        ncol=len(handles),
        handlelength=1.6,
    )


def progress_chart_png(
    weeks: Sequence[WeekStat], title: str = "Backward minutes per week"
) -> bytes:
    """Render the weekly chart (the last MAX_WEEKS weeks); pure CPU, safe from any thread."""
    weeks = weeks[-MAX_WEEKS:]
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=FIG_SIZE_IN, dpi=DPI, facecolor="white")
    FigureCanvasAgg(fig)  # attach the Agg canvas explicitly; no pyplot, no global backend
    try:
        ax = fig.add_subplot()
        ax.set_title(title, fontsize=FONT_TITLE, color=TEXT_COLOUR, pad=44, loc="left")
        y_max = _y_limit(weeks)
        has_target = _draw_target_bands(ax, weeks)
        has_pain = _draw_bars(ax, weeks, y_max)
        has_paused = _draw_paused(ax, weeks)
        _style_axes(ax, weeks, y_max)
        if not weeks or all(w.sessions == 0 for w in weeks):
            ax.text(
                0.5,
                0.5,
                "No sessions yet: log one with /log",
                transform=ax.transAxes,
                ha="center",
                va="center",
                fontsize=FONT_BASE,
                color=MUTED_COLOUR,
            )
        _draw_legend(ax, target=has_target, pain=has_pain, paused=has_paused)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=DPI)
        return buf.getvalue()
    finally:
        fig.clear()  # drop artists now rather than waiting for the garbage collector


async def render_progress_chart(weeks: Sequence[WeekStat]) -> bytes:
    """Render in a worker thread: a chart takes ~100 ms of CPU the event loop must not spend."""
    return await asyncio.to_thread(progress_chart_png, tuple(weeks))
