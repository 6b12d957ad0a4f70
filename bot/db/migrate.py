"""Apply Alembic migrations from code: on start-up and from `python -m bot migrate`."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from bot import paths

# An arbitrary constant: replicas starting together take turns on PostgreSQL.
MIGRATION_LOCK = 7_240_318


def alembic_config(url: str) -> Config:
    cfg = Config()  # no alembic.ini: an installed package has none, and nothing here needs it
    cfg.set_main_option("script_location", str(paths.MIGRATIONS))
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def _run(connection: Connection, url: str, target: str, down: bool) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"))
    cfg = alembic_config(url)
    cfg.attributes["connection"] = connection
    if down:
        command.downgrade(cfg, target)
    else:
        command.upgrade(cfg, target)


async def upgrade(engine: AsyncEngine, target: str = "head") -> None:
    async with engine.begin() as conn:
        await conn.run_sync(_run, engine.url.render_as_string(hide_password=False), target, False)


async def downgrade(engine: AsyncEngine, target: str = "base") -> None:
    async with engine.begin() as conn:
        await conn.run_sync(_run, engine.url.render_as_string(hide_password=False), target, True)


def heads() -> frozenset[str]:
    """The revisions a database at head carries (read from the migration scripts)."""
    return frozenset(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())


async def current(engine: AsyncEngine) -> frozenset[str]:
    """The revisions the database carries now; empty when it was never migrated."""

    def read(connection: Connection) -> frozenset[str]:
        return frozenset(MigrationContext.configure(connection).get_current_heads())

    async with engine.connect() as conn:
        return await conn.run_sync(read)
