"""Logging set-up: one format, quiet HTTP clients, and no secret in any line."""

from __future__ import annotations

import logging
from collections.abc import Iterable


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


def setup_logging(level: str, secrets: Iterable[str] = ()) -> None:
    """Configure the root logger once; HTTP libraries would print URLs (with the token) at INFO."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactFilter(secrets))
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
