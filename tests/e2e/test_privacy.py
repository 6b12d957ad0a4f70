"""/privacy, /export and /deleteme through the fake Bot API, checked against the database."""

from __future__ import annotations

import csv
import io
import logging
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from bot.coach.export import EXPORT_COLUMNS
from bot.db.models import Base, PlanChange, User, Workout
from bot.render.privacy import STORED
from bot.render.sessions import notes_text
from bot.service import workout_notes
from tests.e2e.harness import Harness, button_data
from tests.fakes import SentMessage
from tests.support import count_rows_about, raw_session, record_delivery

ME, OTHER = 1001, 2002


async def rows_about(bot: Harness, user_id: int) -> dict[str, int]:
    """Rows per table that concern the user, found from the schema (not from the repo's list),
    so a table added later is covered too."""
    counts: dict[str, int] = {}
    async with raw_session(bot.db) as s:
        for table in Base.metadata.sorted_tables:
            if "user_id" in table.c:
                where = table.c.user_id == user_id
            elif table.name == "users":
                where = table.c.id == user_id
            else:
                continue
            query = select(func.count()).select_from(table).where(where)
            counts[table.name] = int(await s.scalar(query) or 0)
    return counts


async def workouts(bot: Harness, user_id: int) -> list[Workout]:
    async with bot.db.uow() as repo:
        return list(await repo.all_workouts(user_id))


async def seed_everything(bot: Harness, user_id: int = ME) -> None:
    """A row in every table about the user: sessions, a guided step, a delivery, a plan change."""
    await bot.say("/start", user_id=user_id)
    await bot.say("/log 3 min felt good", user_id=user_id)
    await bot.say("/log 400m in 2:30 hard", user_id=user_id)
    await bot.say("/log", user_id=user_id)  # leaves the guided step open
    async with bot.db.uow() as repo:
        await record_delivery(repo, user_id, date(2026, 1, 5), "reminder")
        await repo.record_plan_change(
            PlanChange(
                user_id=user_id,
                week_start=date(2026, 1, 5),
                from_week=1,
                to_week=2,
                decision="advance",
                reason="test",
            )
        )


async def ask_to_delete(bot: Harness, user_id: int = ME) -> SentMessage:
    [confirm] = await bot.say("/deleteme", user_id=user_id)
    assert "Delete everything" in confirm.text
    assert len(confirm.button_texts()) == 2
    return confirm


# --- /privacy --------------------------------------------------------------------------------
def test_privacy_describes_every_table_of_the_schema() -> None:
    assert set(STORED) == set(Base.metadata.tables)


async def test_privacy_says_what_is_stored_and_how_to_export_or_delete(bot: Harness) -> None:
    [reply] = await bot.say("/privacy")
    for what, why in STORED.values():
        assert what in reply.text and why in reply.text
    assert "/export" in reply.text and "/deleteme" in reply.text
    assert "not saved" in reply.text  # locations only pick a zone


# --- /export ---------------------------------------------------------------------------------
async def test_export_of_an_empty_history_is_a_message_not_a_file(bot: Harness) -> None:
    await bot.say("/start")
    [reply] = await bot.say("/export")
    assert reply.kind == "text" and "nothing to export" in reply.text
    assert bot.server.calls("sendDocument") == []


TRICKY = '4 min on grass, said "easy"; knee pain 🏃 ünï =1+1\nsecond line, with a comma'


async def test_export_csv_round_trips_exactly_what_was_logged(bot: Harness) -> None:
    await bot.say("/start")
    await bot.say("/log 3 min felt good")
    await bot.say(f"/log {TRICKY}")
    await bot.say("/log 400m in 2:30 hard")
    await bot.say("/start", user_id=OTHER)
    await bot.say("/log 9 min someone else's session", user_id=OTHER)

    [doc] = await bot.say("/export")
    assert doc.kind == "document" and doc.document is not None
    assert doc.filename is not None and doc.filename.endswith(".csv")
    assert "all 3 of your sessions" in doc.text
    reader = csv.DictReader(io.StringIO(doc.document.decode("utf-8"), newline=""))
    assert tuple(reader.fieldnames or ()) == EXPORT_COLUMNS
    exported = list(reader)

    stored = await workouts(bot, ME)
    assert len(exported) == len(stored) == 3
    assert [r["text"] for r in exported] == ["3 min felt good", TRICKY, "400m in 2:30 hard"]
    for row, w in zip(exported, stored, strict=True):
        logged_at = datetime.fromisoformat(row["logged_at"])
        assert logged_at.utcoffset() is not None
        assert logged_at == w.logged_at.replace(microsecond=0)
        assert row["local_date"] == w.local_date.isoformat()
        assert row["duration_s"] == ("" if w.duration_s is None else str(w.duration_s))
        assert row["feeling"] == (w.feeling or "")
        assert row["pain"] == ("true" if w.pain else "false")
        assert row["body_parts"] == w.body_parts
        assert row["notes"] == notes_text(workout_notes(w))
        assert row["forward_s"] == ("" if w.forward_s is None else str(w.forward_s))
        assert row["reps"] == ("" if w.reps is None else str(w.reps))
        assert row["mode"] == (w.mode or "")
        assert row["sore"] == w.sore
    assert exported[0]["duration_s"] == "180" and exported[0]["feeling"] == "good"
    assert exported[1]["pain"] == "true" and "knee" in exported[1]["body_parts"].split(";")
    assert exported[2]["distance_m"] == "400" and exported[2]["feeling"] == "hard"


# --- /deleteme -------------------------------------------------------------------------------
async def test_confirming_deletes_every_row_about_the_user_and_only_theirs(bot: Harness) -> None:
    await seed_everything(bot, ME)
    await seed_everything(bot, OTHER)
    before = await rows_about(bot, ME)
    assert all(before.values()), before  # every table holds something about the user
    others = await rows_about(bot, OTHER)

    confirm = await ask_to_delete(bot)
    assert "2 logged sessions" in confirm.text
    new = await bot.press(confirm, "Yes, delete everything")

    assert new == []  # the confirmation itself now says so
    assert "everything I stored about you is deleted" in confirm.text
    assert confirm.buttons() == [] and confirm.edits == 1
    assert await rows_about(bot, ME) == dict.fromkeys(before, 0)
    assert await rows_about(bot, OTHER) == others
    async with bot.db.uow() as repo:
        assert await count_rows_about(repo, ME) == 0


async def test_a_later_start_begins_fresh(bot: Harness) -> None:
    await seed_everything(bot)
    async with bot.db.uow() as repo:
        user = await repo.get_user(ME)
        assert user is not None
        user.plan_week, user.track = 4, "rehab"
    await bot.press(await ask_to_delete(bot), "Yes, delete everything")

    [hello] = await bot.say("/start")
    assert "Welcome back" not in hello.text
    assert "which plan suits you" in hello.text.lower()
    async with bot.db.uow() as repo:
        user = await repo.get_user(ME)
        assert user is not None and (user.plan_week, user.track) == (1, "beginner")
    assert await workouts(bot, ME) == []


async def test_keeping_changes_nothing(bot: Harness) -> None:
    await seed_everything(bot)
    before = await rows_about(bot, ME)
    confirm = await ask_to_delete(bot)
    new = await bot.press(confirm, "Keep my data")
    assert new == []
    assert "Nothing was deleted" in confirm.text and confirm.buttons() == []
    assert await rows_about(bot, ME) == before
    async with bot.db.uow() as repo:
        convo = await repo.get_conversation(ME)
        assert convo is not None and convo.flow == "log"  # even the open guided step stays


async def test_a_second_press_after_a_fresh_start_deletes_nothing(bot: Harness) -> None:
    await seed_everything(bot)
    confirm = await ask_to_delete(bot)
    yes = button_data(confirm, "Yes, delete everything")
    await bot.press(confirm, yes)
    await bot.say("/start")
    await bot.say("/log 5 min felt great")

    bot.server.press(confirm, yes, check=False)  # a replayed or forged press of the old button
    await bot.settle()

    assert "no longer valid" in bot.messages()[-1].text
    assert [w.text for w in await workouts(bot, ME)] == ["5 min felt great"]


async def test_another_users_press_deletes_nothing_and_gets_a_polite_answer(
    bot: Harness,
) -> None:
    await seed_everything(bot, ME)
    await seed_everything(bot, OTHER)
    mine, theirs = await rows_about(bot, ME), await rows_about(bot, OTHER)
    confirm = await ask_to_delete(bot, ME)

    sent_before = len(bot.messages(ME))
    await bot.press(confirm, "Yes, delete everything", user_id=OTHER)

    answer = bot.server.callback_answers[-1]  # an alert for the one who pressed
    assert answer.get("show_alert") is True and answer.get("text")
    assert len(bot.messages(ME)) == sent_before
    assert confirm.buttons() != [] and confirm.edits == 0  # the owner's question is untouched
    assert await rows_about(bot, ME) == mine
    assert await rows_about(bot, OTHER) == theirs


async def test_a_forged_token_deletes_nothing(bot: Harness) -> None:
    await seed_everything(bot)
    before = await rows_about(bot, ME)
    confirm = await ask_to_delete(bot)
    bot.server.press(confirm, "v1:dy:0123456789abcdef", check=False)
    await bot.settle()
    assert "no longer valid" in confirm.text and confirm.buttons() == []
    assert await rows_about(bot, ME) == before


async def test_deleteme_from_a_stranger_stores_nothing(bot: Harness) -> None:
    [reply] = await bot.say("/deleteme")
    assert "nothing stored about you" in reply.text
    async with raw_session(bot.db) as s:
        assert await s.get(User, ME) is None


# --- logs --------------------------------------------------------------------------------------
async def test_logs_never_contain_what_users_wrote(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    secret = "zanzibar-quokka-4711"
    await bot.say("/start")
    await bot.say(f"/log 3 min felt good {secret}")
    await bot.say("/progress")
    await bot.say("/export")
    await bot.press(await ask_to_delete(bot), "Yes, delete everything")

    assert any(r.name.startswith("bot") for r in caplog.records)  # the bot's logs were captured
    leaks = [
        r.getMessage()
        for r in caplog.records
        if r.levelno >= logging.INFO and secret in r.getMessage()
    ]
    assert leaks == []
