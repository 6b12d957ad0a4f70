"""First conversation through the fake Bot API: /start, /help, the menu, catch-alls, faults."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import func, select

from bot.commands import COMMANDS
from bot.db.models import User
from tests.e2e.harness import Harness
from tests.support import raw_session


async def count_users(bot: Harness) -> int:
    async with raw_session(bot.db) as s:
        return int(await s.scalar(select(func.count()).select_from(User)) or 0)


async def test_menu_is_registered_from_the_help_table(bot: Harness) -> None:
    registered = [c["command"] for c in bot.server.commands]
    assert registered == [c.name for c in COMMANDS]


async def test_help_lists_every_command_with_an_example(bot: Harness) -> None:
    [reply] = await bot.say("/help")
    for c in COMMANDS:
        assert f"/{c.name}" in reply.text
        assert c.example in reply.text


async def test_start_creates_the_user_and_a_second_start_resets_nothing(bot: Harness) -> None:
    first = await bot.say("/start")
    assert first, "no reply to /start"
    assert await count_users(bot) == 1
    async with bot.db.uow() as repo:
        user = await repo.get_user(1001)
        assert user is not None
        user.track, user.plan_week = "rehab", 3
    again = await bot.say("/start")
    assert "Welcome back" in again[-1].text
    async with bot.db.uow() as repo:
        user = await repo.get_user(1001)
        assert user is not None and (user.track, user.plan_week) == ("rehab", 3)
    assert await count_users(bot) == 1


async def test_unknown_command_points_to_help(bot: Harness) -> None:
    [reply] = await bot.say("/fly to the moon")
    assert "/fly" in reply.text and "/help" in reply.text


async def test_commands_in_groups_get_a_pointer_and_store_nothing(bot: Harness) -> None:
    [reply] = await bot.say("/start", chat_id=-100123, chat_type="group")
    assert "private chat" in reply.text
    assert await count_users(bot) == 0


async def test_the_same_update_twice_is_handled_once(bot: Harness) -> None:
    update = bot.server.send_text("/help")
    bot.server.enqueue(update)
    await bot.settle()
    assert len(bot.messages()) == 1


async def test_an_edit_of_an_old_message_gets_an_answer(bot: Harness) -> None:
    update = bot.server.send_text("/help")
    await bot.settle()
    bot.server.edit_user_message(update, "/history")
    await bot.settle()
    assert "edited" in bot.messages()[-1].text


async def test_a_crash_apologises_and_logs_the_update_without_the_token(
    bot: Harness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken() -> str:
        raise RuntimeError("render exploded")

    monkeypatch.setattr("bot.render.basics.help_text", broken)
    caplog.set_level(logging.DEBUG)
    update = bot.server.send_text("/help")
    await bot.settle()
    assert "Sorry" in bot.messages()[-1].text
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors and str(update["update_id"]) in errors[0].getMessage()
    assert errors[0].exc_info is not None


async def test_telegram_5xx_on_a_reply_does_not_stop_the_bot(bot: Harness) -> None:
    bot.server.fail("sendMessage", status=500, times=2)
    await bot.say("/help")  # both the reply and the apology fail
    [reply] = await bot.say("/help")
    assert "/log" in reply.text
