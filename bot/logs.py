"""Logging set-up: text or JSON lines, the update each line concerns, and no secret in any line.

Where an update is handled (bot/observe.py) its update id, chat id and handler name are put in
context variables; a filter copies them, and the replica id, onto every record, so a JSON line
says which update, chat, handler and replica it concerns. Message texts are never logged at
INFO or above.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from contextvars import ContextVar, Token
from dataclasses import dataclass
from typing import Literal

from bot import metrics

LogFormat = Literal["text", "json"]

UPDATE_ID: ContextVar[int | None] = ContextVar("update_id", default=None)
CHAT_ID: ContextVar[int | None] = ContextVar("chat_id", default=None)
HANDLER: ContextVar[str | None] = ContextVar("handler", default=None)
CONTEXT_FIELDS = ("update_id", "chat_id", "handler", "replica")

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
JSON_FIELDS = ("asctime", "levelname", "name", "message", *CONTEXT_FIELDS)


@dataclass(frozen=True)
class Bound:
    """What bind() set, so unbind() can put the previous values back."""

    update_id: Token[int | None]
    chat_id: Token[int | None]
    handler: Token[str | None]


def bind(update_id: int | None, chat_id: int | None, handler: str | None) -> Bound:
    return Bound(UPDATE_ID.set(update_id), CHAT_ID.set(chat_id), HANDLER.set(handler))


def unbind(bound: Bound) -> None:
    HANDLER.reset(bound.handler)
    CHAT_ID.reset(bound.chat_id)
    UPDATE_ID.reset(bound.update_id)


class ContextFilter(logging.Filter):
    """Puts the update id, chat id, handler and replica id on every record."""

    def __init__(self, replica: str) -> None:
        super().__init__()
        self.replica = replica

    def filter(self, record: logging.LogRecord) -> bool:
        record.update_id = UPDATE_ID.get()
        record.chat_id = CHAT_ID.get()
        record.handler = HANDLER.get()
        record.replica = self.replica
        return True


class SkippedRunFilter(logging.Filter):
    """APScheduler warns each time a job's next run comes while the last one still runs (a long
    reminder fan-out); those runs are counted in a metric instead of filling the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        if "maximum number of running instances reached" not in record.getMessage():
            return True
        job = record.args[0] if isinstance(record.args, tuple) and record.args else "?"
        name = getattr(job, "name", None) or str(job)
        metrics.SKIPPED_JOB_RUNS.labels(name).inc()
        return False


class RedactFilter(logging.Filter):
    """Replaces secrets (the bot token, the webhook secret) wherever they appear in a record."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        redacted = message
        for secret in self.secrets:
            redacted = redacted.replace(secret, "<redacted>")
            if record.exc_text:
                record.exc_text = record.exc_text.replace(secret, "<redacted>")
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def formatter(fmt: LogFormat) -> logging.Formatter:
    if fmt == "json":
        return _json_formatter()
    return logging.Formatter(TEXT_FORMAT)


def _json_formatter() -> logging.Formatter:
    """The JSON formatter; python-json-logger is imported only when LOG_FORMAT=json."""
    from pythonjsonlogger.json import JsonFormatter

    class _JsonFormatter(JsonFormatter):
        """JSON lines whose traceback is the one RedactFilter already cleaned of secrets."""

        def format(self, record: logging.LogRecord) -> str:
            if record.exc_info and record.exc_text:
                exc_info, record.exc_info = record.exc_info, None
                try:
                    return super().format(record)
                finally:
                    record.exc_info = exc_info
            return super().format(record)

    return _JsonFormatter(
        list(JSON_FIELDS),
        rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
    )


def setup_logging(
    level: str, secrets: Iterable[str] = (), fmt: LogFormat = "text", replica: str = ""
) -> None:
    """Configure the root logger once; HTTP libraries would print URLs (with the token) at INFO."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    handler = logging.StreamHandler()
    handler.setFormatter(formatter(fmt))
    handler.addFilter(RedactFilter(secrets))
    handler.addFilter(ContextFilter(replica))
    root.addHandler(handler)
    root.setLevel(level)
    noisy_libraries = (
        "httpx",
        "httpcore",
        "apscheduler",
        "aiosqlite",
        "tornado.access",
        "markdown_it",
        "matplotlib",
        "PIL",
        "asyncio",
        "hpack",
    )
    for noisy in noisy_libraries:
        logging.getLogger(noisy).setLevel(logging.WARNING)
    scheduler = logging.getLogger("apscheduler.scheduler")
    if not any(isinstance(f, SkippedRunFilter) for f in scheduler.filters):
        scheduler.addFilter(SkippedRunFilter())
