"""The log in words and buttons: a session read back, the reply to a log (what was understood
and what the coach says, with Undo / Edit), the guided questions, edit, undo and /history.

Handlers pass data (summaries, days, feedback, ids); everything a person reads or presses for
a logged session is made here. The core decides (coach/feedback.py, coach/answers.py); these
functions only word it. A reply to a log is short enough for a phone screen: the logged line,
one message, at most one remark, one milestone and one tip; a reply that stops or cautions
never celebrates.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from bot.actions import (
    Answer,
    EditAmount,
    EditDay,
    EditDirection,
    EditFeeling,
    EditMenu,
    EditNote,
    FlipPart,
    GuidedAmount,
    GuidedFeeling,
    GuidedNote,
    OfferAccept,
    OfferDecline,
    SetAmount,
    SetDay,
    SetFeeling,
    Undo,
)
from bot.coach import load
from bot.coach.answers import FEELINGS, SKIP
from bot.coach.feedback import Feedback
from bot.coach.sessions import Block, Part
from bot.coach.types import LogDraft, Note, Question
from bot.coach.units import format_duration
from bot.render import Keyboard, day_label, distance, duration, e, keyboard, sessions
from bot.render.coaching import MUSCLE_PLURALS, join_words, session_target, sore_words, your_parts
from bot.render.plan import pain_row
from bot.render.sessions import amount

MAX_REPLY_LINES = 8
MAX_FLIP_PARTS = 8  # buttons in the "which part?" menu


# --- a session read back -------------------------------------------------------------------
FEELING_WORDS: dict[str, str] = {
    "great": "great 🤩",
    "good": "good 🙂",
    "ok": "ok 😐",
    "hard": "hard 😮‍💨",
}


def session_line(
    duration_s: int | None,
    distance_m: float | None,
    feeling: str | None,
    pain: bool,
    body_parts: Sequence[str],
) -> str:
    bits = []
    if duration_s is not None:
        bits.append(f"<b>{duration(duration_s)}</b> backward")
    if distance_m is not None:
        bits.append(f"<b>{distance(distance_m)}</b>")
    if feeling:
        bits.append(f"felt {FEELING_WORDS.get(feeling, e(feeling))}")
    if pain:
        where = ", ".join(body_parts)
        bits.append(f"⚠️ pain{' (' + e(where) + ')' if where else ''}")
    return " · ".join(bits)


def session_summary(
    blocks: Sequence[Block],
    duration_s: int | None,
    distance_m: float | None,
    feeling: str | None,
    pain: bool,
    body_parts: Sequence[str],
    notes: Sequence[Note] = (),
) -> str:
    """A stored or drafted session, part by part when it has more than one plain part."""
    simple = len(blocks) == 1 and blocks[0].rounds == 1 and len(blocks[0].parts) == 1
    if not blocks or (simple and blocks[0].parts[0].backward):
        line = session_line(duration_s, distance_m, feeling, pain, body_parts)
        if blocks and blocks[0].parts[0].mode.value == "walk" and duration_s is not None:
            line = line.replace(" backward", " backward walk", 1)
    else:
        back = [x for x in (duration(duration_s) if duration_s else "", distance(distance_m)) if x]
        backward_parts = [p for b in blocks for p in b.parts if p.backward]
        repeated = any(b.rounds > 1 for b in blocks if any(p.backward for p in b.parts))
        total = f" (<b>{' + '.join(back)}</b> backward in all)" if back else ""
        if len(backward_parts) <= 1 and not repeated:
            total = ""  # the one backward part is already shown in bold
        rest = session_line(None, None, feeling, pain, body_parts)
        line = sessions.parts_text(blocks, bold_backward=True) + total
        line += f" · {rest}" if rest else ""
    words = sessions.notes_text(notes)
    return line + (f" · {e(words)}" if words else "")


# --- the reply to a log ---------------------------------------------------------------
_FLAG_NAMES: dict[str, str] = {
    "sharp pain": "sharp pain",
    "swelling": "swelling",
    "giving way": "a joint giving way",
    "fall": "a fall",
    "dizziness": "dizziness",
    "chest pain": "chest pain",
    "breathless": "unusual breathlessness",
}
MILESTONES: dict[str, str] = {
    "first_session": "First session logged!",
    "first_full_week": "First full week done!",
    "first_ten_min": "First 10-minute day!",
}


def _day_amount(fb: Feedback) -> str:
    t = fb.target
    if t is not None and fb.count is not None:
        word = "reps" if t.measure == "reps" else "rounds"
        return f"{fb.count} {word}"
    return format_duration(round(fb.day.seconds)) + " backward"


def _today(fb: Feedback) -> str:
    return "today in all" if fb.logs_today > 1 else "logged"


def _safety(fb: Feedback) -> list[str] | None:
    """The reply to warning signs, pain or a fall, which comes before anything else; None when
    the primary is about the amount."""
    flags = [f for f in fb.flags if f in _FLAG_NAMES]
    named = join_words([_FLAG_NAMES[f] for f in flags]) or "that"
    where = f" in {your_parts(fb.body_parts)}" if fb.body_parts else ""
    replies = {
        "urgent": [
            f"⛔ {named[:1].upper()}{named[1:]} can be serious: stop now and get medical help "
            "right away. If it is severe, call emergency services.",
        ],
        "stop_sign": [
            f"⛔ Stop for today: {named}{where} is a stop sign. Rest, and see a physio or "
            "doctor if it doesn't settle within a day or two.",
            "Your plan holds until it's better.",
        ],
        "dizzy": [
            f"⛔ Stop and rest: sit down until the {named.removeprefix('a ')} passes. If it "
            "doesn't settle, or comes back, get medical advice.",
        ],
        "pain": [
            f"Sorry about the pain{where}: stop backward running for now and rest it.",
            "If it still hurts after a day, or gets worse, see a physio or doctor. "
            "Your plan holds until it's better.",
        ],
        "fall_minor": [
            "Sorry about the tumble. Clean any graze and check the ground behind you for "
            "what tripped you before the next session.",
        ],
        "pain_check": ["You flagged pain earlier: how is it now? Tap below once it's better."],
    }
    return replies.get(fb.primary)


def _primary(fb: Feedback) -> list[str]:
    safety = _safety(fb)
    if safety is not None:
        return safety
    t = fb.target
    if fb.primary == "day_over" and t is not None:
        return [
            f"⚠️ {_day_amount(fb).capitalize()} {_today(fb)}: well above one session this "
            f"week ({session_target(t)}). More doesn't move the plan on sooner; build up "
            "gradually to stay injury-free.",
        ]
    if fb.primary == "week_over" and t is not None:
        return [
            "⚠️ This week's backward load is now more than 30% above "
            + ("last week's." if fb.week_limit > load.plan_week_effort(t) else "the plan's.")
            + " Keep the rest of the week easy.",
        ]
    if t is not None and fb.primary == "under":
        return [f"{_day_amount(fb)} {_today(fb)}: a little under this week's {session_target(t)}."]
    if t is not None and fb.primary == "on":
        return [f"{_day_amount(fb)} {_today(fb)}: right on this week's {session_target(t)}. 👍"]
    if t is not None and fb.primary == "over":
        return [
            f"{_day_amount(fb)} {_today(fb)}: above this week's {session_target(t)}; "
            "it counts as one session, so no need to do more."
        ]
    return ["Saved."]


_SECONDARY: dict[str, str] = {
    "achilles": "Go carefully with a sore Achilles: backward running loads it more.",
    "pace_hard": "It felt hard: slow down to a pace where you could still talk.",
    "pace_under": "Finding it hard is normal at first: go slower rather than shorter.",
    "rest_day": "Two days in a row: give your legs a rest day before the next one.",
}


def _secondary(fb: Feedback) -> str | None:
    if fb.secondary is None:
        return None
    muscles = [p for p in fb.sore_parts if p in MUSCLE_PLURALS]
    if fb.secondary == "sore_expected":
        return (
            f"Sore {sore_words(muscles)} are expected in the first weeks: "
            "toe-first landings work them harder."
        )
    if fb.secondary == "sore_easy":
        return f"Some soreness in your {sore_words(muscles)} is normal; keep the next session easy."
    if fb.secondary == "watch_part":
        return (
            f"Keep an eye on {your_parts(fb.sore_parts)}: if soreness turns into pain, "
            "stop and rest."
        )
    return _SECONDARY.get(fb.secondary)


def summary(d: LogDraft) -> str:
    """A session in a few words, whether just read from a message or stored (service.as_told)."""
    feeling = d.feeling.value if d.feeling else None
    return session_summary(
        d.blocks, d.duration_s, d.distance_m, feeling, d.pain, d.body_parts, d.notes
    )


def logged_reply(summary: str, day: date, fb: Feedback) -> str:
    """The whole reply: at most MAX_REPLY_LINES lines of text."""
    out = [f"✅ Logged for {day_label(day)}: {summary}"]
    if fb.milestone is not None and not (fb.stop or fb.caution):
        out.append(f"🏅 {e(MILESTONES[fb.milestone])}")
    out += ["", *(e(line) for line in _primary(fb))]
    extra = _secondary(fb)
    if extra:
        out.append(e(extra))
    if fb.tip is not None and fb.tip.summary:
        out += ["", f"💡 <b>{e(fb.tip.title)}</b>: {e(fb.tip.summary)}"]
    return "\n".join(out[: MAX_REPLY_LINES + 2])


# --- undo, guided steps, edit, history ------------------------------------------------
PARSE_ERRORS: dict[str, str] = {
    "empty": (
        "Tell me what you did, for example <code>/log 3 min felt good</code> "
        "or <code>/log 400m in 2:30</code>. Or send /log alone and I'll ask step by step."
    ),
    "too_long": "That's a long one! Please keep a log under 500 characters.",
    "no_amount": (
        "How long or how far did you go backward? Add a time or distance, like "
        "<code>3 min</code>, <code>1:30</code>, <code>6x30s</code> or <code>400m</code>. "
        "Or send /log alone and I'll ask step by step."
    ),
    "not_positive": "The time or distance needs to be more than zero. Try <code>/log 3 min</code>.",
    "absurd": (
        "That's more than I can believe for backward running (over 4 hours or 50 km). "
        "Could you check the numbers? For example <code>/log 12 min</code>."
    ),
}


def parse_error(code: str) -> str:
    return PARSE_ERRORS.get(code, PARSE_ERRORS["no_amount"])


def logged_short(summary: str, day: date) -> str:
    """The confirmation sent when the full reply to a log could not be delivered."""
    return f"✅ Logged for {day_label(day)}: {summary}\n/history shows all your sessions."


def undone(summary: str, day: date) -> str:
    return f"↩️ Removed your session from {day_label(day)}: {summary}"


def nothing_to_undo() -> str:
    return "There's nothing to undo: you have no logged sessions."


def session_gone() -> str:
    return "That session is no longer there (it was removed or isn't yours)."


def history(rows: Sequence[tuple[date, str]]) -> str:
    if not rows:
        return "No sessions yet. Log your first with <code>/log 2 min felt good</code>."
    head = "<b>Your session</b>" if len(rows) == 1 else f"<b>Your last {len(rows)} sessions</b>"
    lines = [head + (", newest first:" if len(rows) > 1 else ":"), ""]
    lines += [f"{day_label(d)}: {summary}" for d, summary in rows]
    return "\n".join(lines)


def ask_duration() -> str:
    return (
        "Let's log a session. How long did you go backward?\n"
        "Tap a button or type it (like <code>4 min</code>, <code>1:30</code> or "
        "<code>6x30s</code>). /cancel stops."
    )


def ask_feeling(summary: str) -> str:
    return f"Got it: {summary}. How did it feel?"


def ask_note(summary: str) -> str:
    return (
        f"Got it: {summary}.\n"
        "Anything to note? Surface, soreness, pain, how your form felt... Type it, or tap Skip."
    )


def note_too_long(limit: int) -> str:
    return f"That's a long note! Please keep it under {limit} characters, or tap Skip."


def feeling_not_understood() -> str:
    return "I didn't catch how it felt. Tap one of these, or type great, good, ok or hard."


def offer_log(summary: str, day: date | None = None) -> str:
    when = f" on {day_label(day)}" if day is not None else ""
    return f"Sounds like a session{when}: {summary}. Shall I log it?"


def offer_declined() -> str:
    return "Okay, I won't log it."


def edit_menu(summary: str) -> str:
    return f"Editing: {summary}\nWhat would you like to change?"


def ask_new_duration() -> str:
    return "What's the right time? Tap one or type it (like <code>4 min</code>). /cancel stops."


def ask_new_feeling() -> str:
    return "How did it feel?"


def edited_session(summary: str, day: date) -> str:
    return f"✏️ Updated: {summary}\n📅 {day_label(day)}"


def ask_new_day() -> str:
    return "Which day was it?"


def ask_new_note() -> str:
    return (
        "Type the note for this session (surface, how it went...). "
        "Send <code>none</code> to remove it, or /cancel."
    )


def ask_flip() -> str:
    return "Which part should I turn the other way?"


def duration_not_understood() -> str:
    return (
        "I couldn't read a time there. Try something like <code>3 min</code>, "
        "<code>90s</code> or <code>1:30</code>, or /cancel."
    )


# --- questions about a session told in chat ---------------------------------------------
def day_choices(today: date, count: int = 7) -> list[tuple[str, int]]:
    """Buttons for "which day?": Today, Yesterday, then weekday dates, with days ago."""
    out: list[tuple[str, int]] = []
    for back in range(count):
        d = today - timedelta(days=back)
        label = "Today" if back == 0 else "Yesterday" if back == 1 else f"{d:%a} {d.day} {d:%b}"
        out.append((label, back))
    return out


QUESTION_TEXT: dict[Question, str] = {
    "direction": "I didn't see a direction there. Was that backward?",
    "forward_only": (
        "Nice work! That reads like forward running, which I don't count as backward work. "
        "Was any of it backward?"
    ),
    "unit": "Did you mean minutes or metres?",
    "day": "Which day was that? I can log sessions from today back two weeks.",
}
QUESTION_BUTTONS: dict[Question, tuple[tuple[str, str], ...]] = {
    "direction": (("↩️ Yes, backward", "backward"), ("➡️ No, forward", "forward")),
    "forward_only": (("↩️ All of it backward", "backward"), ("➡️ No, all forward", "forward")),
    "unit": (("⏱ Minutes", "min"), ("📏 Metres", "m")),
}


def ask_question(reading: str, question: Question) -> str:
    head = f"I read: {reading}." if reading else ""
    return f"{head}\n{QUESTION_TEXT[question]}".strip()


def nothing_backward() -> str:
    return (
        "Got it, all forward: nothing to log as backward work. If part of it was backward, "
        "tell me like <code>/log 6k forward, then 4 min backward</code>."
    )


def flip_label(part: Part) -> str:
    other = "forward" if part.backward else "backward"
    return f"{amount(part.seconds, part.metres)} {part.direction.value} → {other}"


# --- buttons -------------------------------------------------------------------------------
def session_buttons(workout_id: int) -> Keyboard:
    """Undo / Edit under a stored session."""
    return keyboard([_undo_row(workout_id)])


def _undo_row(workout_id: int) -> list[tuple[str, str]]:
    return [("↩️ Undo", Undo(workout_id).data()), ("✏️ Edit", EditMenu(workout_id).data())]


def logged_buttons(workout_id: int, fb: Feedback) -> Keyboard:
    """Undo / Edit, and "is the pain better?" while the coach holds back for pain."""
    if fb.stop or fb.primary == "pain_check":
        return keyboard([_undo_row(workout_id), pain_row()])
    return keyboard([_undo_row(workout_id)])


def logged(summary: str, day: date, fb: Feedback, workout_id: int) -> tuple[str, Keyboard]:
    """The reply to a stored session, text and buttons."""
    return logged_reply(summary, day, fb), logged_buttons(workout_id, fb)


def _two_rows(row: list[tuple[str, str]]) -> Keyboard:
    return keyboard([row[:3], row[3:]])


def guided_duration_buttons(presets: Sequence[int]) -> Keyboard:
    return _two_rows([(duration(s), GuidedAmount(s).data()) for s in presets])


def new_duration_buttons(workout_id: int, presets: Sequence[int]) -> Keyboard:
    return _two_rows([(duration(s), SetAmount(workout_id, s).data()) for s in presets])


def guided_feeling_buttons() -> Keyboard:
    row = [(FEELING_WORDS[f.value], GuidedFeeling(f.value).data()) for f in FEELINGS]
    return keyboard([row, [("Skip", GuidedFeeling(SKIP).data())]])


def new_feeling_buttons(workout_id: int) -> Keyboard:
    row = [(FEELING_WORDS[f.value], SetFeeling(workout_id, f.value).data()) for f in FEELINGS]
    return keyboard([row])


def note_buttons() -> Keyboard:
    return keyboard([[("Skip", GuidedNote(SKIP).data())]])


def edit_menu_buttons(workout_id: int, has_parts: bool) -> Keyboard:
    rows = [
        [
            ("⏱ Amount", EditAmount(workout_id).data()),
            ("🙂 Feeling", EditFeeling(workout_id).data()),
        ],
        [("📅 Day", EditDay(workout_id).data()), ("📝 Note", EditNote(workout_id).data())],
    ]
    if has_parts:
        rows.append([("↔️ Backward / forward", EditDirection(workout_id).data())])
    return keyboard(rows)


def flip_buttons(workout_id: int, parts: Sequence[Part]) -> Keyboard:
    return keyboard(
        [
            [(flip_label(p), FlipPart(workout_id, i).data())]
            for i, p in enumerate(parts[:MAX_FLIP_PARTS])
        ]
    )


def _day_rows(today: date) -> list[list[tuple[str, int]]]:
    days = day_choices(today)
    return [days[:2], days[2:5], days[5:]]


def day_buttons(workout_id: int, today: date) -> Keyboard:
    return keyboard(
        [[(label, SetDay(workout_id, back).data()) for label, back in r] for r in _day_rows(today)]
    )


def question_buttons(question: Question, nonce: str, today: date) -> Keyboard:
    if question == "day":
        return keyboard(
            [
                [(label, Answer(nonce, str(back)).data()) for label, back in r]
                for r in _day_rows(today)
            ]
        )
    choices = QUESTION_BUTTONS[question]
    return keyboard([[(label, Answer(nonce, value).data()) for label, value in choices]])


def offer_buttons(nonce: str) -> Keyboard:
    return keyboard(
        [[("✅ Log it", OfferAccept(nonce).data()), ("No thanks", OfferDecline(nonce).data())]]
    )
