"""The broadcast window and the 429 hold of bot/ratelimit.py: however the answers jitter or the
event loop stalls, no second as Telegram counts it holds more than the rate; waiters get freed
places one each, in the order they came; after a 429 nothing starts before retry_after.

The assertions are counts and lower bounds on the limiter's own clock, which a busy machine can
only make longer, never shorter."""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Bot
from telegram.error import RetryAfter
from telegram.ext import ExtBot

from bot import ratelimit
from bot.ratelimit import Broadcast, CoachRateLimiter
from tests.fakes import FakeBotAPI
from tests.fakes.state import busiest


async def settle() -> None:
    """Let every ready callback and task run."""
    for _ in range(20):
        await asyncio.sleep(0)


async def full_window() -> tuple[ratelimit._Window, list[str], Callable[[str], Awaitable[None]]]:
    """A window of one place, taken; waiters made with `wait(name)` note when they get in."""
    window = ratelimit._Window(limit=1, span=0.0)
    await window.enter()
    order: list[str] = []

    async def wait(name: str) -> None:
        await window.enter()
        order.append(name)

    return window, order, wait


async def test_freed_places_go_one_each_to_the_waiters_in_the_order_they_came() -> None:
    window, order, wait = await full_window()
    tasks = [asyncio.create_task(wait(name)) for name in "abc"]
    await settle()
    assert order == [], "a request still unanswered keeps its place, however long it takes"
    for expected in (["a"], ["a", "b"], ["a", "b", "c"]):
        window.answered()
        await settle()
        assert order == expected
    await asyncio.gather(*tasks)


async def test_a_waiter_cancelled_once_woken_passes_its_place_to_the_next() -> None:
    window, order, wait = await full_window()
    first, second = (asyncio.create_task(wait(name)) for name in "ab")
    await settle()
    window.unused()  # wakes "a" ...
    first.cancel()  # ... which is cancelled before it runs
    await settle()
    assert first.cancelled() and order == ["b"]
    await second


async def test_no_second_holds_more_than_the_rate_however_the_requests_trips_vary() -> None:
    """Telegram counts a message when it arrives, anywhere between the request's start and
    its answer; here each arrival falls at a random point of a trip of 0 to 120 ms."""
    rng = random.Random(7)
    limiter = CoachRateLimiter(rate=100)
    arrivals: list[float] = []

    async def telegram(chat_id: int) -> dict[str, Any]:
        trip = rng.uniform(0.0, 0.12)
        arrive = rng.uniform(0.0, trip)
        await asyncio.sleep(arrive)
        arrivals.append(time.monotonic())
        await asyncio.sleep(trip - arrive)
        return {"chat_id": chat_id}

    async def send(chat_id: int) -> Any:
        return await limiter.process_request(
            telegram, (chat_id,), {}, "sendMessage", {"chat_id": chat_id}, Broadcast()
        )

    answers = await asyncio.gather(*(send(1 + k) for k in range(300)))
    assert len(answers) == len(arrivals) == 300
    assert busiest(arrivals) <= 100


async def test_after_a_429_nothing_starts_before_retry_after_and_the_refused_one_goes_again() -> (
    None
):
    limiter = CoachRateLimiter(rate=30)
    calls: list[tuple[int, float, float]] = []  # chat, start, answer
    refused: list[int] = []

    async def telegram(chat_id: int) -> dict[str, Any]:
        start = time.monotonic()
        await asyncio.sleep(0.005)
        calls.append((chat_id, start, time.monotonic()))
        if len(calls) == 15:
            refused.append(chat_id)
            raise RetryAfter(1)
        return {"chat_id": chat_id}

    async def send(chat_id: int) -> Any:
        return await limiter.process_request(
            telegram, (chat_id,), {}, "sendMessage", {"chat_id": chat_id}, Broadcast()
        )

    await asyncio.gather(*(send(1 + k) for k in range(45)))
    [chat] = refused
    _, _, held_from = calls[14]
    later = [start for _, start, _ in calls if start > held_from]
    assert later and min(later) >= held_from + 1.0 - ratelimit.HOLD_SLACK_S
    tries = Counter(c for c, _, _ in calls)
    assert tries[chat] == 2 and set(tries) == set(range(1, 46))
    assert sum(tries.values()) == 46


async def test_a_fan_out_is_never_refused_by_flood_control_even_when_the_loop_stalls(
    server: FakeBotAPI,
) -> None:
    """The fake answers 429 like Telegram (a 31st message within a second); the event loop
    stops for a third of a second twice during the fan-out, so slots come late in a bunch."""
    chats = range(900_000, 900_075)
    for uid in chats:
        server._chat_for(uid, "private", server._user(uid))
    server.flood_control(30)
    bot: Bot = ExtBot(server.token, base_url=server.base_url, rate_limiter=CoachRateLimiter())
    await bot.initialize()

    async def stalls() -> None:
        for _ in range(2):
            await asyncio.sleep(0.8)
            time.sleep(0.3)  # noqa: ASYNC251  (the point: the whole loop stops)

    try:
        stalling = asyncio.create_task(stalls())
        await asyncio.gather(
            *(bot.send_message(uid, "x", rate_limit_args=Broadcast()) for uid in chats)
        )
        await stalling
    finally:
        await bot.shutdown()
    assert server.flood_answers == 0
    assert server.busiest_second() <= 30
    assert Counter(int(r.params["chat_id"]) for r in server.sends()) == dict.fromkeys(chats, 1)
