"""Replies and the send budget: a fan-out never holds a reply up, replies that surely did not
arrive are sent again, one that may have arrived is not, and a 403 on a reply stops reminders."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

import pytest
from telegram.ext import ExtBot
from telegram.request import HTTPXRequest

from bot import ratelimit
from bot.db.session import Database
from bot.ratelimit import CoachRateLimiter
from tests.e2e.harness import Harness, start_harness, stop_harness
from tests.e2e.reminder_helpers import insert_due_users, load, signup
from tests.fakes import FakeBotAPI

FANOUT = 150
FIRST = 800_000


async def due_users(db: Database, server: FakeBotAPI) -> None:
    due = datetime.now(UTC) - timedelta(seconds=2)
    for uid in range(FIRST, FIRST + FANOUT):
        server._chat_for(uid, "private", server._user(uid))
    await insert_due_users(db, range(FIRST, FIRST + FANOUT), due)


async def test_a_reply_during_a_fan_out_is_not_held_up_by_it(
    server: FakeBotAPI, db: Database
) -> None:
    """150 reminders take five seconds at 30 a second; /help in the middle is answered at
    once. Replies never wait for the budget; the broadcasts make room after them, so the
    replies are all that can come on top of it for a moment."""
    await due_users(db, server)
    h = await start_harness(server, db, reminder_interval_s=1)
    try:
        await server._wait(lambda: True if len(server.sends()) >= 30 else None, 30)
        latencies = []
        for k in range(5):
            started = time.monotonic()
            [reply] = await h.say("/help", user_id=1001 + k)
            latencies.append(time.monotonic() - started)
            assert "/log" in reply.text
        assert len(server.sends()) < FANOUT + 5, "the fan-out had ended: nothing was measured"
        assert max(latencies) < 1.0, latencies
        await server._wait(lambda: True if len(server.sends()) >= FANOUT + 5 else None, 30)
    finally:
        await stop_harness(h)
    assert server.busiest_second() <= 30 + len(latencies)
    assert server.errors == []


async def test_a_reply_answered_5xx_or_refused_is_sent_again_after_a_pause(
    bot: Harness, server: FakeBotAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ratelimit, "REPLY_RETRY_S", (0.05, 0.1, 0.2))
    server.fail("sendMessage", status=502, times=2)
    [reply] = await bot.say("/help")
    assert "/log" in reply.text
    assert [r.status for r in server.calls("sendMessage")][-3:] == [502, 502, 200]


async def test_a_reply_that_may_have_arrived_is_never_sent_twice(
    server: FakeBotAPI, db: Database
) -> None:
    """A read timeout may come after Telegram delivered the message."""
    server._chat_for(1001, "private", server._user(1001))
    impatient = ExtBot(
        server.token,
        base_url=server.base_url,
        request=HTTPXRequest(read_timeout=0.3, connect_timeout=2),
        rate_limiter=CoachRateLimiter(),
    )
    await impatient.initialize()
    server.delay("sendMessage", 0.8)
    try:
        with pytest.raises(Exception, match="Timed out"):
            await impatient.send_message(1001, "hello")
        await server.wait_for_messages(1)
        await asyncio.sleep(1.0)
    finally:
        server.delay("sendMessage", 0)
        await impatient.shutdown()
    assert [m.text for m in server.messages(1001)] == ["hello"]
    assert len(server.calls("sendMessage")) == 1


async def test_a_403_on_a_reply_marks_the_user_inactive(bot: Harness, server: FakeBotAPI) -> None:
    await signup(bot)
    assert (await load(bot.db)).active is True
    server.block(1001)
    bot.server.send_text("/help")
    await bot.settle()
    user = await load(bot.db)
    assert user.active is False and user.next_reminder_at is None
