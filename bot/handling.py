"""The update being handled, and the rule that makes handling it exactly once.

The inbox row of an update is marked "done" in the same transaction as the update's first
effect, and in any case before the bot's first request to Telegram for it. So:

- a crash before that commit leaves the update "new": it is handled again from scratch, and
  nothing of the first attempt reached the database or the user;
- a crash after it never repeats the update; only a request in flight at that moment can be
  lost (Telegram may or may not have it), which is the least any bot can promise.

Every unit of work opened while an update is handled registers here, and is committed before
a request leaves for Telegram: nothing waits on Telegram while holding the database (a row
lock, SQLite's write lock, a pooled connection), so a slow answer in one chat never delays
another.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any


class UpdateTakenOver(Exception):
    """Another process finished this update (our lease ran out): roll back, do nothing."""


@dataclass
class Handling:
    update_id: int
    owner: str
    # commits a tiny transaction that marks the update done (when no other work carries it)
    mark: Callable[[Handling], Awaitable[None]]
    done: bool = False
    # a database fault before the mark: nothing happened yet, so the update is tried again
    retry: bool = False
    sessions: list[Any] = field(default_factory=list)
    # the work slot this update holds (bounded CPU and database work); given back while a
    # request to Telegram is in flight, so waiting on Telegram takes no slot
    slot: Any = None
    holds_slot: bool = False


CURRENT: ContextVar[Handling | None] = ContextVar("handling", default=None)


def current() -> Handling | None:
    return CURRENT.get()


async def before_telegram() -> None:
    """Called before every Bot API request: commit open work and mark the update done."""
    handling = CURRENT.get()
    if handling is None:
        return
    for commit in list(handling.sessions):
        await commit()
    if not handling.done:
        await handling.mark(handling)


async def waiting_on_telegram() -> Handling | None:
    """Give the work slot back for the length of a request; see `resume_work`."""
    handling = CURRENT.get()
    if handling is None or not handling.holds_slot:
        return None
    handling.slot.release()
    handling.holds_slot = False
    return handling


async def resume_work(handling: Handling | None) -> None:
    if handling is not None:
        await handling.slot.acquire()
        handling.holds_slot = True
