"""One entry for every button press: parse the payload, answer the query, dispatch by action."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.constants import ChatType

from bot import render
from bot.actions import Press, parse
from bot.handlers.common import Context

ButtonHandler = Callable[[Update, Context, Press], Awaitable[None]]

ACTIONS: dict[str, ButtonHandler] = {}


def register(handler: ButtonHandler, *actions: str) -> None:
    for action in actions:
        ACTIONS[action] = handler


async def on_button(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None
    press = parse(query.data)
    handler = ACTIONS.get(press.action) if press else None
    if press is None or handler is None or not _own_chat(update):
        await query.answer(render.stale_button(), show_alert=True)
        return
    await query.answer()
    await handler(update, context, press)


def _own_chat(update: Update) -> bool:
    """In a private chat only its owner can press (a forged press from anyone else is refused)."""
    query, chat = update.callback_query, update.effective_chat
    if query is None or chat is None or chat.type != ChatType.PRIVATE:
        return True
    return query.from_user.id == chat.id
