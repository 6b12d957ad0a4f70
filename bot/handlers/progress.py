"""/progress: this week against the plan, totals, streak, and a chart of the last weeks."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from telegram import Update
from telegram.constants import ChatAction
from telegram.error import TelegramError

from bot.charts import render_progress_chart
from bot.coach.plan import week_starting
from bot.coach.progress import CHART_WEEKS, MAX_STREAK_WEEKS, PlanStep, build_progress
from bot.coach.stats import Totals
from bot.coach.types import WeekStat
from bot.context import CoachContext
from bot.handlers.common import load_user, say
from bot.render import progress as msgs
from bot.service import (
    catch_up_plan,
    fact,
    local_now,
    pain_open,
    paused_through,
    track_weeks,
    user_zone,
)

log = logging.getLogger(__name__)


async def progress_command(update: Update, context: CoachContext) -> None:
    """The report is built in one unit of work; the slow chart is drawn after it closed."""
    content = context.content
    now = datetime.now(UTC)
    async with context.db.uow() as repo:
        user, _ = await load_user(repo, update, context)
        today = local_now(user, now).date()
        await catch_up_plan(repo, content, user, today)  # the plan week shown is current
        monday = week_starting(today)
        rows = await repo.workouts_between(
            user.id, monday - timedelta(weeks=CHART_WEEKS - 1), today
        )
        steps = [PlanStep(*row) for row in await repo.recent_steps(user.id, MAX_STREAK_WEEKS)]
        report = build_progress(
            [fact(w) for w in rows],
            today,
            track_weeks(content, user),
            user.plan_week,
            user.plan_week_start,
            steps,
            first_day=user.created_at.astimezone(user_zone(user)).date(),
            all_time=Totals(*await repo.workout_totals(user)),
            paused_now=paused_through(user, today),
            pain_open=pain_open(user),
        )
    if not report.has_sessions:
        await say(update, context, msgs.first_steps(report.target))
        return
    await say(update, context, msgs.progress_text(report))  # the numbers first, chart or not
    if report.chart_has_sessions:
        await _send_chart(update, context, report.chart)


async def _send_chart(update: Update, context: CoachContext, weeks: Sequence[WeekStat]) -> None:
    """Best effort: a failed chart costs the picture, never the text already sent."""
    chat = update.effective_chat
    assert chat is not None
    try:
        await context.bot.send_chat_action(chat.id, ChatAction.UPLOAD_PHOTO)
        png = await render_progress_chart(weeks)
    except TelegramError as exc:
        log.warning("Progress chart skipped: %s", type(exc).__name__)
        return
    except Exception:
        log.exception("Progress chart could not be drawn")
        await say(update, context, msgs.chart_failed())
        return
    try:
        await context.bot.send_photo(
            chat.id, png, caption=msgs.chart_caption(), filename=msgs.CHART_FILENAME
        )
    except TelegramError as exc:
        log.warning("Progress chart not sent: %s", type(exc).__name__)
