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


async def test_0003_turns_stored_reason_sentences_into_codes_and_back(empty_db_url: str) -> None:
    """Rows written by earlier versions keep their meaning as codes; downgrade restores them."""
    from datetime import date

    from sqlalchemy import text

    sentences = {
        1: ("3 of 3 sessions last week and no pain, so you move up to week 2.", "advance", 2),
        2: ("You flagged pain last week, so we stay in week 4 until it settles.", "hold", 4),
        3: ("Only 1 of 3 sessions last week, so we repeat week 3.", "repeat", 3),
        4: ("something an old version said", "rest", 5),
        5: (
            "3 of 3 sessions in week 8: plan complete, well done! Keep the week-8 routine going.",
            "finish",
            8,
        ),
    }
    codes = {
        1: "advance done=3 target=3 week=2",
        2: "pain week=4",
        3: "repeat done=1 target=3 week=3",
        4: "rest week=5",
        5: "finish done=3 target=3 week=8",
    }
    db = Database(empty_db_url)
    try:
        await migrate.upgrade(db.engine, "0001")
        async with db.engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO users (id, chat_id, first_name, created_at, onboarded, track,"
                    " training_days, remind_time, reminders_on, timezone, active, plan_week,"
                    " plan_reason, recent_tips) VALUES (7, 7, 'A', CURRENT_TIMESTAMP, true,"
                    " 'beginner', 'mon', '07:00', true, 'UTC', true, 2, :r, '')"
                ),
                {"r": sentences[1][0]},
            )
            for i, (reason, decision, to_week) in sentences.items():
                await conn.execute(
                    text(
                        "INSERT INTO plan_changes (id, user_id, week_start, from_week, to_week,"
                        " decision, reason, created_at) VALUES (:i, 7, :d, 1, :t, :dec, :r,"
                        " CURRENT_TIMESTAMP)"
                    ),
                    {
                        "i": i,
                        "d": date(2026, 1, 4 + i),
                        "t": to_week,
                        "dec": decision,
                        "r": reason,
                    },
                )
        await migrate.upgrade(db.engine)
        async with db.engine.connect() as conn:
            rows = dict((await conn.execute(text("SELECT id, reason FROM plan_changes"))).all())
            user = (await conn.execute(text("SELECT plan_reason, pain_parts FROM users"))).one()
        assert rows == codes
        assert tuple(user) == (codes[1], "")
        await migrate.downgrade(db.engine, "0001")
        async with db.engine.connect() as conn:
            back = dict((await conn.execute(text("SELECT id, reason FROM plan_changes"))).all())
        assert back[1] == sentences[1][0] and back[3] == sentences[3][0]
        assert back[4] == "Last week was a pause, so you stay in week 5; no ground lost."
    finally:
        await db.dispose()
