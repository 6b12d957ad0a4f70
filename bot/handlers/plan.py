"""/plan, the "pain is better" buttons and the choice after week 8."""

from __future__ import annotations

from datetime import UTC, date, datetime

from telegram import Update

from bot import render
from bot.actions import FinishChoice, NewTrack, PainBetter, PainStill
from bot.coach import plan as rules
from bot.coach.schedule import format_days
from bot.context import CoachContext
from bot.handlers.common import UserWork, clear_buttons, say, with_user
from bot.render import AnyMarkup
from bot.render import plan as msgs
from bot.service import (
    catch_up_plan,
    finish_plan,
    local_now,
    pain_better,
    pain_open,
    pain_parts,
    plan_finished,
    switch_track,
    today_target,
    track_weeks,
    training_days,
    user_track,
    week_target,
)


@with_user
async def plan_command(update: Update, context: CoachContext, work: UserWork) -> None:
    user, content = work.user, context.content
    today = await _today(work, context)
    weeks = track_weeks(content, user)
    held, done = pain_open(user), plan_finished(user)
    text = msgs.plan(
        user_track(content, user).title,
        user.plan_week,
        len(weeks),
        week_target(content, user),
        today_target(content, user, today),
        format_days(training_days(user)),
        [w for w in weeks if user.plan_week < w.week <= user.plan_week + 3],
        rules.decode_reason(user.plan_reason),
        pain_parts=pain_parts(user) if held else None,
        finished=done and not held,
    )
    await say(update, context, text, msgs.plan_keyboard(held, done))


@with_user
async def on_pain_better(
    update: Update, context: CoachContext, work: UserWork, pressed: PainBetter
) -> None:
    await _today(work, context)
    text = msgs.pain_better() if pain_better(work.user) else msgs.pain_not_open()
    await _answer(update, context, work, text)


@with_user
async def on_pain_still(
    update: Update, context: CoachContext, work: UserWork, pressed: PainStill
) -> None:
    await _today(work, context)
    await _answer(update, context, work, msgs.pain_still(), msgs.pain_buttons())


@with_user
async def on_finish_choice(
    update: Update, context: CoachContext, work: UserWork, pressed: FinishChoice
) -> None:
    """Only once the plan is finished; "another plan" asks which track next."""
    await _today(work, context)
    user, content = work.user, context.content
    choice = rules.AfterPlan(pressed.choice) if pressed.choice in msgs.FINISH_LABELS else None
    if choice is None or not plan_finished(user):
        await _answer(update, context, work, render.stale_button())
    elif choice is rules.AfterPlan.TRACK:
        others = [t for t in content.tracks.values() if t.id != user_track(content, user).id]
        await _answer(update, context, work, msgs.choose_track(), msgs.track_buttons(others))
    else:
        week = finish_plan(content, user, choice)
        title = user_track(content, user).title
        await _answer(update, context, work, msgs.finish_done(choice, week, title))


@with_user
async def on_new_track(
    update: Update, context: CoachContext, work: UserWork, pressed: NewTrack
) -> None:
    today = await _today(work, context)
    track = context.content.tracks.get(pressed.track)
    if track is None:
        await _answer(update, context, work, render.stale_button())
        return
    switch_track(work.user, track, today)
    await _answer(update, context, work, msgs.finish_done(rules.AfterPlan.TRACK, 1, track.title))


async def _today(work: UserWork, context: CoachContext) -> date:
    """The user's local today, with the plan caught up to it (so buttons act on this week)."""
    today = local_now(work.user, datetime.now(UTC)).date()
    await catch_up_plan(work.repo, context.content, work.user, today)
    return today


async def _answer(
    update: Update,
    context: CoachContext,
    work: UserWork,
    text: str,
    markup: AnyMarkup | None = None,
) -> None:
    """Commit, take the buttons off the pressed message, then reply."""
    await work.repo.commit()
    await clear_buttons(update)
    await say(update, context, text, markup)
