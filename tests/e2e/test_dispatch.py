"""The reminder dispatcher: what is due, what is late or skipped, who gets nothing, DST, faults
(429 / 403 / 5xx from the fake Bot API), restarts and two dispatchers on one database.

The clock is time-machine's: each test starts the bot inside `time_machine.travel` and moves
the clock (`clock.move_to`) before calling `dispatch_once(now=...)` for the same instant, so
the handlers, the dispatcher and the fake server all read one time.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import date, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select
from telegram.ext import ExtBot
from telegram.request import HTTPXRequest

from bot import dispatcher
from bot.content import load_content
from bot.db.models import Delivery
from bot.db.session import Database
from bot.dispatcher import MAX_ATTEMPTS
from bot.ratelimit import PER_CHAT_BURST, CoachRateLimiter
from tests.e2e.harness import Harness, start_harness, stop_harness
from tests.e2e.reminder_helpers import (
    UID,
    count_dispatcher_runs,
    deliveries,
    dispatch_at,
    dispatch_once,
    load,
    local,
    reminders_in,
    signup,
    utc,
)
from tests.fakes import FakeBotAPI
from tests.support import raw_session


# --- due, late, skipped ----------------------------------------------------------------------
async def test_a_due_reminder_is_sent_once_with_todays_workout_and_buttons(
    coach: Harness, clock: time_machine.Traveller
) -> None:
    await signup(coach)
    assert (await load(coach.db)).next_reminder_at == utc(2026, 6, 10, 7, 30)

    assert await dispatch_at(coach, clock, utc(2026, 6, 10, 7, 29, 50)) == []
    assert reminders_in(coach) == []

    assert await dispatch_at(coach, clock, utc(2026, 6, 10, 7, 30, 5)) == ["sent"]
    [reminder] = reminders_in(coach)
    week1 = coach.deps.content.tracks["beginner"].weeks[0]
    assert "Week 1" in reminder.text and week1.workout in reminder.text
    assert "1 min–1 min 30 s" in reminder.text
    assert reminder.button_texts() == ["✅ Done", "⏰ Snooze 1 h", "Skip today", "▶️ Audio guide"]

    assert await dispatch_at(coach, clock, utc(2026, 6, 10, 7, 31)) == []
    assert len(reminders_in(coach)) == 1
    [row] = await deliveries(coach.db)
    assert (row.local_date, row.kind, row.status) == (date(2026, 6, 10), "reminder", "sent")
    assert row.message_id == reminder.message_id
    assert (await load(coach.db)).next_reminder_at == utc(2026, 6, 11, 7, 30)


async def test_the_workout_follows_the_users_week_and_track(
    coach: Harness, clock: time_machine.Traveller
) -> None:
    await signup(coach)
    async with coach.db.uow() as repo:
        user = await repo.get_user(UID)
        assert user is not None
        user.track, user.plan_week = "rehab", 3
    await dispatch_at(coach, clock, utc(2026, 6, 10, 7, 30, 5))
    [reminder] = reminders_in(coach)
    week3 = coach.deps.content.tracks["rehab"].weeks[2]
    assert "Week 3" in reminder.text and week3.workout in reminder.text


@pytest.mark.parametrize(
    ("late", "sent"),
    [
        (timedelta(minutes=1), True),
        (timedelta(hours=1, minutes=59), True),
        (timedelta(hours=2, minutes=1), False),
    ],
)
async def test_after_downtime_a_reminder_under_two_hours_late_is_sent_once_older_is_skipped(
    coach: Harness, clock: time_machine.Traveller, late: timedelta, sent: bool
) -> None:
    await signup(coach)
    due = utc(2026, 6, 10, 7, 30)
    statuses = await dispatch_at(coach, clock, due + late)
    assert statuses == (["sent"] if sent else [])
    assert len(reminders_in(coach)) == (1 if sent else 0)
    assert await dispatch_at(coach, clock, due + late + timedelta(minutes=5)) == []
    assert len(reminders_in(coach)) == (1 if sent else 0)
    assert len(await deliveries(coach.db)) == (1 if sent else 0)
    assert (await load(coach.db)).next_reminder_at == due + timedelta(days=1)


async def test_only_training_days_get_a_reminder(
    coach: Harness, clock: time_machine.Traveller
) -> None:
    await signup(coach, remind="mon wed fri 07:30")
    sent_on = []
    for day in range(10, 17):  # Wed 10 June .. Tue 16 June
        if await dispatch_at(coach, clock, utc(2026, 6, day, 7, 30, 5)):
            sent_on.append(date(2026, 6, day).strftime("%a"))
    assert sent_on == ["Wed", "Fri", "Mon"]


# --- who gets nothing --------------------------------------------------------------------------
async def test_a_paused_user_gets_nothing_until_the_pause_ends(
    coach: Harness, clock: time_machine.Traveller
) -> None:
    await signup(coach)
    [reply] = await coach.say("/pause 2")
    assert "paused until" in reply.text
    assert await dispatch_at(coach, clock, utc(2026, 6, 10, 7, 30, 5)) == []
    assert await dispatch_at(coach, clock, utc(2026, 6, 11, 7, 30, 5)) == []
    assert await dispatch_at(coach, clock, utc(2026, 6, 12, 7, 30, 5)) == ["sent"]
    assert len(reminders_in(coach)) == 1


async def test_pause_without_days_holds_until_resume(
    coach: Harness, clock: time_machine.Traveller
) -> None:
    await signup(coach)
    await coach.say("/pause")
    user = await load(coach.db)
    assert user.next_reminder_at is None and user.next_summary_at is None
    assert await dispatch_at(coach, clock, utc(2026, 6, 10, 7, 30, 5)) == []
    clock.move_to(utc(2026, 6, 11, 8, 0))
    [reply] = await coach.say("/resume")
    assert "Next one: Fri 12 Jun, 07:30" in reply.text
    assert await dispatch_at(coach, clock, utc(2026, 6, 12, 7, 30, 5)) == ["sent"]


async def test_an_inactive_user_gets_nothing(coach: Harness, clock: time_machine.Traveller) -> None:
    await signup(coach)
    async with coach.db.uow() as repo:
        user = await repo.get_user(UID)
        assert user is not None
        user.active = False
    assert await dispatch_at(coach, clock, utc(2026, 6, 10, 7, 30, 5)) == []
    assert reminders_in(coach) == []


async def test_no_reminder_on_a_local_day_already_logged(
    coach: Harness, clock: time_machine.Traveller
) -> None:
    """Tokyo is UTC+9: the 07:30 reminder of Thu 11 June is due at 22:30 UTC on the 10th."""
    await signup(coach, zone="Asia/Tokyo")
    assert (await load(coach.db)).next_reminder_at == utc(2026, 6, 10, 22, 30)
    clock.move_to(utc(2026, 6, 10, 21, 0))  # 06:00 on Thursday in Tokyo
    await coach.say("/log 2 min felt good")
    assert await dispatch_at(coach, clock, utc(2026, 6, 10, 22, 30, 5)) == []
    assert reminders_in(coach) == []
    # The next local day has no session yet: its reminder comes.
    assert await dispatch_at(coach, clock, utc(2026, 6, 11, 22, 30, 5)) == ["sent"]
    [reminder] = reminders_in(coach)
    assert local(reminder, "Asia/Tokyo").strftime("%a %H:%M") == "Fri 07:30"


# --- faults ------------------------------------------------------------------------------------
async def test_a_429_is_retried_after_retry_after_and_the_reminder_arrives(
    coach: Harness, clock: time_machine.Traveller
) -> None:
    await signup(coach)
    coach.server.fail("sendMessage", status=429, retry_after=1)
    assert await dispatch_at(coach, clock, utc(2026, 6, 10, 7, 30, 5)) == ["sent"]
    assert len(reminders_in(coach)) == 1
    first, second = coach.server.calls("sendMessage")[-2:]
    assert (first.status, second.status) == (429, 200)
    assert second.at - first.at >= 1.0  # waited the retry_after Telegram asked for
    [row] = await deliveries(coach.db)
    assert row.status == "sent"


async def test_a_403_marks_the_user_inactive_and_stops_their_reminders(
    coach: Harness, clock: time_machine.Traveller
) -> None:
    await signup(coach)
    coach.server.block(UID)
    assert await dispatch_at(coach, clock, utc(2026, 6, 10, 7, 30, 5)) == ["blocked"]
    user = await load(coach.db)
    assert user.active is False
    assert user.next_reminder_at is None and user.next_summary_at is None
    [row] = await deliveries(coach.db)
    assert row.status == "blocked"
    calls = len(coach.server.calls("sendMessage"))
    assert await dispatch_at(coach, clock, utc(2026, 6, 11, 7, 30, 5)) == []
    assert len(coach.server.calls("sendMessage")) == calls  # not even tried
    # Unblocked and back: setting a schedule again turns reminders on.
    coach.server.unblock(UID)
    await coach.say("/remind daily 07:30")
    assert (await load(coach.db)).active is True
    assert await dispatch_at(coach, clock, utc(2026, 6, 12, 7, 30, 5)) == ["sent"]


async def test_any_message_after_a_block_turns_reminders_back_on(
    coach: Harness, clock: time_machine.Traveller
) -> None:
    await signup(coach)
    coach.server.block(UID)
    assert await dispatch_at(coach, clock, utc(2026, 6, 10, 7, 30, 5)) == ["blocked"]
    coach.server.unblock(UID)
    [hello] = await coach.say("/start", user_id=UID)
    assert "Welcome back" in hello.text
    user = await load(coach.db)
    assert user.active is True and user.next_reminder_at is not None
    assert await dispatch_at(coach, clock, utc(2026, 6, 11, 7, 30, 5)) == ["sent"]


async def test_a_chat_that_is_gone_stops_reminders_like_a_block(
    coach: Harness, clock: time_machine.Traveller
) -> None:
    await signup(coach)
    coach.server.fail("sendMessage", status=400, description="Bad Request: chat not found")
    assert await dispatch_at(coach, clock, utc(2026, 6, 10, 7, 30, 5)) == ["blocked"]
    user = await load(coach.db)
    assert user.active is False and user.next_reminder_at is None


async def test_5xx_is_retried_and_the_reminder_arrives(
    coach: Harness, clock: time_machine.Traveller, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dispatcher, "RETRY_BASE_S", 0.01)
    await signup(coach)
    coach.server.fail("sendMessage", status=500, times=2)
    assert await dispatch_at(coach, clock, utc(2026, 6, 10, 7, 30, 5)) == ["sent"]
    assert [r.status for r in coach.server.calls("sendMessage")][-3:] == [500, 500, 200]
    assert len(reminders_in(coach)) == 1


async def test_5xx_retries_are_bounded_and_logged(
    coach: Harness,
    clock: time_machine.Traveller,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(dispatcher, "RETRY_BASE_S", 0.01)
    await signup(coach)
    before = len(coach.server.calls("sendMessage"))
    coach.server.fail("sendMessage", status=502, times=MAX_ATTEMPTS)
    with caplog.at_level(logging.WARNING, logger="bot.dispatcher"):
        assert await dispatch_at(coach, clock, utc(2026, 6, 10, 7, 30, 5)) == ["failed"]
    assert len(coach.server.calls("sendMessage")) - before == MAX_ATTEMPTS
    assert any(r.levelno == logging.ERROR and "Gave up" in r.getMessage() for r in caplog.records)
    [row] = await deliveries(coach.db)
    assert row.status == "failed"
    # The user is still reachable in principle: tomorrow's reminder is scheduled and sent.
    user = await load(coach.db)
    assert user.active is True and user.next_reminder_at == utc(2026, 6, 11, 7, 30)
    assert await dispatch_at(coach, clock, utc(2026, 6, 11, 7, 30, 5)) == ["sent"]


async def test_a_send_that_may_have_arrived_is_not_sent_again(
    coach: Harness, clock: time_machine.Traveller, server: FakeBotAPI
) -> None:
    """A read timeout can come after Telegram delivered the message: never twice wins."""
    await signup(coach)
    impatient = ExtBot(
        server.token,
        base_url=server.base_url,
        request=HTTPXRequest(read_timeout=0.3, connect_timeout=2),
    )
    await impatient.initialize()
    server.delay("sendMessage", 0.8)
    before = len(coach.messages())
    try:
        assert await dispatch_at(coach, clock, utc(2026, 6, 10, 7, 30, 5), impatient) == [
            "unconfirmed"
        ]
        await server.wait_for_messages(before + 1)  # the slow call still lands
    finally:
        server.delay("sendMessage", 0)
        await impatient.shutdown()
    assert len(reminders_in(coach)) == 1
    assert await dispatch_at(coach, clock, utc(2026, 6, 10, 7, 45)) == []
    assert len(reminders_in(coach)) == 1


async def test_a_fan_out_is_paced_and_everyone_gets_one(
    coach: Harness, clock: time_machine.Traveller, server: FakeBotAPI
) -> None:
    """60 due at once: the first burst goes out at once, the rest at about 30 a second."""
    users = range(2001, 2061)
    async with coach.db.uow() as repo:
        for uid in users:
            server._chat_for(uid, "private", server._user(uid))  # they talked to the bot before
            user, _ = await repo.ensure_user(uid, uid, "Ana", "UTC")
            user.next_reminder_at = utc(2026, 6, 10, 7, 30)
    statuses = await dispatch_at(coach, clock, utc(2026, 6, 10, 7, 30, 5))
    assert statuses == ["sent"] * 60
    assert all(len(reminders_in(coach, uid)) == 1 for uid in users)
    arrivals = sorted(r.at for r in server.calls("sendMessage"))
    assert arrivals[-1] - arrivals[0] >= 0.9  # 60 messages, 30/s after a burst of 30


@pytest.mark.telegram_pace
async def test_one_chat_is_paced_at_about_one_message_a_second(
    coach: Harness, server: FakeBotAPI, backend: str
) -> None:
    """A short burst is fine; after it, Telegram's one-a-second per chat holds."""
    if backend != "sqlite":
        pytest.skip("the pace does not depend on the database; once is enough")
    server._chat_for(UID, "private", server._user(UID))
    n = PER_CHAT_BURST + 2
    await asyncio.gather(*(coach.app.bot.send_message(UID, f"n{i}") for i in range(n)))
    arrivals = sorted(r.at for r in server.calls("sendMessage"))
    assert len(arrivals) == n
    assert arrivals[-1] - arrivals[0] >= 1.5  # the burst at once, then about 1/s


# --- weekly summary ----------------------------------------------------------------------------
async def test_the_weekly_summary_comes_sunday_evening_after_a_late_reminder(
    coach: Harness, clock: time_machine.Traveller
) -> None:
    clock.move_to(utc(2026, 6, 14, 8, 0))
    await signup(coach, zone="Europe/Berlin", remind="daily 20:30")
    user = await load(coach.db)
    # Sunday 14 June, 21:30 in Berlin (CEST, UTC+2): an hour after the 20:30 reminder.
    assert user.next_summary_at == utc(2026, 6, 14, 19, 30)
    assert await dispatch_at(coach, clock, utc(2026, 6, 14, 18, 30, 5)) == ["sent"]
    assert await dispatch_at(coach, clock, utc(2026, 6, 14, 19, 30, 5)) == ["sent"]
    summary = coach.messages()[-1]
    assert "Your week" in summary.text
    assert local(summary, "Europe/Berlin").strftime("%a %H:%M") == "Sun 21:30"
    assert [d.kind for d in await deliveries(coach.db)] == ["reminder", "summary"]
    assert (await load(coach.db)).next_summary_at == utc(2026, 6, 21, 19, 30)


# --- daylight saving -----------------------------------------------------------------------------
DST_WEEKS = [
    # zone, three consecutive days around a change, and the UTC instant of 07:30 on each
    pytest.param(
        "Europe/Berlin",
        [utc(2026, 3, 28, 6, 30), utc(2026, 3, 29, 5, 30), utc(2026, 3, 30, 5, 30)],
        id="berlin-spring",
    ),
    pytest.param(
        "Europe/Berlin",
        [utc(2026, 10, 24, 5, 30), utc(2026, 10, 25, 6, 30), utc(2026, 10, 26, 6, 30)],
        id="berlin-autumn",
    ),
    pytest.param(
        "America/New_York",
        [utc(2026, 3, 7, 12, 30), utc(2026, 3, 8, 11, 30), utc(2026, 3, 9, 11, 30)],
        id="newyork-spring",
    ),
    pytest.param(
        "America/New_York",
        [utc(2026, 10, 31, 11, 30), utc(2026, 11, 1, 12, 30), utc(2026, 11, 2, 12, 30)],
        id="newyork-autumn",
    ),
]


@pytest.mark.parametrize(("zone", "instants"), DST_WEEKS)
async def test_a_0730_reminder_stays_at_0730_local_across_a_dst_change(
    coach: Harness, clock: time_machine.Traveller, zone: str, instants: list[datetime]
) -> None:
    clock.move_to(instants[0] - timedelta(hours=12))
    await signup(coach, zone=zone)
    for due in instants:
        assert (await load(coach.db)).next_reminder_at == due
        assert await dispatch_at(coach, clock, due - timedelta(seconds=30)) == []
        assert await dispatch_at(coach, clock, due + timedelta(seconds=5)) == ["sent"]
        assert local(reminders_in(coach)[-1], zone).strftime("%H:%M") == "07:30"
    assert len(reminders_in(coach)) == 3


GAP_AND_FOLD = [
    # zone, local time, the one instant it fires that day, the instant it would fire a second
    # time (the repeated hour) or None, and the next day's instant
    pytest.param(
        "Europe/Berlin",
        "02:30",
        utc(2026, 3, 29, 1, 0),  # 02:30 does not exist; fires at the change, 03:00 CEST
        None,
        utc(2026, 3, 30, 0, 30),
        id="berlin-gap",
    ),
    pytest.param(
        "Europe/Berlin",
        "02:30",
        utc(2026, 10, 25, 0, 30),  # 02:30 CEST, the first of two
        utc(2026, 10, 25, 1, 30),  # 02:30 CET, the repeat
        utc(2026, 10, 26, 1, 30),
        id="berlin-fold",
    ),
    pytest.param(
        "America/New_York",
        "02:30",
        utc(2026, 3, 8, 7, 0),  # 03:00 EDT
        None,
        utc(2026, 3, 9, 6, 30),
        id="newyork-gap",
    ),
    pytest.param(
        "America/New_York",
        "01:30",
        utc(2026, 11, 1, 5, 30),  # 01:30 EDT
        utc(2026, 11, 1, 6, 30),  # 01:30 EST
        utc(2026, 11, 2, 6, 30),
        id="newyork-fold",
    ),
]


@pytest.mark.parametrize(("zone", "at", "fires", "repeat", "next_day"), GAP_AND_FOLD)
async def test_a_time_that_does_not_exist_or_exists_twice_fires_once(
    coach: Harness,
    clock: time_machine.Traveller,
    zone: str,
    at: str,
    fires: datetime,
    repeat: datetime | None,
    next_day: datetime,
) -> None:
    clock.move_to(fires - timedelta(hours=12))
    await signup(coach, zone=zone, remind=f"daily {at}")
    assert (await load(coach.db)).next_reminder_at == fires
    assert await dispatch_at(coach, clock, fires - timedelta(seconds=30)) == []
    assert await dispatch_at(coach, clock, fires + timedelta(seconds=5)) == ["sent"]
    if repeat is not None:
        assert await dispatch_at(coach, clock, repeat + timedelta(seconds=5)) == []
    assert len(reminders_in(coach)) == 1
    assert (await load(coach.db)).next_reminder_at == next_day
    assert await dispatch_at(coach, clock, next_day + timedelta(seconds=5)) == ["sent"]
    assert local(reminders_in(coach)[-1], zone).strftime("%H:%M") == at


# --- restarts and replicas -----------------------------------------------------------------------
async def test_after_a_restart_a_reminder_due_while_down_is_sent_exactly_once(
    server: FakeBotAPI, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The JobQueue-driven dispatcher: the bot stops before 07:30 and is back at 07:40.
    (test_reminders covers a restart after the reminder went out: nothing is sent again.)"""
    runs = count_dispatcher_runs(monkeypatch)
    with time_machine.travel(utc(2026, 6, 10, 7, 29, 40), tick=True) as clock:
        first = await start_harness(server, db, reminder_interval_s=0.2)
        await signup(first)
        await stop_harness(first)
        clock.move_to(utc(2026, 6, 10, 7, 40))
        second = await start_harness(server, db, reminder_interval_s=0.2)
        try:
            await server.wait_for_messages(3, timeout=10)  # two replies, then the reminder
            await runs.wait(3)
        finally:
            await stop_harness(second)
    [reminder] = reminders_in(second)
    assert local(reminder, "UTC") >= utc(2026, 6, 10, 7, 40)  # sent late, once
    assert reminder.button_texts() == ["✅ Done", "⏰ Snooze 1 h", "Skip today", "▶️ Audio guide"]
    assert [d.status for d in await deliveries(db)] == ["sent"]
    assert server.errors == []


@pytest.fixture(name="pg_only")
def fixture_pg_only(backend: str) -> None:
    """Replicas share PostgreSQL (FOR UPDATE SKIP LOCKED); SQLite is the one-process setup."""
    if backend != "postgresql":
        pytest.skip("several replicas need PostgreSQL")


async def test_two_dispatchers_on_one_postgresql_database_deliver_each_reminder_once(
    pg_only: None,
    coach: Harness,
    clock: time_machine.Traveller,
    server: FakeBotAPI,
    db: Database,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    users = list(range(3001, 3021))
    for uid in users:
        await coach.say("/timezone UTC", user_id=uid)
        await coach.say("/remind daily 07:30", user_id=uid)
    monkeypatch.setattr(dispatcher, "CLAIM_BATCH", 3)  # several claims each, interleaved
    content = load_content()
    dbs = [Database(db.url), Database(db.url)]
    bots = [
        ExtBot(server.token, base_url=server.base_url, rate_limiter=CoachRateLimiter()) for _ in dbs
    ]
    for b in bots:
        await b.initialize()
    now = utc(2026, 6, 10, 7, 30, 5)
    clock.move_to(now)
    try:
        results: list[list[str]] = [[], []]

        async def replica(i: int) -> None:
            for _ in range(12):  # keep claiming until nothing is left
                results[i] += await dispatch_once(bots[i], dbs[i], content, now=now)
                await asyncio.sleep(0)

        await asyncio.gather(replica(0), replica(1))
    finally:
        for b in bots:
            await b.shutdown()
        for d in dbs:
            await d.dispose()
    assert sorted(results[0] + results[1]) == ["sent"] * len(users)
    for uid in users:
        assert len(reminders_in(coach, uid)) == 1, uid
    async with raw_session(db) as s:
        rows = (await s.scalars(select(Delivery))).all()
    assert sorted(r.user_id for r in rows) == users


async def test_a_claimed_row_is_skipped_not_waited_for_by_another_dispatcher(
    pg_only: None, coach: Harness, clock: time_machine.Traveller, db: Database
) -> None:
    await signup(coach)
    now = utc(2026, 6, 10, 7, 30, 5)
    clock.move_to(now)
    other = Database(db.url)
    try:
        async with db.uow() as repo:
            [claimed] = await repo.claim_due(now, 10)  # replica A holds the row
            assert claimed.id == UID
            async with asyncio.timeout(5):  # replica B neither blocks nor sends it
                assert await dispatch_once(coach.app.bot, other, coach.deps.content, now) == []
    finally:
        await other.dispose()
    assert reminders_in(coach) == []
    assert await dispatch_once(coach.app.bot, db, coach.deps.content, now) == ["sent"]
