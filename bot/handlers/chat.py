"""Plain messages: an answer to a guided step, a session told in chat, small talk, or a pointer.

A session told while onboarding (or a settings change) waits for its answer is offered for
logging, then the step's question is asked again; nothing is ever logged without a button.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update

from bot import render
from bot.actions import cb
from bot.coach.intents import Intent, intent_of
from bot.coach.parsing import looks_like_log
from bot.context import CoachContext
from bot.db.models import User
from bot.db.repo import Repo
from bot.handlers import log, onboarding, progress
from bot.handlers.common import load_user, say
from bot.render import chat as msgs
from bot.service import next_training_day, target_draft, today_target, week_target

MAX_TEXT = 4096

FlowHandler = Callable[
    [Update, CoachContext, Repo, User, str, dict[str, Any], str], Awaitable[None]
]

# The guided flows that take typed answers, by the flow name stored in `conversations`.
TEXT_FLOWS: dict[str, FlowHandler] = {
    "log": log.guided_text,
    "edit": log.edit_text,
    "onboard": onboarding.onboarding_text,
    "settings": onboarding.onboarding_text,
}
# Flows whose answers are not sessions: a session told meanwhile gets the offer.
WAITING_FLOWS = frozenset({"onboard", "settings"})
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
    deps = context.services
    async with deps.db.uow() as repo:
        user, _ = await load_user(repo, update, context)
        convo = await repo.get_conversation(user.id)
        handler = TEXT_FLOWS.get(convo.flow) if convo is not None else None
        if convo is not None and handler is not None:
            waiting = convo.flow in WAITING_FLOWS
            if waiting and _reads_like_session(text[:MAX_TEXT]):
                await log.offer_from_text(update, context, repo, user, text[:MAX_TEXT])
                prompt, markup = onboarding.step_prompt(convo.step, user, deps.content)
                await say(update, context, prompt, markup)
                return
            small_talk = intent_of(text[:MAX_TEXT]) if waiting else None
            if small_talk in ("thanks", "greeting", "today"):
                # answered, then the step's question again: the step still waits
                await _answer(update, context, repo, user, small_talk)
                prompt, markup = onboarding.step_prompt(convo.step, user, deps.content)
                await say(update, context, prompt, markup)
                return
            await handler(update, context, repo, user, convo.step, dict(convo.data), text)
            return
        if await log.offer_from_text(update, context, repo, user, text[:MAX_TEXT]):
            return
        intent = intent_of(text[:MAX_TEXT])
        if intent is not None and intent != "progress":
            await _answer(update, context, repo, user, intent)
            return
    if intent == "progress":
        await progress.progress_command(update, context)
        return
    await say(update, context, render.not_understood())


async def _answer(
    update: Update, context: CoachContext, repo: Repo, user: User, intent: Intent
) -> None:
    content = context.services.content
    today = log.user_today(user)
    if intent == "thanks":
        await say(update, context, msgs.thanks())
    elif intent == "greeting":
        await say(update, context, msgs.greeting(user.first_name))
    elif intent == "today":
        target = today_target(content, user, today)
        nxt = next_training_day(content, user, today) if target is None else None
        nxt_target = today_target(content, user, nxt) if nxt is not None else None
        await say(update, context, msgs.today_answer(user.plan_week, target, nxt, nxt_target))
    else:  # did_it
        if await repo.logged_on(user.id, today):
            last = await repo.last_workout(user.id)
            summary = log.summary_of(last) if last is not None else ""
            await say(update, context, msgs.already_logged(summary))
            return
        todays = today_target(content, user, today)
        draft = target_draft(todays or week_target(content, user), "did it")
        nonce = secrets.token_hex(4)
        pending = {"text": "", "target": True, "answers": {}, "source": "text", "nonce": nonce}
        await log.set_pending(repo, user, pending)
        await repo.commit()
        markup = render.keyboard([[("✅ Log it", cb("ol", nonce)), ("No thanks", cb("on", nonce))]])
        await say(
            update, context, msgs.offer_target(log.draft_summary(draft), todays is None), markup
        )
