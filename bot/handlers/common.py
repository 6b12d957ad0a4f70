"""Small helpers every handler module shares."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Concatenate, ParamSpec

from telegram import Message, Update
from telegram.error import TelegramError

from bot.context import CoachContext
from bot.db.models import User
from bot.db.repo import Repo
from bot.render import AnyMarkup
from bot.service import reactivate

log = logging.getLogger(__name__)
Ps = ParamSpec("Ps")


@dataclass
class UserWork:
    """One update's unit of work: its repo and the sender's row (created on first contact).
    Bot API requests made inside it commit the open work first (bot/intake/guard.py)."""

    repo: Repo
    user: User
    created: bool


def with_user(
    handler: Callable[Concatenate[Update, CoachContext, UserWork, Ps], Awaitable[None]],
) -> Callable[Concatenate[Update, CoachContext, Ps], Coroutine[Any, Any, None]]:
    """Run a handler inside a unit of work with the sender loaded: the two lines every
    handler would otherwise open with. (A coroutine function, as PTB's handlers expect.)"""

    async def run(
        update: Update, context: CoachContext, /, *args: Ps.args, **kwargs: Ps.kwargs
    ) -> None:
        async with context.db.uow() as repo:
            user, created = await load_user(repo, update, context)
            await handler(update, context, UserWork(repo, user, created), *args, **kwargs)

    run.__name__, run.__qualname__ = handler.__name__, handler.__qualname__  # for metrics, logs
    run.__module__ = handler.__module__
    run.__doc__ = handler.__doc__
    return run


def ids(update: Update) -> tuple[int, int, str]:
    """(user id, chat id, first name) of whoever sent this update."""
    user = update.effective_user
    chat = update.effective_chat
    assert user is not None and chat is not None
    return user.id, chat.id, user.first_name or ""


async def load_user(repo: Repo, update: Update, context: CoachContext) -> tuple[User, bool]:
    """The sender's row, created on first contact with the operator's default zone."""
    user_id, chat_id, first_name = ids(update)
    user, created = await repo.ensure_user(
        user_id, chat_id, first_name, context.settings.default_timezone
    )
    if user.chat_id != chat_id:
        user.chat_id = chat_id
    if not user.active:
        reactivate(user, datetime.now(UTC))
    return user, created


async def say(
    update: Update, context: CoachContext, html: str, markup: AnyMarkup | None = None
) -> Message:
    """Send into the update's chat, whether it came as a message or a button press."""
    chat = update.effective_chat
    assert chat is not None
    return await context.bot.send_message(chat.id, html, reply_markup=markup)


async def clear_buttons(update: Update) -> None:
    """Take the buttons off a pressed message so it can't be pressed twice. Best effort: the
    state is already committed, so a Telegram hiccup here must not stop the reply."""
    query = update.callback_query
    if query is None or query.message is None or not query.message.is_accessible:
        return
    try:
        await query.edit_message_reply_markup(reply_markup=None)
    except TelegramError as exc:
        log.warning("Could not remove the buttons of a pressed message: %r", exc)
