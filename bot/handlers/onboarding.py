"""/start onboarding (track, days, time, zone; each skippable) and /settings, which reuses it."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import Any

from telegram import Message, Update
from telegram.error import TelegramError

from bot import render
from bot.actions import Press, cb
from bot.coach.days import days_field
from bot.coach.schedule import RemindSpec, format_days, parse_remind, same_clock
from bot.coach.timezones import ZoneChoices, ZoneFound, resolve_zone
from bot.coach.types import TRACKS
from bot.content import Content
from bot.context import CoachContext
from bot.db.models import User
from bot.db.repo import Repo
from bot.handlers import reminders as reminder_handlers
from bot.handlers.common import clear_buttons, load_user, say
from bot.render import onboarding as msgs
from bot.render import zones as zone_msgs
from bot.service import INDEFINITE, reschedule, training_days

log = logging.getLogger(__name__)

STEPS = ("track", "days", "time", "zone")
DAY_PRESETS = (
    ("Mon · Wed · Fri", "024"),
    ("Tue · Thu · Sat", "135"),
    ("Mon · Thu", "03"),
    ("Weekends", "56"),
    ("Every day", "0123456"),
)
TIME_PRESETS = (("07:00", "0700"), ("12:00", "1200"), ("18:00", "1800"), ("20:00", "2000"))
# ot/od/om/oz: a choice for track/days/time/zone; os: skip the step; se: open a setting;
# sp: pause or resume from /settings
ACTIONS = ("ot", "od", "om", "oz", "os", "se", "sp")
STEP_OF_ACTION = {"ot": "track", "od": "days", "om": "time", "oz": "zone"}


def _skip_row() -> list[tuple[str, str]]:
    return [(msgs.SKIP, cb("os"))]


def step_prompt(step: str, user: User, content: Content) -> tuple[str, render.Keyboard]:
    if step == "track":
        tracks = content.tracks.values()
        rows = [[(t.button, cb("ot", t.id))] for t in tracks]
        text = msgs.ask_track([(t.button, t.summary) for t in tracks])
        return text, render.keyboard([*rows, _skip_row()])
    if step == "days":
        rows = [[(label, cb("od", digits))] for label, digits in DAY_PRESETS]
        return msgs.ask_days(), render.keyboard([*rows, _skip_row()])
    if step == "time":
        row = [(label, cb("om", value)) for label, value in TIME_PRESETS]
        return msgs.ask_time(), render.keyboard(
            [row, [(msgs.NO_REMINDERS, cb("om", "off"))], _skip_row()]
        )
    rows = [[(msgs.keep_zone(user.timezone), cb("os"))]]
    if not same_clock(user.timezone, "UTC", datetime.now(UTC).year):
        rows.append([("UTC", cb("oz", "UTC"))])
    return msgs.ask_zone(user.timezone), render.keyboard(rows)


# --- /start ----------------------------------------------------------------------------------
async def start(update: Update, context: CoachContext) -> None:
    deps = context.services
    async with deps.db.uow() as repo:
        user, created = await load_user(repo, update, context)
        if not created:
            await say(update, context, render.welcome_back(user.first_name))
            return
        await repo.set_conversation(user.id, "onboard", "track", {})
        reschedule(user, datetime.now(UTC))
        await repo.commit()
        text, markup = step_prompt("track", user, deps.content)
        await say(update, context, msgs.welcome(user.first_name) + "\n\n" + text, markup)


async def _advance(
    update: Update, context: CoachContext, repo: Repo, user: User, step: str
) -> None:
    """Onboarding: on to the step after `step`, or the welcome when all are done.
    Settings: back to the settings overview."""
    deps = context.services
    convo = await repo.get_conversation(user.id)
    mode = convo.flow if convo is not None else "settings"
    reschedule(user, datetime.now(UTC))
    if mode == "onboard" and step != STEPS[-1]:
        nxt = STEPS[STEPS.index(step) + 1]
        # A session offered meanwhile (see handlers/chat.py) stays pending across steps.
        kept = {k: v for k, v in (convo.data if convo else {}).items() if k == "pending"}
        await repo.set_conversation(user.id, "onboard", nxt, kept)
        await repo.commit()
        text, markup = step_prompt(nxt, user, deps.content)
        await say(update, context, text, markup)
        return
    await repo.clear_conversation(user.id)
    if mode == "onboard":
        user.onboarded = True
        await repo.commit()
        track = deps.content.tracks.get(user.track) or deps.content.tracks["beginner"]
        at = user.remind_time if user.reminders_on else None
        text = msgs.ready(
            track.title, format_days(training_days(user)), at, user.timezone, track.week(1)
        )
        await say(update, context, text, render.remove_reply_keyboard())
        return
    await repo.commit()
    await show_settings(update, context, user)


def _apply(user: User, action: str, value: str) -> str | None:
    """Apply one choice; returns the step it answered, or None when the value is not ours."""
    if action == "ot" and value in TRACKS:
        user.track = value
        return "track"
    if action == "od" and value and set(value) <= set("0123456"):
        user.training_days = days_field(int(d) for d in value)
        return "days"
    if action == "om" and value == "off":
        user.reminders_on = False
        return "time"
    if (
        action == "om"
        and len(value) == 4
        and value.isdigit()
        and value in dict((v, v) for _, v in TIME_PRESETS)
    ):
        user.remind_time, user.reminders_on = f"{value[:2]}:{value[2:]}", True
        return "time"
    if action == "oz":
        found = resolve_zone(value)
        if isinstance(found, ZoneFound):
            user.timezone = found.name
            return "zone"
    return None


async def on_onboarding_button(update: Update, context: CoachContext, press: Press) -> None:
    deps = context.services
    async with deps.db.uow() as repo:
        user, _ = await load_user(repo, update, context)
        convo = await repo.get_conversation(user.id)
        if press.action == "se":
            field = press.args[0] if press.args else ""
            if field not in STEPS:
                await say(update, context, render.stale_button())
                return
            await repo.set_conversation(user.id, "settings", field, {})
            await repo.commit()
            text, markup = step_prompt(field, user, deps.content)
            await say(update, context, text, markup)
            return
        if press.action == "sp":
            await _toggle_pause(update, context, repo, user)
            return
        if convo is None or convo.flow not in ("onboard", "settings"):
            await say(update, context, render.stale_button())
            return
        if press.action != "os" and STEP_OF_ACTION.get(press.action) != convo.step:
            await say(update, context, render.stale_button())
            return
        label = _answer_label(deps.content, user, convo.step, press)
        if press.action != "os" and _apply(user, press.action, ":".join(press.args)) is None:
            await say(update, context, render.stale_button())
            return
        await _echo_answer(update, label)
        await _advance(update, context, repo, user, convo.step)


async def _echo_answer(update: Update, label: str) -> None:
    """Show the pressed answer under its question and take the buttons away. Best effort:
    the choice is already applied, so a Telegram hiccup here must not stop the next step."""
    query = update.callback_query
    if query is None or not isinstance(query.message, Message):
        return
    try:
        await query.edit_message_text(
            msgs.answered(query.message.text_html, label), reply_markup=None
        )
    except TelegramError as exc:
        log.warning("Could not show the answer under a pressed question: %r", exc)
        await clear_buttons(update)


def _answer_label(content: Content, user: User, step: str, press: Press) -> str:
    """The label of the button pressed, from its payload (the message may not carry it)."""
    value = ":".join(press.args)
    if press.action == "os":
        return msgs.keep_zone(user.timezone) if step == "zone" else msgs.SKIP
    if press.action == "ot" and value in content.tracks:
        return content.tracks[value].button
    labels = {
        "od": dict((digits, label) for label, digits in DAY_PRESETS),
        "om": {"off": msgs.NO_REMINDERS} | dict((v, label) for label, v in TIME_PRESETS),
    }
    return labels.get(press.action, {}).get(value, value)


def _typed_track(content: Content, text: str) -> str | None:
    """A track named in words: its id, button label or title."""
    said = text.lower().strip()
    for track in content.tracks.values():
        names = {track.id, track.button.lower(), track.title.lower()}
        if said in names or track.id in said.split():
            return track.id
    return None


async def onboarding_text(
    update: Update,
    context: CoachContext,
    repo: Repo,
    user: User,
    step: str,
    data: dict[str, Any],
    text: str,
) -> None:
    """A typed answer during onboarding or a settings change."""
    deps = context.services
    if step == "track":
        match = _typed_track(deps.content, text)
        if match is None:
            prompt, markup = step_prompt("track", user, deps.content)
            await say(update, context, prompt, markup)
            return
        user.track = match
    elif step == "days":
        parsed = parse_remind(f"{text[:100]} 12:00")
        if not isinstance(parsed, RemindSpec) or not parsed.days:
            await say(update, context, msgs.not_understood_days())
            return
        user.training_days = days_field(parsed.days)
    elif step == "time":
        parsed = parse_remind(f"daily {text[:50]}")
        if not isinstance(parsed, RemindSpec):
            await say(update, context, msgs.not_understood_time())
            return
        user.remind_time, user.reminders_on = parsed.at.strftime("%H:%M"), True
    else:
        zone = await asyncio.to_thread(resolve_zone, text[:100])  # see /timezone
        if isinstance(zone, ZoneChoices):
            markup = zone_msgs.choice_keyboard(zone.options, "oz")
            await say(update, context, zone_msgs.choices(text, zone, command=False), markup)
            return
        if not isinstance(zone, ZoneFound):
            typo = zone_msgs.choice_keyboard(zone.options, "oz") if zone.options else None
            await say(update, context, msgs.zone_suggestions(text), typo)
            return
        user.timezone = zone.name
    await _advance(update, context, repo, user, step)


async def on_location(update: Update, context: CoachContext) -> None:
    """A shared location answers the zone step of onboarding, or just sets the zone."""
    msg = update.effective_message
    deps = context.services
    if msg is not None and msg.location is not None:
        async with deps.db.uow() as repo:
            user, _ = await load_user(repo, update, context)
            convo = await repo.get_conversation(user.id)
            if convo is not None and convo.flow in ("onboard", "settings") and convo.step == "zone":
                name = reminder_handlers.zone_at(msg.location.latitude, msg.location.longitude)
                if name is not None:
                    user.timezone = name
                    await _advance(update, context, repo, user, "zone")
                    return
    await reminder_handlers.on_location(update, context)


# --- /settings -------------------------------------------------------------------------------
async def show_settings(update: Update, context: CoachContext, user: User) -> None:
    deps = context.services
    now = datetime.now(UTC)
    track = deps.content.tracks.get(user.track) or deps.content.tracks["beginner"]
    paused = None
    if user.paused_until is not None and user.paused_until > now:
        paused = (
            "you /resume"
            if user.paused_until >= INDEFINITE
            else user.paused_until.astimezone(UTC).strftime("%d %b")
        )
    text = msgs.settings(
        track.title,
        format_days(training_days(user)),
        user.remind_time,
        user.reminders_on,
        user.timezone,
        paused,
    )
    markup = render.keyboard(
        [
            [("🏃 Plan", cb("se", "track")), ("📅 Days", cb("se", "days"))],
            [("⏰ Time", cb("se", "time")), ("🌍 Time zone", cb("se", "zone"))],
            [("▶️ Resume reminders" if paused else "⏸ Pause reminders", cb("sp"))],
        ]
    )
    await say(update, context, text, markup)


async def settings_command(update: Update, context: CoachContext) -> None:
    async with context.services.db.uow() as repo:
        user, _ = await load_user(repo, update, context)
        await repo.clear_conversation(user.id)
    await show_settings(update, context, user)


async def _toggle_pause(update: Update, context: CoachContext, repo: Repo, user: User) -> None:
    now = datetime.now(UTC)
    if user.paused_until is not None and user.paused_until > now:
        user.paused_until = None
        user.reminders_on = True
    else:
        user.paused_until = INDEFINITE
    reschedule(user, now)
    await repo.commit()
    await show_settings(update, context, user)
