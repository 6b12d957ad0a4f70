"""Start-up and shutdown in one place, for the runner, the terminal mode and the test harness.

``services(settings)`` loads and checks content, migrates the schema and opens the database;
``running(settings or services, token)`` builds the Application on them, initializes it, runs
its post_init (command menu, profile, periodic jobs) and starts it. On the way out, by error or
not, everything started is stopped in reverse order: the app, then its shutdown, then the
database (only when ``running`` opened it: services handed in belong to the caller).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager

from telegram.request import BaseRequest

from bot import app as coach_app
from bot import content_cache
from bot.config import Settings
from bot.content import DEFAULT_ROOT
from bot.context import CoachApp, Services
from bot.db import migrate
from bot.db.session import Database
from bot.ratelimit import PER_CHAT_RATE

log = logging.getLogger(__name__)

BeforeStart = Callable[[CoachApp], Awaitable[None]]


async def open_services(settings: Settings) -> Services:
    """Everything that must hold before the first update: content valid, schema at head."""
    # A bad tip, plan or profile.yaml stops start-up here.
    content, profile = content_cache.load(settings.content_dir or DEFAULT_ROOT, settings.cache_dir)
    db = Database(settings.database_url)
    try:
        await migrate.upgrade(db.engine)
    except BaseException:
        await db.dispose()
        raise
    return Services(settings=settings, db=db, content=content, profile=profile)


@asynccontextmanager
async def services(settings: Settings) -> AsyncIterator[Services]:
    """The services for these settings, the database disposed on the way out."""
    deps = await open_services(settings)
    try:
        yield deps
    finally:
        await deps.db.dispose()
        log.debug("Database disposed")


@asynccontextmanager
async def running(
    source: Settings | Services,
    token: str,
    *,
    request: BaseRequest | None = None,
    with_rate_limiter: bool = True,
    before_start: BeforeStart | None = None,
    chat_rate: float = PER_CHAT_RATE,
) -> AsyncIterator[CoachApp]:
    """The started Application. ``before_start`` runs once it is initialized (the Bot API
    answers) and before post_init and start: a check that may still refuse to serve."""
    async with AsyncExitStack() as stack:
        deps = source
        if isinstance(source, Settings):
            deps = await stack.enter_async_context(services(source))
        assert isinstance(deps, Services)
        app = coach_app.build_application(deps, token, request, with_rate_limiter, chat_rate)
        stack.push_async_callback(app.shutdown)  # a no-op if initialize failed early
        await app.initialize()
        if before_start is not None:
            await before_start(app)
        if app.post_init is not None:
            await app.post_init(app)
        await app.start()
        stack.push_async_callback(app.stop)
        yield app
