"""/tip and /safety: what the coach knows, from content/."""

from __future__ import annotations

from telegram import Update

from bot import actions, render
from bot.content import Tip
from bot.context import CoachContext
from bot.handlers.common import UserWork, say, with_user
from bot.render import Keyboard
from bot.render import tips as msgs
from bot.service import recent_tips, remember_tip

MAX_QUERY = 200


async def _show_tip(
    update: Update, context: CoachContext, work: UserWork, tip: Tip, markup: Keyboard | None = None
) -> None:
    """Send a tip and remember it was seen, so a bare /tip moves on to another."""
    remember_tip(work.user, tip)
    await work.repo.commit()
    await say(update, context, tip.html, markup)


@with_user
async def tip_command(update: Update, context: CoachContext, work: UserWork) -> None:
    content = context.content
    query = " ".join(context.args or [])[:MAX_QUERY].strip()
    if not query:
        tip = content.pick_fresh(recent_tips(work.user), seed=update.update_id)
        await _show_tip(update, context, work, tip)
        return
    found = content.search(query)
    if found.best is None:
        await say(update, context, *msgs.no_best_match(query, found, content.starters()))
        return
    markup = msgs.related_buttons(found.related) if found.related else None
    await _show_tip(update, context, work, found.best, markup)


async def on_tip_button(update: Update, context: CoachContext, pressed: actions.Tip) -> None:
    """A tip by id, or every topic; a tip gone from content/ is a stale button."""
    if pressed.tip_id == msgs.ALL_TOPICS:
        await say(update, context, msgs.all_topics(context.content.topics_html()))
        return
    tip = context.content.tips.get(pressed.tip_id)
    if tip is None:
        await say(update, context, render.stale_button())
        return
    await with_user(_show_tip)(update, context, tip)


@with_user
async def safety_command(update: Update, context: CoachContext, work: UserWork) -> None:
    """The safety rules for the user's own track (sprints, treadmill, ...)."""
    await say(update, context, context.content.safety_html(work.user.track))
