"""Per-user cost against history: python benchmarks/history.py. Prints, asserts nothing.

Logging a session (coaching.record_session), the /progress numbers and the Sunday summary's
decision, for a user with 10 stored sessions and one with 5,000, side by side, on SQLite (and
PostgreSQL when one answers on 127.0.0.1:5432). Each figure is the median of many runs in one
transaction that is rolled back, so the history stays the same size.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.coach.parsing import parse_log  # noqa: E402
from bot.coach.progress import CHART_WEEKS, MAX_STREAK_WEEKS, PlanStep, build_progress  # noqa: E402
from bot.coach.stats import Totals  # noqa: E402
from bot.content import Content, load_content  # noqa: E402
from bot.db import migrate  # noqa: E402
from bot.db.models import PlanChange, User, Workout  # noqa: E402
from bot.db.repo import Repo  # noqa: E402
from bot.db.session import Database  # noqa: E402
from bot.service import fact, record_session, track_weeks  # noqa: E402

NOW = datetime(2026, 6, 10, 8, 0, tzinfo=UTC)
SIZES = (10, 5000)
RUNS = 60


async def seed(db: Database, uid: int, sessions: int) -> None:
    today = NOW.date()
    async with db.uow() as repo:
        await repo.ensure_user(uid, uid, "Bench", "UTC")
        user = await repo.get_user(uid)
        assert user is not None
        user.plan_week, user.plan_week_start = 8, today - timedelta(days=today.weekday())
        user.created_at = NOW - timedelta(days=sessions // 3 + 30)
        # The same recent weeks for both users (one session a day for the last 10 days);
        # the big history is older than the chart's weeks, one session a day further back.
        for i in range(sessions):
            older = today - timedelta(weeks=CHART_WEEKS + 1, days=i - 10)
            day = today - timedelta(days=1 + i) if i < 10 else older
            repo.session.add(
                Workout(
                    user_id=uid,
                    logged_at=datetime.combine(day, datetime.min.time(), UTC),
                    local_date=day,
                    duration_s=600 if i < 10 else 300,
                    text="10 min",
                    plan_week=8,
                )
            )
        weeks = sessions // 7 + 1
        monday = today - timedelta(days=today.weekday())
        for k in range(1, min(weeks, 400)):
            repo.session.add(
                PlanChange(
                    user_id=uid,
                    week_start=monday - timedelta(weeks=k - 1),
                    from_week=8,
                    to_week=8,
                    decision="finish",
                    reason="finish done=3 target=3 week=8",
                )
            )


async def progress_numbers(repo: Repo, content: Content, user: User) -> None:
    today = NOW.date()
    monday = today - timedelta(days=today.weekday())
    rows = await repo.workouts_between(user.id, monday - timedelta(weeks=CHART_WEEKS - 1), today)
    steps = [PlanStep(*row) for row in await repo.recent_steps(user.id, MAX_STREAK_WEEKS)]
    build_progress(
        [fact(w) for w in rows],
        today,
        track_weeks(content, user),
        user.plan_week,
        user.plan_week_start,
        steps,
        first_day=user.created_at.date(),
        all_time=Totals(*await repo.workout_totals(user)),
    )


async def timed(db: Database, uid: int, work: Callable[[Repo, User], Awaitable[object]]) -> float:
    samples = []
    for _ in range(RUNS):
        async with db.uow() as repo:
            user = await repo.get_user(uid)
            assert user is not None
            start = time.perf_counter()
            await work(repo, user)
            samples.append(time.perf_counter() - start)
            await repo.session.rollback()
    return statistics.median(samples) * 1000


async def run(url: str, label: str) -> None:
    db = Database(url)
    content = load_content()
    await migrate.upgrade(db.engine)
    for n, uid in zip(SIZES, (1, 2), strict=True):
        await seed(db, uid, n)
        async with db.uow() as repo:  # the first /progress sums the totals once, then keeps them
            user = await repo.get_user(uid)
            assert user is not None
            await repo.workout_totals(user)
    draft = parse_log("10 min felt good")

    async def log(repo: Repo, user: User) -> object:
        return await record_session(repo, content, user, draft, NOW, "log")

    async def progress(repo: Repo, user: User) -> object:
        return await progress_numbers(repo, content, user)

    for name, work in (("record_session", log), ("/progress numbers", progress)):
        small, big = [await timed(db, uid, work) for uid in (1, 2)]
        print(
            f"{label:10} {name:18} {SIZES[0]:>5} sessions: {small:6.2f} ms   "
            f"{SIZES[1]} sessions: {big:6.2f} ms   ratio {big / small:4.2f}x"
        )
    await db.dispose()


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        await run(f"sqlite+aiosqlite:///{tmp}/bench.db", "sqlite")
    try:
        import asyncpg

        conn = await asyncpg.connect("postgresql://postgres@127.0.0.1:5432/postgres")
        name = f"bench_history_{date.today():%Y%m%d}_{int(time.time())}"
        await conn.execute(f'CREATE DATABASE "{name}"')
        try:
            await run(f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}", "postgresql")
        finally:
            await conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            await conn.close()
    except OSError:
        print("postgresql: not reachable on 127.0.0.1:5432, skipped")


if __name__ == "__main__":
    asyncio.run(main())
