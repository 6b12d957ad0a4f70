"""/remind, /timezone (and shared locations), /pause, /resume, and the reminder buttons."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from datetime import UTC, datetime
from functools import wraps
from typing import Any, TypeVar

from telegram import Update

from bot import render
from bot.actions import OfReminder, ReminderDone, ReminderSkip, ReminderSnooze, Zone
from bot.coach.days import days_field
from bot.coach.pause import PauseFor, parse_pause
from bot.coach.schedule import (
    RemindError,
    RemindOff,
    apply_remind,
    format_days,
    parse_remind,
)
from bot.coach.timezones import ZoneChoices, ZoneFound, ZoneUnknown, resolve_zone
from bot.context import CoachContext
from bot.db.models import User
from bot.handlers.common import UserWork, say, with_user
from bot.render import log as log_msgs
from bot.render import reminders as msgs
from bot.render import zones as zone_msgs
from bot.service import (
    as_told,
    local_now,
    pause,
    pause_of,
    reminder_done,
    reschedule,
    resume,
    set_remind_time,
    snooze,
    training_days,
    user_zone,
)

Pressed = TypeVar("Pressed", bound=OfReminder)


def schedule(user: User, now: datetime) -> msgs.Schedule:
    """What /remind shows, read from the row."""
    return msgs.Schedule(
        on=user.reminders_on and user.active,
        days=format_days(training_days(user)),
        at=user.remind_time,
        zone_name=user.timezone,
        zone=user_zone(user),
        next_at=user.next_reminder_at,
        pause=pause_of(user, now),
    )


@with_user
async def remind_command(update: Update, context: CoachContext, work: UserWork) -> None:
    args = " ".join(context.args or [])
    now = datetime.now(UTC)
    user = work.user
    if not args.strip():
        await say(update, context, msgs.remind_status(schedule(user, now)))
        return
    parsed = parse_remind(args[:200])
    if isinstance(parsed, RemindOff):
        user.reminders_on = False
        user.snooze_until = None
    else:
        spec = parsed
        if not isinstance(parsed, RemindError):
            spec = apply_remind(parsed, training_days(user))
        if isinstance(spec, RemindError):
            await say(update, context, msgs.remind_usage(spec))
            return
        user.training_days = days_field(spec.days)
        set_remind_time(user, spec.at)
        user.active = True
    reschedule(user, now)
    await say(update, context, msgs.remind_status(schedule(user, now)))


# --- time zones ------------------------------------------------------------------------------
async def set_zone(
    update: Update, context: CoachContext, work: UserWork, name: str, found: ZoneFound | None
) -> None:
    """Store the zone, move the schedules to it, and say what time it is there."""
    now = datetime.now(UTC)
    work.user.timezone = name
    reschedule(work.user, now)
    await work.repo.commit()
    place = found.place if found else ""
    note = zone_msgs.other_place(place, found.other) if found and found.other else ""
    text = zone_msgs.timezone_set(name, now, user_zone(work.user), place, note)
    await say(update, context, text, zone_msgs.remove_reply_keyboard())


async def timezone_command(update: Update, context: CoachContext) -> None:
    text = " ".join(context.args or []).strip()
    if not text:
        await _zone_usage(update, context)
        return
    # in a worker thread, before the unit of work: the first place lookup reads the city
    # table (under a second), and no database lock should wait for it
    found = await asyncio.to_thread(resolve_zone, text[:100])
    await _zone_answer(update, context, text, found)


@with_user
async def _zone_usage(update: Update, context: CoachContext, work: UserWork) -> None:
    usage = zone_msgs.timezone_usage(work.user.timezone)
    await say(update, context, usage, zone_msgs.location_keyboard())


@with_user
async def _zone_answer(
    update: Update,
    context: CoachContext,
    work: UserWork,
    text: str,
    found: ZoneFound | ZoneChoices | ZoneUnknown,
) -> None:
    if isinstance(found, ZoneFound):
        await set_zone(update, context, work, found.name, found)
        return
    if isinstance(found, ZoneChoices):
        markup = zone_msgs.choice_keyboard(found.options)
        await say(update, context, zone_msgs.choices(text, found), markup)
        return
    typo = zone_msgs.choice_keyboard(found.options) if found.options else None
    await say(update, context, zone_msgs.timezone_unknown(text, found.suggestions), typo)


@with_user
async def on_zone(update: Update, context: CoachContext, work: UserWork, pressed: Zone) -> None:
    found = resolve_zone(pressed.zone)
    if not isinstance(found, ZoneFound):
        await say(update, context, render.stale_button())
        return
    await set_zone(update, context, work, found.name, None)


async def located(update: Update, context: CoachContext, work: UserWork, name: str | None) -> None:
    """A shared location (outside the zone step): its zone (see coach.timezones.zone_at)."""
    if name is None:
        await say(update, context, zone_msgs.location_unknown())
        return
    await set_zone(update, context, work, name, None)


# --- pause / resume --------------------------------------------------------------------------
async def pause_command(update: Update, context: CoachContext) -> None:
    asked = parse_pause(context.args or [])
    if asked is None:
        await say(update, context, msgs.pause_usage())
        return
    await _pause(update, context, asked)


@with_user
async def _pause(update: Update, context: CoachContext, work: UserWork, asked: PauseFor) -> None:
    now = datetime.now(UTC)
    pause(work.user, now, asked)
    await say(update, context, msgs.paused(pause_of(work.user, now), user_zone(work.user)))


@with_user
async def resume_command(update: Update, context: CoachContext, work: UserWork) -> None:
    resume(work.user, datetime.now(UTC))
    text = msgs.resumed(work.user.next_reminder_at, user_zone(work.user))
    await say(update, context, text)


# --- reminder buttons ------------------------------------------------------------------------
async def _close_reminder(update: Update, outcome: str) -> None:
    query = update.callback_query
    if query is None or query.message is None or not query.message.is_accessible:
        return
    original = getattr(query.message, "text_html", None) or ""
    await query.edit_message_text(msgs.reminder_closed(original, outcome), reply_markup=None)


def on_its_day(
    handler: Callable[[Update, CoachContext, UserWork, Pressed, datetime], Awaitable[None]],
) -> Callable[[Update, CoachContext, Pressed], Coroutine[Any, Any, None]]:
    """A reminder's buttons work on its own day only (the handler gets the moment it was
    checked at); an older reminder is closed as expired."""

    @wraps(handler)
    async def run(update: Update, context: CoachContext, work: UserWork, pressed: Pressed) -> None:
        now = datetime.now(UTC)
        if pressed.day == local_now(work.user, now).date():
            await handler(update, context, work, pressed, now)
            return
        await _close_reminder(update, msgs.OUTCOME_EXPIRED)
        await say(update, context, msgs.reminder_expired())

    return with_user(run)


@on_its_day
async def on_reminder_done(
    update: Update, context: CoachContext, work: UserWork, pressed: ReminderDone, now: datetime
) -> None:
    """Logs today's session as planned, once."""
    if await work.repo.logged_on(work.user.id, pressed.day):
        # A second press (queued before the first edit landed) or a session logged since
        # the reminder: today is already in the log, so don't add it twice.
        await _close_reminder(update, msgs.OUTCOME_ALREADY)
        return
    logged = await reminder_done(work.repo, context.content, work.user, now)
    await work.repo.commit()
    w = logged.workout
    await _close_reminder(update, msgs.outcome_done(w.duration_s))
    told = log_msgs.logged_reply(log_msgs.summary(as_told(w)), w.local_date, logged.feedback)
    await say(update, context, msgs.logged_from_reminder(told), log_msgs.session_buttons(w.id))


@on_its_day
async def on_reminder_snooze(
    update: Update, context: CoachContext, work: UserWork, _: ReminderSnooze, now: datetime
) -> None:
    until = snooze(work.user, now)
    await work.repo.commit()
    await _close_reminder(update, msgs.outcome_snoozed(until, user_zone(work.user)))


@on_its_day
async def on_reminder_skip(
    update: Update, context: CoachContext, work: UserWork, _: ReminderSkip, now: datetime
) -> None:
    await _close_reminder(update, msgs.OUTCOME_SKIPPED)
