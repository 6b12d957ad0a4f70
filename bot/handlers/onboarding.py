"""/start onboarding (track, days, time, zone; each skippable) and /settings, which reuses it.

Both are one conversation: flow ``onboard`` walks the steps in order and ends with the
welcome; flow ``settings`` asks one step and goes back to the overview.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time
from enum import StrEnum
from typing import Any

from telegram import Message, Update
from telegram.error import TelegramError

from bot import render
from bot.actions import OpenSetting, PickDays, PickTime, PickTrack, PickZone, SkipStep, TogglePause
from bot.coach.schedule import RemindSpec, format_days, parse_remind, same_clock
from bot.coach.timezones import ZoneChoices, ZoneFound, resolve_zone, zone_at
from bot.content import Content
from bot.context import CoachContext
from bot.db.models import Conversation, User
from bot.db.repo import Repo
from bot.flows import Flow, TypedAnswer
from bot.handlers import reminders as reminder_handlers
from bot.handlers.common import UserWork, clear_buttons, say, with_user
from bot.render import onboarding as msgs
from bot.render import zones as zone_msgs
from bot.service import (
    choose_days,
    choose_track,
    pause_of,
    reschedule,
    set_remind_time,
    toggle_pause,
    training_days,
    user_track,
    user_zone,
)

log = logging.getLogger(__name__)

FLOWS = (Flow.ONBOARD, Flow.SETTINGS)


class Step(StrEnum):
    """The questions, in onboarding's order (the values are stored in `conversations`)."""

    TRACK = "track"
    DAYS = "days"
    TIME = "time"
    ZONE = "zone"

    @classmethod
    def of(cls, value: str) -> Step | None:
        return cls(value) if value in cls._value2member_map_ else None

    def next(self) -> Step | None:
        order = list(Step)
        at = order.index(self)
        return order[at + 1] if at + 1 < len(order) else None


@dataclass(frozen=True)
class StepData:
    """What a step's conversation holds: only a session offered meanwhile, still waiting for
    its answer (see handlers/chat.py). Stored as ``{}`` or ``{"pending": {...}}``."""

    pending: dict[str, Any] | None = None

    @classmethod
    def from_data(cls, data: dict[str, Any] | None) -> StepData:
        pending = (data or {}).get("pending")
        return cls(pending if isinstance(pending, dict) else None)

    def to_data(self) -> dict[str, Any]:
        return {} if self.pending is None else {"pending": self.pending}


def _open_step(convo: Conversation | None) -> Step | None:
    """The step onboarding or /settings waits on, or None when neither does."""
    if convo is None or convo.flow not in FLOWS:
        return None
    return Step.of(convo.step)


def step_prompt(step: str, user: User, content: Content) -> tuple[str, render.Keyboard]:
    """A step's question and its buttons."""
    asked = Step.of(step) or Step.ZONE
    if asked is Step.TRACK:
        tracks = content.tracks.values()
        text = msgs.ask_track([(t.button, t.summary) for t in tracks])
        return text, msgs.track_keyboard([(t.id, t.button) for t in tracks])
    if asked is Step.DAYS:
        return msgs.ask_days(), msgs.days_keyboard()
    if asked is Step.TIME:
        return msgs.ask_time(), msgs.time_keyboard()
    offer_utc = not same_clock(user.timezone, "UTC", datetime.now(UTC).year)
    return msgs.ask_zone(user.timezone), msgs.zone_keyboard(user.timezone, offer_utc)


# --- /start ----------------------------------------------------------------------------------
@with_user
async def start(update: Update, context: CoachContext, work: UserWork) -> None:
    user = work.user
    if not work.created:
        await say(update, context, render.welcome_back(user.first_name))
        return
    await work.repo.set_conversation(user.id, Flow.ONBOARD, Step.TRACK, StepData().to_data())
    reschedule(user, datetime.now(UTC))
    await work.repo.commit()
    text, markup = step_prompt(Step.TRACK, user, context.content)
    await say(update, context, msgs.welcome(user.first_name, text), markup)


async def _advance(
    update: Update, context: CoachContext, repo: Repo, user: User, step: Step
) -> None:
    """Onboarding: on to the step after `step`, or the welcome when all are done.
    Settings: back to the settings overview."""
    convo = await repo.get_conversation(user.id)
    mode = convo.flow if convo is not None else Flow.SETTINGS
    reschedule(user, datetime.now(UTC))
    nxt = step.next()
    if mode == Flow.ONBOARD and nxt is not None:
        kept = StepData.from_data(convo.data if convo else None)  # an offer stays pending
        await repo.set_conversation(user.id, Flow.ONBOARD, nxt, kept.to_data())
        await repo.commit()
        text, markup = step_prompt(nxt, user, context.content)
        await say(update, context, text, markup)
        return
    await repo.clear_conversation(user.id)
    if mode == Flow.ONBOARD:
        user.onboarded = True
        await repo.commit()
        track = user_track(context.content, user)
        at = user.remind_time if user.reminders_on else None
        text = msgs.ready(
            track.title, format_days(training_days(user)), at, user.timezone, track.week(1)
        )
        await say(update, context, text, zone_msgs.remove_reply_keyboard())
        return
    await repo.commit()
    await show_settings(update, context, user)


# --- the step buttons: one handler each ------------------------------------------------------
async def _answer(
    update: Update,
    context: CoachContext,
    work: UserWork,
    answers: Step | None,
    label: str | Callable[[Step], str],
    apply: Callable[[User], bool],
) -> None:
    """A step's button: refused unless that step waits (`answers` None: any step, a skip);
    otherwise applied, its label echoed under the question (a skip's depends on the step),
    and on to what comes next."""
    step = _open_step(await work.repo.get_conversation(work.user.id))
    if step is None or (answers is not None and answers != step):
        await say(update, context, render.stale_button())
        return
    # before applying: a skipped zone step names the zone it keeps
    shown = label(step) if callable(label) else label
    if not apply(work.user):
        await say(update, context, render.stale_button())
        return
    await _echo_answer(update, shown)
    await _advance(update, context, work.repo, work.user, step)


@with_user
async def on_pick_track(
    update: Update, context: CoachContext, work: UserWork, pressed: PickTrack
) -> None:
    tracks = context.content.tracks
    label = tracks[pressed.track].button if pressed.track in tracks else pressed.track

    def apply(user: User) -> bool:
        return choose_track(user, pressed.track)

    await _answer(update, context, work, Step.TRACK, label, apply)


@with_user
async def on_pick_days(
    update: Update, context: CoachContext, work: UserWork, pressed: PickDays
) -> None:
    def apply(user: User) -> bool:
        return pressed.days.isdigit() and choose_days(user, map(int, pressed.days))

    await _answer(update, context, work, Step.DAYS, msgs.days_label(pressed.days), apply)


@with_user
async def on_pick_time(
    update: Update, context: CoachContext, work: UserWork, pressed: PickTime
) -> None:
    value = pressed.time

    def apply(user: User) -> bool:
        if value == msgs.NO_REMINDERS_VALUE:
            user.reminders_on = False
            return True
        if value not in msgs.TIME_VALUES:
            return False
        set_remind_time(user, time(int(value[:2]), int(value[2:])))
        return True

    await _answer(update, context, work, Step.TIME, msgs.time_label(value), apply)


@with_user
async def on_pick_zone(
    update: Update, context: CoachContext, work: UserWork, pressed: PickZone
) -> None:
    def apply(user: User) -> bool:
        found = resolve_zone(pressed.zone)
        if not isinstance(found, ZoneFound):
            return False
        user.timezone = found.name
        return True

    await _answer(update, context, work, Step.ZONE, pressed.zone, apply)


@with_user
async def on_skip_step(
    update: Update, context: CoachContext, work: UserWork, pressed: SkipStep
) -> None:
    zone = work.user.timezone

    def label(step: Step) -> str:
        return msgs.skip_label(step is Step.ZONE, zone)

    await _answer(update, context, work, None, label, lambda _: True)


@with_user
async def on_open_setting(
    update: Update, context: CoachContext, work: UserWork, pressed: OpenSetting
) -> None:
    """A /settings button: ask that one step."""
    step = Step.of(pressed.field)
    if step is None:
        await say(update, context, render.stale_button())
        return
    await work.repo.set_conversation(work.user.id, Flow.SETTINGS, step, StepData().to_data())
    await work.repo.commit()
    text, markup = step_prompt(step, work.user, context.content)
    await say(update, context, text, markup)


@with_user
async def on_toggle_pause(
    update: Update, context: CoachContext, work: UserWork, pressed: TogglePause
) -> None:
    toggle_pause(work.user, datetime.now(UTC))
    await work.repo.commit()
    await show_settings(update, context, work.user)


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


# --- typed answers ---------------------------------------------------------------------------
def _typed_track(content: Content, text: str) -> str | None:
    """A track named in words: its id, button label or title."""
    said = text.lower().strip()
    for track in content.tracks.values():
        names = {track.id, track.button.lower(), track.title.lower()}
        if said in names or track.id in said.split():
            return track.id
    return None


async def onboarding_text(
    update: Update, context: CoachContext, work: UserWork, answer: TypedAnswer
) -> None:
    """A typed answer during onboarding or a settings change: applied, then the next step;
    not understood, the step's question again."""
    asked = Step.of(answer.step) or Step.ZONE
    if await _TYPED[asked](update, context, work.user, answer.text):
        await _advance(update, context, work.repo, work.user, asked)


async def _typed_track_answer(update: Update, context: CoachContext, user: User, text: str) -> bool:
    match = _typed_track(context.content, text)
    if match is None:
        prompt, markup = step_prompt(Step.TRACK, user, context.content)
        await say(update, context, prompt, markup)
        return False
    return choose_track(user, match)


async def _typed_days(update: Update, context: CoachContext, user: User, text: str) -> bool:
    parsed = parse_remind(f"{text[:100]} 12:00")
    if not isinstance(parsed, RemindSpec) or not parsed.days:
        await say(update, context, msgs.not_understood_days())
        return False
    return choose_days(user, parsed.days)


async def _typed_time(update: Update, context: CoachContext, user: User, text: str) -> bool:
    parsed = parse_remind(f"daily {text[:50]}")
    if not isinstance(parsed, RemindSpec):
        await say(update, context, msgs.not_understood_time())
        return False
    set_remind_time(user, parsed.at)
    return True


async def _typed_zone(update: Update, context: CoachContext, user: User, text: str) -> bool:
    zone = await asyncio.to_thread(resolve_zone, text[:100])  # see /timezone
    if isinstance(zone, ZoneChoices):
        markup = zone_msgs.choice_keyboard(zone.options, step=True)
        await say(update, context, zone_msgs.choices(text, zone, command=False), markup)
        return False
    if not isinstance(zone, ZoneFound):
        typo = zone_msgs.choice_keyboard(zone.options, step=True) if zone.options else None
        await say(update, context, msgs.zone_suggestions(text), typo)
        return False
    user.timezone = zone.name
    return True


TypedStep = Callable[[Update, CoachContext, User, str], Awaitable[bool]]
_TYPED: dict[Step, TypedStep] = {
    Step.TRACK: _typed_track_answer,
    Step.DAYS: _typed_days,
    Step.TIME: _typed_time,
    Step.ZONE: _typed_zone,
}


@with_user
async def on_location(update: Update, context: CoachContext, work: UserWork) -> None:
    """A shared location answers the zone step of onboarding, or just sets the zone."""
    msg = update.effective_message
    if msg is None or msg.location is None:
        return
    name = zone_at(msg.location.latitude, msg.location.longitude)
    step = _open_step(await work.repo.get_conversation(work.user.id))
    if step is Step.ZONE and name is not None:
        work.user.timezone = name
        await _advance(update, context, work.repo, work.user, Step.ZONE)
        return
    await reminder_handlers.located(update, context, work, name)


# --- /settings -------------------------------------------------------------------------------
async def show_settings(update: Update, context: CoachContext, user: User) -> None:
    track = user_track(context.content, user)
    pause = pause_of(user, datetime.now(UTC))
    text = msgs.settings(
        track.title,
        format_days(training_days(user)),
        user.remind_time,
        user.reminders_on,
        user.timezone,
        pause,
        user_zone(user),
    )
    await say(update, context, text, msgs.settings_keyboard(paused=pause is not None))


@with_user
async def settings_command(update: Update, context: CoachContext, work: UserWork) -> None:
    await work.repo.clear_conversation(work.user.id)
    await show_settings(update, context, work.user)
