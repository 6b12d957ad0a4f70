"""Chats side by side, each in order: one queue and at most one running task per chat.

PTB's own concurrent mode (BaseUpdateProcessor) runs updates side by side but gives no
per-chat order; a per-chat queue keeps a chat's updates strictly in arrival order while any
number of other chats are handled at the same time. A slow update holds up only its chat.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")


class Lanes(Generic[T]):
    """`put(key, item)` queues an item; items of one key run one after another."""

    def __init__(self, work: Callable[[T], Awaitable[None]]) -> None:
        self._work = work
        self._queues: dict[Hashable, deque[T]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._idle = asyncio.Event()
        self._idle.set()
        self._waiting = 0

    def put(self, key: Hashable, item: T) -> None:
        queue = self._queues.get(key)
        self._waiting += 1
        self._idle.clear()
        if queue is not None:  # the chat's task is running and will take it
            queue.append(item)
            return
        self._queues[key] = deque([item])
        task = asyncio.create_task(self._drain(key), name=f"lane:{key}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @property
    def pending(self) -> int:
        """Items queued or running."""
        return self._waiting

    async def wait_idle(self) -> None:
        await self._idle.wait()

    async def _drain(self, key: Hashable) -> None:
        queue = self._queues[key]
        try:
            while queue:
                item = queue[0]
                try:
                    await self._work(item)
                except Exception:  # the worker reports its own errors; keep the lane going
                    log.exception("Update lane %s: unexpected error", key)
                queue.popleft()
                self._done_one()
        finally:
            self._waiting -= len(queue)  # only when cancelled at shutdown
            self._queues.pop(key, None)
            if self._waiting <= 0:
                self._waiting = 0
                self._idle.set()

    def _done_one(self) -> None:
        self._waiting -= 1
        if self._waiting <= 0:
            self._idle.set()

    async def close(self, grace: float) -> None:
        """Let running work finish for up to `grace` seconds, then cancel what is left."""
        if self._tasks:
            _, late = await asyncio.wait(set(self._tasks), timeout=grace)
            for task in late:
                task.cancel()
            if late:
                await asyncio.gather(*late, return_exceptions=True)
