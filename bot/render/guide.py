"""Messages for the audio guide (/go, the ▶️ button) and the calendar file (/calendar)."""

from __future__ import annotations

from datetime import date, time

from bot import actions
from bot.coach.guide import COUNT_IN_S, MAX_WORKOUT_S, SET_BREAK_S, Guide
from bot.coach.sessions import Block, Mode, Part
from bot.coach.types import WeekTarget
from bot.coach.units import format_distance, format_duration
from bot.render import Keyboard, day_label, e, keyboard, target_range

GUIDE_BUTTON = "▶️ Audio guide"
ANYWAY = "any"  # the button argument for "play this week's session on a rest day"


GUIDE_FILENAME = "audio-guide.ogg"
CALENDAR_FILENAME = "backward-running-plan.ics"


def guide_button() -> tuple[str, str]:
    return GUIDE_BUTTON, actions.Guide().data()


def guide_keyboard() -> Keyboard:
    return keyboard([[guide_button()]])


def seconds(value: float) -> str:
    """'30 s', '1 min 30 s', and '4.5 s' where a rep is timed in fractions."""
    if value != int(value) and value < 60:
        return f"{value:g} s"
    return format_duration(round(value))


_MODE_WORDS = {Mode.WALK: " walk", Mode.RUN: "", Mode.SPRINT: " sprint"}


def part_text(part: Part) -> str:
    where = "back" if part.backward else "forward"
    label = f"{where}{_MODE_WORDS[part.mode]}"
    if part.metres and part.seconds:
        return f"{format_distance(part.metres)} {label} (about {seconds(part.seconds)})"
    if part.metres:
        return f"{format_distance(part.metres)} {label}"
    if part.seconds:
        return f"{seconds(part.seconds)} {label}"
    return label


def block_text(block: Block, rest_s: float = 0.0) -> str:
    parts = " / ".join(part_text(p) for p in block.parts)
    text = parts if block.rounds == 1 else f"{block.rounds} × {parts}"
    if block.rounds > 1 and len(block.parts) > 1:
        text = f"{block.rounds} × ({parts})"
    if rest_s:
        text += f", {seconds(rest_s)} rest between"
    return text


def structure(guide: Guide) -> str:
    """The session as one line, with the rests the guide adds: what the user will hear."""
    texts = [block_text(b, rest) for b, rest in zip(guide.blocks, guide.rests, strict=True)]
    return f" · {seconds(SET_BREAK_S)} easy · ".join(texts)


CUE_LINES = (
    "🔼 rising tones: turn and go backward · 🔽 falling tones: forward / rest",
    "3 pips: get set · 2 beeps: halfway · 3 quick beeps: 10 s left · long chord: done",
)


POCKET_TIP = (
    "<i>Play at 1× speed. Best with earphones; on the speaker, turn off Raise to Listen in "
    "Telegram's chat settings, or a pocket switches it to the earpiece.</i>"
)


def plan_head(week: int, target: WeekTarget) -> str:
    """The caption's head for the plan week's session (EASY_HEAD and CUSTOM_HEAD for others)."""
    return f"Week {week} · {target.phase}"


EASY_HEAD = "Easy version today (pain flagged lately)"
CUSTOM_HEAD = "Your session"  # one the user typed


def guide_caption(guide: Guide, head: str) -> str:
    lines = [
        f"▶️ <b>{e(head)}</b>: {e(structure(guide))}",
        f"{format_duration(round(guide.workout_s))} from the first cue to done"
        f" (after a {round(COUNT_IN_S)} s count-in: press play, pocket the phone).",
    ]
    if guide.estimated:
        lines.append("Times for distances are estimates; finish the distance, not the beep.")
    lines += ["", *CUE_LINES, "", POCKET_TIP]
    return "\n".join(lines)


def as_file_caption(caption: str) -> str:
    """The guide sent as a file, for someone whose settings refuse voice messages."""
    return (
        caption + "\n\n<i>Your Telegram settings don't accept voice messages, so here it is as an "
        "audio file: tap it to play.</i>"
    )


def easy_note() -> str:
    return (
        "You flagged pain lately, so your week is on hold and today's guide is an easy "
        "backward walk instead of the full session. Stop if it hurts."
    )


def rest_day(target: WeekTarget) -> tuple[str, Keyboard]:
    """/go on a rest day, with a button to play the week's session anyway."""
    text = (
        "Today is a rest day in your plan: easy walking or mobility is fine.\n"
        f"Training anyway? This week's session is {e(target.workout)} "
        f"({target_range(target)} backward)."
    )
    return text, keyboard([[("▶️ Play this week's session", actions.Guide(ANYWAY).data())]])


def stop_today() -> str:
    return (
        "You flagged pain or a warning sign lately, so no audio guide today: rest it. "
        "If it is sharp, swelling or lingers, see a professional before you train again. "
        "/safety has the rules."
    )


GUIDE_ERRORS = {
    "empty": (
        "I couldn't find a time or distance to guide there. Try <code>/go 6x30s</code>, "
        "<code>/go 8x10m</code> or <code>/go 5 min</code>, or just /go for today's session."
    ),
    "text_too_long": "That's a long one! Please keep it under 500 characters, like "
    "<code>/go 8x10m</code>.",
    "too_long": (
        f"That's longer than {MAX_WORKOUT_S // 60} minutes. An audio guide is for one "
        "session; try a shorter one, like <code>/go 10x30s</code>."
    ),
}


def guide_error(code: str) -> str:
    """For a GuideError code ("empty", "too_long")."""
    return GUIDE_ERRORS.get(code, GUIDE_ERRORS["empty"])


def typed_error(parse_code: str) -> str:
    """For the parser's ParseError code: a text over 500 characters, an absurd amount, ..."""
    if parse_code == "too_long":
        return GUIDE_ERRORS["text_too_long"]
    return guide_error("too_long" if parse_code == "absurd" else "empty")


def guide_failed(text: str) -> str:
    return (
        "Sorry, I couldn't make the audio guide just now. Here is the session to follow "
        f"instead: {e(text)}"
    )


# --- calendar ------------------------------------------------------------------------------
def calendar_name() -> str:
    return "Backward running plan"


def calendar_summary(target: WeekTarget) -> str:
    return f"🏃 Backward running · week {target.week}"


def calendar_description(target: WeekTarget) -> str:
    return "\n".join(
        [
            f"Week {target.week} · {target.phase}",
            f"Today: {target.workout}",
            f"Backward time: {target_range(target)}",
            f"Focus: {target.focus}",
            "",
            "Send /go to the coach for the audio guide, and /log when you're done.",
        ]
    )


def calendar_caption(
    count: int, first: date, last: date, last_week: int, at: time, zone: str
) -> str:
    sessions = "1 session" if count == 1 else f"{count} sessions"
    return (
        f"📅 Your plan through week {last_week}: {sessions}, {day_label(first)} to "
        f"{day_label(last)}, at {at.strftime('%H:%M')} ({e(zone)}).\n"
        "Open the file to add them to your calendar. If your plan or reminder time changes, "
        "send /calendar again: importing it updates the same events."
    )


def calendar_empty(paused: bool) -> str:
    if paused:
        return (
            "Your plan is paused until you send /resume, so there are no days to add yet. "
            "Send /calendar again once you're back."
        )
    return (
        "There are no plan days left to add: the plan ends with this week. "
        "Keep the last week's routine going, well done!"
    )
