"""The real Application, long polling the fake Bot API over HTTP, with a way to wait for it."""

from __future__ import annotations

import asyncio
import functools
import itertools
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import Application, ApplicationHandlerStop, TypeHandler

from bot import profile
from bot.config import Settings
from bot.content import DEFAULT_ROOT, Content, load_content
from bot.context import Services
from bot.db.session import Database
from bot.intake.inbox import Intake
from bot.intake.polling import Poller
from bot.ratelimit import PER_CHAT_RATE
from bot.startup import running
from tests.fakes import FakeBotAPI
from tests.fakes.botapi import SentMessage

SENTINEL_BASE = 9_000_000_000
# Per-chat pace of the `bot` and `coach` fixtures (tests/e2e/conftest.py): a walk of many
# messages in one chat is not about Telegram's one a second (bot/ratelimit.py), so it runs
# unpaced unless marked `telegram_pace`. start_harness() alone keeps Telegram's pace.
TEST_CHAT_RATE = 1000.0
_sentinels = itertools.count(SENTINEL_BASE)


@functools.cache
def shipped_content() -> Content:
    """content/, loaded once per run: a Content is never changed after loading (bot/content.py),
    so every bot of the run can share one."""
    return load_content()


@dataclass
class Harness:
    server: FakeBotAPI
    app: Application  # type: ignore[type-arg]
    db: Database
    deps: Services
    intake: Intake
    poller: Poller
    stack: AsyncExitStack
    seen: set[int] = field(default_factory=set)
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    async def _observe(self, update: Update, _context: Any) -> None:
        """First handler of all: marks sentinels as seen and stops them there."""
        if update.update_id >= SENTINEL_BASE:
            self.seen.add(update.update_id)
            self.changed.set()
            raise ApplicationHandlerStop

    async def settle(self, limit: float = 10.0) -> None:
        """Wait until everything sent so far is handled. Chats run side by side, so a
        sentinel being handled only proves it was fetched, and with it everything queued
        before it (the fake hands updates out in order); then wait for every lane to drain."""
        uid = next(_sentinels)
        self.server.enqueue({"update_id": uid, "poll_answer": _SENTINEL})
        async with asyncio.timeout(limit):
            while uid not in self.seen:
                self.changed.clear()
                await self.changed.wait()
            await self.intake.wait_idle()

    def messages(self, chat_id: int = 1001) -> list[SentMessage]:
        return self.server.messages(chat_id)

    async def say(self, text: str, user_id: int = 1001, **kw: Any) -> list[SentMessage]:
        """Send text as the user; return the bot messages that appeared in reply."""
        before = len(self.messages(kw.get("chat_id") or user_id))
        self.server.send_text(text, user_id=user_id, **kw)
        await self.settle()
        return self.messages(kw.get("chat_id") or user_id)[before:]

    async def press(
        self, message: SentMessage, label_or_data: str, user_id: int = 1001
    ) -> list[SentMessage]:
        """Press a button by its label (or its callback data); return new bot messages."""
        data = button_data(message, label_or_data)
        before = len(self.messages(user_id))
        self.server.press(message, data, user_id=user_id)
        await self.settle()
        return self.messages(user_id)[before:]

    async def send(self, update: dict[str, Any]) -> None:
        self.server.enqueue(update)
        await self.settle()


def button_data(message: SentMessage, label_or_data: str) -> str:
    for row in message.buttons():
        for label, data in row:
            if data is not None and (label == label_or_data or data == label_or_data):
                return data
    for row in message.buttons():
        for label, data in row:
            if data is not None and label_or_data.lower() in label.lower():
                return data
    raise AssertionError(f"no button {label_or_data!r} in {message.buttons()}")


# A poll answer: an update kind the bot never acts on, so it can mark "all handled so far".
_SENTINEL = {
    "poll_id": "sentinel",
    "option_ids": [],
    "option_persistent_ids": [],
    "user": {"id": 1, "is_bot": False, "first_name": "sentinel"},
}


async def start_harness(
    server: FakeBotAPI, db: Database, chat_rate: float = PER_CHAT_RATE, **settings: Any
) -> Harness:
    config = Settings(
        bot_token=server.token,
        database_url=db.url,
        telegram_base_url=server.base_url,
        **settings,
    )
    texts = profile.load(config.content_dir or DEFAULT_ROOT)
    deps = Services(settings=config, db=db, content=shipped_content(), profile=texts)
    stack = AsyncExitStack()  # the test's db fixture disposes the engine, running() does not
    app = await stack.enter_async_context(running(deps, server.token, chat_rate=chat_rate))
    intake = Intake(app, db, grace_s=config.db_grace_s, sole_receiver=True)
    poller = Poller(intake, timeout=1)
    harness = Harness(server, app, db, deps, intake, poller, stack)
    app.add_handler(TypeHandler(Update, harness._observe), group=-100)
    await intake.start()
    poller.start()
    return harness


async def stop_harness(h: Harness) -> None:
    await h.poller.stop()
    await h.intake.stop()
    await h.stack.aclose()
