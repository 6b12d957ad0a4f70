"""Migration 0002 on a database holding sessions from the first version (both backends).

Old rows become one backward block of their stored time and distance; their free-text notes
become one ("text", ...) note code; the bot then reads, renders and exports them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import text

from bot.coach.sessions import Direction, Mode, blocks_from_data
from bot.db import migrate
from bot.db.session import Database
from bot.render.sessions import notes_text
from bot.service import fact, workout_notes

OLD_ROWS = [
    # id, duration_s, distance_m, notes
    (1, 180, None, "on grass; sore calves"),
    (2, 150, 400.0, ""),
    (3, None, 1200.0, "on a track"),
]


async def _seed_v1(db: Database) -> None:
    await migrate.upgrade(db.engine, "0001")
    async with db.engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO users (id, chat_id, first_name, created_at, onboarded, track,"
                " training_days, remind_time, reminders_on, timezone, active, plan_week,"
                " plan_reason, recent_tips) VALUES (7, 7, 'Old', :now, true, 'beginner',"
                " 'mon,wed,fri', '18:00', true, 'UTC', true, 1, '', '')"
            ),
            {"now": datetime(2026, 11, 20, tzinfo=UTC).replace(tzinfo=None)},
        )
        for wid, seconds, metres, notes in OLD_ROWS:
            await conn.execute(
                text(
                    "INSERT INTO workouts (id, user_id, logged_at, local_date, duration_s,"
                    " distance_m, feeling, pain, body_parts, red_flags, notes, text, plan_week,"
                    " plan_day, source) VALUES (:id, 7, :at, :day, :s, :m, 'good', false, '',"
                    " '', :notes, 'old text', 1, 1, 'log')"
                ),
                {
                    "id": wid,
                    "at": datetime(2026, 11, 20, 18, tzinfo=UTC).replace(tzinfo=None),
                    "day": date(2026, 11, 20),
                    "s": seconds,
                    "m": metres,
                    "notes": notes,
                },
            )


async def test_old_sessions_become_one_backward_block(empty_db_url: str) -> None:
    db = Database(empty_db_url)
    try:
        await _seed_v1(db)
        await migrate.upgrade(db.engine)
        async with db.uow() as repo:
            rows = await repo.all_workouts(7)
        assert [w.id for w in rows] == [1, 2, 3]
        first, second, third = rows
        [block] = blocks_from_data(first.blocks)
        [part] = block.parts
        assert (block.rounds, part.direction, part.mode) == (1, Direction.BACKWARD, Mode.RUN)
        assert (part.seconds, part.metres) == (180, None)
        [block] = blocks_from_data(second.blocks)
        assert (block.parts[0].seconds, block.parts[0].metres) == (150, 400.0)
        assert blocks_from_data(third.blocks)[0].parts[0].metres == 1200.0
        assert workout_notes(first) == (("text", "on grass; sore calves"),)
        assert notes_text(workout_notes(first)) == "on grass; sore calves"
        assert workout_notes(second) == ()
        for w in rows:
            assert (w.forward_s, w.forward_m, w.reps, w.sore) == (None, None, None, "")
            assert w.mode == "run"
        f = fact(first)
        assert (f.duration_s, f.mode, f.forward_s, f.reps) == (180, "run", None, None)
    finally:
        await db.dispose()


async def test_downgrade_keeps_the_words_of_notes(empty_db_url: str) -> None:
    db = Database(empty_db_url)
    try:
        await _seed_v1(db)
        await migrate.upgrade(db.engine)
        await migrate.downgrade(db.engine, "0001")
        async with db.engine.connect() as conn:
            got = (await conn.execute(text("SELECT id, notes FROM workouts ORDER BY id"))).all()
        assert [tuple(r) for r in got] == [(1, "on grass; sore calves"), (2, ""), (3, "on a track")]
    finally:
        await db.dispose()
