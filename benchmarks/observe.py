"""What observability costs: python benchmarks/observe.py. Prints, asserts nothing.

Side by side in one run: a handler call bare and wrapped by bot.observe.timed (log context and
latency histogram), one log record formatted as text and as JSON (with the context filter),
and one /metrics exposition.
"""

from __future__ import annotations

import asyncio
import logging
import statistics
import sys
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from prometheus_client import REGISTRY, generate_latest  # noqa: E402

from bot import logs, metrics, observe  # noqa: E402


def per_call(fn: Callable[[], object], repeat: int, rounds: int = 7) -> float:
    """Median over rounds of the mean microseconds per call."""
    means = []
    for _ in range(rounds):
        started = time.perf_counter()
        for _ in range(repeat):
            fn()
        means.append((time.perf_counter() - started) / repeat * 1e6)
    return statistics.median(means)


async def per_await(fn: Callable[[], Coroutine[Any, Any, Any]], repeat: int) -> float:
    means = []
    for _ in range(7):
        started = time.perf_counter()
        for _ in range(repeat):
            await fn()
        means.append((time.perf_counter() - started) / repeat * 1e6)
    return statistics.median(means)


async def handler(update: Any, context: Any) -> None:
    return None


async def main() -> None:
    wrapped = observe.timed(handler)
    bare_us = await per_await(lambda: handler(None, None), 20_000)
    wrapped_us = await per_await(lambda: wrapped(None, None), 20_000)
    print(f"handler call      bare {bare_us:7.2f} µs   instrumented {wrapped_us:7.2f} µs")

    record = logging.LogRecord("bot.x", logging.INFO, __file__, 1, "Sent %s", ("reply",), None)
    context = logs.ContextFilter("replica-1")
    text, json_ = logs.formatter("text"), logs.formatter("json")
    bound = logs.bind(123456, 1001, "log.log_command")
    context.filter(record)
    text_us = per_call(lambda: text.format(record), 20_000)
    json_us = per_call(lambda: json_.format(record), 20_000)
    logs.unbind(bound)
    print(f"one log line      text {text_us:7.2f} µs   json         {json_us:7.2f} µs")

    for name in ("log.log_command", "basics.help_command", "chat.on_message"):
        metrics.HANDLER_SECONDS.labels(name).observe(0.01)
    size = len(generate_latest(REGISTRY))
    scrape_us = per_call(lambda: generate_latest(REGISTRY), 500)
    print(f"/metrics body     {scrape_us / 1000:7.2f} ms   ({size} bytes)")


if __name__ == "__main__":
    asyncio.run(main())
