"""/start for new and returning users."""

from __future__ import annotations

from telegram import Update

from bot import render
from bot.handlers.common import Context, get_deps, load_user, say


async def start(update: Update, context: Context) -> None:
    async with get_deps(context).db.uow() as repo:
        user, created = await load_user(repo, update, context)
        name = user.first_name
    if created:
        await say(update, context, f"Hi {render.e(name)}! I'm your backward-running coach.")
    else:
        await say(update, context, render.welcome_back(name))
