"""Apply Alembic migrations from code: on start-up and from `python -m bot migrate`.

Alembic (and what it pulls in) is imported only when the schema is behind: a start-up on an
up-to-date database compares the stored revision with the heads named in migrations/versions/
and goes on, which keeps start-up fast and the idle process small.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from bot import paths

if TYPE_CHECKING:
    from alembic.config import Config

# An arbitrary constant: replicas starting together take turns on PostgreSQL.
MIGRATION_LOCK = 7_240_318

_REVISION = re.compile(r"^revision(?:\s*:[^=]+)?=\s*[\"']([^\"']+)[\"']", re.M)
_DOWN = re.compile(r"^down_revision(?:\s*:[^=]+)?=\s*(.+)$", re.M)


def script_heads(folder: Path | None = None) -> frozenset[str]:
    """The newest revisions (those no other migration builds on), read from the files."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (folder or paths.MIGRATIONS / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        found = _REVISION.search(source)
        if found:
            revisions.add(found.group(1))
        down = _DOWN.search(source)
        if down:
            parents.update(re.findall(r"[\"']([^\"']+)[\"']", down.group(1)))
    return frozenset(revisions - parents)


def heads() -> frozenset[str]:
    """The revisions a database at head carries (read from the migration scripts)."""
    return script_heads()


async def current(engine: AsyncEngine) -> frozenset[str]:
    """The revisions the database carries now; empty when it was never migrated."""

    def read(connection: Connection) -> frozenset[str]:
        if not inspect(connection).has_table("alembic_version"):
            return frozenset()
        rows = connection.execute(text("SELECT version_num FROM alembic_version"))
        return frozenset(str(r[0]) for r in rows)

    async with engine.connect() as conn:
        return await conn.run_sync(read)


async def at_head(engine: AsyncEngine) -> bool:
    """Whether the database already carries every head revision."""
    wanted = heads()
    return bool(wanted) and await current(engine) == wanted


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    cfg = Config()  # no alembic.ini: an installed package has none, and nothing here needs it
    cfg.set_main_option("script_location", str(paths.MIGRATIONS))
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def _run(connection: Connection, url: str, target: str, down: bool) -> None:
    from alembic import command

    if connection.dialect.name == "postgresql":
        connection.execute(text(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"))
    cfg = alembic_config(url)
    cfg.attributes["connection"] = connection
    if down:
        command.downgrade(cfg, target)
    else:
        command.upgrade(cfg, target)


async def upgrade(engine: AsyncEngine, target: str = "head") -> None:
    if target == "head" and await at_head(engine):
        return
    async with engine.begin() as conn:
        await conn.run_sync(_run, engine.url.render_as_string(hide_password=False), target, False)


async def downgrade(engine: AsyncEngine, target: str = "base") -> None:
    async with engine.begin() as conn:
        await conn.run_sync(_run, engine.url.render_as_string(hide_password=False), target, True)
