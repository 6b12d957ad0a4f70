"""/export, /deleteme (with its confirmation buttons) and /privacy."""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime

from telegram import Update
from telegram.error import BadRequest, TelegramError

from bot.actions import Press
from bot.coach.export import ExportRow, sessions_csv
from bot.coach.types import Feeling
from bot.context import CoachContext
from bot.db.models import User, Workout
from bot.handlers.common import ids, load_user, say
from bot.render import privacy as msgs
from bot.render.sessions import notes_text
from bot.service import local_now, workout_notes

log = logging.getLogger(__name__)

FEELINGS = frozenset(f.value for f in Feeling)


# --- /privacy --------------------------------------------------------------------------------
async def privacy_command(update: Update, context: CoachContext) -> None:
    await say(update, context, msgs.privacy_text())


# --- /export ---------------------------------------------------------------------------------
def export_row(w: Workout) -> ExportRow:
    return ExportRow(
        logged_at=w.logged_at,
        local_date=w.local_date,
        duration_s=w.duration_s,
        distance_m=w.distance_m,
        feeling=Feeling(w.feeling) if w.feeling in FEELINGS else None,
        pain=w.pain,
        body_parts=tuple(p for p in w.body_parts.split(";") if p),
        notes=notes_text(workout_notes(w)),
        text=w.text,
        forward_s=w.forward_s,
        forward_m=w.forward_m,
        reps=w.reps,
        mode=w.mode,
        sore=tuple(p for p in w.sore.split(";") if p),
    )


async def export_command(update: Update, context: CoachContext) -> None:
    async with context.services.db.uow() as repo:
        user, _ = await load_user(repo, update, context)
        rows = await repo.all_workouts(user.id)
        day = local_now(user, datetime.now(UTC)).date().isoformat()
        data = sessions_csv(export_row(w) for w in rows) if rows else b""
    if not rows:
        await say(update, context, msgs.export_empty())
        return
    chat = update.effective_chat
    assert chat is not None
    await context.bot.send_document(
        chat.id,
        data,
        filename=msgs.export_filename(day),
        caption=msgs.export_caption(len(rows)),
    )


# --- /deleteme -------------------------------------------------------------------------------
def confirm_token(user: User) -> str:
    """Ties a confirm button to this user *as created then*: another user's button, or one
    from before an earlier deletion (the row is new, so created_at differs), never matches."""
    seed = f"{user.id}:{user.created_at.isoformat()}".encode()
    return hashlib.sha256(seed).hexdigest()[:16]


async def deleteme_command(update: Update, context: CoachContext) -> None:
    """Asks first. Nothing is stored for the question, so Keep really keeps everything as it was
    (a half-finished guided step included)."""
    user_id = ids(update)[0]
    async with context.services.db.uow() as repo:
        user = await repo.get_user(user_id)  # asking must not create a row about the user
        if user is None:
            await say(update, context, msgs.delete_nothing_stored())
            return
        sessions = len(await repo.all_workouts(user.id))
        token = confirm_token(user)
    await say(update, context, msgs.delete_confirm(sessions), msgs.delete_buttons(token))


async def on_delete_button(update: Update, context: CoachContext, press: Press) -> None:
    """dy: delete when the token matches the presser's current row; dn: keep. Anything else
    (a second press, a forged or foreign button) deletes nothing and gets a polite answer."""
    user_id = ids(update)[0]
    own_message = _pressed_in_own_chat(update, user_id)
    token = press.args[0] if press.args else ""
    if press.action == "dn":
        await _close(update, context, user_id, msgs.delete_kept(), own_message)
        return
    async with context.services.db.uow() as repo:
        user = await repo.get_user(user_id)
        valid = user is not None and own_message and token == confirm_token(user)
        if valid:
            await repo.delete_user(user_id)
    if valid:
        log.info("A user deleted all their data")
    await _close(
        update, context, user_id, msgs.deleted() if valid else msgs.delete_stale(), own_message
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
