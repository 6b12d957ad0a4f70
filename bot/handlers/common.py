"""Small helpers every handler module shares."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from telegram import Message, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.db.models import User
from bot.db.repo import Repo
from bot.deps import Deps, deps
from bot.dispatcher import reschedule
from bot.render import AnyMarkup

Context = ContextTypes.DEFAULT_TYPE
log = logging.getLogger(__name__)


def get_deps(context: Context) -> Deps:
    return deps(context.bot_data)


def ids(update: Update) -> tuple[int, int, str]:
    """(user id, chat id, first name) of whoever sent this update."""
    user = update.effective_user
    chat = update.effective_chat
    assert user is not None and chat is not None
    return user.id, chat.id, user.first_name or ""


async def load_user(repo: Repo, update: Update, context: Context) -> tuple[User, bool]:
    """The sender's row, created on first contact with the operator's default zone."""
    user_id, chat_id, first_name = ids(update)
    user, created = await repo.ensure_user(
        user_id, chat_id, first_name, get_deps(context).settings.default_timezone
    )
    if user.chat_id != chat_id:
        user.chat_id = chat_id
    if not user.active:  # they blocked the bot once; a new message means they are back
        user.active = True
        reschedule(user, datetime.now(UTC))
    return user, created


async def say(
    update: Update, context: Context, html: str, markup: AnyMarkup | None = None
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
