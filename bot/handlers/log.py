"""Logging sessions: /log <text>, the guided /log, plain-text offers, edit, /undo, /history.

Every step of a conversation lives in the `conversations` table (flow, step, data) and is
committed before the bot answers, so a restart, another replica or a failed reply loses
nothing. Button payloads carry only ids and values; each press is checked against the
database (the owner's row, the current step, the offer's nonce) before it acts.
"""

from __future__ import annotations

import logging
import math
import re
import secrets
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

from telegram import Update
from telegram.error import Forbidden, TelegramError

from bot import render
from bot.actions import Press, cb
from bot.coach.parsing import (
    MAX_DURATION_S,
    MAX_TEXT,
    looks_like_log,
    parse_duration_answer,
    parse_log,
    read_note,
)
from bot.coach.sessions import Block, Direction, Mode, Part, all_parts, flip_part, with_backward
from bot.coach.structure import mode_of
from bot.coach.types import Feeling, LogDraft, Note, ParseError, Question, WeekTarget
from bot.coach.when import MAX_DAYS_BACK
from bot.context import CoachContext
from bot.db.models import User, Workout
from bot.db.repo import Repo
from bot.handlers.common import clear_buttons, load_user, say
from bot.render import coaching as coaching_msgs
from bot.render import plan as plan_msgs
from bot.service import (
    Logged,
    local_now,
    record_session,
    set_blocks,
    target_draft,
    today_target,
    week_target,
    workout_blocks,
    workout_notes,
)

log = logging.getLogger(__name__)

# Common amounts; the buttons shown are the six closest to the user's weekly target.
PRESETS_S = (60, 120, 180, 300, 600, 900)
BUTTONS_SHOWN = 6
FEELINGS = (Feeling.GREAT, Feeling.GOOD, Feeling.OK, Feeling.HARD)
FEELING_VALUES = frozenset(f.value for f in Feeling)
# The flows this module owns; /log <text> ends them, but never someone else's (onboarding).
LOG_FLOWS = frozenset({"log", "offer", "edit"})
# Flows that wait for a typed answer of their own; a session told meanwhile rides along in
# their data under this key (offer, then the step's question again).
PENDING = "pending"
QUESTION_VALUES: dict[str, frozenset[str]] = {
    "direction": frozenset({"backward", "forward"}),
    "forward_only": frozenset({"backward", "forward"}),
    "unit": frozenset({"min", "m"}),
    "day": frozenset(str(n) for n in range(MAX_DAYS_BACK + 1)),
}
# A typed answer edits a stored session only shortly after the user asked to edit it; later
# text is read afresh, so an old, forgotten edit never swallows a new session.
EDIT_WINDOW_S = 3600
_COMMAND = re.compile(r"^/\S*")
SKIP_WORDS = frozenset(
    {"skip", "no", "nope", "nah", "none", "nothing", "no thanks", "no note", "n/a", "-", "pass"}
)


def summary_of(w: Workout) -> str:
    parts = tuple(p for p in w.body_parts.split(";") if p)
    return render.session_summary(
        workout_blocks(w), w.duration_s, w.distance_m, w.feeling, w.pain, parts, workout_notes(w)
    )


def user_today(user: User) -> date:
    return local_now(user, datetime.now(UTC)).date()


def logged_text(logged: Logged) -> str:
    """The reply to a stored session: what was understood and what the coach says."""
    w = logged.workout
    return coaching_msgs.logged_reply(summary_of(w), w.local_date, logged.feedback)


def logged_buttons(logged: Logged) -> render.Keyboard:
    """Undo / Edit, and "is the pain better?" while the coach holds back for pain."""
    undo = [("↩️ Undo", cb("un", logged.workout.id)), ("✏️ Edit", cb("ed", logged.workout.id))]
    fb = logged.feedback
    if fb.stop or fb.primary == "pain_check":
        return render.keyboard([undo, plan_msgs.pain_row()])
    return render.keyboard([undo])


def draft_summary(d: LogDraft) -> str:
    feeling = d.feeling.value if d.feeling else None
    return render.session_summary(
        d.blocks, d.duration_s, d.distance_m, feeling, d.pain, d.body_parts, d.notes
    )


def presets_for(target: WeekTarget | None) -> tuple[int, ...]:
    """Six durations around this week's target: its two ends plus the common amounts."""
    candidates = set(PRESETS_S)
    middle = 180.0
    if target is not None and 0 < target.min_s <= target.max_s <= MAX_DURATION_S:
        candidates |= {target.min_s, target.max_s}
        middle = (target.min_s + target.max_s) / 2
    nearest = sorted(candidates, key=lambda s: (abs(math.log(s / middle)), s))
    return tuple(sorted(nearest[:BUTTONS_SHOWN]))


def session_buttons(workout_id: int) -> render.Keyboard:
    return render.keyboard([[("↩️ Undo", cb("un", workout_id)), ("✏️ Edit", cb("ed", workout_id))]])


def duration_buttons(presets: tuple[int, ...], action: str, *prefix: object) -> render.Keyboard:
    row = [(render.duration(s), cb(action, *prefix, s)) for s in presets]
    return render.keyboard([row[:3], row[3:]])


def feeling_buttons(action: str, *prefix: object, skip: bool = False) -> render.Keyboard:
    rows = [[(render.FEELING_WORDS[f.value], cb(action, *prefix, f.value)) for f in FEELINGS]]
    if skip:
        rows.append([("Skip", cb(action, *prefix, "skip"))])
    return render.keyboard(rows)


def note_buttons() -> render.Keyboard:
    return render.keyboard([[("Skip", cb("gn", "skip"))]])


def _is_skip(text: str) -> bool:
    """A typed "skip" (or "no", "nothing"...) answers an optional question like the button."""
    return text.strip().strip(".!").lower() in SKIP_WORDS


def _seconds_arg(press: Press, i: int) -> int | None:
    """A duration from a button: a positive number of seconds a session can have."""
    seconds = press.int_arg(i)
    return seconds if seconds is not None and 0 < seconds <= MAX_DURATION_S else None


def _duration_problem(result: LogDraft | ParseError) -> str | None:
    """Why a typed duration can't be used, in the user's terms; None when it can."""
    if isinstance(result, ParseError):
        if result.code in ("absurd", "not_positive", "too_long"):
            return render.parse_error(result.code)
        return render.duration_not_understood()
    if result.duration_s is None:
        return render.duration_not_understood()
    return None


async def _store_and_reply(
    update: Update,
    context: CoachContext,
    repo_user: tuple[Repo, User],
    draft: LogDraft,
    source: str,
) -> None:
    repo, user = repo_user
    deps = context.services
    logged = await record_session(repo, deps.content, user, draft, datetime.now(UTC), source)
    await repo.commit()  # the log is safe before we talk to Telegram
    await clear_buttons(update)
    w = logged.workout
    text = logged_text(logged)
    try:
        await say(update, context, text, logged_buttons(logged))
    except Forbidden:
        log.info("Session %s stored; the user blocked the bot before the reply", w.id)
    except TelegramError as exc:
        # The session is stored. An apology saying "try again" would invite a duplicate, so
        # confirm it briefly instead; if Telegram is still failing, /history has it later.
        log.warning("Reply to session %s failed (%r); sending the short confirmation", w.id, exc)
        try:
            await say(
                update,
                context,
                render.logged_short(summary_of(w), w.local_date),
                session_buttons(w.id),
            )
        except TelegramError as again:
            log.warning("Short confirmation of session %s failed too: %r", w.id, again)


async def _end_log_flows(repo: Repo, user: User) -> None:
    convo = await repo.get_conversation(user.id)
    if convo is not None and convo.flow in LOG_FLOWS:
        await repo.clear_conversation(user.id)


# --- /log ----------------------------------------------------------------------------------
def _command_text(update: Update, context: CoachContext) -> str:
    """What follows /log (or /log@bot), with the user's own spacing and line breaks."""
    if update.message and update.message.text:
        return _COMMAND.sub("", update.message.text, count=1).strip()
    return " ".join(context.args or [])


async def log_command(update: Update, context: CoachContext) -> None:
    text = _command_text(update, context)
    deps = context.services
    async with deps.db.uow() as repo:
        user, _ = await load_user(repo, update, context)
        if not text:
            await repo.set_conversation(user.id, "log", "duration", {"said": []})
            await repo.commit()
            presets = presets_for(week_target(deps.content, user))
            await say(update, context, render.ask_duration(), duration_buttons(presets, "gd"))
            return
        result = parse_log(text, user_today(user))
        if isinstance(result, ParseError):
            await say(update, context, render.parse_error(result.code))
            return
        await _end_log_flows(repo, user)
        if result.questions:
            pending = {"text": text, "answers": {}, "source": "log"}
            await _ask(update, context, repo, user, result, pending)
            return
        await _store_and_reply(update, context, (repo, user), result, "log")


# --- guided flow ---------------------------------------------------------------------------
# data: {"duration_s": int, "feeling": str | None, "said": [what the user typed or chose]}
async def guided_text(
    update: Update,
    context: CoachContext,
    repo: Repo,
    user: User,
    step: str,
    data: dict[str, Any],
    text: str,
) -> None:
    """A typed answer to the guided step the user is on."""
    said = [str(s) for s in data.get("said", []) if isinstance(s, str)]
    if step == "duration":
        result = parse_duration_answer(text)
        problem = _duration_problem(result)
        if problem is not None or not isinstance(result, LogDraft) or not result.duration_s:
            presets = presets_for(week_target(context.services.content, user))
            await say(
                update,
                context,
                problem or render.duration_not_understood(),
                duration_buttons(presets, "gd"),
            )
            return
        feeling = result.feeling.value if result.feeling else None
        await _guided_duration(
            update, context, repo, user, result.duration_s, [result.text], feeling
        )
    elif step == "feeling":
        if _is_skip(text):
            await _guided_feeling(update, context, repo, user, data, None, said)
            return
        draft = read_note(text)
        if draft.feeling is None and not (draft.pain or draft.notes or len(text.strip()) > 40):
            await say(
                update, context, render.feeling_not_understood(), feeling_buttons("gf", skip=True)
            )
            return
        # Words without a feeling ("calves a bit sore") are kept: the log reads them for pain.
        feeling = draft.feeling.value if draft.feeling else None
        said = [*said, text.strip()[:MAX_TEXT]]
        await _guided_feeling(update, context, repo, user, data, feeling, said)
    else:
        if len(text.strip()) > MAX_TEXT:
            await say(update, context, render.note_too_long(MAX_TEXT), note_buttons())
            return
        note = "" if _is_skip(text) else text.strip()
        await _guided_finish(update, context, repo, user, data, note)


async def _guided_duration(
    update: Update,
    context: CoachContext,
    repo: Repo,
    user: User,
    seconds: int,
    said: list[str],
    feeling: str | None = None,
) -> None:
    """Duration known. A typed answer that already said how it felt skips that question."""
    summary = render.session_line(seconds, None, feeling, False, ())
    if feeling is not None:
        data = {"duration_s": seconds, "feeling": feeling, "said": said}
        await repo.set_conversation(user.id, "log", "note", data)
        await repo.commit()
        await clear_buttons(update)
        await say(update, context, render.ask_note(summary), note_buttons())
        return
    await repo.set_conversation(user.id, "log", "feeling", {"duration_s": seconds, "said": said})
    await repo.commit()
    await clear_buttons(update)
    await say(update, context, render.ask_feeling(summary), feeling_buttons("gf", skip=True))


async def _guided_feeling(
    update: Update,
    context: CoachContext,
    repo: Repo,
    user: User,
    data: dict[str, Any],
    feeling: str | None,
    said: list[str],
) -> None:
    await repo.set_conversation(user.id, "log", "note", {**data, "feeling": feeling, "said": said})
    await repo.commit()
    await clear_buttons(update)
    seconds = data.get("duration_s")
    summary = render.session_line(
        seconds if isinstance(seconds, int) else None, None, feeling, False, ()
    )
    await say(update, context, render.ask_note(summary), note_buttons())


async def _guided_finish(
    update: Update, context: CoachContext, repo: Repo, user: User, data: dict[str, Any], note: str
) -> None:
    """Build the session from the answers; everything typed is read for pain and surface."""
    seconds = data.get("duration_s")
    if not isinstance(seconds, int) or not 0 < seconds <= MAX_DURATION_S:
        await repo.clear_conversation(user.id)
        await repo.commit()
        await say(update, context, render.stale_button())
        return
    said = [str(s) for s in data.get("said", []) if isinstance(s, str) and s]
    if note:
        said.append(note)
    words = read_note(". ".join(said))  # amounts are ignored: the time has its own step
    feeling = data.get("feeling")
    mode = mode_of(" ".join(said)) or Mode.RUN
    notes: tuple[Note, ...] = words.notes + ((("text", note),) if note else ())
    draft = LogDraft(
        text=", ".join(said) or render.duration(seconds),
        duration_s=seconds,
        mode=mode.value,
        blocks=(Block((Part(Direction.BACKWARD, mode, seconds=float(seconds)),)),),
        feeling=Feeling(feeling)
        if isinstance(feeling, str) and feeling in FEELING_VALUES
        else words.feeling,
        pain=words.pain,
        body_parts=words.body_parts,
        sore_parts=words.sore_parts,
        red_flags=words.red_flags,
        surface=words.surface,
        notes=notes,
    )
    await repo.clear_conversation(user.id)
    await _store_and_reply(update, context, (repo, user), draft, "guided")


async def _current_step(repo: Repo, user: User, flow: str, step: str) -> dict[str, Any] | None:
    convo = await repo.get_conversation(user.id)
    if convo is None or convo.flow != flow or convo.step != step:
        return None
    return dict(convo.data)


async def on_guided_button(update: Update, context: CoachContext, press: Press) -> None:
    async with context.services.db.uow() as repo:
        user, _ = await load_user(repo, update, context)
        step = {"gd": "duration", "gf": "feeling", "gn": "note"}[press.action]
        data = await _current_step(repo, user, "log", step)
        value = press.args[0] if press.args else ""
        if press.action == "gd":
            seconds = _seconds_arg(press, 0)
            if data is None or seconds is None:
                await say(update, context, render.stale_button())
                return
            await _guided_duration(update, context, repo, user, seconds, [render.duration(seconds)])
        elif press.action == "gf":
            if data is None or (value not in FEELING_VALUES and value != "skip"):
                await say(update, context, render.stale_button())
                return
            feeling = value if value in FEELING_VALUES else None
            said = [str(s) for s in data.get("said", []) if isinstance(s, str)]
            if feeling is not None:
                said.append(f"felt {feeling}")
            await _guided_feeling(update, context, repo, user, data, feeling, said)
        else:
            if data is None or value != "skip":
                await say(update, context, render.stale_button())
                return
            await _guided_finish(update, context, repo, user, data, "")


# --- plain text offers and questions -------------------------------------------------------
# A pending session: {"text", "answers", "source", "nonce", "question"?}. It is the whole data
# of an "offer" conversation, or rides under PENDING in another flow's data (onboarding).
async def _pending(repo: Repo, user: User) -> dict[str, Any] | None:
    convo = await repo.get_conversation(user.id)
    if convo is None:
        return None
    if convo.flow == "offer":
        return dict(convo.data)
    found = convo.data.get(PENDING)
    return dict(found) if isinstance(found, dict) else None


async def set_pending(repo: Repo, user: User, pending: dict[str, Any] | None) -> None:
    """Keep (or drop) the pending session without disturbing a step that waits."""
    convo = await repo.get_conversation(user.id)
    if convo is not None and convo.flow not in LOG_FLOWS:
        data = {k: v for k, v in convo.data.items() if k != PENDING}
        if pending is not None:
            data[PENDING] = pending
        await repo.set_conversation(user.id, convo.flow, convo.step, data)
    elif pending is not None:
        await repo.set_conversation(user.id, "offer", "confirm", pending)
    elif convo is not None and convo.flow == "offer":
        await repo.clear_conversation(user.id)


def question_buttons(question: Question, nonce: str, today: date) -> render.Keyboard:
    if question == "day":
        days = render.sessions.day_choices(today)
        rows = [days[:2], days[2:5], days[5:]]
        return render.keyboard(
            [[(label, cb("aq", nonce, back)) for label, back in r] for r in rows]
        )
    choices = render.sessions.QUESTION_BUTTONS[question]
    return render.keyboard([[(label, cb("aq", nonce, value)) for label, value in choices]])


async def _ask(
    update: Update,
    context: CoachContext,
    repo: Repo,
    user: User,
    draft: LogDraft,
    pending: dict[str, Any],
) -> None:
    """Say what was understood and ask the first open question, with buttons."""
    question = draft.questions[0]
    nonce = secrets.token_hex(4)
    await set_pending(repo, user, {**pending, "nonce": nonce, "question": question})
    await repo.commit()
    reading = "" if question == "forward_only" and not draft.blocks else draft_summary(draft)
    markup = question_buttons(question, nonce, user_today(user))
    await say(update, context, render.sessions.ask_question(reading, question), markup)


async def offer_from_text(
    update: Update, context: CoachContext, repo: Repo, user: User, text: str
) -> bool:
    """Offer to log chat text that reads like a session; never logs without the button.

    False when the text doesn't read like a session (the caller answers it)."""
    if not looks_like_log(text):
        return False
    result = parse_log(text, user_today(user))
    if isinstance(result, ParseError):
        await say(update, context, render.parse_error(result.code))
        return True
    pending = {"text": text, "answers": {}, "source": "text"}
    if result.questions:
        await _ask(update, context, repo, user, result, pending)
        return True
    nonce = secrets.token_hex(4)
    await set_pending(repo, user, {**pending, "nonce": nonce})
    await repo.commit()
    markup = render.keyboard([[("✅ Log it", cb("ol", nonce)), ("No thanks", cb("on", nonce))]])
    day = user_today(user) - timedelta(days=result.days_ago) if result.days_ago else None
    await say(update, context, render.offer_log(draft_summary(result), day), markup)
    return True


def _answers(pending: dict[str, Any]) -> dict[str, str]:
    raw = pending.get("answers")
    if not isinstance(raw, dict):
        return {}
    return {str(k): str(v) for k, v in raw.items() if k in QUESTION_VALUES}


async def _settle(
    update: Update, context: CoachContext, repo: Repo, user: User, pending: dict[str, Any]
) -> None:
    """Read the pending text with the answers so far: ask the next question, or store it."""
    if pending.get("target") is True:  # "did it": today's target, as offered
        await set_pending(repo, user, None)
        content = context.services.content
        target = today_target(content, user, user_today(user)) or week_target(content, user)
        draft = target_draft(target, "did it")
        await _store_and_reply(update, context, (repo, user), draft, "text")
        return
    answers = _answers(pending)
    result = parse_log(str(pending.get("text", "")), user_today(user), answers)
    if isinstance(result, ParseError):
        await set_pending(repo, user, None)
        await repo.commit()
        await say(update, context, render.parse_error(result.code))
        return
    if (
        result.duration_s is None
        and result.distance_m is None
        and (answers.get("direction") == "forward" or "forward_only" in answers)
    ):
        await set_pending(repo, user, None)
        await repo.commit()
        await clear_buttons(update)
        await say(update, context, render.sessions.nothing_backward())
        return
    open_questions = tuple(q for q in result.questions if q not in answers)
    if open_questions:
        draft = LogDraft(**{**result.__dict__, "questions": open_questions})
        await _ask(update, context, repo, user, draft, {**pending, "answers": answers})
        return
    await set_pending(repo, user, None)
    source = str(pending.get("source", "text"))
    await _store_and_reply(update, context, (repo, user), result, source[:16])


async def on_offer_button(update: Update, context: CoachContext, press: Press) -> None:
    async with context.services.db.uow() as repo:
        user, _ = await load_user(repo, update, context)
        pending = await _pending(repo, user)
        if pending is None or len(press.args) != 1 or pending.get("nonce") != press.args[0]:
            await say(update, context, render.stale_button())
            return
        if press.action == "on":
            await set_pending(repo, user, None)
            await repo.commit()
            await clear_buttons(update)
            await say(update, context, render.offer_declined())
            return
        await _settle(update, context, repo, user, pending)


async def on_question_button(update: Update, context: CoachContext, press: Press) -> None:
    """aq <nonce> <answer>: one answer to the question asked about a pending session."""
    async with context.services.db.uow() as repo:
        user, _ = await load_user(repo, update, context)
        pending = await _pending(repo, user)
        question = str(pending.get("question", "")) if pending else ""
        value = press.args[1] if len(press.args) == 2 else ""
        if (
            pending is None
            or press.args[:1] != (pending.get("nonce"),)
            or value not in QUESTION_VALUES.get(question, frozenset())
        ):
            await say(update, context, render.stale_button())
            return
        answers = {**_answers(pending), question: value}
        if question == "forward_only" and value == "backward":
            answers["direction"] = "backward"
        await _settle(update, context, repo, user, {**pending, "answers": answers})


# --- undo, edit, history -------------------------------------------------------------------
async def undo_command(update: Update, context: CoachContext) -> None:
    async with context.services.db.uow() as repo:
        user, _ = await load_user(repo, update, context)
        workout = await repo.last_workout(user.id)
        if workout is None:
            await say(update, context, render.nothing_to_undo())
            return
        summary, day = summary_of(workout), workout.local_date
        await repo.delete_workout(workout)
        await repo.commit()
        await say(update, context, render.undone(summary, day))


async def on_undo_button(update: Update, context: CoachContext, press: Press) -> None:
    wid = press.int_arg(0)
    async with context.services.db.uow() as repo:
        user, _ = await load_user(repo, update, context)
        workout = await repo.get_workout(user.id, wid) if wid is not None else None
        if workout is None or len(press.args) != 1:
            await say(update, context, render.session_gone())
            return
        summary, day = summary_of(workout), workout.local_date
        await repo.delete_workout(workout)
        await repo.commit()
        await clear_buttons(update)
        await say(update, context, render.undone(summary, day))


def edit_menu_buttons(workout: Workout) -> render.Keyboard:
    rows = [
        [("⏱ Amount", cb("eD", workout.id)), ("🙂 Feeling", cb("eF", workout.id))],
        [("📅 Day", cb("eY", workout.id)), ("📝 Note", cb("eN", workout.id))],
    ]
    if workout_blocks(workout):
        rows.append([("↔️ Backward / forward", cb("eP", workout.id))])
    return render.keyboard(rows)


def flip_buttons(workout: Workout) -> render.Keyboard:
    rows = []
    for i, part in enumerate(all_parts(workout_blocks(workout))[:8]):
        label = render.sessions.flip_label(part)
        rows.append([(label, cb("ep", workout.id, i))])
    return render.keyboard(rows)


async def on_edit_button(update: Update, context: CoachContext, press: Press) -> None:
    """ed: menu; eD/eF/eY/eN/eP: ask; es/ef/ey/ep: apply a chosen amount, feeling, day, flip."""
    wid = press.int_arg(0)
    deps = context.services
    async with deps.db.uow() as repo:
        user, _ = await load_user(repo, update, context)
        workout = await repo.get_workout(user.id, wid) if wid is not None else None
        if workout is None:
            await say(update, context, render.session_gone())
            return
        today = user_today(user)
        if press.action == "ed":
            markup = edit_menu_buttons(workout)
            await say(update, context, render.edit_menu(summary_of(workout)), markup)
        elif press.action == "eD":
            await _start_edit(repo, user, workout, "duration")
            presets = presets_for(week_target(deps.content, user))
            await say(
                update,
                context,
                render.ask_new_duration(),
                duration_buttons(presets, "es", workout.id),
            )
        elif press.action == "eF":
            await _start_edit(repo, user, workout, "feeling")
            await say(update, context, render.ask_new_feeling(), feeling_buttons("ef", workout.id))
        elif press.action == "eY":
            days = render.sessions.day_choices(today)
            rows = [days[:2], days[2:5], days[5:]]
            markup = render.keyboard(
                [[(label, cb("ey", workout.id, back)) for label, back in r] for r in rows]
            )
            await say(update, context, render.ask_new_day(), markup)
        elif press.action == "eN":
            await _start_edit(repo, user, workout, "note")
            await say(update, context, render.ask_new_note(), None)
        elif press.action == "eP":
            if not workout_blocks(workout):
                await say(update, context, render.stale_button())
                return
            await say(update, context, render.ask_flip(), flip_buttons(workout))
        elif press.action == "es":
            seconds = _seconds_arg(press, 1)
            if seconds is None or len(press.args) != 2:
                await say(update, context, render.stale_button())
                return
            await _apply_edit(update, context, repo, workout, duration_s=seconds)
        elif press.action == "ey":
            back = press.int_arg(1)
            if back is None or back > MAX_DAYS_BACK or len(press.args) != 2:
                await say(update, context, render.stale_button())
                return
            await _apply_edit(update, context, repo, workout, day=today - timedelta(days=back))
        elif press.action == "ep":
            index = press.int_arg(1)
            if index is None or index >= len(all_parts(workout_blocks(workout))):
                await say(update, context, render.stale_button())
                return
            await _apply_edit(update, context, repo, workout, flip=index)
        else:
            value = press.args[1] if len(press.args) == 2 else ""
            if value not in FEELING_VALUES:
                await say(update, context, render.stale_button())
                return
            await _apply_edit(update, context, repo, workout, feeling=value)


async def _start_edit(repo: Repo, user: User, workout: Workout, step: str) -> None:
    data = {"id": workout.id, "since": int(time.time())}
    await repo.set_conversation(user.id, "edit", step, data)
    await repo.commit()


def _new_backward(workout: Workout, duration_s: int | None, typed: LogDraft | None) -> None:
    """Replace the session's backward work, keeping its forward parts and its mode."""
    blocks = workout_blocks(workout)
    if typed is not None and typed.blocks:
        fresh = typed.blocks
    else:
        modes = [p.mode for p in all_parts(blocks) if p.backward]
        mode = modes[0] if modes else Mode.RUN
        fresh = (Block((Part(Direction.BACKWARD, mode, seconds=float(duration_s or 0)),)),)
    set_blocks(workout, with_backward(blocks, fresh))


async def _apply_edit(
    update: Update,
    context: CoachContext,
    repo: Repo,
    workout: Workout,
    duration_s: int | None = None,
    feeling: str | None = None,
    day: date | None = None,
    note: str | None = None,
    flip: int | None = None,
    typed: LogDraft | None = None,
) -> None:
    if duration_s is not None or typed is not None:
        _new_backward(workout, duration_s, typed)
    if feeling is not None:
        workout.feeling = feeling
    if day is not None:
        workout.local_date = day
    if note is not None:
        kept = [list(n) for n in workout_notes(workout) if n[0] != "text"]
        workout.notes = kept + ([["text", note]] if note else [])
    if flip is not None:
        set_blocks(workout, flip_part(workout_blocks(workout), flip))
    convo = await repo.get_conversation(workout.user_id)
    if convo is not None and convo.flow == "edit":
        await repo.clear_conversation(workout.user_id)
    await repo.commit()
    await clear_buttons(update)
    await say(
        update,
        context,
        render.edited_session(summary_of(workout), workout.local_date),
        session_buttons(workout.id),
    )


async def edit_text(
    update: Update,
    context: CoachContext,
    repo: Repo,
    user: User,
    step: str,
    data: dict[str, Any],
    text: str,
) -> None:
    """A typed new amount, feeling or note for the session being edited."""
    since = data.get("since")
    if not isinstance(since, int) or time.time() - since > EDIT_WINDOW_S:
        # The user asked to edit long ago and moved on: read the text as a new message.
        await repo.clear_conversation(user.id)
        await repo.commit()
        if not await offer_from_text(update, context, repo, user, text):
            await say(update, context, render.not_understood())
        return
    wid = data.get("id")
    workout = await repo.get_workout(user.id, wid) if isinstance(wid, int) else None
    if workout is None:
        await repo.clear_conversation(user.id)
        await repo.commit()
        await say(update, context, render.session_gone())
        return
    if step == "feeling":
        feeling = read_note(text).feeling
        if feeling is None:
            await say(update, context, render.feeling_not_understood(), feeling_buttons("ef", wid))
            return
        await _apply_edit(update, context, repo, workout, feeling=feeling.value)
        return
    if step == "note":
        if len(text.strip()) > MAX_TEXT:
            await say(update, context, render.note_too_long(MAX_TEXT))
            return
        note = "" if _is_skip(text) else text.strip()
        await _apply_edit(update, context, repo, workout, note=note)
        return
    result = parse_duration_answer(text)
    typed = result if isinstance(result, LogDraft) and result.blocks else None
    if typed is None or not (typed.duration_s or typed.distance_m):
        problem = _duration_problem(result) or render.duration_not_understood()
        presets = presets_for(week_target(context.services.content, user))
        await say(update, context, problem, duration_buttons(presets, "es", wid))
        return
    await _apply_edit(update, context, repo, workout, typed=typed)


async def history_command(update: Update, context: CoachContext) -> None:
    async with context.services.db.uow() as repo:
        user, _ = await load_user(repo, update, context)
        rows = await repo.recent_workouts(user.id, 10)
        lines = [(w.local_date, summary_of(w)) for w in rows]
    await say(update, context, render.history(lines))
