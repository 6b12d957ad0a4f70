"""The handler context: PTB's CallbackContext with the bot's services on it, typed.

Handlers take a ``CoachContext`` and read ``context.db``, ``context.content`` and
``context.settings``; the services are built once at start-up (bot/startup.py) and kept on
``application.bot_data``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias

from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot, JobQueue

from bot.config import Settings
from bot.content import Content
from bot.db.session import Database
from bot.profile import Profile

if TYPE_CHECKING:
    from bot.dispatcher import Dispatcher


@dataclass
class Services:
    """What every handler needs: settings, the database and the loaded content."""

    settings: Settings
    db: Database
    content: Content
    profile: Profile  # the bot's description texts, set on Telegram at start-up


class BotData:
    """``application.bot_data``; PTB makes it with no arguments, build_application fills it."""

    services: Services | None = None
    dispatcher: Dispatcher | None = None  # started on the first reminder tick


class CoachContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    @property
    def services(self) -> Services:
        found = self.bot_data.services
        if found is None:
            raise RuntimeError("the application was built without services")
        return found

    @property
    def db(self) -> Database:
        return self.services.db

    @property
    def content(self) -> Content:
        return self.services.content

    @property
    def settings(self) -> Settings:
        return self.services.settings


CONTEXT_TYPES = ContextTypes(context=CoachContext, bot_data=BotData)
# PTB's builder keeps the default context type on its JobQueue; jobs still get a CoachContext.
CoachApp: TypeAlias = Application[
    ExtBot[None], CoachContext, dict[Any, Any], dict[Any, Any], BotData, JobQueue[Any]
]


def services_of(app: CoachApp) -> Services:
    found = app.bot_data.services
    if found is None:
        raise RuntimeError("the application was built without services")
    return found
