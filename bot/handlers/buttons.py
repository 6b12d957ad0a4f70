"""One entry for every button press: parse the payload, answer the query, route by its type."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from telegram import Update
from telegram.constants import ChatType

from bot import render
from bot.actions import Payload, parse
from bot.context import CoachContext

P = TypeVar("P", bound=Payload)
Route = Callable[[Update, CoachContext, Any], Awaitable[None]]

ROUTES: dict[type[Payload], Route] = {}


def route(shape: type[P], handler: Callable[[Update, CoachContext, P], Awaitable[None]]) -> None:
    """The handler a payload type reaches; one each."""
    if shape in ROUTES and ROUTES[shape] is not handler:
        raise ValueError(f"{shape.__name__} is routed twice")
    ROUTES[shape] = handler


async def on_button(update: Update, context: CoachContext) -> None:
    query = update.callback_query
    assert query is not None
    if not _own_chat(update):
        await query.answer(render.stale_button(), show_alert=True)
        return
    pressed = parse(query.data)
    handler = ROUTES.get(type(pressed)) if pressed is not None else None
    if handler is None:
        await query.answer(render.stale_button(), show_alert=True)
        return
    await query.answer()
    await handler(update, context, pressed)


def _own_chat(update: Update) -> bool:
    """In a private chat only its owner can press (a forged press from anyone else is refused)."""
    query, chat = update.callback_query, update.effective_chat
    if query is None or chat is None or chat.type != ChatType.PRIVATE:
        return True
    return query.from_user.id == chat.id
