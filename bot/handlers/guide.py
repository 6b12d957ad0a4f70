"""/go and the ▶️ Audio guide button: today's session (or a typed one) as a voice message;
/calendar: the coming plan days as an .ics file."""

from __future__ import annotations

import logging
import math
from datetime import UTC, datetime

from telegram import Update
from telegram.constants import ChatAction
from telegram.error import BadRequest, TelegramError

from bot import calendar_ics, guide_audio
from bot.actions import Press
from bot.coach.calendar import plan_days
from bot.coach.guide import Guide, GuideError, Today, build_guide, draft_blocks
from bot.coach.parsing import parse_log
from bot.coach.sessions import Block
from bot.coach.types import ParseError
from bot.context import CoachContext
from bot.handlers.common import load_user, say
from bot.render import guide as msgs
from bot.service import (
    INDEFINITE,
    catch_up_plan,
    guide_today,
    local_now,
    parse_hhmm,
    track_weeks,
    training_days,
    user_zone,
    week_target,
)

log = logging.getLogger(__name__)

MAX_TEXT = 500
FILENAME = "audio-guide.ogg"
VOICE_FORBIDDEN = "voice_messages_forbidden"
MIN_EVENT_MIN = 20
WARM_UP_MIN = 10


async def go_command(update: Update, context: CoachContext) -> None:
    text = " ".join(context.args or []).strip()
    if text:
        await _typed_guide(update, context, text[: MAX_TEXT + 1])
    else:
        await _todays_guide(update, context, anyway=False)


async def on_guide_button(update: Update, context: CoachContext, press: Press) -> None:
    await _todays_guide(update, context, anyway=msgs.ANYWAY in press.args)


async def _todays_guide(update: Update, context: CoachContext, anyway: bool) -> None:
    deps = context.services
    async with deps.db.uow() as repo:
        user, _ = await load_user(repo, update, context)
        today = local_now(user, datetime.now(UTC)).date()
        decision = await guide_today(repo, deps.content, user, today, anyway=anyway)
        week = user.plan_week
        target = week_target(deps.content, user)
    if decision.verdict is Today.STOP:
        await say(update, context, msgs.stop_today())
        return
    if decision.verdict is Today.REST_DAY:
        await say(update, context, msgs.rest_day(target), msgs.rest_day_keyboard())
        return
    try:
        guide = build_guide(decision.blocks)
    except GuideError:  # a plan week without timed parts: say what to do instead
        await say(update, context, msgs.guide_failed(target.workout))
        return
    if decision.verdict is Today.EASY:
        await say(update, context, msgs.easy_note())
        head = msgs.easy_head()
    else:
        head = msgs.plan_head(week, target)
    await _send_guide(update, context, guide, head, target.workout)


async def _typed_guide(update: Update, context: CoachContext, text: str) -> None:
    """A session the user typed; pain today or a warning sign still means rest, as for /go."""
    deps = context.services
    async with deps.db.uow() as repo:
        user, _ = await load_user(repo, update, context)
        today = local_now(user, datetime.now(UTC)).date()
        decision = await guide_today(repo, deps.content, user, today, anyway=True)
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
    await _send_guide(update, context, guide, msgs.custom_head(), text)


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
                chat.id, made.data, duration=made.duration_s, caption=caption, filename=FILENAME
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
        chat.id, made.data, filename=FILENAME, caption=msgs.as_file_caption(caption)
    )


async def calendar_command(update: Update, context: CoachContext) -> None:
    deps = context.services
    now = datetime.now(UTC)
    async with deps.db.uow() as repo:
        user, _ = await load_user(repo, update, context)
        today = local_now(user, now).date()
        await catch_up_plan(repo, deps.content, user, today)
        tz = user_zone(user)
        paused = None
        if user.paused_until is not None and user.paused_until > now:
            paused = user.paused_until.astimezone(tz).date()
        on_hold = paused is not None and paused.year >= INDEFINITE.year
        days = plan_days(
            track_weeks(deps.content, user), user.plan_week, today, training_days(user), paused
        )
        user_id, zone_name, at = user.id, user.timezone, parse_hhmm(user.remind_time)
    if not days:
        await say(update, context, msgs.calendar_empty(paused=on_hold))
        return
    items = [
        calendar_ics.CalendarDay(
            d.day,
            msgs.calendar_summary(d.target),
            msgs.calendar_description(d.target),
            _event_minutes(d.target.blocks),
        )
        for d in days
    ]
    data = calendar_ics.plan_calendar(user_id, items, at, tz, now, msgs.calendar_name())
    chat = update.effective_chat
    assert chat is not None
    await context.bot.send_document(
        chat.id,
        data,
        filename="backward-running-plan.ics",
        caption=msgs.calendar_caption(
            len(days), days[0].day, days[-1].day, days[-1].target.week, at, zone_name
        ),
    )


def _event_minutes(blocks: tuple[Block, ...]) -> int:
    """A warm-up plus the guided part, rounded up to 5 minutes, at least MIN_EVENT_MIN."""
    try:
        workout_min = build_guide(blocks).workout_s / 60
    except GuideError:
        workout_min = 0.0
    total = WARM_UP_MIN + workout_min
    return max(MIN_EVENT_MIN, int(-(-total // 5) * 5))
