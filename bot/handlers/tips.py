"""/tip and /safety: what the coach knows, from content/."""

from __future__ import annotations

from telegram import Update

from bot import render
from bot.actions import Press
from bot.content import Tip
from bot.context import CoachContext
from bot.db.models import User
from bot.handlers.common import load_user, say
from bot.render import tips as msgs

RECENT_TIPS = 8
MAX_QUERY = 200


def remember(user: User, tip: Tip) -> None:
    """Keep the last few tips shown, newest first, so bare /tip rotates."""
    recent = [t for t in user.recent_tips.split(",") if t and t != tip.id]
    user.recent_tips = ",".join([tip.id, *recent][:RECENT_TIPS])


async def tip_command(update: Update, context: CoachContext) -> None:
    deps = context.services
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


async def on_tip_button(update: Update, context: CoachContext, press: Press) -> None:
    deps = context.services
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


async def safety_command(update: Update, context: CoachContext) -> None:
    """The safety rules for the user's own track (sprints, treadmill, ...)."""
    deps = context.services
    async with deps.db.uow() as repo:
        user, _ = await load_user(repo, update, context)
        track = user.track
    await say(update, context, deps.content.safety_html(track))
