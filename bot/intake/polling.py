"""Long polling that confirms an update to Telegram only after it is stored.

PTB's Updater confirms a batch (the next getUpdates offset) as soon as it is fetched, so a
crash loses whatever was waiting in memory. Here the offset moves past a batch only once
`Intake.receive()` has stored it (or told its senders it was not saved).
"""

from __future__ import annotations

import asyncio
import logging

from telegram import Update
from telegram.error import Conflict, InvalidToken, NetworkError, TimedOut

from bot.intake.inbox import Intake

log = logging.getLogger(__name__)


class WebhookIsSet(Exception):
    """Telegram has a webhook: another process serves this bot by webhook."""


async def check_no_webhook(intake: Intake) -> None:
    """Polling would need deleteWebhook, which silently cuts off a webhook deployment."""
    info = await intake.app.bot.get_webhook_info()
    if info.url:
        raise WebhookIsSet(info.url)


class Poller:
    def __init__(self, intake: Intake, *, timeout: int = 10, poll_interval: float = 0.0) -> None:
        self.intake = intake
        self.timeout = timeout
        self.poll_interval = poll_interval
        self.offset: int | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self.error: BaseException | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="poller")

    @property
    def running(self) -> bool:
        """Still fetching (False once stopped, or after Telegram refused the token)."""
        return self._task is not None and not self._task.done()

    async def stop(self) -> None:
        """Stop fetching; confirm what was stored so Telegram won't send it again."""
        self._stopping = True
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        if self.offset is not None:
            try:
                await self.intake.app.bot.get_updates(offset=self.offset, timeout=0, limit=1)
            except Exception as err:  # Telegram resends them; the inbox drops the duplicates
                log.info("Final offset not confirmed: %r", err)

    async def _run(self) -> None:
        bot = self.intake.app.bot
        pause = 1.0
        while not self._stopping:
            try:
                updates = await bot.get_updates(
                    offset=self.offset,
                    timeout=self.timeout,
                    allowed_updates=Update.ALL_TYPES,
                    read_timeout=self.timeout + 5,
                )
            except InvalidToken as err:
                self.error = err
                log.error("Telegram refused the token")
                return
            except TimedOut:
                continue
            except Conflict as err:
                log.error("Another process polls this bot (%s); retrying in %.0f s", err, pause)
                await asyncio.sleep(pause)
                pause = min(pause * 2, 30.0)
                continue
            except NetworkError as err:
                log.warning("getUpdates failed (%r); retrying in %.0f s", err, pause)
                await asyncio.sleep(pause)
                pause = min(pause * 2, 30.0)
                continue
            pause = 1.0
            if updates:
                try:
                    await self.intake.receive(updates)
                except Exception:
                    log.exception("Could not take in a batch of updates; trying again")
                    await asyncio.sleep(pause)
                    continue
                self.offset = max(u.update_id for u in updates) + 1
            elif self.poll_interval:
                await asyncio.sleep(self.poll_interval)
