"""/go and the ▶️ Audio guide button: today's session (or a typed one) as a voice message;
/calendar: the coming plan days as an .ics file."""

from __future__ import annotations

import logging
import math
from datetime import UTC, datetime

from telegram import Update
from telegram.constants import ChatAction
from telegram.error import BadRequest, TelegramError

from bot import actions, calendar_ics, guide_audio
from bot.coach.calendar import event_minutes, plan_days
from bot.coach.guide import Guide, GuideError, Today, build_guide, draft_blocks
from bot.coach.parsing import parse_log
from bot.coach.types import ParseError
from bot.context import CoachContext
from bot.handlers.common import UserWork, load_user, say, with_user
from bot.render import guide as msgs
from bot.service import (
    INDEFINITE,
    catch_up_plan,
    guide_today,
    local_now,
    parse_hhmm,
    pause_end_day,
    track_weeks,
    training_days,
    user_zone,
    week_target,
)

log = logging.getLogger(__name__)

MAX_TEXT = 500
VOICE_FORBIDDEN = "voice_messages_forbidden"  # Telegram's error text for refused voice


async def go_command(update: Update, context: CoachContext) -> None:
    text = " ".join(context.args or []).strip()
    if text:
        await _typed_guide(update, context, text[: MAX_TEXT + 1])
    else:
        await _todays_guide(update, context, anyway=False)


async def on_guide_button(update: Update, context: CoachContext, pressed: actions.Guide) -> None:
    await _todays_guide(update, context, anyway=pressed.anyway == msgs.ANYWAY)


async def _todays_guide(update: Update, context: CoachContext, anyway: bool) -> None:
    """The unit of work ends before the voice is built: a slow build holds no connection."""
    async with context.db.uow() as repo:
        user, _ = await load_user(repo, update, context)
        today = local_now(user, datetime.now(UTC)).date()
        decision = await guide_today(repo, context.content, user, today, anyway=anyway)
        week = user.plan_week
        target = week_target(context.content, user)
    if decision.verdict is Today.STOP:
        await say(update, context, msgs.stop_today())
        return
    if decision.verdict is Today.REST_DAY:
        await say(update, context, *msgs.rest_day(target))
        return
    try:
        guide = build_guide(decision.blocks)
    except GuideError:  # a plan week without timed parts: say what to do instead
        await say(update, context, msgs.guide_failed(target.workout))
        return
    if decision.verdict is Today.EASY:
        await say(update, context, msgs.easy_note())
        head = msgs.EASY_HEAD
    else:
        head = msgs.plan_head(week, target)
    await _send_guide(update, context, guide, head, target.workout)


async def _typed_guide(update: Update, context: CoachContext, text: str) -> None:
    """A session the user typed; pain today or a warning sign still means rest, as for /go."""
    async with context.db.uow() as repo:
        user, _ = await load_user(repo, update, context)
        today = local_now(user, datetime.now(UTC)).date()
        decision = await guide_today(repo, context.content, user, today, anyway=True)
    if decision.verdict is Today.STOP:
        await say(update, context, msgs.stop_today())
        return
    parsed = parse_log(text)
    if isinstance(parsed, ParseError):
        await say(update, context, msgs.typed_error(parsed.code))
        return
    try:
        guide = build_guide(draft_blocks(parsed))
    except GuideError as exc:
        await say(update, context, msgs.guide_error(exc.code))
        return
    await _send_guide(update, context, guide, msgs.CUSTOM_HEAD, text)


async def _send_guide(
    update: Update, context: CoachContext, guide: Guide, head: str, fallback: str
) -> None:
    chat = update.effective_chat
    assert chat is not None
    caption = msgs.guide_caption(guide, head)
    endpoint = context.bot.base_url
    duration = math.ceil(guide.total_s)
    file_id = guide_audio.uploaded(endpoint, guide)
    forbidden = False  # their privacy settings refuse voice messages
    if file_id is not None:  # sent before: Telegram has it, no upload needed
        try:
            await context.bot.send_voice(chat.id, file_id, duration=duration, caption=caption)
            return
        except BadRequest as exc:
            forbidden = VOICE_FORBIDDEN in exc.message.lower()
            if not forbidden:  # the id itself was refused
                log.warning("Stored voice file id refused, uploading again: %s", exc.message)
                guide_audio.remember_upload(endpoint, guide, None)
    try:
        await context.bot.send_chat_action(chat.id, ChatAction.UPLOAD_VOICE)
    except TelegramError as exc:
        log.warning("Chat action skipped: %s", type(exc).__name__)
    try:
        made = await guide_audio.build_voice(guide)
    except Exception:
        log.exception("Audio guide could not be built")
        await say(update, context, msgs.guide_failed(fallback))
        return
    if not forbidden:
        try:
            sent = await context.bot.send_voice(
                chat.id,
                made.data,
                duration=made.duration_s,
                caption=caption,
                filename=msgs.GUIDE_FILENAME,
            )
        except BadRequest as exc:
            if VOICE_FORBIDDEN not in exc.message.lower():
                raise
        else:
            if sent.voice is not None:
                guide_audio.remember_upload(endpoint, guide, sent.voice.file_id)
            return
    # Voice messages refused: the same file as a document plays in the chat too.
    await context.bot.send_document(
        chat.id, made.data, filename=msgs.GUIDE_FILENAME, caption=msgs.as_file_caption(caption)
    )


@with_user
async def calendar_command(update: Update, context: CoachContext, work: UserWork) -> None:
    now, user = datetime.now(UTC), work.user
    today = local_now(user, now).date()
    await catch_up_plan(work.repo, context.content, user, today)
    paused = pause_end_day(user, now)
    days = plan_days(
        track_weeks(context.content, user), user.plan_week, today, training_days(user), paused
    )
    if not days:
        on_hold = paused is not None and paused.year >= INDEFINITE.year
        await say(update, context, msgs.calendar_empty(paused=on_hold))
        return
    items = [
        calendar_ics.CalendarDay(
            d.day,
            msgs.calendar_summary(d.target),
            msgs.calendar_description(d.target),
            event_minutes(d.target.blocks),
        )
        for d in days
    ]
    at = parse_hhmm(user.remind_time)
    data = calendar_ics.plan_calendar(
        user.id, items, at, user_zone(user), now, msgs.calendar_name()
    )
    chat = update.effective_chat
    assert chat is not None
    await context.bot.send_document(
        chat.id,
        data,
        filename=msgs.CALENDAR_FILENAME,
        caption=msgs.calendar_caption(
            len(days), days[0].day, days[-1].day, days[-1].target.week, at, user.timezone
        ),
    )
