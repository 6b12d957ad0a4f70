"""Per-user costs against history: /log, /progress, /history and the reminder decision for a
user with 10 sessions and one with 5,000, through the real Application and the fake Bot API."""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, update  # noqa: E402

from bot.db import migrate  # noqa: E402
from bot.db.models import Delivery, User, Workout  # noqa: E402
from bot.db.session import Database  # noqa: E402
from bot.dispatcher import collect_due  # noqa: E402
from tests.e2e.harness import start_harness, stop_harness  # noqa: E402
from tests.fakes import FakeBotAPI  # noqa: E402

REPEAT = 7


async def _history(db: Database, uid: int, sessions: int) -> None:
    today = date.today()
    rows = [
        {
            "user_id": uid,
            "logged_at": datetime.now(UTC) - timedelta(hours=6 * k + 1),
            "local_date": today - timedelta(days=1 + k // 4),
            # short sessions, four a day, never ten minutes in one: the history a reader of
            # every day (the first-ten-minute-day milestone, once) would walk in full
            "duration_s": 60 + k % 5 * 15,
            "feeling": "good",
            "pain": False,
            "body_parts": "",
            "red_flags": "",
            "notes": "",
            "text": "2 min felt good",
            "plan_week": 1,
            "plan_day": 1,
            "source": "log",
        }
        for k in range(sessions)
    ]
    async with db.engine.begin() as conn:
        for k in range(0, len(rows), 1000):
            await conn.execute(insert(Workout), rows[k : k + 1000])


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


async def costs(db_url: str | None = None) -> dict[str, dict[int, float]]:
    """{"/log": {10: ms, 5000: ms}, ...}: medians over REPEAT tries. Telegram's one message a
    second per chat is switched off here: it would time the pace, not the work."""
    from bot import ratelimit

    ratelimit._ChatPace.wait = lambda self: 0.0  # type: ignore[method-assign]
    out: dict[str, dict[int, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(db_url or f"sqlite+aiosqlite:///{tmp}/costs.db")
        await migrate.upgrade(db.engine)
        async with FakeBotAPI() as server:
            h = await start_harness(server, db, reminder_interval_s=60)
            for uid, sessions in ((31_000, 10), (32_000, 5000)):
                await h.say("/timezone UTC", user_id=uid)
                await h.say("/remind daily 07:30", user_id=uid)
                await _history(db, uid, sessions)
                for command in ("/log 3 min felt good", "/progress", "/history"):
                    samples = []
                    for _ in range(REPEAT):
                        t = time.perf_counter()
                        await h.say(command, user_id=uid)
                        samples.append(time.perf_counter() - t)
                    out.setdefault(command.split()[0], {})[sessions] = _median_ms(samples)
                samples = []
                for _ in range(REPEAT):
                    now = datetime.now(UTC)
                    async with db.engine.begin() as conn:
                        await conn.execute(
                            update(User).where(User.id == uid).values(next_reminder_at=now)
                        )
                        await conn.execute(Delivery.__table__.delete())
                    t = time.perf_counter()
                    await collect_due(db, h.deps.content, now)
                    samples.append(time.perf_counter() - t)
                out.setdefault("reminder decision", {})[sessions] = _median_ms(samples)
            await stop_harness(h)
        await db.dispose()
    return out


if __name__ == "__main__":
    for name, by in asyncio.run(costs()).items():
        print(
            f"{name:<18} 10: {by[10]:.1f} ms  5000: {by[5000]:.1f} ms  ({by[5000] / by[10]:.2f}x)"
        )
