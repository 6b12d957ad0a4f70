"""Plain messages: an answer to a guided step, a session told in chat, small talk, or a pointer.

A session told while onboarding (or a settings change) waits for its answer is offered for
logging, then the step's question is asked again; nothing is ever logged without a button.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Literal

from telegram import Update

from bot import render
from bot.coach.intents import Intent, intent_of
from bot.coach.log_flows import PendingSession
from bot.coach.parsing import looks_like_log
from bot.context import CoachContext
from bot.db.models import User
from bot.flows import WAITING_FLOWS, Flow, TypedAnswer
from bot.handlers import edit, log, onboarding, progress
from bot.handlers.common import UserWork, load_user, say
from bot.render import chat as msgs
from bot.render import log as log_msgs
from bot.service import next_training_day, target_draft, today_target, user_today, week_target

MAX_TEXT = 4096

FlowHandler = Callable[[Update, CoachContext, UserWork, TypedAnswer], Awaitable[None]]


# The guided flows that take typed answers, by the flow name stored in `conversations`.
TEXT_FLOWS: dict[str, FlowHandler] = {
    Flow.LOG: log.guided_text,
    Flow.EDIT: edit.edit_text,
    Flow.ONBOARD: onboarding.onboarding_text,
    Flow.SETTINGS: onboarding.onboarding_text,
}
# "7:30" or "mon wed fri 7:30" answers a step; a session there names a unit or a direction.
_SESSION_WORDS = re.compile(
    r"\b(?:min\w*|secs?|seconds?|km|back\w*|retro|reverse|laps?|metres?|meters?|miles?)\b"
    r"|[0-9](?:min|m|s|k|km)\b",
    re.IGNORECASE,
)


def _reads_like_session(text: str) -> bool:
    return bool(_SESSION_WORDS.search(text)) and looks_like_log(text)


async def on_message(update: Update, context: CoachContext) -> None:
    msg = update.effective_message
    text = (msg.text or msg.caption or "") if msg else ""
    if not text.strip():
        await say(update, context, render.not_understood())
        return
    async with context.db.uow() as repo:
        user, created = await load_user(repo, update, context)
        intent = await _answered(update, context, UserWork(repo, user, created), text[:MAX_TEXT])
    # /progress and the pointer answer after the unit of work is closed
    if intent == "progress":
        await progress.progress_command(update, context)
    elif intent is None:
        await say(update, context, render.not_understood())


async def _answered(
    update: Update, context: CoachContext, work: UserWork, text: str
) -> Intent | Literal["answered"] | None:
    """Answer a waiting flow, offer a session, or answer small talk: "answered" then;
    "progress" for /progress to answer, None when nothing understood it."""
    convo = await work.repo.get_conversation(work.user.id)
    handler = TEXT_FLOWS.get(convo.flow) if convo is not None else None
    if convo is not None and handler is not None:
        answer = TypedAnswer(convo.step, dict(convo.data), text)
        if convo.flow in WAITING_FLOWS and await _aside(update, context, work, answer):
            return "answered"
        await handler(update, context, work, answer)
        return "answered"
    if await log.offer_from_text(update, context, work, text):
        return "answered"
    intent = intent_of(text)
    if intent is not None and intent != "progress":
        await _answer(update, context, work, intent)
        return "answered"
    return intent


async def _aside(
    update: Update, context: CoachContext, work: UserWork, answer: TypedAnswer
) -> bool:
    """A session or small talk while a step waits: answered, then the step's question again
    (the step still waits). False when the text is the step's own answer."""
    if _reads_like_session(answer.text):
        await log.offer_from_text(update, context, work, answer.text)
    else:
        small_talk = intent_of(answer.text)
        if small_talk not in ("thanks", "greeting", "today"):
            return False
        await _answer(update, context, work, small_talk)
    prompt, markup = onboarding.step_prompt(answer.step, work.user, context.content)
    await say(update, context, prompt, markup)
    return True


async def _answer(update: Update, context: CoachContext, work: UserWork, intent: Intent) -> None:
    user = work.user
    if intent == "thanks":
        await say(update, context, msgs.thanks())
    elif intent == "greeting":
        await say(update, context, msgs.greeting(user.first_name))
    elif intent == "today":
        await _today(update, context, user)
    else:
        await _did_it(update, context, work)


async def _today(update: Update, context: CoachContext, user: User) -> None:
    content, today = context.content, user_today(user)
    target = today_target(content, user, today)
    nxt = next_training_day(content, user, today) if target is None else None
    nxt_target = today_target(content, user, nxt) if nxt is not None else None
    await say(update, context, msgs.today_answer(user.plan_week, target, nxt, nxt_target))


async def _did_it(update: Update, context: CoachContext, work: UserWork) -> None:
    """ "Did it": offer this week's target for today, unless today is already logged."""
    user, today = work.user, user_today(work.user)
    if await work.repo.logged_on(user.id, today):
        last = await work.repo.last_workout(user.id)
        summary = log.summary_of(last) if last is not None else ""
        await say(update, context, msgs.already_logged(summary))
        return
    todays = today_target(context.content, user, today)
    draft = target_draft(todays or week_target(context.content, user), "did it")
    text = msgs.offer_target(log_msgs.summary(draft), todays is None)
    await log.offer(update, context, work, PendingSession("", "text", target=True), text)
