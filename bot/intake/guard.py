"""The one door every Bot API request passes: PTB's rate-limiter slot.

Before a request leaves, the update being handled commits its open work and is marked done
(bot/handling.py), then the real limiter (if any) paces the request. While the request is
paced and in flight the update gives back its work slot, so other chats use it. Wrapping the limiter
rather than the HTTP layer means nothing waits for a send budget while holding the database.

It also drops the one parameter PTB adds that the Bot API does not have: with a default
parse_mode, PTB sends ``parse_mode`` to editMessageReplyMarkup too (Telegram ignores it; the
test double, which checks every request against the published spec, refuses it).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram._utils.types import JSONDict
from telegram.ext import BaseRateLimiter

from bot.handling import before_telegram, resume_work, waiting_on_telegram

_NO_PARSE_MODE = frozenset({"editMessageReplyMarkup"})


class CommitFirst(BaseRateLimiter[Any]):
    def __init__(self, inner: BaseRateLimiter[Any] | None = None) -> None:
        self.inner = inner

    async def initialize(self) -> None:
        if self.inner is not None:
            await self.inner.initialize()

    async def shutdown(self) -> None:
        if self.inner is not None:
            await self.inner.shutdown()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Any | None,
    ) -> bool | JSONDict | list[JSONDict]:
        if endpoint in _NO_PARSE_MODE:
            data.pop("parse_mode", None)  # the same dict PTB posts (args holds it too)
        await before_telegram()
        paused = await waiting_on_telegram()
        try:
            if self.inner is not None:
                return await self.inner.process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
            return await callback(*args, **kwargs)
        finally:
            await resume_work(paused)
