"""PTB's AIORateLimiter plus a per-chat pace, so a reminder fan-out stays under Telegram's limits.

AIORateLimiter paces everything to ~30 messages/s and retries a 429 after its retry_after; it
only limits groups per chat. Telegram also asks for about one message a second per private chat
(short bursts are fine), which the per-chat limiter adds.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Coroutine
from typing import Any

from aiolimiter import AsyncLimiter
from telegram._utils.types import JSONDict
from telegram.ext import AIORateLimiter

from bot import metrics

PER_CHAT_BURST = 10  # messages
PER_CHAT_PERIOD = 10.0  # seconds: on average one a second, short bursts allowed
MAX_CHATS = 4096


class CoachRateLimiter(AIORateLimiter):
    def __init__(self, max_retries: int = 3) -> None:
        super().__init__(overall_max_rate=30, overall_time_period=1, max_retries=max_retries)
        self._chats: OrderedDict[int, AsyncLimiter] = OrderedDict()

    def _chat_limiter(self, chat_id: int) -> AsyncLimiter:
        limiter = self._chats.pop(chat_id, None) or AsyncLimiter(PER_CHAT_BURST, PER_CHAT_PERIOD)
        self._chats[chat_id] = limiter
        if len(self._chats) > MAX_CHATS:
            self._chats.popitem(last=False)
        return limiter

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | JSONDict | list[JSONDict]:
        callback = metrics.count_429(callback, endpoint)
        chat_id = data.get("chat_id")
        if isinstance(chat_id, int) and chat_id > 0 and endpoint.startswith("send"):
            async with self._chat_limiter(chat_id):
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
        return await super().process_request(
            callback, args, kwargs, endpoint, data, rate_limit_args
        )
