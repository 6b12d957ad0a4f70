"""Reminder fan-out through the real Application and the fake Bot API with Telegram's flood
control switched on: how close to the budget it runs, how many 429s, how late the last one is.

    python benchmarks/fanout.py 1000 30        # users, budget (msg/s)
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402
from telegram.request import BaseRequest  # noqa: E402

from bot.db import migrate  # noqa: E402
from bot.db.session import Database  # noqa: E402
from tests.e2e.harness import start_harness, stop_harness  # noqa: E402
from tests.e2e.reminder_helpers import insert_due_users  # noqa: E402
from tests.fakes.remote import RemoteFake  # noqa: E402

OVERLAP = "maximum number of running instances"


@dataclass
class FanOut:
    users: int
    budget: float
    backend: str
    sent: int
    rate: float  # sustained messages/s, first to last arrival
    share: float  # rate / budget
    answered_429: int
    late_60s: int  # users whose reminder arrived more than 60 s after it was due
    last_s: float  # seconds from due to the last arrival
    overlaps: int  # APScheduler "maximum number of running instances" warnings
    cpu_ms: float = 0.0  # this process's CPU time per message sent (the bot's side)

    def line(self) -> str:
        return (
            f"{self.rate:6.1f} msg/s ({self.share:.2f} of budget), "
            f"{self.answered_429} × 429 ({self.answered_429 / max(1, self.sent):.1%}), "
            f"last after {self.last_s:.0f} s, {self.late_60s} over 60 s late, "
            f"{self.overlaps} overlap warnings, CPU {self.cpu_ms:.2f} ms/msg"
        )


class _Count(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.hits = 0

    def emit(self, record: logging.LogRecord) -> None:
        if OVERLAP in record.getMessage():
            self.hits += 1


FIRST_UID = 100_000


async def _users(db: Database, n: int, due: datetime) -> None:
    await insert_due_users(db, range(FIRST_UID, FIRST_UID + n), due)


async def fanout(users: int, budget: float, db_url: str | None = None) -> FanOut:
    counter = _Count()
    logging.getLogger("apscheduler").addHandler(counter)
    with tempfile.TemporaryDirectory() as tmp:
        url = db_url or f"sqlite+aiosqlite:///{tmp}/fanout.db"
        db = Database(url)
        await migrate.upgrade(db.engine)
        if db.dialect == "postgresql":
            async with db.engine.begin() as conn:
                await conn.execute(
                    text("TRUNCATE workouts, deliveries, plan_changes, users, send_budget CASCADE")
                )
        fake = await RemoteFake.start(budget, FIRST_UID, users)
        due = datetime.now(UTC) - timedelta(seconds=1)
        due_mono = time.monotonic() - (time.time() - due.timestamp())
        await _users(db, users, due)
        h = await start_harness(
            fake,  # type: ignore[arg-type]
            db,
            reminder_interval_s=20,
            telegram_rate_limit=budget,
        )
        cpu0 = time.process_time()
        try:
            deadline = time.monotonic() + users / budget * 2 + 60
            while time.monotonic() < deadline:
                async with db.engine.connect() as conn:
                    open_ = await conn.scalar(
                        text(
                            "SELECT count(*) FROM users WHERE next_reminder_at <= :now",
                        ).bindparams(now=due + timedelta(seconds=1)),
                    )
                    pending = await conn.scalar(
                        text("SELECT count(*) FROM deliveries WHERE status IN ('queued','sending')")
                    )
                if not open_ and not pending:
                    break
                await asyncio.sleep(0.5)
        finally:
            cpu = time.process_time() - cpu0
            await stop_harness(h)
        report = await fake.report()
        arrivals = sorted(report["arrivals"])
        answered = int(report["answered_429"])
        await db.dispose()
    logging.getLogger("apscheduler").removeHandler(counter)
    start = arrivals[0] if arrivals else 0.0
    span = (arrivals[-1] - start) if len(arrivals) > 1 else 0.0
    rate = (len(arrivals) - 1) / span if span else 0.0
    lateness = [a - due_mono for a in arrivals]
    return FanOut(
        users=users,
        budget=budget,
        backend="postgresql" if db_url else "sqlite",
        sent=len(arrivals),
        rate=rate,
        share=rate / budget,
        answered_429=answered,
        late_60s=sum(1 for x in lateness if x > 60),
        last_s=lateness[-1] if lateness else 0.0,
        overlaps=counter.hits,
        cpu_ms=cpu * 1000 / max(1, len(arrivals)),
    )


def main() -> None:
    users = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    budget = float(sys.argv[2]) if len(sys.argv) > 2 else 30
    url = sys.argv[3] if len(sys.argv) > 3 and sys.argv[3] != "-" else None
    if len(sys.argv) > 4 and sys.argv[4] == "alone":
        result = asyncio.run(dispatcher_only(users, budget, url))
    else:
        result = asyncio.run(fanout(users, budget, url))
    print(f"fan-out {users} users, budget {budget:.0f}/s: {result.line()}")


class InstantTelegram(BaseRequest):
    """A Bot API that answers every call at once, in process: what is left is our own cost."""

    def __init__(self) -> None:
        self.arrivals: list[float] = []
        self._ids = 0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def do_request(self, url: str, method: str, request_data: Any = None, **_: Any) -> Any:
        name = url.rsplit("/", 1)[-1]
        params = request_data.parameters if request_data is not None else {}
        if name == "getMe":
            result: Any = {"id": 1, "is_bot": True, "first_name": "B", "username": "b_bot"}
        elif name == "sendMessage":
            self.arrivals.append(time.monotonic())
            self._ids += 1
            chat = {"id": int(params["chat_id"]), "type": "private", "first_name": "B"}
            result = {"message_id": self._ids, "date": int(time.time()), "chat": chat, "text": "x"}
        else:
            result = True
        return 200, json.dumps({"ok": True, "result": result}).encode()


async def dispatcher_only(users: int, budget: float, db_url: str | None = None) -> FanOut:
    """The dispatcher alone (claims, decisions, outbox writes, the limiter) at `budget`."""
    from telegram.ext import ExtBot

    from bot.content import load_content
    from bot.dispatcher import Dispatcher
    from bot.ratelimit import CoachRateLimiter

    with tempfile.TemporaryDirectory() as tmp:
        db = Database(db_url or f"sqlite+aiosqlite:///{tmp}/dispatch.db")
        await migrate.upgrade(db.engine)
        if db.dialect == "postgresql":
            async with db.engine.begin() as conn:
                await conn.execute(
                    text("TRUNCATE workouts, deliveries, plan_changes, users, send_budget CASCADE")
                )
        due = datetime.now(UTC) - timedelta(seconds=1)
        await _users(db, users, due)
        telegram = InstantTelegram()
        bot: ExtBot[Any] = ExtBot(
            "123:" + "a" * 35, request=telegram, rate_limiter=CoachRateLimiter(rate=budget)
        )
        await bot.initialize()
        dispatcher = Dispatcher(bot, db, load_content(), rate=budget, tick_s=20)
        statuses = await dispatcher.run_once(datetime.now(UTC))
        await bot.shutdown()
        await db.dispose()
    arrivals = telegram.arrivals
    span = arrivals[-1] - arrivals[0] if len(arrivals) > 1 else 0.0
    rate = (len(arrivals) - 1) / span if span else 0.0
    return FanOut(
        users=users,
        budget=budget,
        backend="postgresql" if db_url else "sqlite",
        sent=statuses.count("sent"),
        rate=rate,
        share=rate / budget,
        answered_429=0,
        late_60s=0,
        last_s=span,
        overlaps=0,
    )


async def sender_ceiling(n: int = 2000, concurrency: int = 128, pooled: bool = False) -> float:
    """The peer for the 1,000 msg/s figures: a bare python-telegram-bot Bot sending `n`
    messages, `concurrency` at a time, to the same fake in its own process (no flood control,
    no limiter, no database). With `pooled`, through bot/http_pools.py instead of PTB's
    default HTTPXRequest. Returns messages/s: what the HTTP path alone allows here."""
    from telegram import Bot

    from bot.http_pools import PooledRequest

    fake = await RemoteFake.start(0, FIRST_UID, n)
    request = PooledRequest() if pooled else None
    bot = Bot(fake.token, base_url=fake.base_url, request=request)
    await bot.initialize()
    todo = iter(range(n))

    async def worker() -> None:
        for k in todo:
            await bot.send_message(FIRST_UID + k, "x")

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    rate = n / (time.perf_counter() - started)
    await bot.shutdown()
    await fake.report()
    return rate


if __name__ == "__main__":
    if sys.argv[1:2] == ["ceiling"]:
        for pooled in (False, True):
            rate = asyncio.run(sender_ceiling(pooled=pooled))
            pool = "small pools" if pooled else "PTB default pool"
            print(f"bare PTB sender, {pool}: {rate:.0f}/s")
    else:
        main()
