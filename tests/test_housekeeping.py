"""Housekeeping forgets old update ids, abandoned guided steps and settled deliveries of days
long gone, and nothing else."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from bot.db.models import Conversation, Delivery, ProcessedUpdate
from bot.db.session import Database
from bot.housekeeping import prune


async def test_prune_keeps_recent_rows_and_forgets_old_ones(db: Database) -> None:
    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    async with db.uow() as repo:
        await repo.ensure_user(1, 1, "A", "UTC")
        await repo.ensure_user(2, 2, "B", "UTC")
        repo.session.add_all(
            [
                ProcessedUpdate(update_id=10, received_at=now - timedelta(days=3)),
                ProcessedUpdate(update_id=11, received_at=now - timedelta(hours=1)),
                Conversation(
                    user_id=1,
                    flow="log",
                    step="duration",
                    data={},
                    updated_at=now - timedelta(days=2),
                ),
                Conversation(
                    user_id=2,
                    flow="log",
                    step="note",
                    data={},
                    updated_at=now - timedelta(minutes=5),
                ),
                # settled 8 days ago: gone; settled yesterday: kept; still queued: kept
                Delivery(user_id=1, local_date=date(2026, 11, 15), kind="reminder"),
                Delivery(user_id=1, local_date=date(2026, 11, 22), kind="reminder"),
                Delivery(user_id=2, local_date=date(2026, 11, 10), kind="summary", status="queued"),
            ]
        )
    assert await prune(db, now) == (1, 1, 1)
    async with db.uow() as repo:
        updates = (await repo.session.scalars(select(ProcessedUpdate.update_id))).all()
        steps = (await repo.session.scalars(select(Conversation.user_id))).all()
        kept = (await repo.session.execute(select(Delivery.local_date, Delivery.status))).all()
    assert list(updates) == [11]
    assert list(steps) == [2]
    assert sorted(kept) == [(date(2026, 11, 10), "queued"), (date(2026, 11, 22), "sent")]
    assert await prune(db, now) == (0, 0, 0)
