"""/tip, /safety and /plan: what the coach knows, from content/."""

from __future__ import annotations

from datetime import UTC, datetime

from telegram import Update

from bot import render
from bot.callbacks import Press
from bot.coach.schedule import format_days
from bot.coaching import (
    catch_up_plan,
    local_now,
    today_target,
    track_weeks,
    training_days,
    week_target,
)
from bot.content import Tip
from bot.db.models import User
from bot.handlers.common import Context, get_deps, load_user, say
from bot.render import tips as msgs

RECENT_TIPS = 8
MAX_QUERY = 200


def remember(user: User, tip: Tip) -> None:
    """Keep the last few tips shown, newest first, so bare /tip rotates."""
    recent = [t for t in user.recent_tips.split(",") if t and t != tip.id]
    user.recent_tips = ",".join([tip.id, *recent][:RECENT_TIPS])


async def tip_command(update: Update, context: Context) -> None:
    deps = get_deps(context)
    query = " ".join(context.args or [])[:MAX_QUERY].strip()
    async with deps.db.uow() as repo:
        user, _ = await load_user(repo, update, context)
        if not query:
            recent = [t for t in user.recent_tips.split(",") if t]
            tip = deps.content.pick_fresh(recent, seed=update.update_id)
            remember(user, tip)
            await repo.commit()
            await say(update, context, tip.html)
            return
        found = deps.content.search(query)
        if found.best is not None:
            remember(user, found.best)
            await repo.commit()
            markup = msgs.related_buttons(found.related) if found.related else None
            await say(update, context, found.best.html, markup)
        elif found.choices:
            await say(update, context, msgs.choose(query), msgs.tip_buttons(found.choices))
        elif found.near:
            markup = msgs.tip_buttons(found.near, all_topics=True)
            await say(update, context, msgs.closest(query), markup)
        else:
            markup = msgs.tip_buttons(deps.content.starters(), all_topics=True)
            await say(update, context, msgs.no_match(query), markup)


async def on_tip_button(update: Update, context: Context, press: Press) -> None:
    deps = get_deps(context)
    if press.args == (msgs.ALL_TOPICS,):
        await say(update, context, msgs.all_topics(deps.content.topics_html()))
        return
    tip = deps.content.tips.get(press.args[0]) if press.args else None
    if tip is None:
        await say(update, context, render.stale_button())
        return
    async with deps.db.uow() as repo:
        user, _ = await load_user(repo, update, context)
        remember(user, tip)
    await say(update, context, tip.html)


async def safety_command(update: Update, context: Context) -> None:
    await say(update, context, get_deps(context).content.safety_html())


async def plan_command(update: Update, context: Context) -> None:
    deps = get_deps(context)
    async with deps.db.uow() as repo:
        user, _ = await load_user(repo, update, context)
        today = local_now(user, datetime.now(UTC)).date()
        await catch_up_plan(repo, deps.content, user, today)
        weeks = track_weeks(deps.content, user)
        track = deps.content.tracks.get(user.track) or deps.content.tracks["beginner"]
        text = msgs.plan(
            track.title,
            user.plan_week,
            len(weeks),
            week_target(deps.content, user),
            today_target(deps.content, user, today),
            format_days(training_days(user)),
            [w for w in weeks if user.plan_week < w.week <= user.plan_week + 3],
            user.plan_reason or "You started the plan this week.",
        )
    await say(update, context, text)
