"""Migrations on SQLite and PostgreSQL: empty -> head -> base -> head; models match them."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from bot.db import migrate
from bot.db.models import Base
from bot.db.session import Database

EXPECTED = {
    "users",
    "workouts",
    "conversations",
    "deliveries",
    "plan_changes",
    "processed_updates",
    "send_budget",
}


def _tables(conn: Connection) -> set[str]:
    return set(inspect(conn).get_table_names()) - {"alembic_version"}


def _diff(conn: Connection) -> list[Any]:
    ctx = MigrationContext.configure(conn, opts={"compare_type": True})
    return list(compare_metadata(ctx, Base.metadata))


async def test_empty_to_head_creates_every_table(empty_db_url: str) -> None:
    db = Database(empty_db_url)
    try:
        async with db.engine.connect() as conn:
            assert await conn.run_sync(_tables) == set()
        await migrate.upgrade(db.engine)
        async with db.engine.connect() as conn:
            assert await conn.run_sync(_tables) == EXPECTED
    finally:
        await db.dispose()


async def test_head_base_head_round_trip(empty_db_url: str) -> None:
    db = Database(empty_db_url)
    try:
        await migrate.upgrade(db.engine)
        await migrate.downgrade(db.engine, "base")
        async with db.engine.connect() as conn:
            assert await conn.run_sync(_tables) == set()
        await migrate.upgrade(db.engine)
        async with db.engine.connect() as conn:
            assert await conn.run_sync(_tables) == EXPECTED
    finally:
        await db.dispose()


async def test_models_and_migrations_agree(empty_db_url: str) -> None:
    db = Database(empty_db_url)
    try:
        await migrate.upgrade(db.engine)
        async with db.engine.connect() as conn:
            assert await conn.run_sync(_diff) == []
    finally:
        await db.dispose()


async def test_upgrade_twice_is_harmless(empty_db_url: str) -> None:
    db = Database(empty_db_url)
    try:
        await migrate.upgrade(db.engine)
        await migrate.upgrade(db.engine)
        async with db.engine.connect() as conn:
            assert await conn.run_sync(_tables) == EXPECTED
    finally:
        await db.dispose()
