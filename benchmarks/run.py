"""Performance figures: python benchmarks/run.py (or make bench). Prints, asserts nothing.

Measures the hot paths a user or operator would feel: parsing a log, searching tips, loading
content, rendering a chart, a /log round trip through the fake Bot API, and the reminder
dispatcher's claim-and-send for many users (rate limiter off, to show our own overhead).
"""

from __future__ import annotations

import asyncio
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.charts import progress_chart_png  # noqa: E402
from bot.coach.parsing import parse_log  # noqa: E402
from bot.coach.types import WeekStat  # noqa: E402
from bot.content import load_content  # noqa: E402

PHRASES = [
    "3 min felt good",
    "did 4 min backwards today, felt great 💪",
    "400m in 2:30 hard",
    "6x30s knees ok",
    "three minutes on grass, ankle pain",
    "1 hour 5 min on the treadmill, sore calves",
]


def per_call(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """(median, p95) microseconds per call."""
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1e6)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95)]


def report(name: str, value: str) -> None:
    print(f"{name:<46} {value}")


def pure_figures() -> None:
    i = iter(range(10**9))
    med, p95 = per_call(lambda: parse_log(PHRASES[next(i) % len(PHRASES)]), 6000)
    report("parse_log", f"median {med:.0f} µs, p95 {p95:.0f} µs")
    t = time.perf_counter()
    content = load_content()
    report("load_content (all of content/)", f"{(time.perf_counter() - t) * 1000:.0f} ms")
    queries = ["heal striking", "how fast should I go", "neck", "tredmill", "what shoes", "pizza"]
    j = iter(range(10**9))
    med, p95 = per_call(lambda: content.search(queries[next(j) % len(queries)]), 600)
    report("tip search", f"median {med / 1000:.2f} ms, p95 {p95 / 1000:.2f} ms")
    monday = date(2026, 11, 23)
    weeks = [
        WeekStat(monday - timedelta(weeks=7 - k), 3, 300 + 60 * k, k % 3 == 0, 3, 60, 120)
        for k in range(8)
    ]
    med, p95 = per_call(lambda: progress_chart_png(weeks), 15)
    report("progress chart PNG (8 weeks)", f"median {med / 1000:.0f} ms, p95 {p95 / 1000:.0f} ms")


async def bot_figures(users: int) -> None:
    from bot.db import migrate
    from bot.db.models import User
    from bot.db.session import Database
    from bot.reminders import collect_due, deliver
    from tests.e2e.harness import start_harness, stop_harness
    from tests.fakes import FakeBotAPI

    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite+aiosqlite:///{tmp}/bench.db")
        await migrate.upgrade(db.engine)
        async with FakeBotAPI() as server:
            h = await start_harness(server, db, reminder_interval_s=60)
            rounds = []
            for k in range(40):
                uid = 5000 + k  # one chat each, so the per-chat pace doesn't enter the figure
                await h.say("/help", user_id=uid)
                t = time.perf_counter()
                await h.say(f"/log {k % 9 + 1} min felt good", user_id=uid)
                rounds.append((time.perf_counter() - t) * 1000)
            rounds.sort()
            p95 = rounds[int(len(rounds) * 0.95)]
            report(
                "/log round trip over HTTP (SQLite)",
                f"median {statistics.median(rounds):.1f} ms, p95 {p95:.1f} ms",
            )
            now = datetime.now(UTC)
            async with db.uow() as repo:
                for uid in range(10_000, 10_000 + users):
                    server.chats[uid] = {"id": uid, "type": "private", "first_name": "B"}
                    repo.session.add(
                        User(
                            id=uid,
                            chat_id=uid,
                            first_name="B",
                            next_reminder_at=now - timedelta(seconds=5),
                        )
                    )
            t = time.perf_counter()
            items = await collect_due(db, h.deps.content, now)
            claimed = time.perf_counter() - t
            bare_bot = h.app.bot
            t = time.perf_counter()
            statuses = await deliver(bare_bot, db, items)
            sent = time.perf_counter() - t
            report(f"dispatcher: claim+decide {users} due users", f"{claimed:.2f} s")
            report(
                f"dispatcher: send {statuses.count('sent')} reminders (rate limiter on)",
                f"{sent:.2f} s ({len(items) / sent:.0f} msg/s)",
            )
            await stop_harness(h)
        await db.dispose()


def main() -> None:
    print(f"Python {sys.version.split()[0]}; figures from this machine, one run")
    pure_figures()
    asyncio.run(bot_figures(users=300))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report("peak RSS of this process", f"{peak:.0f} MiB")


if __name__ == "__main__":
    main()
