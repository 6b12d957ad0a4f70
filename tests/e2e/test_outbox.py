"""The reminder outbox as the database holds it: what a claim queues and for whom, what a
start marks, what a replica finds after its claimer died, and renewals that never wait."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, update

from bot.content import Content, load_content
from bot.db.models import Delivery, PlanChange, User, Workout
from bot.db.session import Database
from bot.dispatcher import collect_due, reclaim
from tests.e2e.reminder_helpers import insert_due_users
from tests.support import raw_session

NOW = datetime(2026, 6, 10, 7, 30, 5, tzinfo=UTC)  # a Wednesday
LEASE = timedelta(seconds=60)
REMINDER_BUTTONS = ["✅ Done", "⏰ Snooze 1 h", "Skip today", "▶️ Audio guide"]


@pytest.fixture(name="content", scope="module")
def fixture_content() -> Content:
    return load_content()


async def set_users(db: Database, ids: list[int], **values: object) -> None:
    async with raw_session(db) as s:
        await s.execute(update(User).where(User.id.in_(ids)).values(**values))
        await s.commit()


async def stored(db: Database) -> dict[int, Delivery]:
    """Each user's one delivery row."""
    async with raw_session(db) as s:
        rows = (await s.scalars(select(Delivery).order_by(Delivery.id))).all()
    found = {r.user_id: r for r in rows}
    assert len(found) == len(rows), "a user has two deliveries"
    return found


def buttons(markup: dict[str, object] | None) -> list[str]:
    assert markup is not None
    rows = markup["inline_keyboard"]
    assert isinstance(rows, list)
    return [b["text"] for row in rows for b in row]


async def test_claims_take_the_most_overdue_of_every_kind_first_and_nobody_twice(
    db: Database, content: Content
) -> None:
    await insert_due_users(db, [1, 2], NOW - timedelta(minutes=30))
    await insert_due_users(db, [3], NOW - timedelta(minutes=1))
    await insert_due_users(db, [4], NOW + timedelta(hours=1))  # not due yet
    await insert_due_users(db, [5, 6, 7], NOW + timedelta(days=1))
    await set_users(db, [5], snooze_until=NOW - timedelta(minutes=10))
    await set_users(db, [6], next_summary_at=NOW - timedelta(minutes=20))
    await set_users(db, [7], active=False, next_reminder_at=NOW - timedelta(hours=1))

    first = await collect_due(db, content, NOW, claimer="A", lease=LEASE, limit=3)
    second = await collect_due(db, content, NOW, claimer="B", lease=LEASE, limit=10)
    assert await collect_due(db, content, NOW, claimer="C", lease=LEASE, limit=10) == []

    assert sorted((o.user_id, o.kind) for o in first) == [
        (1, "reminder"),
        (2, "reminder"),
        (6, "summary"),
    ]
    assert sorted((o.user_id, o.kind) for o in second) == [(3, "reminder"), (5, "snooze")]
    rows = await stored(db)
    assert sorted(rows) == [1, 2, 3, 5, 6]
    assert {uid: r.claimed_by for uid, r in rows.items()} == {
        1: "A",
        2: "A",
        6: "A",
        3: "B",
        5: "B",
    }
    assert {r.status for r in rows.values()} == {"queued"}
    assert {r.lease_until for r in rows.values()} == {NOW + LEASE}
    assert buttons(rows[1].markup) == buttons(rows[3].markup) == REMINDER_BUTTONS
    assert buttons(rows[5].markup) == ["✅ Done", "Skip today", "▶️ Audio guide"]
    assert rows[6].markup is None and rows[6].text
    async with raw_session(db) as s:
        users = {u.id: u for u in (await s.scalars(select(User))).all()}
    for uid in (1, 2, 3):  # the schedules moved on in the claim's commit
        assert users[uid].next_reminder_at == datetime(2026, 6, 11, 7, 30, tzinfo=UTC)
    next_sunday = users[6].next_summary_at
    assert users[5].snooze_until is None and next_sunday is not None and next_sunday > NOW


async def test_a_start_marks_the_batch_sending_under_a_fresh_lease_and_skips_who_logged(
    db: Database, content: Content
) -> None:
    await insert_due_users(db, [1, 2, 3], NOW - timedelta(minutes=1))
    items = await collect_due(db, content, NOW, claimer="A", lease=LEASE)
    async with raw_session(db) as s:  # user 2 logs today's session in the meantime
        s.add(Workout(user_id=2, local_date=date(2026, 6, 10), duration_s=300))
        await s.commit()
    later = NOW + timedelta(seconds=20)
    async with db.uow() as repo:
        going = await repo.start_deliveries(
            [o.delivery_id for o in items], later, later - timedelta(hours=2), later + LEASE
        )
    rows = await stored(db)
    assert going == {rows[1].id, rows[3].id}
    for uid in (1, 3):
        assert (rows[uid].status, rows[uid].claimed_by) == ("sending", "A")
        assert (rows[uid].sent_at, rows[uid].lease_until) == (later, later + LEASE)
    assert (rows[2].status, rows[2].claimed_by, rows[2].lease_until) == ("skipped", None, None)


async def test_a_dead_claimers_queued_ones_are_taken_over_and_the_one_in_flight_never_resent(
    db: Database, content: Content
) -> None:
    await insert_due_users(db, [1, 2, 3], NOW - timedelta(minutes=1))
    items = await collect_due(db, content, NOW, claimer="A", lease=LEASE)
    flying = next(o for o in items if o.user_id == 1)
    async with db.uow() as repo:
        await repo.start_deliveries(
            [flying.delivery_id], NOW, NOW - timedelta(hours=2), NOW + LEASE
        )
    # A dies here. While its lease runs nobody else takes anything ...
    assert await reclaim(db, NOW + LEASE / 2, "B", LEASE, 10) == []
    # ... then the queued ones go to B, once, and the one in flight is never sent again.
    after = NOW + LEASE + timedelta(seconds=1)
    taken = await reclaim(db, after, "B", LEASE, 10)
    assert sorted(o.user_id for o in taken) == [2, 3]
    assert {o.text for o in taken} == {o.text for o in items if o.user_id != 1}
    assert await reclaim(db, after, "C", LEASE, 10) == []
    rows = await stored(db)
    assert (rows[1].status, rows[1].claimed_by) == ("unconfirmed", None)
    for uid in (2, 3):
        assert (rows[uid].status, rows[uid].claimed_by) == ("queued", "B")
        assert rows[uid].lease_until == after + LEASE


async def test_a_renewal_extends_queued_and_sending_ones_and_skips_a_row_another_transaction_holds(
    db: Database, content: Content, backend: str
) -> None:
    await insert_due_users(db, [1, 2, 3], NOW - timedelta(minutes=1))
    items = await collect_due(db, content, NOW, claimer="A", lease=LEASE)
    ids = {o.user_id: o.delivery_id for o in items}
    async with db.uow() as repo:
        await repo.start_deliveries([ids[3]], NOW, NOW - timedelta(hours=2), NOW + LEASE)
    renewed = NOW + 3 * LEASE
    if backend == "postgresql":  # replicas: a row locked elsewhere is left to its holder
        other = Database(db.url)
        try:
            async with other.uow() as holder:
                await holder.session.execute(
                    select(Delivery.id).where(Delivery.id == ids[1]).with_for_update()
                )
                async with asyncio.timeout(10), db.uow() as repo:
                    await repo.renew_delivery_leases("A", renewed)
        finally:
            await other.dispose()
        held = NOW + LEASE
    else:
        async with db.uow() as repo:
            await repo.renew_delivery_leases("A", renewed)
        held = renewed
    rows = await stored(db)
    assert [rows[uid].lease_until for uid in (1, 2, 3)] == [held, renewed, renewed]
    assert [rows[uid].status for uid in (1, 2, 3)] == ["queued", "queued", "sending"]


async def test_the_streaks_weeks_of_many_users_come_in_one_read_as_each_users_own(
    db: Database,
) -> None:
    await insert_due_users(db, [1, 2, 3], NOW)
    monday = date(2026, 6, 8)
    changes = [
        PlanChange(
            user_id=uid,
            week_start=monday - timedelta(weeks=k),
            from_week=1 + k,
            to_week=2 + k,
            decision="advance" if k % 2 else "repeat",
            reason="",
        )
        for uid, weeks in ((1, 7), (2, 2))
        for k in range(weeks)
    ]
    async with db.uow() as repo:
        await repo.record_plan_changes(changes)
    async with db.uow() as repo:
        many = await repo.recent_steps_of([1, 2, 3], 5)
        each = {uid: await repo.recent_steps(uid, 5) for uid in (1, 2, 3)}
    assert many == each
    assert [len(many[uid]) for uid in (1, 2, 3)] == [5, 2, 0]
    assert many[1][-1][0] == monday  # oldest first, the newest last
