"""Which errors mean "the database is unreachable right now" (try again later), as opposed
to a bug: connection refused or dropped, a server starting or shutting down, SQLite busy."""

from __future__ import annotations

from sqlalchemy import exc as sa_exc


def unreachable(err: BaseException) -> bool:
    if isinstance(
        err,
        (
            sa_exc.OperationalError,
            sa_exc.InterfaceError,
            sa_exc.TimeoutError,
            sa_exc.DisconnectionError,
        ),
    ):
        return True
    if isinstance(err, sa_exc.DBAPIError) and err.connection_invalidated:
        return True
    if isinstance(err, OSError):  # asyncpg raises these itself while connecting
        return True
    try:
        import asyncpg  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - asyncpg is a dependency
        return False
    return isinstance(
        err,
        (
            asyncpg.PostgresConnectionError,
            asyncpg.InterfaceError,
            asyncpg.exceptions.OperatorInterventionError,
            asyncpg.exceptions.ConnectionDoesNotExistError,
        ),
    )
