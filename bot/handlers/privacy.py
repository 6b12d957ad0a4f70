"""/export, /deleteme (with its confirmation buttons) and /privacy."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from telegram import Update
from telegram.error import BadRequest, TelegramError

from bot.actions import DeleteNo, DeleteYes
from bot.coach.export import sessions_csv
from bot.context import CoachContext
from bot.handlers.common import UserWork, ids, say, with_user
from bot.render import privacy as msgs
from bot.render.sessions import notes_text
from bot.service import delete_token, export_row, local_now, workout_notes

log = logging.getLogger(__name__)


# --- /privacy --------------------------------------------------------------------------------
async def privacy_command(update: Update, context: CoachContext) -> None:
    await say(update, context, msgs.privacy_text())


# --- /export ---------------------------------------------------------------------------------
@with_user
async def export_command(update: Update, context: CoachContext, work: UserWork) -> None:
    rows = await work.repo.all_workouts(work.user.id)
    if not rows:
        await say(update, context, msgs.export_empty())
        return
    day = local_now(work.user, datetime.now(UTC)).date().isoformat()
    data = sessions_csv(export_row(w, notes_text(workout_notes(w))) for w in rows)
    chat = update.effective_chat
    assert chat is not None
    await context.bot.send_document(
        chat.id,
        data,
        filename=msgs.export_filename(day),
        caption=msgs.export_caption(len(rows)),
    )


# --- /deleteme -------------------------------------------------------------------------------
async def deleteme_command(update: Update, context: CoachContext) -> None:
    """Asks first. Nothing is stored for the question, so Keep really keeps everything as it was
    (a half-finished guided step included)."""
    user_id = ids(update)[0]
    async with context.db.uow() as repo:
        user = await repo.get_user(user_id)  # asking must not create a row about the user
        if user is None:
            await say(update, context, msgs.delete_nothing_stored())
            return
        sessions = len(await repo.all_workouts(user.id))
        token = delete_token(user)
    await say(update, context, msgs.delete_confirm(sessions), msgs.delete_buttons(token))


async def on_delete_yes(update: Update, context: CoachContext, pressed: DeleteYes) -> None:
    """Delete only when the token matches the presser's current row. Anything else (a second
    press, a forged or foreign button) deletes nothing and gets a polite answer."""
    user_id = ids(update)[0]
    own_message = _pressed_in_own_chat(update, user_id)
    async with context.db.uow() as repo:
        user = await repo.get_user(user_id)
        valid = user is not None and own_message and pressed.token == delete_token(user)
        if valid:
            await repo.delete_user(user_id)
    if valid:
        log.info("A user deleted all their data")
    await _close(
        update, context, user_id, msgs.deleted() if valid else msgs.delete_stale(), own_message
    )


async def on_delete_no(update: Update, context: CoachContext, pressed: DeleteNo) -> None:
    """Keep: nothing was stored for the question, so nothing changes."""
    user_id = ids(update)[0]
    await _close(
        update, context, user_id, msgs.delete_kept(), _pressed_in_own_chat(update, user_id)
    )


def _pressed_in_own_chat(update: Update, user_id: int) -> bool:
    query = update.callback_query
    message = query.message if query is not None else None
    return message is not None and message.chat.id == user_id


async def _close(
    update: Update, context: CoachContext, user_id: int, html: str, own_message: bool
) -> None:
    """Replace the pressed confirmation with the outcome, so its buttons are gone; when that
    can't be done (someone else's message, no buttons left, too old), answer in a new message."""
    query = update.callback_query
    message = query.message if query is not None else None
    editable = (
        query is not None
        and own_message
        and message is not None
        and message.is_accessible
        and getattr(message, "reply_markup", None) is not None
    )
    if editable and query is not None:
        try:
            await query.edit_message_text(html, reply_markup=None)
            return
        except BadRequest as exc:
            log.warning("Could not close the delete confirmation: %s", exc.message)
    try:
        await context.bot.send_message(user_id, html)  # private chat: chat id == user id
    except TelegramError as exc:
        log.warning("Could not answer a delete button: %s", type(exc).__name__)
