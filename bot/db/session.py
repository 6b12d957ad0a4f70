"""The engine and the unit of work: one transaction per handler call."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    async_sessionmaker,
    create_async_engine,
)

from bot import metrics
from bot.db.repo import Repo
from bot.db.sqlite import one_trip_dbapi
from bot.handling import current


def make_engine(url: str) -> AsyncEngine:
    """SQLite gets foreign keys (for cascading deletes), a busy timeout and transactions that
    take the write lock up front; PostgreSQL a pool."""
    if url.startswith("sqlite"):
        # One connection: SQLite has one writer anyway, and queueing for the pool is FIFO and
        # immediate, where SQLite's busy handler polls with sleeps (slow under many chats).
        engine = create_async_engine(
            url,
            module=one_trip_dbapi(),  # one trip to aiosqlite's thread per statement
            connect_args={"timeout": 30, "check_same_thread": False},
            pool_size=1,
            max_overflow=0,
            pool_timeout=60,
        )

        @event.listens_for(engine.sync_engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # we say BEGIN ourselves, below
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.close()

        @event.listens_for(engine.sync_engine, "begin")
        def _begin(conn: Any) -> None:
            # With many chats handled at once, a transaction that read first and writes later
            # would fail ("database is locked") whenever another wrote in between; taking the
            # lock at BEGIN makes writers queue instead. Transactions are short: every unit of
            # work is committed before the bot talks to Telegram (see bot/handling.py).
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    engine = create_async_engine(url, pool_size=10, max_overflow=10)
    _ping_when_idle(engine)
    return engine


# A pooled connection unused for this long is checked before it is handed out.
PING_IDLE_S = 2.0


def _ping_when_idle(engine: AsyncEngine) -> None:
    """Pre-ping only connections that sat idle: SQLAlchemy's pre-ping costs three round trips
    on asyncpg (BEGIN, a query, ROLLBACK) on every checkout, as many as the rest of a /log's
    transaction outside its statements. A connection in steady use is known good; if the
    server went away meanwhile, the failing statement invalidates the pool and the update
    is tried again (bot/db/faults.py), as a failed ping would have done."""

    @event.listens_for(engine.sync_engine, "checkin")
    def _idle_from(_dbapi_conn: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine.sync_engine, "checkout")
    def _ping(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < PING_IDLE_S:
            return  # new, or in steady use
        try:
            dbapi_conn.ping()
        except Exception as err:
            raise DisconnectionError("idle connection failed its ping") from err


class Database:
    """Owns the engine; `uow()` yields a Repo whose work is committed on success, else rolled back.

    A handler may `await repo.commit()` early, before it talks to Telegram, so a failed reply
    never loses what the user logged.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        metrics.watch_engine(self.engine)
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @asynccontextmanager
    async def uow(self) -> AsyncIterator[Repo]:
        """While an update is handled, the unit of work is also committed before any request
        to Telegram, and its first commit marks the update done (see bot/handling.py)."""
        async with self._sessions() as session:
            repo = Repo(session, self.dialect)
            handling = current()
            if handling is not None:
                handling.sessions.append(repo.commit)
            try:
                yield repo
                await repo.commit()
            except BaseException:
                await session.rollback()
                raise
            finally:
                if handling is not None:
                    handling.sessions.remove(repo.commit)

    async def dispose(self) -> None:
        await self.engine.dispose()
