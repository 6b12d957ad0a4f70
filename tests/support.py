"""Test-only access to what the bot stores: a plain session, row counts and the plan's
history. The bot never needs these, so they live with the tests, not in bot/db/."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Delivery, PlanChange, User, utcnow
from bot.db.repo import USER_TABLES, Repo
from bot.db.session import Database


@asynccontextmanager
async def raw_session(db: Database) -> AsyncIterator[AsyncSession]:
    """A session outside the bot's unit of work, for seeding and reading rows directly."""
    async with AsyncSession(db.engine, expire_on_commit=False) as session:
        yield session


async def count_rows_about(repo: Repo, user_id: int) -> int:
    """How many rows in any table still concern the user (0 after /deleteme)."""
    total = 0
    for model in USER_TABLES:
        query = select(func.count()).select_from(model).where(model.user_id == user_id)
        total += int(await repo.session.scalar(query) or 0)
    users = select(func.count()).select_from(User).where(User.id == user_id)
    return total + int(await repo.session.scalar(users) or 0)


async def record_delivery(
    repo: Repo, user_id: int, local_date: date, kind: str, status: str = "sent"
) -> None:
    """A delivery row, as if a reminder had gone out."""
    repo.session.add(
        Delivery(user_id=user_id, local_date=local_date, kind=kind, status=status, sent_at=utcnow())
    )
    await repo.session.flush()


async def plan_changes(repo: Repo, user_id: int) -> Sequence[PlanChange]:
    """The user's weekly plan decisions, oldest first."""
    query = select(PlanChange).where(PlanChange.user_id == user_id)
    result = await repo.session.scalars(query.order_by(PlanChange.week_start))
    return result.all()
