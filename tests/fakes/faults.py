"""Faults a test injects: error answers, blocked chats, flood control's 429s, slow answers.

Calls answered by a fault are listed in ``requests`` (``injected=True``) but not in ``errors``:
they are Telegram's doing, not the bot's mistakes.
"""

from __future__ import annotations

import asyncio
import collections
import random
from dataclasses import dataclass
from typing import Any

from .errors import ApiError, status_description


class Injected(ApiError):
    """An answer a fault made (not the bot's mistake)."""


@dataclass
class _Fault:
    status: int
    description: str
    retry_after: int | None
    times: int


class Faults:
    """The faults in force; ``inject`` answers a call with one, if any applies."""

    def __init__(self) -> None:
        self._faults: dict[str, list[_Fault]] = {}
        self._delays: dict[str, float] = {}
        self._slow: tuple[float, float, random.Random, set[int] | None] | None = None
        self.slowed_chats: set[int] = set()
        self._blocked: set[int] = set()
        self._flood_rate: float | None = None
        self._flood_window: collections.deque[float] = collections.deque()
        self._chat_burst: int | None = None
        self._chat_tat: dict[int, float] = {}
        self.flood_answers = 0  # 429s answered by flood_control()

    async def inject(self, method: str, chat_id: Any, at: float) -> None:
        """Wait out a delay or slow answer, then raise ``Injected`` if a fault answers the call
        to ``method`` for ``chat_id`` that arrived at ``at``."""
        delay = self._delays.get(method.lower(), self._delays.get("*"))
        if delay:
            await asyncio.sleep(delay)
        await self._maybe_slow(method, chat_id)
        fault = self._take_fault(method)
        if fault is not None:
            raise Injected(fault.status, fault.description, retry_after=fault.retry_after)
        if isinstance(chat_id, int) and chat_id in self._blocked:
            raise Injected(403, "Forbidden: bot was blocked by the user")
        if (self._flood_rate is not None or self._chat_burst is not None) and self._flooded(
            method, chat_id, at
        ):
            self.flood_answers += 1
            raise Injected(429, "Too Many Requests: retry after 1", retry_after=1)

    def fail(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int | None = None,
        times: int = 1,
        description: str | None = None,
    ) -> None:
        """The next ``times`` calls to ``method`` ("*" for any) answer with this error."""
        if status == 429 and retry_after is None:
            retry_after = 1
        if description is None:
            if status == 429:
                description = f"Too Many Requests: retry after {retry_after}"
            else:
                description = status_description(status)
        fault = _Fault(status, description, retry_after, times)
        self._faults.setdefault(method.lower(), []).append(fault)

    def flood_control(self, rate: float | None = 30, *, per_chat_burst: int | None = None) -> None:
        """Answer 429 the way Telegram's flood control does: when a message would make more
        than ``rate`` accepted messages in any one-second window (None turns it off), or, with
        ``per_chat_burst``, when a chat got that many at once and then more than one a second.
        Chat actions are not messages and are not counted."""
        self._flood_rate = rate
        self._chat_burst = per_chat_burst
        self._flood_window.clear()
        self._chat_tat.clear()

    def _flooded(self, name: str, chat_id: Any, now: float) -> bool:
        """Whether a message that arrived at `now` is over the limits (if not, it counts)."""
        if not name.startswith("send") or name == "sendChatAction":
            return False
        if self._chat_burst is not None and isinstance(chat_id, int):
            tat = max(self._chat_tat.get(chat_id, 0.0), now)
            if tat - now > self._chat_burst - 1:
                return True
        if self._flood_rate is not None:
            window = self._flood_window
            while window and window[0] <= now - 1.0:
                window.popleft()
            if len(window) >= self._flood_rate:
                return True
            window.append(now)
        if self._chat_burst is not None and isinstance(chat_id, int):
            self._chat_tat[chat_id] = max(self._chat_tat.get(chat_id, 0.0), now) + 1.0
        return False

    def block(self, chat_id: int) -> None:
        """Calls targeting this chat answer 403 "Forbidden: bot was blocked by the user"."""
        self._blocked.add(chat_id)

    def unblock(self, chat_id: int) -> None:
        self._blocked.discard(chat_id)

    def delay(self, method: str, seconds: float) -> None:
        """Answer calls to ``method`` ("*" for any) only after ``seconds``; 0 removes the delay.
        The call still takes effect, like a slow Telegram after the client gave up."""
        if seconds <= 0:
            self._delays.pop(method.lower(), None)
        else:
            self._delays[method.lower()] = seconds

    def slow_answers(
        self, fraction: float, seconds: float, seed: int = 0, chats: set[int] | None = None
    ) -> None:
        """A share of the calls aimed at a chat (any chat, or only ``chats``) answer only after
        ``seconds``; fraction 0 stops it. Chats that got a slow answer are in ``slowed_chats``."""
        self._slow = (fraction, seconds, random.Random(seed), chats) if fraction > 0 else None

    async def _maybe_slow(self, method: str, chat_id: Any) -> None:
        if self._slow is None or method == "getUpdates" or not isinstance(chat_id, int):
            return
        fraction, seconds, rng, chats = self._slow
        if chats is not None and chat_id not in chats:
            return
        if rng.random() < fraction:
            self.slowed_chats.add(chat_id)
            await asyncio.sleep(seconds)

    def _take_fault(self, method: str) -> _Fault | None:
        for key in (method.lower(), "*"):
            faults = self._faults.get(key)
            if faults:
                fault = faults[0]
                fault.times -= 1
                if fault.times <= 0:
                    faults.pop(0)
                return fault
        return None
