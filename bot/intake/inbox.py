"""The durable inbox: store every update before Telegram is told we have it, then handle it.

Polling and the webhook both hand batches to `Intake.receive()`, which returns only once the
updates are committed to the `processed_updates` table (state "new", owned by this process
under a lease). Only then does the poller advance its offset or the webhook answer 200. The
stored updates go to per-chat lanes (bot/intake/lanes.py); each is marked done by its first
effect (bot/handling.py). After a crash, whatever is still "new" is handled on restart (or by
another replica once the lease runs out), so nothing is lost and nothing is done twice.

When the database cannot be reached, `receive()` keeps trying for a short grace period and
then tells each sender truthfully that the message was not saved; Telegram is then told we
have it, since we asked the user to send it again.
"""

from __future__ import annotations

import asyncio
import logging
import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from telegram import ReplyParameters, Update
from telegram.error import TelegramError
from telegram.ext import Application

from bot import render
from bot.db.faults import unreachable
from bot.db.session import Database
from bot.handling import CURRENT, Handling
from bot.intake.lanes import Lanes

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=30)
RENEW_EVERY_S = 10.0
SWEEP_EVERY_S = 15.0
RETRY_MAX_S = 2.0
# Work slots: how many updates may run their own code and queries at once. Waiting on Telegram
# takes no slot (bot/intake/guard.py), so a few slots keep every chat moving while the event
# loop stays free to finish open transactions quickly.
WORK_SLOTS = 16


@dataclass(frozen=True)
class Stored:
    update_id: int
    payload: dict[str, Any]
    update: Update | None = None  # already parsed, when it arrived in this process


def chat_key(update: Update) -> int | None:
    """The lane of an update: its chat, else its sender, else none (runs on its own)."""
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return update.effective_user.id
    return None


class Intake:
    """Receives updates, keeps them durable, and handles them chat by chat."""

    def __init__(
        self,
        app: Application,  # type: ignore[type-arg]
        db: Database,
        *,
        grace_s: float = 3.0,
        sole_receiver: bool,
        concurrency: int = WORK_SLOTS,
    ) -> None:
        self.app = app
        self.db = db
        self.grace_s = grace_s
        # polling: Telegram lets one process poll, so what is "new" at start-up is ours; said by
        # every caller, since a webhook replica that assumed it would take its peers' updates
        self.sole_receiver = sole_receiver
        self.owner = f"{uuid.uuid4().hex[:12]}"
        self.lanes: Lanes[Stored] = Lanes(self._handle)
        self._slots = asyncio.Semaphore(concurrency)
        self._held: set[int] = set()
        self._background: list[asyncio.Task[None]] = []
        self.handled = 0

    # ---------------------------------------------------------------- lifecycle
    async def start(self) -> None:
        """Handle what a previous run left behind, then keep leases fresh."""
        await self._sweep(everything=self.sole_receiver)
        self._background = [
            asyncio.create_task(self._renew_forever(), name="inbox:renew"),
            asyncio.create_task(self._sweep_forever(), name="inbox:sweep"),
        ]

    async def stop(self, grace: float = 8.0) -> None:
        """Finish what is running for up to `grace` seconds; the rest stays stored, its lease
        given up so another replica (or the next start) takes it at once."""
        for task in self._background:
            task.cancel()
        await asyncio.gather(*self._background, return_exceptions=True)
        await self.lanes.close(grace)
        if self._held:
            try:
                async with self.db.uow() as repo:
                    await repo.renew_leases(self.owner, sorted(self._held), _now())
            except Exception as err:
                log.warning("Could not release %s stored updates: %r", len(self._held), err)

    async def wait_idle(self) -> None:
        await self.lanes.wait_idle()

    # ---------------------------------------------------------------- receiving
    async def receive(self, updates: Sequence[Update]) -> None:
        """Store a batch durably (or tell its senders it was not saved), then queue it.
        Returns when it is safe to confirm the batch to Telegram."""
        rows = [(u.update_id, chat_key(u), u.to_dict()) for u in updates]
        fresh = await self._store(rows, updates)
        if fresh is None:
            return
        for update, (uid, key, payload) in zip(updates, rows, strict=True):
            if uid in fresh:
                item = Stored(uid, payload, update)
                self._dispatch(key if key is not None else ("solo", uid), item)
            else:
                log.debug("Update %s was delivered before; ignored", update.update_id)

    async def _store(
        self, rows: list[tuple[int, int | None, dict[str, Any]]], updates: Sequence[Update]
    ) -> set[int] | None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.grace_s
        pause = 0.1
        while True:
            try:
                async with self.db.uow() as repo:
                    return await repo.store_updates(rows, self.owner, _now() + LEASE)
            except Exception as err:
                if not unreachable(err):
                    raise
                if loop.time() + pause > deadline:
                    log.error("Database unreachable; %s updates not saved: %r", len(rows), err)
                    await self._not_saved(updates)
                    return None
                log.warning("Database unreachable, retrying in %.1f s: %r", pause, err)
                await asyncio.sleep(pause)
                pause = min(pause * 2, 1.0)

    async def _not_saved(self, updates: Sequence[Update]) -> None:
        """One truthful answer to each message or press we could not store."""
        bot = self.app.bot
        for update in updates:
            try:
                if update.callback_query is not None:
                    await update.callback_query.answer(render.press_not_saved(), show_alert=True)
                elif update.effective_message is not None and update.effective_chat is not None:
                    await bot.send_message(
                        update.effective_chat.id,
                        render.message_not_saved(),
                        reply_parameters=ReplyParameters(
                            update.effective_message.message_id, allow_sending_without_reply=True
                        ),
                    )
            except TelegramError as err:
                log.warning("Could not say update %s was not saved: %r", update.update_id, err)

    def _dispatch(self, key: object, item: Stored) -> None:
        self._held.add(item.update_id)
        self.lanes.put(key, item)

    # ---------------------------------------------------------------- handling
    async def _handle(self, item: Stored) -> None:
        try:
            update = item.update or Update.de_json(item.payload, self.app.bot)
        except Exception:
            log.exception("Stored update %s cannot be read; dropped", item.update_id)
            await self._mark_done(Handling(item.update_id, self.owner, self._mark))
            self._held.discard(item.update_id)
            return
        handling = Handling(item.update_id, self.owner, self._mark, slot=self._slots)
        await self._slots.acquire()
        handling.holds_slot = True
        token = CURRENT.set(handling)
        pause = 0.1
        try:
            while True:
                handling.retry = False
                handling.sessions.clear()
                await self.app.process_update(update)
                if not handling.retry or handling.done:
                    break
                # the database failed before anything happened: try again when it is back
                self._slots.release()
                handling.holds_slot = False
                await asyncio.sleep(pause + random.random() * pause)
                await self._slots.acquire()
                handling.holds_slot = True
                pause = min(pause * 2, RETRY_MAX_S)
            if not handling.done:
                await self._mark_done(handling)
        finally:
            CURRENT.reset(token)
            if handling.holds_slot:
                self._slots.release()
                handling.holds_slot = False
            self._held.discard(item.update_id)
            self.handled += 1

    async def _mark(self, handling: Handling) -> None:
        async with self.db.uow():
            pass  # the unit of work's commit marks the current update done

    async def _mark_done(self, handling: Handling) -> None:
        """For updates that never touched the database or Telegram (a poll answer, a
        dropped group message): mark them done, waiting out a database fault."""
        token = CURRENT.set(handling)
        pause = 0.1
        try:
            while not handling.done:
                try:
                    await self._mark(handling)
                except Exception as err:
                    if not unreachable(err):
                        log.warning("Update %s not marked done: %r", handling.update_id, err)
                        return
                    await asyncio.sleep(pause)
                    pause = min(pause * 2, RETRY_MAX_S)
        finally:
            CURRENT.reset(token)

    # ---------------------------------------------------------------- leases
    async def _renew_forever(self) -> None:
        while True:
            await asyncio.sleep(RENEW_EVERY_S)
            if not self._held:
                continue
            try:
                async with self.db.uow() as repo:
                    await repo.renew_leases(self.owner, sorted(self._held), _now() + LEASE)
            except Exception as err:
                log.warning("Could not renew leases: %r", err)

    async def _sweep_forever(self) -> None:
        while True:
            await asyncio.sleep(SWEEP_EVERY_S)
            try:
                await self._sweep(everything=False)
            except Exception as err:
                log.warning("Inbox sweep failed: %r", err)

    async def _sweep(self, *, everything: bool) -> None:
        """Take over stored updates whose owner is gone, and queue them in order."""
        while True:
            async with self.db.uow() as repo:
                rows = await repo.take_unhandled(
                    self.owner, _now(), _now() + LEASE, everything=everything
                )
            for uid, payload in rows:
                if uid in self._held:
                    continue
                try:
                    key = chat_key(Update.de_json(payload, self.app.bot))
                except Exception:
                    key = None
                log.info("Handling update %s left over from an earlier run", uid)
                self._dispatch(key if key is not None else ("solo", uid), Stored(uid, payload))
            if len(rows) < 500:
                return


def _now() -> datetime:
    return datetime.now(UTC)
