"""Logging sessions: /log <text>, the guided /log, plain-text offers, edit, /undo, /history.

Every step of a conversation lives in the `conversations` table (flow, step, data) and is
committed before the bot answers, so a restart, another replica or a failed reply loses
nothing. Button payloads carry only ids and values; each press is checked against the
database (the owner's row, the current step, the offer's nonce) before it acts. The words
and buttons are in render/log.py, the rules in coach/answers.py and coach/log_flows.py.
"""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from telegram import Update
from telegram.error import Forbidden, TelegramError

from bot import actions, render
from bot.coach.answers import (
    FEELING_VALUES,
    SKIP,
    is_skip,
    nothing_backward,
    open_questions,
    presets_for,
    valid_answer,
    valid_seconds,
    with_answer,
)
from bot.coach.log_flows import (
    GuidedLog,
    LogStep,
    OfferStep,
    PendingSession,
    guided_draft,
)
from bot.coach.parsing import MAX_TEXT, looks_like_log, parse_duration_answer, parse_log, read_note
from bot.coach.types import LogDraft, ParseError
from bot.context import CoachContext
from bot.db.models import User, Workout
from bot.db.repo import Repo
from bot.flows import LOG_FLOWS, PENDING, Flow, TypedAnswer
from bot.handlers.common import UserWork, clear_buttons, say, with_user
from bot.render import log as log_msgs
from bot.render.log import session_buttons
from bot.service import (
    as_told,
    record_session,
    target_draft,
    today_target,
    user_today,
    week_target,
)

log = logging.getLogger(__name__)
_COMMAND = re.compile(r"^/\S*")


# --- a session in words ----------------------------------------------------------------------
def summary_of(w: Workout) -> str:
    return log_msgs.summary(as_told(w))


def duration_problem(result: LogDraft | ParseError) -> str | None:
    """Why a typed duration can't be used, in the user's terms; None when it can."""
    if isinstance(result, ParseError):
        if result.code in ("absurd", "not_positive", "too_long"):
            return log_msgs.parse_error(result.code)
        return log_msgs.duration_not_understood()
    if result.duration_s is None:
        return log_msgs.duration_not_understood()
    return None


def presets(context: CoachContext, user: User) -> tuple[int, ...]:
    return presets_for(week_target(context.content, user))


async def _store_and_reply(
    update: Update, context: CoachContext, work: UserWork, draft: LogDraft, source: str
) -> None:
    now = datetime.now(UTC)
    logged = await record_session(work.repo, context.content, work.user, draft, now, source)
    await work.repo.commit()  # the log is safe before we talk to Telegram
    await clear_buttons(update)
    w = logged.workout
    text, markup = log_msgs.logged(summary_of(w), w.local_date, logged.feedback, w.id)
    try:
        await say(update, context, text, markup)
    except Forbidden:
        log.info("Session %s stored; the user blocked the bot before the reply", w.id)
    except TelegramError as exc:
        # The session is stored. An apology saying "try again" would invite a duplicate, so
        # confirm it briefly instead; if Telegram is still failing, /history has it later.
        log.warning("Reply to session %s failed (%r); sending the short confirmation", w.id, exc)
        short = log_msgs.logged_short(summary_of(w), w.local_date)
        try:
            await say(update, context, short, session_buttons(w.id))
        except TelegramError as again:
            log.warning("Short confirmation of session %s failed too: %r", w.id, again)


async def _end_log_flows(work: UserWork) -> None:
    convo = await work.repo.get_conversation(work.user.id)
    if convo is not None and convo.flow in LOG_FLOWS:
        await work.repo.clear_conversation(work.user.id)


# --- /log ----------------------------------------------------------------------------------
def _command_text(update: Update, context: CoachContext) -> str:
    """What follows /log (or /log@bot), with the user's own spacing and line breaks."""
    if update.message and update.message.text:
        return _COMMAND.sub("", update.message.text, count=1).strip()
    return " ".join(context.args or [])


@with_user
async def log_command(update: Update, context: CoachContext, work: UserWork) -> None:
    text = _command_text(update, context)
    if not text:
        await _set_step(work, LogStep.DURATION, GuidedLog())
        markup = log_msgs.guided_duration_buttons(presets(context, work.user))
        await say(update, context, log_msgs.ask_duration(), markup)
        return
    result = parse_log(text, user_today(work.user))
    if isinstance(result, ParseError):
        await say(update, context, log_msgs.parse_error(result.code))
        return
    await _end_log_flows(work)
    if result.questions:
        await _ask(update, context, work, result, PendingSession(text, "log"))
        return
    await _store_and_reply(update, context, work, result, "log")


# --- guided flow ---------------------------------------------------------------------------
async def _set_step(work: UserWork, step: LogStep, state: GuidedLog) -> None:
    await work.repo.set_conversation(work.user.id, Flow.LOG, step, state.to_data())
    await work.repo.commit()


async def guided_text(
    update: Update, context: CoachContext, work: UserWork, answer: TypedAnswer
) -> None:
    """A typed answer to the guided step the user is on."""
    state = GuidedLog.from_data(answer.data)
    if answer.step == LogStep.DURATION:
        await _typed_duration(update, context, work, answer.text)
    elif answer.step == LogStep.FEELING:
        await _typed_feeling(update, context, work, state, answer.text)
    else:
        await _typed_note(update, context, work, state, answer.text)


async def _typed_duration(update: Update, context: CoachContext, work: UserWork, text: str) -> None:
    result = parse_duration_answer(text)
    problem = duration_problem(result)
    if problem is not None or not isinstance(result, LogDraft) or not result.duration_s:
        markup = log_msgs.guided_duration_buttons(presets(context, work.user))
        await say(update, context, problem or log_msgs.duration_not_understood(), markup)
        return
    feeling = result.feeling.value if result.feeling else None
    state = GuidedLog(result.duration_s, feeling, (result.text,))
    await _guided_duration(update, context, work, state)


async def _typed_feeling(
    update: Update, context: CoachContext, work: UserWork, state: GuidedLog, text: str
) -> None:
    if is_skip(text):
        await _guided_feeling(update, context, work, state.felt(None))
        return
    draft = read_note(text)
    if draft.feeling is None and not (draft.pain or draft.notes or len(text.strip()) > 40):
        markup = log_msgs.guided_feeling_buttons()
        await say(update, context, log_msgs.feeling_not_understood(), markup)
        return
    # Words without a feeling ("calves a bit sore") are kept: the log reads them for pain.
    feeling = draft.feeling.value if draft.feeling else None
    await _guided_feeling(update, context, work, state.felt(feeling, text.strip()[:MAX_TEXT]))


async def _typed_note(
    update: Update, context: CoachContext, work: UserWork, state: GuidedLog, text: str
) -> None:
    if len(text.strip()) > MAX_TEXT:
        await say(update, context, log_msgs.note_too_long(MAX_TEXT), log_msgs.note_buttons())
        return
    note = "" if is_skip(text) else text.strip()
    await _guided_finish(update, context, work, state, note)


async def _guided_duration(
    update: Update, context: CoachContext, work: UserWork, state: GuidedLog
) -> None:
    """Duration known. A typed answer that already said how it felt skips that question."""
    if state.feeling is not None:
        await _guided_feeling(update, context, work, state)
        return
    await _set_step(work, LogStep.FEELING, state)
    await clear_buttons(update)
    summary = log_msgs.session_line(state.duration_s, None, None, False, ())
    await say(update, context, log_msgs.ask_feeling(summary), log_msgs.guided_feeling_buttons())


async def _guided_feeling(
    update: Update, context: CoachContext, work: UserWork, state: GuidedLog
) -> None:
    """Feeling known (or skipped): on to the note."""
    await _set_step(work, LogStep.NOTE, state)
    await clear_buttons(update)
    summary = log_msgs.session_line(state.duration_s, None, state.feeling, False, ())
    await say(update, context, log_msgs.ask_note(summary), log_msgs.note_buttons())


async def _guided_finish(
    update: Update, context: CoachContext, work: UserWork, state: GuidedLog, note: str
) -> None:
    draft = guided_draft(state, note)
    await work.repo.clear_conversation(work.user.id)
    if draft is None:
        await work.repo.commit()
        await say(update, context, render.stale_button())
        return
    await _store_and_reply(update, context, work, draft, "guided")


async def _guided_state(work: UserWork, step: LogStep) -> GuidedLog | None:
    """The guided log's state when the user is on this step; None for an older button."""
    convo = await work.repo.get_conversation(work.user.id)
    if convo is None or convo.flow != Flow.LOG or convo.step != step:
        return None
    return GuidedLog.from_data(convo.data)


@with_user
async def on_guided_amount(
    update: Update, context: CoachContext, work: UserWork, pressed: actions.GuidedAmount
) -> None:
    state = await _guided_state(work, LogStep.DURATION)
    if state is None or not valid_seconds(pressed.seconds):
        await say(update, context, render.stale_button())
        return
    await _guided_duration(update, context, work, GuidedLog.picked(pressed.seconds))


@with_user
async def on_guided_feeling(
    update: Update, context: CoachContext, work: UserWork, pressed: actions.GuidedFeeling
) -> None:
    state = await _guided_state(work, LogStep.FEELING)
    value = pressed.feeling
    if state is None or (value not in FEELING_VALUES and value != SKIP):
        await say(update, context, render.stale_button())
        return
    feeling = value if value in FEELING_VALUES else None
    await _guided_feeling(update, context, work, state.pressed(feeling))


@with_user
async def on_guided_note(
    update: Update, context: CoachContext, work: UserWork, pressed: actions.GuidedNote
) -> None:
    state = await _guided_state(work, LogStep.NOTE)
    if state is None or pressed.value != SKIP:
        await say(update, context, render.stale_button())
        return
    await _guided_finish(update, context, work, state, "")


# --- plain text offers and questions -------------------------------------------------------
# A pending session is the whole data of an "offer" conversation, or rides under PENDING in
# the data of a flow that waits for its own answer (onboarding, settings).
async def _pending(work: UserWork) -> PendingSession | None:
    convo = await work.repo.get_conversation(work.user.id)
    if convo is None:
        return None
    if convo.flow == Flow.OFFER:
        return PendingSession.from_data(convo.data)
    found = convo.data.get(PENDING)
    return PendingSession.from_data(found) if isinstance(found, dict) else None


async def set_pending(repo: Repo, user: User, pending: PendingSession | None) -> None:
    """Keep (or drop) the pending session without disturbing a step that waits."""
    convo = await repo.get_conversation(user.id)
    if convo is not None and convo.flow not in LOG_FLOWS:
        data: dict[str, Any] = {k: v for k, v in convo.data.items() if k != PENDING}
        if pending is not None:
            data[PENDING] = pending.to_data()
        await repo.set_conversation(user.id, convo.flow, convo.step, data)
    elif pending is not None:
        await repo.set_conversation(user.id, Flow.OFFER, OfferStep.CONFIRM, pending.to_data())
    elif convo is not None and convo.flow == Flow.OFFER:
        await repo.clear_conversation(user.id)


async def offer(
    update: Update, context: CoachContext, work: UserWork, pending: PendingSession, summary: str
) -> None:
    """Keep the session pending under a fresh nonce and offer to log it (the "did it" answer
    in chat offers today's target this way)."""
    nonce = secrets.token_hex(4)
    await set_pending(work.repo, work.user, replace(pending, nonce=nonce))
    await work.repo.commit()
    await say(update, context, summary, log_msgs.offer_buttons(nonce))


async def _ask(
    update: Update, context: CoachContext, work: UserWork, draft: LogDraft, pending: PendingSession
) -> None:
    """Say what was understood and ask the first open question, with buttons."""
    question = draft.questions[0]
    nonce = secrets.token_hex(4)
    await set_pending(work.repo, work.user, replace(pending, nonce=nonce, question=question))
    await work.repo.commit()
    reading = "" if question == "forward_only" and not draft.blocks else log_msgs.summary(draft)
    markup = log_msgs.question_buttons(question, nonce, user_today(work.user))
    await say(update, context, log_msgs.ask_question(reading, question), markup)


async def offer_from_text(update: Update, context: CoachContext, work: UserWork, text: str) -> bool:
    """Offer to log chat text that reads like a session; never logs without the button.

    False when the text doesn't read like a session (the caller answers it)."""
    if not looks_like_log(text):
        return False
    today = user_today(work.user)
    result = parse_log(text, today)
    if isinstance(result, ParseError):
        await say(update, context, log_msgs.parse_error(result.code))
        return True
    pending = PendingSession(text, "text")
    if result.questions:
        await _ask(update, context, work, result, pending)
        return True
    day = today - timedelta(days=result.days_ago) if result.days_ago else None
    await offer(update, context, work, pending, log_msgs.offer_log(log_msgs.summary(result), day))
    return True


async def _drop_pending(work: UserWork) -> None:
    await set_pending(work.repo, work.user, None)
    await work.repo.commit()


async def _settle(
    update: Update, context: CoachContext, work: UserWork, pending: PendingSession
) -> None:
    """Read the pending text with the answers so far: ask the next question, or store it."""
    user = work.user
    if pending.target:  # "did it": today's target, as offered
        await set_pending(work.repo, user, None)
        content = context.content
        target = today_target(content, user, user_today(user)) or week_target(content, user)
        draft = target_draft(target, "did it")
        await _store_and_reply(update, context, work, draft, "text")
        return
    answers = dict(pending.answers)
    result = parse_log(pending.text, user_today(user), answers)
    if isinstance(result, ParseError):
        await _drop_pending(work)
        await say(update, context, log_msgs.parse_error(result.code))
        return
    if nothing_backward(answers, result.duration_s, result.distance_m):
        await _drop_pending(work)
        await clear_buttons(update)
        await say(update, context, log_msgs.nothing_backward())
        return
    still_open = open_questions(result.questions, answers)
    if still_open:
        draft = replace(result, questions=still_open)
        await _ask(update, context, work, draft, replace(pending, answers=answers))
        return
    await set_pending(work.repo, user, None)
    await _store_and_reply(update, context, work, result, pending.source[:16])


async def _pending_for(
    update: Update, context: CoachContext, work: UserWork, nonce: str
) -> PendingSession | None:
    """The pending session a pressed offer or question belongs to; None (said) otherwise."""
    pending = await _pending(work)
    if pending is None or not pending.matches(nonce):
        await say(update, context, render.stale_button())
        return None
    return pending


@with_user
async def on_offer_accept(
    update: Update, context: CoachContext, work: UserWork, pressed: actions.OfferAccept
) -> None:
    pending = await _pending_for(update, context, work, pressed.nonce)
    if pending is not None:
        await _settle(update, context, work, pending)


@with_user
async def on_offer_decline(
    update: Update, context: CoachContext, work: UserWork, pressed: actions.OfferDecline
) -> None:
    if await _pending_for(update, context, work, pressed.nonce) is None:
        return
    await _drop_pending(work)
    await clear_buttons(update)
    await say(update, context, log_msgs.offer_declined())


@with_user
async def on_answer(
    update: Update, context: CoachContext, work: UserWork, pressed: actions.Answer
) -> None:
    """One answer to the question asked about a pending session."""
    pending = await _pending(work)
    question = pending.question if pending is not None else None
    if (
        pending is None
        or question is None
        or not pending.matches(pressed.nonce)
        or not valid_answer(question, pressed.value)
    ):
        await say(update, context, render.stale_button())
        return
    answers = with_answer(pending.answers, question, pressed.value)
    await _settle(update, context, work, replace(pending, answers=answers))
