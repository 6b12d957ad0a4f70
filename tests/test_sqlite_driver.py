"""The SQLite engine sends only BEGIN and COMMIT to aiosqlite's thread (one trip each), runs
the statements between them at once, and still behaves like the stock adapter: rows, row
counts, inserted ids, many-row inserts, errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError

from bot.db.session import Database


@pytest.fixture
async def plain_db(tmp_path: Path) -> Any:
    db = Database(f"sqlite+aiosqlite:///{tmp_path}/trips.db")
    async with db.engine.begin() as conn:
        await conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE)"))
    yield db
    await db.dispose()


async def test_rows_counts_and_ids_come_back(plain_db: Database) -> None:
    async with plain_db.engine.begin() as conn:
        first = await conn.execute(text("INSERT INTO t (name) VALUES ('a')"))
        assert first.lastrowid == 1
        assert first.rowcount == 1
        await conn.execute(text("INSERT INTO t (name) VALUES (:n)"), [{"n": "b"}, {"n": "c"}])
        rows = (await conn.execute(text("SELECT id, name FROM t ORDER BY id"))).all()
        assert [tuple(r) for r in rows] == [(1, "a"), (2, "b"), (3, "c")]
        changed = await conn.execute(text("UPDATE t SET name = name || '!' WHERE id > 1"))
        assert changed.rowcount == 2
        returned = await conn.execute(text("INSERT INTO t (name) VALUES ('d') RETURNING id"))
        assert returned.scalar_one() == 4
        assert (await conn.execute(text("SELECT name FROM t WHERE id = 99"))).first() is None


async def test_errors_are_sqlalchemys(plain_db: Database) -> None:
    async with plain_db.engine.begin() as conn:
        await conn.execute(text("INSERT INTO t (name) VALUES ('a')"))
    with pytest.raises(IntegrityError):
        async with plain_db.engine.begin() as conn:
            await conn.execute(text("INSERT INTO t (name) VALUES ('a')"))
    with pytest.raises(OperationalError):
        async with plain_db.engine.begin() as conn:
            await conn.execute(text("SELECT nope FROM t"))
    async with plain_db.engine.begin() as conn:  # the connection is still good
        assert (await conn.execute(text("SELECT count(*) FROM t"))).scalar_one() == 1


async def test_only_begin_and_commit_go_to_the_thread(
    plain_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with plain_db.engine.begin() as conn:  # connect first: connecting makes trips too
        await conn.execute(text("SELECT 1"))
    trips = 0
    original = aiosqlite.Connection._execute

    async def counted(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        nonlocal trips
        trips += 1
        return await original(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
    async with plain_db.engine.connect() as conn:
        await conn.execute(text("SELECT 1"))  # BEGIN IMMEDIATE, then the statement
        assert trips == 1
        for k in range(5):
            await conn.execute(text("INSERT INTO t (name) VALUES (:k)"), {"k": str(k)})
        assert trips == 1
        await conn.commit()
        assert trips == 2
    assert trips == 2  # the pool's rollback on check-in: nothing open, nothing to send
    async with plain_db.engine.connect() as conn:  # committed: another connection sees it
        assert (await conn.execute(text("SELECT count(*) FROM t"))).scalar_one() == 5


async def test_a_writer_in_another_process_is_waited_for_off_the_loop(tmp_path: Path) -> None:
    """BEGIN IMMEDIATE waits for another connection's write lock on aiosqlite's thread: the
    event loop keeps running meanwhile."""
    import asyncio
    import sqlite3

    db = Database(f"sqlite+aiosqlite:///{tmp_path}/locked.db")
    async with db.engine.begin() as conn:
        await conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY)"))
    other = sqlite3.connect(tmp_path / "locked.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    ticker = asyncio.create_task(tick())
    try:

        async def write() -> None:
            async with db.engine.begin() as conn:
                await conn.execute(text("INSERT INTO t DEFAULT VALUES"))

        writing = asyncio.create_task(write())
        await asyncio.sleep(0.3)
        assert not writing.done()
        other.execute("COMMIT")
        await writing
        assert ticks >= 10
    finally:
        ticker.cancel()
        other.close()
        await db.dispose()
