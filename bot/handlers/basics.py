"""First contact and the catch-alls: /start, /help, /cancel, unknown commands, groups, edits."""

from __future__ import annotations

from datetime import UTC, datetime

from telegram import ChatMember, Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop

from bot.context import CoachContext
from bot.handlers.common import UserWork, say, with_user
from bot.render import basics as msgs
from bot.service import reactivate


async def on_my_chat_member(update: Update, context: CoachContext) -> None:
    """Blocking the bot ends reminders at once; unblocking (or /start again) brings them back.
    Nothing is sent: a blocked user can't receive it, a returning one says what they want."""
    member = update.my_chat_member
    if member is None or member.chat.type != ChatType.PRIVATE:
        return
    status = member.new_chat_member.status
    async with context.db.uow() as repo:
        user = await repo.lock_user(member.from_user.id)
        if user is None:
            raise ApplicationHandlerStop  # never talked to us: nothing to keep
        if status in (ChatMember.BANNED, ChatMember.LEFT):
            await repo.mark_inactive(user.id)
        elif status == ChatMember.MEMBER and not user.active:
            reactivate(user, datetime.now(UTC))
    raise ApplicationHandlerStop


async def private_only(update: Update, context: CoachContext) -> None:
    """In groups the bot answers commands with a pointer to a private chat and does nothing else."""
    chat = update.effective_chat
    if chat is None or chat.type == ChatType.PRIVATE:
        return
    msg = update.effective_message
    if msg is not None and msg.text and msg.text.startswith("/") and update.message is not None:
        await update.message.reply_text(msgs.group_pointer())
    raise ApplicationHandlerStop


async def help_command(update: Update, context: CoachContext) -> None:
    await say(update, context, msgs.help_text())


async def unknown_command(update: Update, context: CoachContext) -> None:
    msg = update.effective_message
    command = (msg.text or "").split()[0] if msg and msg.text else "that"
    await say(update, context, msgs.unknown_command(command))


async def edited(update: Update, context: CoachContext) -> None:
    await say(update, context, msgs.edited_message())


@with_user
async def cancel(update: Update, context: CoachContext, work: UserWork) -> None:
    had = await work.repo.clear_conversation(work.user.id)
    await work.repo.commit()
    await say(update, context, msgs.cancelled(had))
