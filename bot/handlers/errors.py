"""The global error handler: a short apology to the user, the traceback to the log."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, NetworkError, RetryAfter, TimedOut

from bot import render
from bot.handlers.common import Context

log = logging.getLogger(__name__)


async def on_error(update: object, context: Context) -> None:
    err = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    if isinstance(err, (NetworkError, TimedOut, RetryAfter)) and not isinstance(err, Forbidden):
        log.warning("Telegram unreachable handling update %s: %r", update_id, err)
    else:
        log.error("Error handling update %s", update_id, exc_info=err)
    if isinstance(err, Forbidden) or not isinstance(update, Update):
        return
    chat = update.effective_chat
    if chat is None:
        return
    try:
        await context.bot.send_message(chat.id, render.apology())
    except Exception:  # the apology itself may fail when Telegram is down; the log has it all
        log.warning("Could not send the apology for update %s", update_id)
