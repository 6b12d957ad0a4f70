"""The engine and the unit of work: one transaction per handler call."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from bot import metrics
from bot.db.repo import Repo


def make_engine(url: str) -> AsyncEngine:
    """SQLite gets foreign keys (for cascading deletes) and a busy timeout; PostgreSQL a pool."""
    if url.startswith("sqlite"):
        engine = create_async_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine.sync_engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.close()

        return engine
    return create_async_engine(url, pool_size=5, max_overflow=5, pool_pre_ping=True)


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
        async with self._sessions() as session:
            try:
                yield Repo(session, self.dialect)
                await session.commit()
            except BaseException:
                await session.rollback()
                raise

    @asynccontextmanager
    async def raw_session(self) -> AsyncIterator[AsyncSession]:
        async with self._sessions() as session:
            yield session

    async def dispose(self) -> None:
        await self.engine.dispose()
