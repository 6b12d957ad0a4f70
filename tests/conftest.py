"""Shared fixtures: a database per test on SQLite and (when reachable, or required) PostgreSQL.

Set-up is paid once per run: SQLite tests get a copy of a file migrated once, PostgreSQL tests
share one database migrated once and emptied before each test. Tests asking for `db` run on
both backends, except e2e modules of pure handler flows, which run on SQLite only: PostgreSQL
runs for what touches SQL that differs (the db layer, intake and its leases, the dispatcher and
its outbox, migrations, concurrency, the send budget, locks, upserts, SKIP LOCKED, any branch on
the dialect). The list and how it was checked are in tests/e2e/conftest.py.

Hypothesis loads a light profile locally and the full one under CI=true (tests/props.py).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import uuid
from collections.abc import AsyncIterator, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.db import migrate
from bot.db.session import Database
from tests import props

props.load()  # before any test module is imported: their @settings read the profile

PG_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
REQUIRE_PG = os.environ.get("REQUIRE_POSTGRES") == "1"


def _pg_reachable() -> bool:
    parts = urlsplit(PG_URL.replace("+asyncpg", ""))
    try:
        socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 5432), 2).close()
    except OSError:
        return False
    return True


PG_UP = _pg_reachable()


def pytest_configure(config: pytest.Config) -> None:
    if REQUIRE_PG and not PG_UP:
        raise pytest.UsageError(
            f"REQUIRE_POSTGRES=1 but no PostgreSQL answers at {PG_URL}; start it or unset it."
        )


@pytest.fixture(autouse=True)
def _tones_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Audio guides in tests are tones only, whatever speech engine this machine has
    (tests/unit/test_speech.py turns one on where it tests spoken cues)."""
    monkeypatch.setattr("bot.speech.ENGINES", ())


def run_sync(coro: Coroutine[Any, Any, Any]) -> Any:
    """Run a coroutine to completion from sync code, even when a loop runs in this thread
    (session fixtures may be first requested from inside an async test)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def _with_db(url: str, name: str) -> str:
    base, _, _ = url.rpartition("/")
    return f"{base}/{name}"


async def _admin(sql: str) -> None:
    engine = create_async_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text(sql))
    finally:
        await engine.dispose()


class PgDatabases:
    """Creates throw-away PostgreSQL databases and drops them at the end of the run."""

    def __init__(self) -> None:
        self.created: list[str] = []

    def create(self) -> str:
        name = f"rrc_test_{uuid.uuid4().hex[:12]}"
        run_sync(_admin(f'CREATE DATABASE "{name}"'))
        self.created.append(name)
        return _with_db(PG_URL, name)

    def drop_all(self) -> None:
        for name in self.created:
            run_sync(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def pg_databases() -> Iterator[PgDatabases]:
    dbs = PgDatabases()
    yield dbs
    dbs.drop_all()


@pytest.fixture(scope="session")
def pg_migrated(pg_databases: PgDatabases) -> str:
    """One migrated PostgreSQL database for the run; tests empty its tables before use."""
    url = pg_databases.create()

    async def up() -> None:
        db = Database(url)
        await migrate.upgrade(db.engine)
        await db.dispose()

    run_sync(up())
    return url


BACKENDS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=[
            pytest.mark.postgres,
            pytest.mark.skipif(not PG_UP, reason="PostgreSQL not reachable"),
        ],
    ),
]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def empty_db_url(backend: str, tmp_path: object, request: pytest.FixtureRequest) -> str:
    """A database with no tables at all (for migration tests)."""
    if backend == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path}/empty.db"
    dbs: PgDatabases = request.getfixturevalue("pg_databases")
    return dbs.create()


TABLES = (
    "workouts",
    "conversations",
    "deliveries",
    "plan_changes",
    "processed_updates",
    "users",
    "send_budget",
)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once for the run; each test gets a copy (a copy is ~1 ms, a
    migration ~0.2 s)."""
    path = tmp_path_factory.mktemp("template") / "coach.db"

    async def up() -> None:
        db = Database(f"sqlite+aiosqlite:///{path}")
        await migrate.upgrade(db.engine)
        await db.dispose()  # the last connection closing folds the WAL into the file

    run_sync(up())
    assert not path.with_name("coach.db-wal").exists()
    return path


@pytest.fixture
async def db(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[Database]:
    """A migrated, empty database, on each backend."""
    if backend == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        shutil.copyfile(template, tmp_path / "coach.db")
        database = Database(f"sqlite+aiosqlite:///{tmp_path}/coach.db")
    else:
        database = Database(request.getfixturevalue("pg_migrated"))
        async with database.engine.begin() as conn:
            await conn.execute(text(f"TRUNCATE {', '.join(TABLES)} CASCADE"))
    yield database
    await database.dispose()
