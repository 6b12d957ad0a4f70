"""Telegram's send limits, for the bot as a whole: one budget shared by every replica.

Telegram allows a bot about 30 messages a second overall (1,000 with paid broadcasts) and about
one a second per chat, short bursts tolerated. Two kinds of traffic share that budget:

- **replies** (anything sent while handling an update) never wait for the overall budget: they
  only keep the per-chat pace, and the messages they send are charged to the budget afterwards,
  so broadcasts make room for them. A fan-out can therefore never delay a reply.
- **broadcasts** (reminders and summaries, marked with `Broadcast` in `rate_limit_args`) wait
  for a slot of the budget. Slots are spaced evenly (GCRA: a theoretical arrival time moves
  one interval per message), so no one-second window sees more than the rate. Each broadcast
  also holds one of the rate's places in a window until a second after its answer: Telegram
  counted it somewhere between its start and its answer, so however late the event loop or
  the network are, no second as Telegram counts them holds more of this process's
  broadcasts than the rate.

With SQLite there is one process, and the budget lives in memory. With PostgreSQL the
theoretical arrival time is one row (`send_budget`), moved by one UPDATE per handful of slots,
so any number of replicas together keep the rate (a little further under it than one process,
as their schedulers jitter independently). A Redis client would
be a new dependency for what one row already does at a few statements a second.

A 429 holds the whole budget for its `retry_after` (no broadcast starts before it ends, even
one whose slot was handed out before) and the request is tried again. A reply that
surely did not reach Telegram (a 5xx answer, a refused connection) is retried with back-off; one
that may have arrived (a read timeout) is never sent again. A 403 on a reply marks the user
inactive, like a 403 on a reminder.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any, Protocol

import httpx
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine
from telegram._utils.types import JSONDict
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter
from telegram.ext import BaseRateLimiter

from bot import metrics

log = logging.getLogger(__name__)

FREE_RATE = 30  # messages per second Telegram allows a bot without paid broadcasts
HEADROOM = 0.97  # pace a little under the limit, so answers that come late rarely hold it up
SHARED_HEADROOM = 0.9  # more so across replicas: their schedulers jitter independently
WINDOW_S = 1.0  # Telegram's window: a broadcast's place comes free this long after its answer
HOLD_SLACK_S = 0.01  # a slot this close to a hold's end is after it in all but clock reading
PER_CHAT_BURST = 10  # messages a chat may receive at once ...
PER_CHAT_PERIOD = 10.0  # ... after which about one a second (PER_CHAT_BURST per this period)
PER_CHAT_RATE = PER_CHAT_BURST / PER_CHAT_PERIOD  # messages a second to one chat after a burst
MAX_CHATS = 4096  # chats whose pace is remembered
CHUNK_S = 0.1  # a broadcast reservation covers at most this much of the budget
REPLY_RETRY_S = (0.5, 1.0, 2.0)  # back-off between tries of a reply that surely did not arrive
SLOT_AHEAD_S = (
    0.1  # shared slots start at least this far ahead: the answer's trip can't make them late
)
MAX_FORFEITS = 5  # late shared slots given up for a later one before sending anyway
MAX_LEAD_S = 0.1  # the most a broadcast's `started` runs ahead of its slot
CHARGE_DELAY_S = 0.2  # replies are charged to a shared budget in one statement per this long


@dataclass(frozen=True)
class Broadcast:
    """`rate_limit_args` of a send that may wait for the budget (a reminder, a summary).

    `started` runs once the slot has come, right before the request goes out; it returns
    False when the message must not be sent after all (see dispatcher.py).
    """

    started: Callable[[], Awaitable[bool]] | None = None


class Cancelled(Exception):
    """The broadcast's `started` said no: nothing was sent."""


def surely_unsent(err: NetworkError) -> bool:
    """True when Telegram surely did not act on the request, so sending again cannot duplicate
    it: an error answer (5xx) or a connection that never got through. A read timeout may come
    after Telegram delivered the message, so that one is never repeated."""
    if isinstance(err, BadRequest):  # PTB files it under NetworkError; it is an answer
        return False
    cause = err.__cause__
    if cause is None:
        return True
    return isinstance(cause, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)


class Budget(Protocol):
    """Slots of the overall send rate."""

    rate: float

    async def reserve(self, n: int) -> list[float]:
        """n slots (time.monotonic() instants, evenly spaced) for broadcasts to wait for."""
        ...

    def charge(self, n: int) -> None:
        """n messages were just sent without waiting (replies): later slots make room."""
        ...

    async def hold(self, seconds: float) -> None:
        """Telegram said 429: no slot before `seconds` from now."""
        ...

    async def close(self) -> None: ...


class LocalBudget:
    """The budget of one process (SQLite, tests): a theoretical arrival time in memory."""

    def __init__(self, rate: float) -> None:
        self.rate = rate
        self.interval = 1.0 / rate
        self.tat = 0.0

    async def reserve(self, n: int) -> list[float]:
        start = max(self.tat, time.monotonic())
        self.tat = start + n * self.interval
        return [start + k * self.interval for k in range(n)]

    def charge(self, n: int) -> None:
        self.tat = max(self.tat, time.monotonic()) + n * self.interval

    async def hold(self, seconds: float) -> None:
        self.tat = max(self.tat, time.monotonic() + seconds)

    async def close(self) -> None:
        return None


_RESERVE = text(
    """
    INSERT INTO send_budget (bot_id, tat)
    VALUES (:bot, CAST(:start AS float8) + CAST(:k AS float8) * CAST(:interval AS float8))
    ON CONFLICT (bot_id) DO UPDATE
        SET tat = GREATEST(send_budget.tat, CAST(:start AS float8))
                  + CAST(:k AS float8) * CAST(:interval AS float8)
    RETURNING tat
    """
)
_HOLD = text(
    """
    INSERT INTO send_budget (bot_id, tat) VALUES (:bot, CAST(:until AS float8))
    ON CONFLICT (bot_id) DO UPDATE SET tat = GREATEST(send_budget.tat, CAST(:until AS float8))
    """
)


class SharedBudget:
    """The bot's budget in PostgreSQL: one row per bot, in epoch seconds. Replicas read their
    own clocks (kept in step by NTP, as any server's are): the database's clock would reach
    them only after a round trip of unknown length. If the database cannot be reached, this
    process paces itself alone until it can."""

    def __init__(self, engine: AsyncEngine, bot_id: int, rate: float) -> None:
        self.engine = engine
        self.bot_id = bot_id
        self.rate = rate
        self.interval = 1.0 / rate
        self.debt = 0
        self._fallback = LocalBudget(rate)
        self._charger: asyncio.Task[None] | None = None
        self._failing = False

    async def reserve(self, n: int) -> list[float]:
        debt, self.debt = self.debt, 0
        start = time.time() + (SLOT_AHEAD_S if n else 0.0)
        params = {"bot": self.bot_id, "k": n + debt, "interval": self.interval, "start": start}
        try:
            async with self.engine.begin() as conn:
                tat = float((await conn.execute(_RESERVE, params)).scalar_one())
        except (SQLAlchemyError, OSError) as err:
            self._warn(err)
            self._fallback.charge(debt)
            return await self._fallback.reserve(n)
        self._failing = False
        first = time.monotonic() + (tat - n * self.interval - time.time())
        return [first + k * self.interval for k in range(n)]

    def charge(self, n: int) -> None:
        self.debt += n
        if self._charger is None or self._charger.done():
            self._charger = asyncio.get_running_loop().create_task(self._charge_soon())

    async def _charge_soon(self) -> None:
        await asyncio.sleep(CHARGE_DELAY_S)
        if self.debt:
            await self.reserve(0)

    async def hold(self, seconds: float) -> None:
        await self._fallback.hold(seconds)
        try:
            async with self.engine.begin() as conn:
                await conn.execute(_HOLD, {"bot": self.bot_id, "until": time.time() + seconds})
        except (SQLAlchemyError, OSError) as err:
            self._warn(err)

    async def close(self) -> None:
        if self._charger is not None and not self._charger.done():
            self._charger.cancel()

    def _warn(self, err: Exception) -> None:
        if not self._failing:
            log.warning("Shared send budget unreachable, pacing this process alone: %r", err)
        self._failing = True


class _ChatPace:
    """GCRA per chat: PER_CHAT_BURST at once, then `rate` a second (Telegram's is PER_CHAT_RATE)."""

    __slots__ = ("interval", "tat", "tolerance")

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate
        self.tolerance = (PER_CHAT_BURST - 1) * self.interval
        self.tat = 0.0

    def wait(self) -> float:
        now = time.monotonic()
        start = max(self.tat, now)
        self.tat = start + self.interval
        return max(0.0, start - self.tolerance - now)


class _Window:
    """However late the event loop or the network are, no second of this process's broadcasts
    holds more than `limit` where Telegram counts them: each broadcast takes a place, which
    comes free `span` after its answer. Telegram saw the request somewhere between its start
    and its answer, so the one that takes the place next arrives more than `span` after it.
    Waiters go in the order they came and each freed place wakes one: nothing polls, and the
    window costs a message one timer."""

    def __init__(self, limit: int, span: float) -> None:
        self.limit = limit
        self.span = span
        self.taken = 0  # places of requests unanswered or answered within `span`
        self._waiters: deque[asyncio.Future[None]] = deque()

    async def enter(self) -> None:
        """Wait for a place; the request goes out when this returns."""
        while self._waiters and self._waiters[0].done():
            self._waiters.popleft()  # cancelled while waiting
        if self.taken < self.limit and not self._waiters:
            self.taken += 1
            return
        woken: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(woken)
        try:
            await woken
        except asyncio.CancelledError:
            if woken.done() and not woken.cancelled():
                self.unused()  # given a place, then cancelled: it goes to the next waiter
            raise

    def answered(self) -> None:
        """The request came back (or failed): its place comes free `span` from now."""
        asyncio.get_running_loop().call_later(self.span, self.unused)

    def unused(self) -> None:
        """A place comes free: the next waiter takes it."""
        self.taken -= 1
        while self._waiters:
            woken = self._waiters.popleft()
            if not woken.done():  # a cancelled waiter's future is done already
                woken.set_result(None)
                self.taken += 1
                return


Reply = bool | JSONDict | list[JSONDict]  # what a Bot API request returns
Callback = Callable[..., Coroutine[Any, Any, Reply]]


class CoachRateLimiter(BaseRateLimiter[Any]):
    """Paces sends as the module docstring says; `on_blocked(chat_id)` runs after a 403.

    `chat_rate` is Telegram's per-chat pace; only tests that are not about pacing raise it, so
    a walk of many messages in one chat does not take a second each.
    """

    def __init__(
        self,
        rate: float = FREE_RATE,
        max_retries: int = 3,
        budget: Budget | None = None,
        headroom: float = HEADROOM,
        chat_rate: float = PER_CHAT_RATE,
    ) -> None:
        self.rate = rate
        self.chat_rate = chat_rate
        self.max_retries = max_retries
        self.budget: Budget = budget or LocalBudget(rate * headroom)
        self.on_blocked: Callable[[int], Awaitable[None]] | None = None
        self._slots: deque[float] = deque()
        self._lock = asyncio.Lock()
        self._waiting = 0
        self._chunk = max(1, int(self.budget.rate * CHUNK_S))
        self._chats: OrderedDict[int, _ChatPace] = OrderedDict()
        self._window = _Window(max(1, int(rate)), WINDOW_S)
        self._held_until = 0.0  # time.monotonic() until which Telegram asked us to wait
        self._lead = 0.01  # how long `started` takes, about: it runs this much ahead of a slot
        self.shared = isinstance(self.budget, SharedBudget)
        self._late_ok = max(0.005, 0.5 / self.budget.rate)  # a shared slot used this late at most

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        await self.budget.close()

    @property
    def interval(self) -> float:
        return 1.0 / self.budget.rate

    def _chat(self, chat_id: int) -> _ChatPace:
        pace = self._chats.pop(chat_id, None) or _ChatPace(self.chat_rate)
        self._chats[chat_id] = pace
        if len(self._chats) > MAX_CHATS:
            self._chats.popitem(last=False)
        return pace

    async def _slot(self, lead: float = 0.0) -> float:
        """Wait until `lead` seconds before the next broadcast slot; returns its instant."""
        self._waiting += 1
        try:
            async with self._lock:
                stale = time.monotonic() - self.interval
                while self._slots and self._slots[0] < stale:
                    self._slots.popleft()  # a slot nobody used in time is not used late
                if not self._slots:
                    n = max(1, min(self._waiting, self._chunk))
                    self._slots.extend(await self.budget.reserve(n))
                slot = self._slots.popleft()
        finally:
            self._waiting -= 1
        delay = slot - lead - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        return slot

    async def _started(self, broadcast: Broadcast) -> bool:
        """Run the broadcast's `started` (a database write) just ahead of its slot, learning
        how long it takes, so the request itself still leaves on time."""
        if broadcast.started is None:
            return True
        began = time.monotonic()
        ok = await broadcast.started()
        took = time.monotonic() - began
        self._lead = min(MAX_LEAD_S, 0.8 * self._lead + 0.2 * took * 2)
        return ok

    async def _turn(self, broadcast: Broadcast) -> None:
        """Wait for a broadcast's slot, running `started` just ahead of it, then for its place
        in the window. A slot a 429 has held since it was handed out is traded for a later
        one, as is a place the hold came during; so is a shared slot come too late (sent now
        it would land in another replica's)."""
        slot = await self._slot(self._lead)
        if not await self._started(broadcast):
            self._give_back(slot)
            raise Cancelled
        forfeits = 0
        while True:
            if slot > time.monotonic():
                await asyncio.sleep(slot - time.monotonic())
            late = self.shared and time.monotonic() - slot > self._late_ok
            if slot < self._held_until - HOLD_SLACK_S:
                slot = await self._slot()
            elif late and forfeits < MAX_FORFEITS:
                forfeits += 1
                slot = await self._slot()
            else:
                await self._window.enter()
                if time.monotonic() >= self._held_until - HOLD_SLACK_S:
                    return
                self._window.unused()
                slot = await self._slot()

    def _give_back(self, slot: float) -> None:
        if slot > time.monotonic() - self.interval:
            self._slots.appendleft(slot)

    async def _held(self, err: RetryAfter) -> float:
        seconds = float(err._retry_after.total_seconds()) if err._retry_after else 1.0
        self._slots.clear()
        self._held_until = max(self._held_until, time.monotonic() + seconds)
        await self.budget.hold(seconds)
        log.warning("Telegram asked to wait %.0f s before the next message", seconds)
        return seconds

    async def process_request(
        self,
        callback: Callback,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Any | None,
    ) -> Reply:
        callback = metrics.count_429(callback, endpoint)
        chat_id = data.get("chat_id")
        private = isinstance(chat_id, int) and chat_id > 0
        paced = endpoint.startswith(("send", "copy", "forward"))
        broadcast = rate_limit_args if isinstance(rate_limit_args, Broadcast) else None
        attempt = 0
        while True:
            if paced and private:
                delay = self._chat(chat_id).wait()  # type: ignore[arg-type]
                if delay:
                    await asyncio.sleep(delay)
            if broadcast is not None:
                await self._turn(broadcast)
            elif paced:
                self.budget.charge(1)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as err:
                seconds = await self._held(err)
                if attempt >= self.max_retries:
                    raise
                if broadcast is None:
                    await asyncio.sleep(seconds)
            except Forbidden:
                if private and broadcast is None and self.on_blocked is not None:
                    await self.on_blocked(chat_id)  # type: ignore[arg-type]
                raise
            except NetworkError as err:
                if broadcast is not None or not surely_unsent(err) or attempt >= len(REPLY_RETRY_S):
                    raise
                log.warning("Telegram did not take %s (%r); trying again", endpoint, err)
                await asyncio.sleep(REPLY_RETRY_S[attempt])
            finally:
                if broadcast is not None:
                    self._window.answered()
            attempt += 1
