"""Performance figures: python benchmarks/run.py (or make bench). Prints, asserts nothing.

In one run, side by side: the bot and a plain python-telegram-bot echo bot through the same
fake Bot API (cold start, idle RSS; updates/s and latency from benchmarks/intake.py when it is
there), the hot paths (parsing a log, tip search, loading content, a chart, a /log round trip),
per-user costs for 10 vs 5,000 sessions, and reminder fan-outs at 1,000 and 10,000 due users
for the free (30 msg/s) and paid (1,000 msg/s) budgets, rate limiter on, through a fake Bot API
in its own process with Telegram's flood control; plus the dispatcher alone at 1,000 msg/s
(Telegram answering in process), which is our own ceiling. `--quick` skips the 10,000-user
fan-out at 30 msg/s (about six minutes by itself).
"""

from __future__ import annotations

import asyncio
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
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


async def round_trip_figures() -> None:
    from bot.db import migrate
    from bot.db.session import Database
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
            await stop_harness(h)
        await db.dispose()


def side_by_side() -> None:
    from benchmarks.startup import startup

    for name, (cold, rss) in asyncio.run(startup()).items():
        report(f"{name}: cold start to first getUpdates", f"{cold:.2f} s")
        report(f"{name}: idle RSS", f"{rss:.0f} MiB")
    intake = ROOT / "benchmarks" / "intake.py"
    if intake.exists():
        print("-- benchmarks/intake.py (updates/s, p50/p95, bot vs echo bot) --", flush=True)
        subprocess.run([sys.executable, str(intake)], cwd=ROOT, check=False)
    else:
        report("updates/s vs the echo bot", "benchmarks/intake.py not present")


def cost_figures() -> None:
    from benchmarks.costs import costs

    for name, by in asyncio.run(costs()).items():
        report(
            f"{name}: 10 vs 5,000 sessions",
            f"{by[10]:.1f} ms vs {by[5000]:.1f} ms ({by[5000] / by[10]:.2f}x)",
        )


def fanout_figures(quick: bool) -> None:
    from benchmarks.fanout import dispatcher_only, fanout, sender_ceiling

    for users, budget in ((1000, 30), (10_000, 30), (1000, 1000), (10_000, 1000)):
        if quick and users == 10_000 and budget == 30:
            report("fan-out 10,000 users at 30/s", "skipped (--quick)")
            continue
        result = asyncio.run(fanout(users, budget))
        report(f"fan-out {users:,} users, budget {budget}/s", result.line())
    for pooled in (False, True):
        rate = asyncio.run(sender_ceiling(pooled=pooled))
        pool = "bot/http_pools.py" if pooled else "PTB's default HTTPXRequest"
        report(f"bare PTB sender to the fake ({pool})", f"{rate:.0f} msg/s, 128 at a time")
    alone = asyncio.run(dispatcher_only(10_000, 1000))
    report(
        "dispatcher alone, 10,000 users, budget 1000/s",
        f"{alone.rate:.0f} msg/s ({alone.sent} sent in {alone.last_s:.1f} s)",
    )


def main() -> None:
    quick = "--quick" in sys.argv
    started = time.perf_counter()
    print(f"Python {sys.version.split()[0]}; figures from this machine, one run", flush=True)
    side_by_side()
    pure_figures()
    asyncio.run(round_trip_figures())
    cost_figures()
    fanout_figures(quick)
    report("bench took", f"{time.perf_counter() - started:.0f} s")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report("peak RSS of this process", f"{peak:.0f} MiB")


if __name__ == "__main__":
    main()
