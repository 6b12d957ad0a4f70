"""The guided /log: duration (buttons or typed), feeling (buttons), optional note, /cancel,
and a restart of the bot in the middle of it, end to end on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.db.session import Database
from tests.e2e.harness import Harness, start_harness, stop_harness
from tests.e2e.test_log import ALL_DAYS, conversation, set_user, workouts
from tests.fakes import FakeBotAPI


async def test_guided_log_with_buttons(bot: Harness) -> None:
    await set_user(bot, training_days=ALL_DAYS)
    [ask] = await bot.say("/log")
    assert "How long did you go backward?" in ask.text and "/cancel" in ask.text
    # week 1 (1 min–1 min 30 s): the buttons sit around the target
    assert ask.button_texts() == ["1 min", "1 min 30 s", "2 min", "3 min", "5 min", "10 min"]
    assert await conversation(bot) == ("log", "duration")
    [feel] = await bot.press(ask, "1 min 30 s")
    assert "1 min 30 s backward" in feel.text and "How did it feel?" in feel.text
    assert feel.button_texts() == ["great 🤩", "good 🙂", "ok 😐", "hard 😮‍💨", "Skip"]
    assert ask.buttons() == []  # answered questions lose their buttons
    [note] = await bot.press(feel, "good")
    assert "Anything to note?" in note.text and note.button_texts() == ["Skip"]
    assert await workouts(bot) == []  # nothing is logged before the last answer
    [logged] = await bot.press(note, "Skip")
    assert logged.text.startswith("✅ Logged") and "1 min 30 s backward · felt good" in logged.text
    assert "right on this week's 1 min–1 min 30 s target" in logged.text
    assert logged.button_texts() == ["↩️ Undo", "✏️ Edit"]
    [w] = await workouts(bot)
    assert (w.duration_s, w.feeling, w.pain, w.source) == (90, "good", False, "guided")
    assert w.text == "1 min 30 s, felt good"
    assert await conversation(bot) is None


async def test_guided_log_typed_answers_and_a_note_with_pain(bot: Harness) -> None:
    await set_user(bot, training_days=ALL_DAYS)
    await bot.say("/log")
    [unclear] = await bot.say("a good while")
    assert "couldn't read a time" in unclear.text and len(unclear.button_texts()) == 6
    [feel] = await bot.say("2")  # a bare number is minutes
    assert "2 min backward" in feel.text
    [again] = await bot.say("banana")
    assert "didn't catch how it felt" in again.text
    [note] = await bot.say("pretty tough")
    assert "felt hard" in note.text
    [logged] = await bot.say("on grass, my right knee hurt a bit")
    assert "2 min backward · felt hard 😮‍💨 · ⚠️ pain (knee)" in logged.text
    assert "Sorry about the pain in your knee" in logged.text
    [w] = await workouts(bot)
    assert (w.duration_s, w.feeling, w.pain, w.body_parts) == (120, "hard", True, "knee")
    assert w.notes == [["surface", "grass"], ["text", "on grass, my right knee hurt a bit"]]
    assert w.text == "2 min, pretty tough, on grass, my right knee hurt a bit"


async def test_guided_typed_duration_that_says_how_it_felt_skips_that_question(
    bot: Harness,
) -> None:
    await bot.say("/log")
    [note] = await bot.say("5 min, felt great")
    assert "5 min backward · felt great" in note.text and "Anything to note?" in note.text
    [logged] = await bot.say("skip")  # typed skip works like the button
    assert "5 min backward · felt great" in logged.text
    [w] = await workouts(bot)
    assert (w.duration_s, w.feeling, w.notes) == (300, "great", [])


async def test_guided_feeling_skip_and_typed_soreness(bot: Harness) -> None:
    [ask] = await bot.say("/log")
    [feel] = await bot.press(ask, "3 min")
    [note] = await bot.press(feel, "Skip")
    assert "felt" not in note.text.split("\n")[0]
    [logged] = await bot.say("calves a bit sore")
    assert "Sore calves are expected" in logged.text
    assert "💡" in logged.text  # the soreness tip matched the note's words
    [w] = await workouts(bot)
    assert (w.feeling, w.pain) == (None, False)


async def test_guided_log_tip_from_the_note(bot: Harness) -> None:
    [ask] = await bot.say("/log")
    [feel] = await bot.press(ask, "2 min")
    [note] = await bot.press(feel, "ok")
    assert "felt ok" in note.text
    [logged] = await bot.say("kept landing on my heels")
    assert "💡 Heel striking:" in logged.text


async def test_cancel_leaves_at_any_step(bot: Harness) -> None:
    for presses in (0, 1, 2):
        [ask] = await bot.say("/log")
        message = ask
        if presses >= 1:
            [message] = await bot.press(message, "2 min")
        if presses >= 2:
            [message] = await bot.press(message, "great")
        [bye] = await bot.say("/cancel")
        assert "stopped there" in bye.text
        assert await conversation(bot) is None
        if message.buttons():  # its buttons no longer act
            [stale] = await bot.press(message, message.buttons()[0][0][0])
            assert "no longer works" in stale.text
    [chat] = await bot.say("hello")
    assert "/help" in chat.text
    assert await workouts(bot) == []


async def test_a_button_of_a_finished_flow_is_refused(bot: Harness) -> None:
    [first] = await bot.say("/log")
    [second] = await bot.say("/log")
    [feel] = await bot.press(second, "3 min")
    [stale] = await bot.press(first, "1 min")  # an old question of a flow already moved on
    assert "no longer works" in stale.text
    assert await conversation(bot) == ("log", "feeling")
    [note] = await bot.press(feel, "great")
    await bot.press(note, "Skip")
    assert [w.duration_s for w in await workouts(bot)] == [180]


async def test_log_with_text_mid_flow_logs_it_and_ends_the_flow(bot: Harness) -> None:
    [ask] = await bot.say("/log")
    [logged] = await bot.say("/log 4 min felt ok")
    assert logged.text.startswith("✅ Logged")
    assert await conversation(bot) is None
    [stale] = await bot.press(ask, "2 min")
    assert "no longer works" in stale.text
    assert [w.duration_s for w in await workouts(bot)] == [240]


async def test_a_huge_note_is_refused_and_the_step_kept(bot: Harness) -> None:
    [ask] = await bot.say("/log")
    [feel] = await bot.press(ask, "2 min")
    [note] = await bot.press(feel, "good")
    assert note.button_texts() == ["Skip"]
    [long] = await bot.say("x" * 4096)
    assert "under 500 characters" in long.text and long.button_texts() == ["Skip"]
    assert await workouts(bot) == [] and await conversation(bot) == ("log", "note")
    [logged] = await bot.press(long, "Skip")
    assert logged.text.startswith("✅ Logged")


# --- a restart in the middle of the flow --------------------------------------------------
class Live:
    """The running bot, which a test may restart on the same database."""

    def __init__(self, server: FakeBotAPI, db: Database, bot: Harness) -> None:
        self.server, self.db, self.bot = server, db, bot

    async def restart(self) -> Harness:
        await stop_harness(self.bot)
        self.bot = await start_harness(self.server, self.db)
        return self.bot


@pytest.fixture
async def live(server: FakeBotAPI, db: Database) -> AsyncIterator[Live]:
    running = Live(server, db, await start_harness(server, db))
    yield running
    await stop_harness(running.bot)
    assert server.errors == [], f"the bot sent requests Telegram would reject: {server.errors}"


async def test_a_restart_mid_flow_loses_nothing(live: Live) -> None:
    bot = live.bot
    [ask] = await bot.say("/log")
    bot = await live.restart()
    [feel] = await bot.press(ask, "5 min")  # a button sent before the restart still works
    bot = await live.restart()
    [note] = await bot.press(feel, "great")
    assert "Anything to note?" in note.text
    bot = await live.restart()
    [logged] = await bot.say("on the track, felt smooth")
    assert "5 min backward · felt great" in logged.text
    [w] = await workouts(bot)
    assert (w.duration_s, w.feeling) == (300, "great")
    assert w.notes == [["surface", "track"], ["text", "on the track, felt smooth"]]
    assert await conversation(bot) is None


async def test_a_restart_mid_flow_then_a_typed_answer_continues(live: Live) -> None:
    bot = live.bot
    await bot.say("/log")
    bot = await live.restart()
    [feel] = await bot.say("3:30")
    assert "3 min 30 s backward" in feel.text and "How did it feel?" in feel.text
    bot = await live.restart()
    [note] = await bot.say("ok")
    assert "Anything to note?" in note.text
    bot = await live.restart()
    [logged] = await bot.press(note, "Skip")
    assert "3 min 30 s backward · felt ok" in logged.text
    assert [w.duration_s for w in await workouts(bot)] == [210]
