"""How durations and distances are written, everywhere the bot writes them."""

from __future__ import annotations


def format_duration(seconds: int) -> str:
    """'45 s', '3 min', '2 min 30 s', '1 h 5 min': what a runner would say."""
    hours, rest = divmod(max(int(seconds), 0), 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    if minutes == 0:
        return f"{secs} s"
    if secs == 0:
        return f"{minutes} min"
    return f"{minutes} min {secs} s"


def format_range(low_s: int, high_s: int) -> str:
    """'1–2 min' when both ends are whole minutes, otherwise each end spelled out."""
    if low_s >= high_s:
        return format_duration(low_s)
    if low_s % 60 == 0 and high_s % 60 == 0 and high_s < 3600:
        return f"{low_s // 60}–{high_s // 60} min"
    return f"{format_duration(low_s)}–{format_duration(high_s)}"


def format_distance(metres: float) -> str:
    """'400 m', '1.2 km'."""
    if metres >= 1000:
        return f"{round(metres / 1000, 2):g} km"
    return f"{round(metres):g} m"
