"""The global error handler: a short apology to the user, the traceback to the log."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, NetworkError, RetryAfter, TimedOut

from bot.context import CoachContext
from bot.db.faults import unreachable
from bot.handling import UpdateTakenOver, current
from bot.render import basics as msgs

log = logging.getLogger(__name__)


async def on_error(update: object, context: CoachContext) -> None:
    err = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    handling = current()
    if isinstance(err, UpdateTakenOver):
        log.info("Update %s was handled by another process; nothing done here", update_id)
        return
    if err is not None and unreachable(err) and handling is not None and not handling.done:
        # Nothing of this update reached the database or the user yet, and it is stored:
        # it is tried again once the database answers, so the user gets one real answer.
        log.warning("Database unreachable handling update %s; will retry: %r", update_id, err)
        handling.retry = True
        return
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
        await context.bot.send_message(chat.id, msgs.apology())
    except Exception:  # the apology itself may fail when Telegram is down; the log has it all
        log.warning("Could not send the apology for update %s", update_id)
