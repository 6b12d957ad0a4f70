"""Prometheus metrics: module-level objects and the few helpers the bot calls where things happen.

Scraped from /metrics (bot/health.py). Every label has a small, fixed set of values (update
kinds, handler names, exception class names, Bot API method names, delivery outcomes), so a
busy bot never grows the series count.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from prometheus_client import Counter, Gauge, Histogram
from sqlalchemy import event
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.ext.asyncio import AsyncEngine

_T = TypeVar("_T")

UPDATES = Counter("coach_updates", "Updates received, by kind", ["kind"])
HANDLER_SECONDS = Histogram(
    "coach_handler_seconds",
    "Time one handler took for one update",
    ["handler"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
ERRORS = Counter("coach_errors", "Errors that reached the error handler, by type", ["type"])
TELEGRAM_429 = Counter(
    "coach_telegram_429", "Bot API answers 'Too Many Requests' (429), by method", ["method"]
)
REMINDERS = Counter(
    "coach_reminders",
    "Reminders and summaries by outcome: sent, failed, unconfirmed, blocked",
    ["outcome"],
)
REMINDER_BACKLOG = Gauge(
    "coach_reminder_backlog", "Reminders claimed by this replica and not yet sent or given up"
)
UPDATE_QUEUE = Gauge("coach_update_queue", "Updates received and waiting to be handled")
DATABASE_ERRORS = Counter(
    "coach_database_errors", "Errors raised by the database driver, by type", ["type"]
)
SKIPPED_JOB_RUNS = Counter(
    "coach_job_runs_skipped",
    "Scheduled job runs skipped because the previous run was still going",
    ["job"],
)


def update_kind(update: object) -> str:
    """The update's kind as Telegram names it ("message", "callback_query", ...), or "other";
    a message starting with a command counts as "command"."""
    from telegram import Update  # here, so the database layer can import metrics cheaply

    if not isinstance(update, Update):
        return "other"
    if update.message is not None and (update.message.text or "").startswith("/"):
        return "command"
    for kind in Update.ALL_TYPES:
        if getattr(update, kind, None) is not None:
            return str(kind)
    return "other"


def count_update(update: object) -> None:
    UPDATES.labels(update_kind(update)).inc()


def record_error(error: BaseException | None) -> None:
    ERRORS.labels(type(error).__name__ if error is not None else "unknown").inc()


def reminders_claimed(count: int) -> None:
    REMINDER_BACKLOG.inc(count)


def reminder_outcome(status: str) -> None:
    """One claimed reminder is done with: counted by outcome, and out of the backlog."""
    REMINDERS.labels(status).inc()
    REMINDER_BACKLOG.dec()


def count_429(
    callback: Callable[..., Coroutine[Any, Any, _T]], method: str
) -> Callable[..., Coroutine[Any, Any, _T]]:
    """Wrap a Bot API call so every 429 answer is counted, then raised as before."""
    from telegram.error import RetryAfter

    async def call(*args: Any, **kwargs: Any) -> _T:
        try:
            return await callback(*args, **kwargs)
        except RetryAfter:
            TELEGRAM_429.labels(method).inc()
            raise

    return call


def watch_engine(engine: AsyncEngine) -> None:
    """Count every error the database driver raises on this engine (connection refused,
    deadlock, timeout...), wherever in the bot the query was made."""

    def on_error(context: ExceptionContext) -> None:
        DATABASE_ERRORS.labels(type(context.original_exception).__name__).inc()

    event.listen(engine.sync_engine, "handle_error", on_error)
