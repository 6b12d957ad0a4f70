"""Telegram's error answer: ``{"ok": false, "error_code": N, "description": ...}`` with HTTP
status N, raised anywhere in the fake and turned into the answer in one place."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

JSON = dict[str, Any]


class ApiError(Exception):
    """A Telegram error answer: HTTP status == error_code."""

    def __init__(
        self,
        status: int,
        description: str,
        *,
        retry_after: int | None = None,
        recorded: bool = True,
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after
        self.recorded = recorded  # False: don't count it in ``errors``

    def body(self) -> JSON:
        body: JSON = {"ok": False, "error_code": self.status, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad(description: str) -> ApiError:
    """A 400 answer; ``description`` already starts with "Bad Request: "."""
    return ApiError(400, description)


def status_description(status: int) -> str:
    """What Telegram says with a bare status ("Bad Request", "Internal Server Error")."""
    if status == 400:
        return "Bad Request"
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"Error {status}"
