"""Changing what was logged: /undo and the Undo button, the edit menu, its buttons and its
typed answers, and /history to check.

Each press names a session by id and is checked against the owner's rows before it acts; a
typed answer edits only within the edit window (coach/answers.py), so an old, forgotten edit
never swallows a new session. The words and buttons are in render/log.py.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Coroutine
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar

from telegram import Update

from bot import actions, render
from bot.coach.answers import (
    FEELING_VALUES,
    edit_expired,
    is_skip,
    valid_seconds,
)
from bot.coach.log_flows import (
    EditState,
    EditStep,
)
from bot.coach.parsing import MAX_TEXT, parse_duration_answer, read_note
from bot.coach.sessions import all_parts
from bot.coach.types import LogDraft
from bot.coach.when import MAX_DAYS_BACK
from bot.context import CoachContext
from bot.db.models import User, Workout
from bot.flows import Flow, TypedAnswer
from bot.handlers.common import UserWork, clear_buttons, say, with_user
from bot.handlers.log import duration_problem, offer_from_text, presets, summary_of
from bot.render import Keyboard
from bot.render import log as log_msgs
from bot.render.log import session_buttons
from bot.service import (
    SessionEdit,
    apply_edit,
    user_today,
    workout_blocks,
)

Pressed = TypeVar("Pressed", bound=actions.OfWorkout)


# --- undo ----------------------------------------------------------------------------------
async def _remove(update: Update, context: CoachContext, work: UserWork, w: Workout) -> None:
    summary, day = summary_of(w), w.local_date
    await work.repo.delete_workout(w)
    await work.repo.commit()
    await clear_buttons(update)
    await say(update, context, log_msgs.undone(summary, day))


@with_user
async def undo_command(update: Update, context: CoachContext, work: UserWork) -> None:
    workout = await work.repo.last_workout(work.user.id)
    if workout is None:
        await say(update, context, log_msgs.nothing_to_undo())
        return
    await _remove(update, context, work, workout)


# --- buttons under a logged session --------------------------------------------------------
def own_session(
    handler: Callable[[Update, CoachContext, UserWork, Workout, Pressed], Awaitable[None]],
) -> Callable[[Update, CoachContext, Pressed], Coroutine[Any, Any, None]]:
    """A button under a logged session: the handler gets that session when it is still the
    user's own; otherwise the user is told it is gone."""

    @wraps(handler)
    async def run(update: Update, context: CoachContext, work: UserWork, pressed: Pressed) -> None:
        wid = pressed.workout_id
        found = await work.repo.get_workout(work.user.id, wid) if wid else None
        if found is None:
            await say(update, context, log_msgs.session_gone())
            return
        await handler(update, context, work, found, pressed)

    return with_user(run)


@own_session
async def on_undo(
    update: Update, context: CoachContext, work: UserWork, w: Workout, _: actions.Undo
) -> None:
    await _remove(update, context, work, w)


# --- edit ----------------------------------------------------------------------------------
async def _edit_prompt(
    update: Update,
    context: CoachContext,
    work: UserWork,
    workout: Workout,
    ask: tuple[EditStep | None, str, Keyboard | None],
) -> None:
    """Ask for the new value; ``ask``: the step a typed answer fills (None: buttons only),
    the question and its buttons."""
    step, text, markup = ask
    if step is not None:
        state = EditState(workout.id, int(time.time()))
        await work.repo.set_conversation(work.user.id, Flow.EDIT, step, state.to_data())
        await work.repo.commit()
    await say(update, context, text, markup)


@own_session
async def on_edit_menu(
    update: Update, context: CoachContext, work: UserWork, w: Workout, _: actions.EditMenu
) -> None:
    markup = log_msgs.edit_menu_buttons(w.id, bool(workout_blocks(w)))
    await say(update, context, log_msgs.edit_menu(summary_of(w)), markup)


@own_session
async def on_edit_amount(
    update: Update, context: CoachContext, work: UserWork, w: Workout, _: actions.EditAmount
) -> None:
    markup = log_msgs.new_duration_buttons(w.id, presets(context, work.user))
    ask = (EditStep.DURATION, log_msgs.ask_new_duration(), markup)
    await _edit_prompt(update, context, work, w, ask)


@own_session
async def on_edit_feeling(
    update: Update, context: CoachContext, work: UserWork, w: Workout, _: actions.EditFeeling
) -> None:
    ask = (EditStep.FEELING, log_msgs.ask_new_feeling(), log_msgs.new_feeling_buttons(w.id))
    await _edit_prompt(update, context, work, w, ask)


@own_session
async def on_edit_day(
    update: Update, context: CoachContext, work: UserWork, w: Workout, _: actions.EditDay
) -> None:
    markup = log_msgs.day_buttons(w.id, user_today(work.user))
    await _edit_prompt(update, context, work, w, (None, log_msgs.ask_new_day(), markup))


@own_session
async def on_edit_note(
    update: Update, context: CoachContext, work: UserWork, w: Workout, _: actions.EditNote
) -> None:
    await _edit_prompt(update, context, work, w, (EditStep.NOTE, log_msgs.ask_new_note(), None))


@own_session
async def on_edit_direction(
    update: Update, context: CoachContext, work: UserWork, w: Workout, _: actions.EditDirection
) -> None:
    blocks = workout_blocks(w)
    if not blocks:
        await say(update, context, render.stale_button())
        return
    await say(update, context, log_msgs.ask_flip(), log_msgs.flip_buttons(w.id, all_parts(blocks)))


SetPress = actions.SetAmount | actions.SetFeeling | actions.SetDay | actions.FlipPart


def _pressed_edit(user: User, w: Workout, pressed: SetPress) -> SessionEdit | None:
    """The change a pressed value asks for; None when the value is not valid (forged, or a
    part the session no longer has)."""
    match pressed:
        case actions.SetAmount(seconds=seconds):
            return SessionEdit(duration_s=seconds) if valid_seconds(seconds) else None
        case actions.SetFeeling(feeling=feeling):
            return SessionEdit(feeling=feeling) if feeling in FEELING_VALUES else None
        case actions.SetDay(days_back=back):
            if back > MAX_DAYS_BACK:  # before the date sum: a forged number could overflow it
                return None
            return SessionEdit(day=user_today(user) - timedelta(days=back))
        case actions.FlipPart(index=index):
            flippable = index < len(all_parts(workout_blocks(w)))
            return SessionEdit(flip=index) if flippable else None


@own_session
async def on_set(
    update: Update, context: CoachContext, work: UserWork, w: Workout, pressed: SetPress
) -> None:
    """A pressed new value for the session: its time, feeling, day or a part's direction."""
    edit = _pressed_edit(work.user, w, pressed)
    if edit is None:
        await say(update, context, render.stale_button())
        return
    await _apply_edit(update, context, work, w, edit)


async def _apply_edit(
    update: Update, context: CoachContext, work: UserWork, workout: Workout, edit: SessionEdit
) -> None:
    apply_edit(workout, edit)
    convo = await work.repo.get_conversation(workout.user_id)
    if convo is not None and convo.flow == Flow.EDIT:
        await work.repo.clear_conversation(workout.user_id)
    await work.repo.commit()
    await clear_buttons(update)
    text = log_msgs.edited_session(summary_of(workout), workout.local_date)
    await say(update, context, text, session_buttons(workout.id))


async def edit_text(
    update: Update, context: CoachContext, work: UserWork, answer: TypedAnswer
) -> None:
    """A typed new amount, feeling or note for the session being edited."""
    state = EditState.from_data(answer.data)
    if edit_expired(state.since, time.time()):
        # The user asked to edit long ago and moved on: read the text as a new message.
        await work.repo.clear_conversation(work.user.id)
        await work.repo.commit()
        if not await offer_from_text(update, context, work, answer.text):
            await say(update, context, render.not_understood())
        return
    wid = state.workout_id
    workout = await work.repo.get_workout(work.user.id, wid) if wid is not None else None
    if workout is None:
        await work.repo.clear_conversation(work.user.id)
        await work.repo.commit()
        await say(update, context, log_msgs.session_gone())
        return
    edit = await _typed_edit(update, context, work, workout, answer)
    if edit is not None:
        await _apply_edit(update, context, work, workout, edit)


async def _typed_edit(
    update: Update, context: CoachContext, work: UserWork, workout: Workout, answer: TypedAnswer
) -> SessionEdit | None:
    """The change a typed answer asks for; None (with the reason said) when it can't be read."""
    text, wid = answer.text, workout.id
    if answer.step == EditStep.FEELING:
        feeling = read_note(text).feeling
        if feeling is None:
            markup = log_msgs.new_feeling_buttons(wid)
            await say(update, context, log_msgs.feeling_not_understood(), markup)
            return None
        return SessionEdit(feeling=feeling.value)
    if answer.step == EditStep.NOTE:
        if len(text.strip()) > MAX_TEXT:
            await say(update, context, log_msgs.note_too_long(MAX_TEXT))
            return None
        return SessionEdit(note="" if is_skip(text) else text.strip())
    result = parse_duration_answer(text)
    typed = result if isinstance(result, LogDraft) and result.blocks else None
    if typed is None or not (typed.duration_s or typed.distance_m):
        problem = duration_problem(result) or log_msgs.duration_not_understood()
        markup = log_msgs.new_duration_buttons(wid, presets(context, work.user))
        await say(update, context, problem, markup)
        return None
    return SessionEdit(typed=typed)


# --- history -------------------------------------------------------------------------------
@with_user
async def history_command(update: Update, context: CoachContext, work: UserWork) -> None:
    rows = await work.repo.recent_workouts(work.user.id, 10)
    await say(update, context, log_msgs.history([(w.local_date, summary_of(w)) for w in rows]))
