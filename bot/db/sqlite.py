"""SQLite through aiosqlite with two trips to its thread per transaction.

SQLAlchemy's aiosqlite adapter makes four trips to aiosqlite's worker thread for each
statement (open a cursor, execute, fetch, close), and every trip is a hand-over of the GIL
and an event-loop wake-up. Under many chats those hand-overs were a third of a /log's CPU,
and each wake-up waits behind everything else ready on the loop while SQLite's one
connection (every write transaction) stays held. Here only what may wait goes to the
thread: BEGIN IMMEDIATE (it may wait for another process's write lock) and COMMIT (it
waits on the disk), each in one trip; the pool's rollback of a connection it takes back
makes none when no transaction is open. The statements between them run on the event loop's
thread at once (the lock is ours; each takes microseconds), so a transaction holds the
connection for two wake-ups instead of one per statement. Rows come back as the stock
adapter would hold them; everything else (transactions, errors, the connection's life) is
SQLAlchemy's and aiosqlite's own. The connection is made with check_same_thread=False for
this: it is still used by one thread at a time, each call awaited before the next.
"""

from __future__ import annotations

import sqlite3
from collections import deque
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)

_Result = tuple[Any, list[Any], int | None, int]


def _run(conn: sqlite3.Connection, operation: str, parameters: Any) -> _Result:
    """On aiosqlite's thread: the whole statement, as (description, rows, lastrowid, rowcount)."""
    cursor = conn.cursor()
    try:
        if parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        if cursor.description:
            return cursor.description, cursor.fetchall(), -1, -1
        return None, [], cursor.lastrowid, cursor.rowcount
    finally:
        cursor.close()


def _run_many(conn: sqlite3.Connection, operation: str, rows: Any) -> _Result:
    cursor = conn.cursor()
    try:
        cursor.executemany(operation, rows)
        return None, [], cursor.lastrowid, cursor.rowcount
    finally:
        cursor.close()


async def _here(fn: Any, conn: sqlite3.Connection, operation: Any, parameters: Any) -> _Result:
    """On the event loop's own thread, without suspending."""
    return fn(conn, operation, parameters)  # type: ignore[no-any-return]


class _Cursor(AsyncAdapt_aiosqlite_cursor):
    __slots__ = ()

    def _one_trip(self, fn: Any, operation: Any, parameters: Any) -> None:
        conn = self._connection
        raw = conn._conn
        # Inside a transaction the write lock is already ours (BEGIN IMMEDIATE): statements
        # cannot wait on another writer and take microseconds, so they run right here.
        run = _here if raw.in_transaction else conn._execute
        try:
            description, rows, lastrowid, rowcount = self.await_(
                run(fn, raw, operation, parameters)
            )
        except Exception as error:
            self._adapt_connection._handle_exception(error)
        self.description = description
        self._rows = deque(rows)
        self.lastrowid = lastrowid
        self.rowcount = rowcount

    def execute(self, operation: Any, parameters: Any = None) -> Any:
        self._one_trip(_run, operation, parameters)

    def executemany(self, operation: Any, seq_of_parameters: Any) -> Any:
        self._one_trip(_run_many, operation, seq_of_parameters)


class _Connection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()

    def rollback(self) -> None:
        """The pool rolls back every connection it takes back, most often just after a
        commit: with no transaction open there is nothing to undo, and no trip to make."""
        if self._connection._conn.in_transaction:
            super().rollback()

    def cursor(self, server_side: bool = False) -> AsyncAdapt_aiosqlite_cursor:
        if server_side:
            return super().cursor(server_side=True)
        return _Cursor(self)


class OneTripDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """The aiosqlite DBAPI adapter whose connections run each statement in one trip; give it
    to create_async_engine(module=...)."""

    def connect(self, *arg: Any, **kw: Any) -> AsyncAdapt_aiosqlite_connection:
        stock = super().connect(*arg, **kw)
        return _Connection(self, stock._connection)


def one_trip_dbapi() -> OneTripDBAPI:
    return OneTripDBAPI(aiosqlite, sqlite3)
