"""Every handler timed and every log line tagged with the update it handles.

instrument(app) runs once the handler table is built: it wraps each handler's callback (and
the error handlers) so that, while one runs, the update id, chat id and handler name are in the
log context (bot/logs.py) and its duration lands in the latency histogram, and it adds a first
handler group that counts updates by kind. Wrapping the table instead of editing each handler
keeps the handlers unaware of metrics and catches handlers added later to the table.
"""

from __future__ import annotations

import contextlib
import functools
import time
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.ext import Application, TypeHandler

from bot import logs, metrics

COUNT_GROUP = -1000  # before every other group, so even a dropped duplicate is counted
_MARK = "_coach_instrumented"
_FAILED_IN = "_coach_handler"  # set on an exception: the handler it escaped from

Callback = Callable[[Any, Any], Coroutine[Any, Any, Any]]


def handler_name(callback: Callable[..., Any]) -> str:
    """'log.log_command' for bot.handlers.log.log_command: short, stable, one per handler."""
    module = str(getattr(callback, "__module__", "") or "").rsplit(".", 1)[-1]
    name = getattr(callback, "__qualname__", None) or type(callback).__name__
    return f"{module}.{name}" if module else str(name)


def _ids(update: object) -> tuple[int | None, int | None]:
    if not isinstance(update, Update):
        return None, None
    chat = update.effective_chat
    return update.update_id, chat.id if chat is not None else None


def timed(callback: Callback) -> Callback:
    """The callback, run with the update in the log context and its duration measured."""
    if getattr(callback, _MARK, False):
        return callback
    name = handler_name(callback)
    histogram = metrics.HANDLER_SECONDS.labels(name)

    @functools.wraps(callback)
    async def run(update: Any, context: Any) -> Any:
        bound = logs.bind(*_ids(update), name)
        started = time.perf_counter()
        try:
            return await callback(update, context)
        except Exception as err:
            with contextlib.suppress(AttributeError):  # the error handler names the culprit
                setattr(err, _FAILED_IN, name)
            raise
        finally:
            histogram.observe(time.perf_counter() - started)
            logs.unbind(bound)

    setattr(run, _MARK, True)
    return run


def counted_errors(callback: Callback) -> Callback:
    """An error handler that counts the error by type and logs as the handler that failed."""
    if getattr(callback, _MARK, False):
        return callback

    @functools.wraps(callback)
    async def run(update: Any, context: Any) -> Any:
        error = getattr(context, "error", None)
        metrics.record_error(error)
        bound = logs.bind(*_ids(update), getattr(error, _FAILED_IN, handler_name(callback)))
        try:
            return await callback(update, context)
        finally:
            logs.unbind(bound)

    setattr(run, _MARK, True)
    return run


def timed_job(callback: Callable[[Any], Coroutine[Any, Any, None]]) -> Callable[[Any], Any]:
    """A JobQueue callback whose log lines name it as their handler ("dispatcher.dispatch_job")
    and whose runs land in the same latency histogram."""
    name = handler_name(callback)
    histogram = metrics.HANDLER_SECONDS.labels(name)

    @functools.wraps(callback)
    async def run(context: Any) -> None:
        bound = logs.bind(None, None, name)
        started = time.perf_counter()
        try:
            await callback(context)
        except Exception as err:
            with contextlib.suppress(AttributeError):
                setattr(err, _FAILED_IN, name)
            raise
        finally:
            histogram.observe(time.perf_counter() - started)
            logs.unbind(bound)

    return run


async def _count(update: Update, _context: Any) -> None:
    metrics.count_update(update)


def instrument(app: Application) -> None:  # type: ignore[type-arg]
    """Wrap the handler table and the error handlers; count updates; expose the queue depth."""
    for group in app.handlers.values():
        for handler in group:
            handler.callback = timed(handler.callback)
    app.error_handlers = {counted_errors(cb): block for cb, block in app.error_handlers.items()}
    counter = TypeHandler(Update, _count)
    setattr(counter.callback, _MARK, True)
    app.add_handler(counter, group=COUNT_GROUP)
    metrics.UPDATE_QUEUE.set_function(app.update_queue.qsize)
