"""Helpers for reminder tests: a clock under time-machine, a user who signs up, one pass of
the dispatcher at a chosen instant, and what the user received."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import insert
from telegram import Bot
from telegram.ext import ExtBot

from bot import dispatcher
from bot.content import Content
from bot.db.models import Delivery, User
from bot.db.session import Database
from tests.e2e.harness import Harness
from tests.fakes import SentMessage

CLOCK = datetime(2026, 6, 10, 6, 0, tzinfo=UTC)  # a Wednesday morning
UID = 1001


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, sec: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, sec, tzinfo=UTC)


async def dispatch_once(
    bot: Bot, db: Database, content: Content, now: datetime | None = None
) -> list[str]:
    """One dispatcher pass for what is due at `now`; returns each delivery's outcome."""
    rate = getattr(getattr(bot, "rate_limiter", None), "rate", 30.0)
    return await dispatcher.Dispatcher(bot, db, content, rate=rate).run_once(
        now or datetime.now(UTC)
    )


def stop_dispatcher(h: Harness) -> None:
    """Remove the repeating job so only the test's dispatch_once calls send dispatcher."""
    assert h.app.job_queue is not None
    for job in h.app.job_queue.get_jobs_by_name("reminders"):
        job.schedule_removal()


async def dispatch_at(
    h: Harness, clock: time_machine.Traveller, instant: datetime, bot: ExtBot[Any] | None = None
) -> list[str]:
    """Move the clock to `instant` and run one dispatcher pass there."""
    clock.move_to(instant)
    return await dispatch_once(bot or h.app.bot, h.db, h.deps.content, now=instant)


async def signup(
    h: Harness, zone: str = "UTC", remind: str = "daily 07:30", uid: int = UID
) -> None:
    """A new user sets their zone and schedule, as they would in the chat."""
    [set_zone] = await h.say(f"/timezone {zone}", user_id=uid)
    assert "Time zone set" in set_zone.text
    [status] = await h.say(f"/remind {remind}", user_id=uid)
    assert "Next one" in status.text, status.text


async def load(db: Database, uid: int = UID) -> User:
    async with db.uow() as repo:
        user = await repo.get_user(uid)
        assert user is not None
        return user


async def deliveries(db: Database, uid: int = UID) -> list[Delivery]:
    async with db.uow() as repo:
        return list(await repo.deliveries(uid))


def reminders_in(h: Harness, uid: int = UID) -> list[SentMessage]:
    """The reminder messages the user received (first reminders and snoozed ones)."""
    return [m for m in h.messages(uid) if "🏃" in m.text]


def local(message: SentMessage, zone: str) -> datetime:
    """When the fake server received the message, in the user's zone."""
    return datetime.fromtimestamp(int(message.data["date"]), ZoneInfo(zone))


class Runs:
    """How many passes the real dispatcher job has made."""

    def __init__(self) -> None:
        self.count = 0
        self.changed = asyncio.Event()

    def add(self) -> None:
        self.count += 1
        self.changed.set()

    async def wait(self, more: int, limit: float = 10.0) -> None:
        target = self.count + more
        async with asyncio.timeout(limit):
            while self.count < target:
                self.changed.clear()
                await self.changed.wait()


def count_dispatcher_runs(monkeypatch: pytest.MonkeyPatch) -> Runs:
    """Count the passes of the real dispatcher job, to wait for some without sleeping blindly."""
    runs = Runs()
    real = dispatcher.collect_due

    async def counted(
        db: Database, content: Content, now: datetime, **kw: Any
    ) -> list[dispatcher.Outgoing]:
        try:
            return await real(db, content, now, **kw)
        finally:
            runs.add()

    monkeypatch.setattr(dispatcher, "collect_due", counted)
    return runs


async def insert_due_users(db: Database, ids: range | list[int], due: datetime) -> None:
    """Onboarded beginners training every day, each with a reminder due at `due` (bulk insert)."""
    rows = [
        {
            "id": uid,
            "chat_id": uid,
            "first_name": "Ana",
            "created_at": due,
            "onboarded": True,
            "track": "beginner",
            "training_days": "mon,tue,wed,thu,fri,sat,sun",
            "remind_time": "07:30",
            "reminders_on": True,
            "timezone": "UTC",
            "active": True,
            "plan_week": 1,
            "plan_reason": "",
            "recent_tips": "",
            "next_reminder_at": due,
        }
        for uid in ids
    ]
    async with db.engine.begin() as conn:
        for k in range(0, len(rows), 2000):
            await conn.execute(insert(User), rows[k : k + 2000])
