"""Serve the bot: migrate, load content, then long polling or a webhook until a signal."""

from __future__ import annotations

import asyncio
import logging
import signal
from urllib.parse import urlparse

from telegram import Update
from telegram.error import InvalidToken, NetworkError
from telegram.ext import Application

from bot import profile
from bot.app import build_application
from bot.config import Settings
from bot.content import DEFAULT_ROOT, load_content
from bot.db import migrate
from bot.db.session import Database
from bot.deps import Deps
from bot.health import HealthServer, Readiness
from bot.logs import setup_logging

log = logging.getLogger(__name__)


async def prepare(settings: Settings) -> Deps:
    """Everything that must hold before the first update: content valid, schema at head."""
    content = load_content(settings.content_dir or DEFAULT_ROOT)
    profile.load(settings.content_dir or DEFAULT_ROOT)  # a bad profile.yaml stops start-up too
    db = Database(settings.database_url)
    await migrate.upgrade(db.engine)
    return Deps(settings=settings, db=db, content=content)


async def serve(settings: Settings) -> int:
    assert settings.bot_token is not None
    token = settings.bot_token.get_secret_value()
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else ""
    setup_logging(
        settings.log_level,
        secrets=(token, secret),
        fmt=settings.log_format,
        replica=settings.replica_id,
    )
    deps = await prepare(settings)
    app = build_application(deps, token)
    readiness = Readiness(
        deps.db,
        mode="webhook" if settings.webhook_url else "polling",
        updater_running=lambda: app.updater is not None and app.updater.running,
    )
    health = None
    if settings.health_port is not None:
        health = HealthServer(readiness, settings.health_listen, settings.health_port)
        try:
            health.start()
        except OSError as err:
            log.error("Cannot listen on HEALTH_PORT %s: %s", settings.health_port, err.strerror)
            await deps.db.dispose()
            return 2

    try:
        await _run(app, settings, secret, readiness)
    except InvalidToken:
        log.error("Telegram refused the token: check BOT_TOKEN (from @BotFather).")
        return 2
    except NetworkError as err:
        log.error("Cannot reach the Bot API at %s: %s", settings.base_url, err.message)
        return 1
    finally:
        if health is not None:
            await health.stop()
        await deps.db.dispose()
    log.info("Stopped cleanly")
    return 0


async def _run(
    app: Application,  # type: ignore[type-arg]
    settings: Settings,
    secret: str,
    readiness: Readiness,
) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with app:
        if app.post_init is not None:
            await app.post_init(app)
        await app.start()
        assert app.updater is not None
        if settings.webhook_url:
            path = urlparse(settings.webhook_url).path.lstrip("/")
            await app.updater.start_webhook(
                listen=settings.webhook_listen,
                port=settings.webhook_port,
                url_path=path,
                webhook_url=settings.webhook_url,
                secret_token=secret,
                allowed_updates=Update.ALL_TYPES,
            )
            log.info(
                "Webhook server listening on %s:%s", settings.webhook_listen, settings.webhook_port
            )
        else:
            await app.updater.start_polling(allowed_updates=Update.ALL_TYPES, timeout=10)
            log.info("Long polling started")
        readiness.receiving = True
        await stop.wait()
        readiness.stopping = True
        log.info("Stopping")
        await app.updater.stop()
        await app.stop()
