"""Messages for /plan, the pain hold, and the choice after week 8."""

from __future__ import annotations

from collections.abc import Sequence

from bot.actions import FinishChoice, NewTrack, PainBetter, PainStill
from bot.coach.plan import AfterPlan
from bot.coach.types import Reason, WeekTarget
from bot.content import TrackPlan
from bot.render import Keyboard, e, keyboard
from bot.render.coaching import reason as reason_text
from bot.render.coaching import session_target, week_line, your_parts
from bot.render.guide import guide_keyboard


def _today_line(today: WeekTarget | None, pain_parts: Sequence[str] | None) -> str:
    if pain_parts is not None:
        return (
            f"<b>Today</b>: rest {e(your_parts(pain_parts))} while the pain settles. "
            "Gentle walking or mobility is fine if it doesn't hurt. "
            "Tap below once it's better."
        )
    if today is None:
        return "<b>Today</b>: rest day. Easy walking or mobility is fine."
    return f"<b>Today</b>: {e(today.workout)} ({e(session_target(today))})"


def plan(
    track_title: str,
    week: int,
    weeks_total: int,
    target: WeekTarget,
    today: WeekTarget | None,
    days: str,
    ahead: Sequence[WeekTarget],
    why: Reason | None,
    pain_parts: Sequence[str] | None = None,
    finished: bool = False,
) -> str:
    """/plan; ``pain_parts`` (not None) when pain is open: rest instead of today's workout."""
    lines = [
        f"🗓 <b>Week {week} of {weeks_total}</b> · {e(target.phase)} ({e(track_title)})",
        f"This week: {e(week_line(target))}, on {e(days)}",
        f"Focus: {e(target.focus)}",
        "",
        _today_line(today, pain_parts),
    ]
    if ahead:
        lines += ["", "<b>Coming up</b>"]
        lines += [f"Week {w.week}: {e(w.phase)}, {e(week_line(w))}" for w in ahead]
    lines += ["", f"<i>Why week {week}:</i> {e(reason_text(why))}"]
    lines.append(
        "<i>The steps are gentler than some guides: a week never grows more than about 30% "
        "over the last (Nielsen 2014).</i>"
    )
    if finished:
        lines += ["", "🎉 You've finished the plan. What next?"]
    return "\n".join(lines)


FINISH_LABELS: dict[AfterPlan, str] = {
    AfterPlan.REPEAT: "🔁 Repeat the last phase",
    AfterPlan.KEEP: "🧘 Maintenance week",
    AfterPlan.TRACK: "🔀 Another plan",
}


def choose_track() -> str:
    return "Which plan next? You start it at week 1."


def finish_done(code: AfterPlan, week: int, track_title: str) -> str:
    """After the choice: "track" once the new track is picked."""
    if code is AfterPlan.REPEAT:
        return (
            f"🔁 Back to week {week} ({e(track_title)}): the last phase once more. /plan shows it."
        )
    if code is AfterPlan.KEEP:
        return (
            f"🧘 Week {week} stays your routine: same sessions each week to keep the skill. "
            "/plan shows it."
        )
    return f"🔀 Switched to the {e(track_title)}, week 1. /plan shows your first week."


def pain_better() -> str:
    return (
        "Glad it's better! Start again gently: the low end of this week's target, and stop "
        "if the pain comes back. /plan shows today."
    )


def pain_not_open() -> str:
    return "No pain on record, so nothing changes. /plan shows today."


def pain_still() -> str:
    return (
        "Sorry it still hurts. Keep resting it; if it isn't easing after a few days, see a "
        "physio or doctor. Tap “It's better” when it is."
    )


def pain_row() -> list[tuple[str, str]]:
    return [("🙂 It's better", PainBetter().data()), ("😣 Still hurts", PainStill().data())]


def pain_buttons() -> Keyboard:
    return keyboard([pain_row()])


def finish_buttons() -> Keyboard:
    return keyboard([[(label, FinishChoice(code).data())] for code, label in FINISH_LABELS.items()])


def track_buttons(tracks: Sequence[TrackPlan]) -> Keyboard:
    """One button per track to switch to."""
    return keyboard([[(t.button, NewTrack(t.id).data())] for t in tracks])


def plan_keyboard(pain_open: bool, finished: bool) -> Keyboard:
    """Under /plan: pain first (rest until better), then the end of the plan, else the guide."""
    if pain_open:
        return pain_buttons()
    return finish_buttons() if finished else guide_keyboard()
