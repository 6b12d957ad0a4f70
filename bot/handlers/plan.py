"""/plan, the "pain is better" buttons and the choice after week 8."""

from __future__ import annotations

from datetime import UTC, datetime

from telegram import Update

from bot import render
from bot.actions import Press, cb
from bot.coach import plan as rules
from bot.coach.schedule import format_days
from bot.coach.types import Reason
from bot.content import Content
from bot.context import CoachContext
from bot.db.models import User
from bot.handlers.common import clear_buttons, load_user, say
from bot.render import guide as guide_msgs
from bot.render import plan as msgs
from bot.service import (
    catch_up_plan,
    local_now,
    pain_better,
    pain_open,
    pain_parts,
    today_target,
    track_weeks,
    training_days,
    week_target,
)

ACTIONS = ("pb", "ps", "pf", "pt")


def finished(user: User) -> bool:
    """At the end of the plan: week 8 reached and a finished week behind it."""
    reason = rules.decode_reason(user.plan_reason)
    return reason is not None and reason.code == "finish"


async def plan_command(update: Update, context: CoachContext) -> None:
    deps = context.services
    async with deps.db.uow() as repo:
        user, _ = await load_user(repo, update, context)
        today = local_now(user, datetime.now(UTC)).date()
        await catch_up_plan(repo, deps.content, user, today)
        weeks = track_weeks(deps.content, user)
        track = deps.content.tracks.get(user.track) or deps.content.tracks["beginner"]
        held = pain_open(user)
        done = finished(user)
        text = msgs.plan(
            track.title,
            user.plan_week,
            len(weeks),
            week_target(deps.content, user),
            today_target(deps.content, user, today),
            format_days(training_days(user)),
            [w for w in weeks if user.plan_week < w.week <= user.plan_week + 3],
            rules.decode_reason(user.plan_reason),
            pain_parts=pain_parts(user) if held else None,
            finished=done and not held,
        )
    markup = (
        msgs.pain_buttons()
        if held
        else (msgs.finish_buttons() if done else guide_msgs.guide_keyboard())
    )
    await say(update, context, text, markup)


async def on_plan_button(update: Update, context: CoachContext, press: Press) -> None:
    """pb/ps: pain better / still hurts; pf: the after-week-8 choice; pt: a new track."""
    deps = context.services
    async with deps.db.uow() as repo:
        user, _ = await load_user(repo, update, context)
        today = local_now(user, datetime.now(UTC)).date()
        await catch_up_plan(repo, deps.content, user, today)
        if press.action == "pb":
            text = msgs.pain_better() if pain_better(user) else msgs.pain_not_open()
            markup = None
        elif press.action == "ps":
            text, markup = msgs.pain_still(), msgs.pain_buttons()
        elif press.action == "pf" and press.args and press.args[0] in msgs.FINISH_LABELS:
            text, markup = _finish(user, press.args[0], deps.content)
        elif press.action == "pt" and press.args and press.args[0] in deps.content.tracks:
            track = deps.content.tracks[press.args[0]]
            user.track, user.plan_week = track.id, 1
            user.plan_reason = rules.encode_reason(Reason("switch", (("week", 1),)))
            user.plan_week_start = rules.week_starting(today)
            text, markup = msgs.finish_done("track", 1, track.title), None
        else:
            text, markup = render.stale_button(), None
        await repo.commit()
    await clear_buttons(update)
    await say(update, context, text, markup)


def _finish(user: User, code: str, content: Content) -> tuple[str, render.Keyboard | None]:
    track = content.tracks.get(user.track) or content.tracks["beginner"]
    if not finished(user):
        return render.stale_button(), None
    if code == "track":
        rows = [[(t.button, cb("pt", t.id))] for t in content.tracks.values() if t.id != track.id]
        return msgs.choose_track(), render.keyboard(rows)
    if code == "repeat":
        week = rules.restart_week(track.weeks)
        user.plan_week = week
        user.plan_reason = rules.encode_reason(Reason("restart", (("week", week),)))
        return msgs.finish_done("repeat", week, track.title), None
    user.plan_reason = rules.encode_reason(Reason("maintain", (("week", user.plan_week),)))
    return msgs.finish_done("keep", user.plan_week, track.title), None
