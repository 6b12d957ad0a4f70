"""Serve the bot: start it (bot/startup.py), then long polling or a webhook until a signal."""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from telegram import Bot, Update
from telegram.error import InvalidToken, NetworkError

from bot import metrics, startup
from bot.config import Settings
from bot.context import CoachApp, Services
from bot.intake.inbox import Intake
from bot.intake.polling import Poller, WebhookIsSet, check_no_webhook
from bot.logs import setup_logging
from bot.readiness import Readiness

if TYPE_CHECKING:
    from bot.health import HealthServer
    from bot.intake.webhook import WebhookServer

log = logging.getLogger(__name__)


async def serve(settings: Settings) -> int:
    """`python -m bot run`; the exit status: 0 stopped by a signal, 1 or 2 refused to run."""
    assert settings.bot_token is not None
    token = settings.bot_token.get_secret_value()
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else ""
    setup_logging(
        settings.log_level,
        secrets=(token, secret),
        fmt=settings.log_format,
        replica=settings.replica_id,
    )
    # Signals are heard from here on: a stop asked for while starting (content, migrations,
    # the Bot API's first answers) ends the start-up cleanly instead of killing the process.
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    log.debug("Starting (%s)", settings.update_mode)
    async with startup.services(settings) as deps:
        readiness = Readiness(deps.db, mode=settings.update_mode)
        health: HealthServer | None = None
        if settings.health_port is not None:
            from bot.health import HealthServer  # tornado, loaded only for a listener

            health = HealthServer(readiness, settings.health_listen, settings.health_port)
            try:
                health.start()
            except OSError as err:
                log.error("Cannot listen on HEALTH_PORT %s: %s", settings.health_port, err.strerror)
                return 2
        try:
            code = await _serve(deps, token, secret, readiness, stop)
        finally:
            if health is not None:
                await health.stop()
    if code == 0:
        log.info("Stopped cleanly")
    return code


async def _serve(
    deps: Services, token: str, secret: str, readiness: Readiness, stop: asyncio.Event
) -> int:
    """Run until a signal; the exit code says why it stopped, with the reason logged."""
    settings = deps.settings
    try:
        await _run(deps, token, secret, readiness, stop)
    except InvalidToken:
        log.error("Telegram refused the token: check BOT_TOKEN (from @BotFather).")
        return 2
    except NetworkError as err:
        log.error("Cannot reach the Bot API at %s: %s", settings.telegram_base_url, err.message)
        return 1
    except WebhookIsSet as err:
        log.error(
            "UPDATE_MODE is polling but Telegram has a webhook set (%s), so another process "
            "serves this bot by webhook. Polling would cut it off, so I won't. Set "
            "UPDATE_MODE=webhook with the same WEBHOOK_URL, or remove the webhook "
            "(python -m bot delete-webhook) if it is no longer used.",
            err,
        )
        return 2
    return 0


async def _run(
    deps: Services, token: str, secret: str, readiness: Readiness, stop: asyncio.Event
) -> None:
    settings = deps.settings
    webhook = settings.update_mode == "webhook"
    intakes: list[Intake] = []

    async def receive(app: CoachApp) -> None:
        """Before the menu is set and jobs start: refuse to poll a bot served by webhook."""
        intake = Intake(app, deps.db, grace_s=settings.db_grace_s, sole_receiver=not webhook)
        metrics.UPDATE_QUEUE.set_function(lambda: intake.lanes.pending)
        intakes.append(intake)
        if not webhook:
            await check_no_webhook(intake)

    async with startup.running(deps, token, before_start=receive) as app:
        if stop.is_set():
            log.info("Stopping: asked to while starting")
            return
        [intake] = intakes
        await intake.start()
        server: WebhookServer | None = None
        poller: Poller | None = None
        try:
            if webhook:
                from bot.intake.webhook import WebhookServer  # tornado, as for health

                assert settings.webhook_url is not None
                path = urlparse(settings.webhook_url).path
                server = WebhookServer(intake, path, secret)
                server.listen(settings.webhook_listen, settings.webhook_port)
                await app.bot.set_webhook(
                    settings.webhook_url, secret_token=secret, allowed_updates=Update.ALL_TYPES
                )
                log.info(
                    "Webhook server listening on %s:%s",
                    settings.webhook_listen,
                    settings.webhook_port,
                )
            else:
                poller = Poller(intake)
                poller.start()
                readiness.updater_running = lambda: poller is not None and poller.running
                log.info("Long polling started")
            readiness.receiving = True
            await stop.wait()
            readiness.stopping = True
            log.info("Stopping")
        finally:  # receiving stops first, then the work in hand finishes, then the app
            if server is not None:
                await server.stop()
            if poller is not None:
                await poller.stop()
            await intake.stop()


async def delete_webhook(settings: Settings) -> int:
    """For an operator moving from webhook to polling: remove the webhook, keep its backlog."""
    assert settings.bot_token is not None
    bot = Bot(settings.bot_token.get_secret_value(), base_url=settings.telegram_base_url)
    async with bot:
        info = await bot.get_webhook_info()
        await bot.delete_webhook(drop_pending_updates=False)
    print(f"Webhook {info.url or '(none)'} removed; pending updates are kept for polling.")
    return 0
