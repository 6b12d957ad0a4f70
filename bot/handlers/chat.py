"""Plain messages: an answer to a guided step, a session told in chat, or a friendly pointer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update

from bot import render
from bot.db.models import User
from bot.db.repo import Repo
from bot.handlers import log, onboarding
from bot.handlers.common import Context, get_deps, load_user, say

MAX_TEXT = 4096

FlowHandler = Callable[[Update, Context, Repo, User, str, dict[str, Any], str], Awaitable[None]]

# The guided flows that take typed answers, by the flow name stored in `conversations`.
TEXT_FLOWS: dict[str, FlowHandler] = {
    "log": log.guided_text,
    "edit": log.edit_text,
    "onboard": onboarding.onboarding_text,
    "settings": onboarding.onboarding_text,
}


async def on_message(update: Update, context: Context) -> None:
    msg = update.effective_message
    text = (msg.text or msg.caption or "") if msg else ""
    if not text.strip():
        await say(update, context, render.not_understood())
        return
    async with get_deps(context).db.uow() as repo:
        user, _ = await load_user(repo, update, context)
        convo = await repo.get_conversation(user.id)
        handler = TEXT_FLOWS.get(convo.flow) if convo is not None else None
        if convo is not None and handler is not None:
            await handler(update, context, repo, user, convo.step, dict(convo.data), text)
            return
        if await log.offer_from_text(update, context, repo, user, text[:MAX_TEXT]):
            return
    await say(update, context, render.not_understood())
