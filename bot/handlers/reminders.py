"""/remind, /timezone (and shared locations), /pause, /resume, and the reminder buttons."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any

from telegram import Update

from bot import render
from bot.actions import Press
from bot.coach.days import days_field
from bot.coach.schedule import (
    RemindError,
    RemindOff,
    apply_remind,
    format_days,
    parse_remind,
)
from bot.coach.timezones import ZoneChoices, ZoneFound, resolve_zone
from bot.context import CoachContext
from bot.db.models import User
from bot.handlers.common import load_user, say
from bot.handlers.log import logged_text, session_buttons
from bot.render import zones as zone_msgs
from bot.service import (
    INDEFINITE,
    SNOOZE,
    local_now,
    record_session,
    reschedule,
    target_draft,
    today_target,
    training_days,
    week_target,
)

MAX_PAUSE_DAYS = 365


def status_text(user: User, now: datetime) -> str:
    paused = None
    if user.paused_until is not None and user.paused_until > now:
        paused = (
            "you /resume"
            if user.paused_until >= INDEFINITE
            else local_now(user, user.paused_until).strftime("%a %d %b")
        )
    nxt = local_now(user, user.next_reminder_at) if user.next_reminder_at else None
    return render.remind_status(
        user.reminders_on and user.active,
        format_days(training_days(user)),
        user.remind_time,
        user.timezone,
        nxt,
        paused,
    )


async def remind_command(update: Update, context: CoachContext) -> None:
    args = " ".join(context.args or [])
    now = datetime.now(UTC)
    async with context.services.db.uow() as repo:
        user, _ = await load_user(repo, update, context)
        if not args.strip():
            await say(update, context, status_text(user, now))
            return
        parsed = parse_remind(args[:200])
        if isinstance(parsed, RemindOff):
            user.reminders_on = False
            user.snooze_until = None
        else:
            spec = (
                apply_remind(parsed, training_days(user))
                if not isinstance(parsed, RemindError)
                else parsed
            )
            if isinstance(spec, RemindError):
                await say(update, context, render.remind_usage(_remind_problem(spec)))
                return
            user.training_days = days_field(spec.days)
            user.remind_time = spec.at.strftime("%H:%M")
            user.reminders_on = True
            user.active = True
        reschedule(user, now)
        text = status_text(user, now)
    await say(update, context, text)


def _remind_problem(err: RemindError) -> str:
    return {
        "no_time": "I need a time too.",
        "bad_time": f"I couldn't read the time{(' ' + err.detail) if err.detail else ''}.",
        "bad_days": f"I don't know the day{(' ' + err.detail) if err.detail else ''}.",
        "no_days": "Which days?",
    }.get(err.code, "I couldn't read that.")


# --- time zones ------------------------------------------------------------------------------
async def _set_zone(
    update: Update, context: CoachContext, name: str, found: ZoneFound | None = None
) -> None:
    now = datetime.now(UTC)
    async with context.services.db.uow() as repo:
        user, _ = await load_user(repo, update, context)
        user.timezone = name
        reschedule(user, now)
        local = local_now(user, now)
    place = found.place if found else ""
    note = zone_msgs.other_place(place, found.other) if found and found.other else ""
    await say(
        update,
        context,
        render.timezone_set(name, local, place, note),
        render.remove_reply_keyboard(),
    )


async def timezone_command(update: Update, context: CoachContext) -> None:
    text = " ".join(context.args or []).strip()
    if not text:
        async with context.services.db.uow() as repo:
            user, _ = await load_user(repo, update, context)
            current = user.timezone
        await say(update, context, render.timezone_usage(current), render.location_keyboard())
        return
    # in a worker thread: the first place lookup reads the city table (under a second)
    found = await asyncio.to_thread(resolve_zone, text[:100])
    if isinstance(found, ZoneFound):
        await _set_zone(update, context, found.name, found)
        return
    if isinstance(found, ZoneChoices):
        markup = zone_msgs.choice_keyboard(found.options, "tz")
        await say(update, context, zone_msgs.choices(text, found), markup)
        return
    typo = zone_msgs.choice_keyboard(found.options, "tz") if found.options else None
    await say(update, context, render.timezone_unknown(text, found.suggestions), typo)


async def on_zone_button(update: Update, context: CoachContext, press: Press) -> None:
    name = ":".join(press.args)
    found = resolve_zone(name)
    if not isinstance(found, ZoneFound):
        await say(update, context, render.stale_button())
        return
    await _set_zone(update, context, found.name)


@lru_cache(maxsize=1)
def _finder() -> Any:
    from timezonefinder import TimezoneFinder

    return TimezoneFinder()


def zone_at(lat: float, lon: float) -> str | None:
    """Offline lookup of the IANA zone at a point (timezonefinder's bundled data)."""
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    name = _finder().timezone_at(lat=lat, lng=lon)
    return str(name) if name else None


async def on_location(update: Update, context: CoachContext) -> None:
    msg = update.effective_message
    if msg is None or msg.location is None:
        return
    name = zone_at(msg.location.latitude, msg.location.longitude)
    if name is None:
        await say(update, context, render.timezone_unknown("that location", []))
        return
    await _set_zone(update, context, name)


# --- pause / resume --------------------------------------------------------------------------
async def pause_command(update: Update, context: CoachContext) -> None:
    args = context.args or []
    days: int | None = None
    if args:
        raw = args[0]
        if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAUSE_DAYS or len(args) > 1:
            await say(update, context, render.pause_usage())
            return
        days = int(raw)
    now = datetime.now(UTC)
    async with context.services.db.uow() as repo:
        user, _ = await load_user(repo, update, context)
        user.paused_until = now + timedelta(days=days) if days else INDEFINITE
        user.snooze_until = None
        reschedule(user, now)
        label = local_now(user, user.paused_until).strftime("%a %d %b") if days else None
    await say(update, context, render.paused(label))


async def resume_command(update: Update, context: CoachContext) -> None:
    now = datetime.now(UTC)
    async with context.services.db.uow() as repo:
        user, _ = await load_user(repo, update, context)
        user.paused_until = None
        user.reminders_on = True
        user.active = True
        reschedule(user, now)
        nxt = local_now(user, user.next_reminder_at) if user.next_reminder_at else None
    await say(update, context, render.resumed(nxt))


# --- reminder buttons ------------------------------------------------------------------------
def _day(press: Press) -> date | None:
    try:
        return datetime.strptime(press.args[0], "%Y%m%d").date() if press.args else None
    except ValueError:
        return None


async def _close_reminder(update: Update, outcome: str) -> None:
    query = update.callback_query
    if query is None or query.message is None or not query.message.is_accessible:
        return
    original = getattr(query.message, "text_html", None) or ""
    await query.edit_message_text(render.reminder_closed(original, outcome), reply_markup=None)


async def on_reminder_button(update: Update, context: CoachContext, press: Press) -> None:
    """rd: done (logs today's target), rz: snooze an hour, rs: skip today."""
    day = _day(press)
    now = datetime.now(UTC)
    deps = context.services
    async with deps.db.uow() as repo:
        user, _ = await load_user(repo, update, context)
        today = local_now(user, now).date()
        if day is None or day != today:
            await _close_reminder(update, render.reminder_outcome("expired"))
            await say(update, context, render.reminder_expired())
            return
        if press.action == "rz":
            user.snooze_until = now + SNOOZE
            at = local_now(user, user.snooze_until).strftime("%H:%M")
            await repo.commit()
            await _close_reminder(update, render.reminder_outcome("snoozed", at))
            return
        if press.action == "rs":
            await _close_reminder(update, render.reminder_outcome("skipped"))
            return
        if await repo.logged_on(user.id, today):
            # A second press (queued before the first edit landed) or a session logged since
            # the reminder: today is already in the log, so don't add it twice.
            await _close_reminder(update, render.reminder_outcome("already"))
            return
        target = today_target(deps.content, user, today) or week_target(deps.content, user)
        draft = target_draft(target, "Done (from the reminder)")
        logged = await record_session(repo, deps.content, user, draft, now, "reminder")
        await repo.commit()
        w = logged.workout
        await _close_reminder(
            update, render.reminder_outcome("done", render.duration(w.duration_s))
        )
        text = logged_text(logged)
    await say(update, context, text + "\n\n" + render.done_hint(), session_buttons(w.id))
