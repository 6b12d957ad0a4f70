"""How updates come in: chats side by side and each in order, stored before they are
confirmed, each handled once (also after a crash or a takeover), blocked/unblocked users."""

from __future__ import annotations

import asyncio
import statistics
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.db.models import ProcessedUpdate, User, Workout
from bot.db.session import Database
from bot.handling import CURRENT, Handling, UpdateTakenOver
from tests.e2e.harness import Harness, start_harness, stop_harness
from tests.fakes import FakeBotAPI


async def _workouts(db: Database, user_id: int) -> list[Workout]:
    async with db.uow() as repo:
        return list(await repo.all_workouts(user_id))


async def test_a_slow_chat_does_not_hold_up_another_and_keeps_its_order(bot: Harness) -> None:
    server = bot.server
    server.slow_answers(1.0, 1.5, chats={2001})
    for minutes in (1, 2, 3):
        server.send_text(f"/log {minutes} min felt good", user_id=2001)
    started = time.monotonic()
    server.send_text("/help", user_id=2002)
    [help_reply] = await server.wait_for_messages(1, chat_id=2002, timeout=5)
    assert time.monotonic() - started < 1.2, "another chat's slow answers delayed this one"
    assert "/log" in help_reply.text
    assert len(server.messages(2001)) < 3  # the slow chat is still on its way
    await bot.settle(limit=15)
    replies = [m.text for m in server.messages(2001)]
    assert [r.split(":")[1].split()[0] for r in replies] == ["1", "2", "3"], replies
    assert [w.duration_s for w in await _workouts(bot.db, 2001)] == [60, 120, 180]


async def test_many_chats_at_once_each_get_their_own_answers_in_order(bot: Harness) -> None:
    users = range(3001, 3031)
    for round_ in (1, 2, 3):
        for uid in users:
            bot.server.send_text(f"/log {round_} min", user_id=uid)
    await bot.settle(limit=30)
    for uid in users:
        texts = [m.text for m in bot.messages(uid)]
        assert len(texts) == 3, texts
        assert [t.split(":")[1].split()[0] for t in texts] == ["1", "2", "3"], texts
        assert [w.duration_s for w in await _workouts(bot.db, uid)] == [60, 120, 180]


async def test_an_update_left_from_a_crash_is_handled_once_on_start(
    server: FakeBotAPI, db: Database
) -> None:
    """A process died after storing an update (and confirming it to Telegram): the next
    start handles it, exactly once."""
    update = server.send_text("/log 4 min felt fine", user_id=4001)
    server.queue.clear()  # Telegram forgot it: it was confirmed before the crash
    async with db.uow() as repo:
        await repo.store_updates(
            [(update["update_id"], 4001, update)], "dead-owner", datetime.now(UTC)
        )
    h = await start_harness(server, db)
    try:
        [reply] = await server.wait_for_messages(1, chat_id=4001, timeout=10)
        await h.settle()
    finally:
        await stop_harness(h)
    assert "Logged" in reply.text
    assert [w.duration_s for w in await _workouts(db, 4001)] == [240]
    async with db.uow() as repo:
        row = await repo.session.get(ProcessedUpdate, update["update_id"])
        assert row is not None and row.state == "done" and row.payload is None


async def test_the_first_commit_marks_the_update_and_a_taken_over_one_rolls_back(
    db: Database,
) -> None:
    """Exactly once across processes: whoever commits an update's first effect marks it;
    the other's commit fails and leaves nothing behind."""
    now = datetime.now(UTC)
    async with db.uow() as repo:
        await repo.store_updates([(77, 5001, {"update_id": 77})], "a", now - timedelta(seconds=1))
        await repo.ensure_user(5001, 5001, "Ana", "UTC")
    async with db.uow() as repo:  # "b" finds a's lease expired and takes the update over
        taken = await repo.take_unhandled("b", now, now + timedelta(seconds=30), everything=False)
    assert [uid for uid, _ in taken] == [77]

    async def act(owner: str, first_name: str) -> None:
        token = CURRENT.set(Handling(77, owner, mark=_never))
        try:
            async with db.uow() as repo:
                user = await repo.lock_user(5001)
                assert user is not None
                user.first_name = first_name
        finally:
            CURRENT.reset(token)

    with pytest.raises(UpdateTakenOver):
        await act("a", "from-a")
    await act("b", "from-b")
    with pytest.raises(UpdateTakenOver):  # done already: a second attempt is refused too
        await act("b", "again")
    async with db.uow() as repo:
        user = await repo.get_user(5001)
        assert user is not None and user.first_name == "from-b"


async def _never(_handling: Handling) -> None:
    raise AssertionError("not expected")


async def test_blocking_marks_the_user_inactive_and_unblocking_brings_them_back(
    bot: Harness,
) -> None:
    await bot.say("/start")
    member = {
        "chat": {"id": 1001, "type": "private", "first_name": "Ana"},
        "from": {"id": 1001, "is_bot": False, "first_name": "Ana"},
        "date": int(time.time()),
        "old_chat_member": {"status": "member", "user": bot.server.bot_user},
        "new_chat_member": {"status": "kicked", "user": bot.server.bot_user, "until_date": 0},
    }
    sent = len(bot.messages())
    await bot.send({"my_chat_member": member})
    async with bot.db.uow() as repo:
        user = await repo.get_user(1001)
        assert user is not None and not user.active and user.next_reminder_at is None
    back = {
        **member,
        "old_chat_member": member["new_chat_member"],
        "new_chat_member": {"status": "member", "user": bot.server.bot_user},
    }
    await bot.send({"my_chat_member": back})
    async with bot.db.uow() as repo:
        user = await repo.get_user(1001)
        assert user is not None and user.active
    assert len(bot.messages()) == sent  # nothing said to someone blocking or returning
    # someone who never wrote to the bot leaves no row behind
    stranger = {
        **member,
        "chat": {**member["chat"], "id": 1999},
        "from": {**member["from"], "id": 1999},
    }
    await bot.send({"my_chat_member": stranger})
    async with bot.db.uow() as repo:
        assert await repo.get_user(1999) is None


async def test_settle_waits_for_every_chat(bot: Harness) -> None:
    bot.server.slow_answers(1.0, 0.5, chats={6001})
    bot.server.send_text("/log 2 min", user_id=6001)
    bot.server.send_text("/help", user_id=6002)
    await bot.settle()
    assert len(bot.messages(6001)) == 1 and len(bot.messages(6002)) == 1


@pytest.mark.slow
async def test_ten_percent_slow_answers_leave_other_chats_as_fast(
    server: FakeBotAPI, db: Database
) -> None:
    """Telegram answers 10% of calls after 7 s: chats that got no slow answer see their
    median reply latency within 2x of a run without the fault."""
    h = await start_harness(server, db)
    try:
        fault_free = await _latencies(h, range(7001, 7021))
        server.slow_answers(0.10, 7.0, seed=3)
        with_fault = await _latencies(h, range(8001, 8021), skip_slowed=True)
    finally:
        server.slow_answers(0, 0)
        await stop_harness(h)
    assert server.slowed_chats, "the fault never fired"
    base, other = statistics.median(fault_free), statistics.median(with_fault)
    assert other <= 2 * max(base, 0.05), (base, other)


async def _latencies(h: Harness, users: range, skip_slowed: bool = False) -> list[float]:
    """Each user logs twice, waiting for each reply; the reply latencies of chats that got
    no slow answer."""
    server = h.server

    async def one(uid: int) -> list[float]:
        out = []
        for k in (1, 2):
            t = time.monotonic()
            server.send_text(f"/log {k} min felt good", user_id=uid)
            try:
                await server.wait_for_messages(k, chat_id=uid, timeout=20)
            except AssertionError:
                if skip_slowed and uid in server.slowed_chats:
                    return []
                raise
            out.append(time.monotonic() - t)
        return [] if skip_slowed and uid in server.slowed_chats else out

    results = await asyncio.gather(*(one(uid) for uid in users))
    return [x for r in results for x in r]


async def test_users_and_their_sessions_survive_the_lock(bot: Harness) -> None:
    """ensure_user locks an existing row instead of writing it: a returning user keeps
    their settings."""
    await bot.say("/log 3 min")
    async with bot.db.uow() as repo:
        users = (await repo.session.scalars(select(User))).all()
    assert [u.id for u in users] == [1001]
