"""The reminder dispatcher, run every few seconds by PTB's JobQueue (APScheduler).

Each run claims the users whose reminder, snooze or weekly summary is due (on PostgreSQL with
FOR UPDATE SKIP LOCKED, so replicas never take the same row), records a delivery per user,
local date and kind (the unique key that makes "never twice" hold), moves each schedule to its
next instant and commits; only then does it send, paced by the rate limiter. A crash between the
commit and the send loses that one reminder rather than ever sending it twice.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import httpx
from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import ContextTypes

from bot import metrics, render
from bot.callbacks import cb
from bot.coach import plan, stats
from bot.coach.schedule import local_date_of, next_occurrence
from bot.coaching import (
    catch_up_plan,
    fact,
    local_now,
    today_target,
    track_weeks,
    training_days,
    user_zone,
    week_target,
)
from bot.content import Content
from bot.db.models import User
from bot.db.repo import Repo
from bot.db.session import Database
from bot.deps import deps
from bot.render.guide import guide_button

log = logging.getLogger(__name__)

LATE_LIMIT = timedelta(hours=2)  # a reminder missed by more than this is skipped, not sent
SNOOZE = timedelta(hours=1)
SUMMARY_AT = time(19, 0)
MAX_ATTEMPTS = 4  # tries per message for 5xx and connection errors (a 429 waits its retry_after)
RETRY_BASE_S = 0.25  # back-off between those tries: 0.5 s, 1 s, 2 s, ... capped at 5 s
INDEFINITE = datetime(9999, 1, 1, tzinfo=UTC)  # /pause with no end: until /resume
CLAIM_BATCH = 500
SEND_CONCURRENCY = 30


@dataclass(frozen=True)
class Outgoing:
    user_id: int
    chat_id: int
    kind: str  # "reminder", "snooze" or "summary"
    local_date: date
    text: str
    markup: render.Keyboard | None


# --- schedules -------------------------------------------------------------------------------
def parse_hhmm(value: str) -> time:
    hh, _, mm = value.partition(":")
    try:
        return time(int(hh), int(mm or 0))
    except ValueError:
        return time(18, 0)


def summary_time(user: User) -> time:
    """Sunday evening: 19:00, or an hour after the reminder when that is late in the day
    (never past 23:59, and always after the reminder)."""
    at = parse_hhmm(user.remind_time)
    if at < time(18, 0):
        return SUMMARY_AT
    if at.hour >= 23:
        return time(23, 59) if at < time(23, 59) else at
    return time(at.hour + 1, at.minute)


def reschedule(user: User, now: datetime) -> None:
    """Store the next reminder and summary instants (UTC) from the user's settings."""
    if (
        not user.active
        or not user.reminders_on
        or (user.paused_until is not None and user.paused_until >= INDEFINITE)
    ):
        user.next_reminder_at = user.next_summary_at = None
        return
    tz = user_zone(user)
    after = max(now, user.paused_until) if user.paused_until else now
    user.next_reminder_at = next_occurrence(
        after, training_days(user), parse_hhmm(user.remind_time), tz
    )
    user.next_summary_at = next_occurrence(after, frozenset({6}), summary_time(user), tz)


def is_paused(user: User, now: datetime) -> bool:
    return user.paused_until is not None and user.paused_until > now


# --- what is due -----------------------------------------------------------------------------
def reminder_buttons(day: date, snooze: bool = True) -> render.Keyboard:
    """Done / Snooze 1 h / Skip; a snoozed reminder comes back without another Snooze."""
    stamp = day.strftime("%Y%m%d")
    row = [("✅ Done", cb("rd", stamp))]
    if snooze:
        row.append(("⏰ Snooze 1 h", cb("rz", stamp)))
    row.append(("Skip today", cb("rs", stamp)))
    return render.keyboard([row, [guide_button()]])


async def _reminder(
    repo: Repo, content: Content, user: User, day: date, kind: str
) -> Outgoing | None:
    if await repo.logged_on(user.id, day):
        return None
    target = today_target(content, user, day) or week_target(content, user)
    text = render.reminder(user.first_name, user.plan_week, target, kind == "snooze")
    markup = reminder_buttons(day, snooze=kind != "snooze")
    return Outgoing(user.id, user.chat_id, kind, day, text, markup)


async def _summary(repo: Repo, content: Content, user: User, day: date) -> Outgoing:
    monday = plan.week_starting(day)
    rows = await repo.workouts_between(user.id, monday, day)
    target = week_target(content, user)
    review = plan.review_week([fact(r) for r in rows], user.plan_week, target)
    preview = plan.progress(review)
    history = await repo.workouts_between(user.id, monday - timedelta(weeks=11), day)
    weeks = track_weeks(content, user)
    week_stats = stats.weekly_stats(
        [fact(r) for r in history], 12, day, target_for=lambda _d: target
    )
    nxt = plan.target_for_week(weeks, preview.new_week) or target
    text = render.weekly_summary(
        review, stats.weekly_streak(week_stats), preview.reason, nxt.week, nxt.focus
    )
    return Outgoing(user.id, user.chat_id, "summary", day, text, None)


async def _due_for(repo: Repo, content: Content, user: User, now: datetime) -> list[Outgoing]:
    out: list[Outgoing] = []
    tz = user_zone(user)
    await catch_up_plan(repo, content, user, local_now(user, now).date())
    due_items: list[tuple[str, datetime]] = []
    if user.snooze_until is not None and user.snooze_until <= now:
        if user.reminders_on:  # /remind off after a snooze: the snooze goes too
            due_items.append(("snooze", user.snooze_until))
        user.snooze_until = None
    if user.next_reminder_at is not None and user.next_reminder_at <= now:
        due_items.append(("reminder", user.next_reminder_at))
    if user.next_summary_at is not None and user.next_summary_at <= now:
        due_items.append(("summary", user.next_summary_at))
    reschedule(user, now)
    for kind, due in due_items:
        day = local_date_of(due, tz)
        if now - due > LATE_LIMIT or is_paused(user, now):
            continue
        item = (
            await _summary(repo, content, user, day)
            if kind == "summary"
            else await _reminder(repo, content, user, day, kind)
        )
        if item is not None and await repo.record_delivery(user.id, day, kind, status="sending"):
            out.append(item)
    return out


async def collect_due(db: Database, content: Content, now: datetime) -> list[Outgoing]:
    """Claim, decide and advance in one transaction; the sends happen after it commits."""
    async with db.uow() as repo:
        users = await repo.claim_due(now, CLAIM_BATCH)
        out: list[Outgoing] = []
        for user in users:
            out += await _due_for(repo, content, user, now)
    return out


# --- sending ---------------------------------------------------------------------------------
def _unreached(err: NetworkError) -> bool:
    """True when Telegram surely did not act on the request, so sending again cannot duplicate
    it: an error answer (5xx) or a connection that never got through. A read timeout may
    come after Telegram delivered the message, so that one is not retried ("never twice")."""
    cause = err.__cause__
    if cause is None:
        return True
    return isinstance(cause, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)


async def send_one(bot: Bot, db: Database, item: Outgoing) -> str:
    """Send with bounded retries; returns the delivery status stored.

    "sent", "blocked" (403, or the chat is gone: the user is marked inactive), "failed"
    (gave up after MAX_ATTEMPTS or a permanent error) or "unconfirmed" (the request may have
    reached Telegram; not repeated).
    """
    status, message_id = "failed", None
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            msg = await bot.send_message(item.chat_id, item.text, reply_markup=item.markup)
            status, message_id = "sent", msg.message_id
            break
        except Forbidden:
            status = "blocked"
            break
        except RetryAfter as err:
            log.warning("Telegram asked to wait %.0f s before the next reminder", _seconds(err))
            if attempt < MAX_ATTEMPTS:
                await asyncio.sleep(_seconds(err))
        except BadRequest as err:
            log.warning("Reminder to user %s rejected: %s", item.user_id, err.message)
            if "chat not found" in err.message.lower():
                status = "blocked"
            break
        except (TimedOut, NetworkError) as err:
            if not _unreached(err):
                log.warning("Reminder to user %s may not have arrived: %r", item.user_id, err)
                status = "unconfirmed"
                break
            log.warning("Reminder to user %s failed (attempt %s): %r", item.user_id, attempt, err)
            if attempt < MAX_ATTEMPTS:
                await asyncio.sleep(min(2**attempt * RETRY_BASE_S, 5))
        except TelegramError as err:
            log.warning("Reminder to user %s failed: %r", item.user_id, err)
            break
    metrics.reminder_outcome(status)
    async with db.uow() as repo:
        await repo.set_delivery_message(
            item.user_id, item.local_date, item.kind, message_id, status
        )
        if status == "blocked":
            await repo.mark_inactive(item.user_id)
    if status == "failed":
        log.error("Gave up on the %s for user %s", item.kind, item.user_id)
    return status


def _seconds(err: RetryAfter) -> float:
    return float(err._retry_after.total_seconds()) + 0.1


async def deliver(bot: Bot, db: Database, items: list[Outgoing]) -> list[str]:
    gate = asyncio.Semaphore(SEND_CONCURRENCY)

    async def one(item: Outgoing) -> str:
        async with gate:
            return await send_one(bot, db, item)

    return list(await asyncio.gather(*(one(i) for i in items)))


async def dispatch_once(
    bot: Bot, db: Database, content: Content, now: datetime | None = None
) -> list[str]:
    items = await collect_due(db, content, now or datetime.now(UTC))
    metrics.reminders_claimed(len(items))
    if items:
        log.info("Sending %s reminders/summaries", len(items))
    return await deliver(bot, db, items)


async def dispatch_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    d = deps(context.bot_data)
    await dispatch_once(context.bot, d.db, d.content)
