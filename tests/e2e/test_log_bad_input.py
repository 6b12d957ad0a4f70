"""Bad input and faults around logging: odd text, forged or stale buttons, redelivered updates
and Telegram errors. Each gets a clear answer and leaves the stored sessions right."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.db.models import Workout
from tests.e2e.harness import Harness, button_data
from tests.e2e.test_log import conversation, log, set_user, workouts
from tests.support import raw_session


async def count_workouts(bot: Harness) -> int:
    async with raw_session(bot.db) as s:
        return int(await s.scalar(select(func.count()).select_from(Workout)) or 0)


# --- odd text ------------------------------------------------------------------------------
async def test_log_with_only_spaces_starts_the_guided_flow(bot: Harness) -> None:
    [ask] = await bot.say("/log    ")
    assert "How long did you go backward?" in ask.text
    assert await workouts(bot) == []


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("999 hours", "more than I can believe"),
        ("60 km", "more than I can believe"),
        ("-5 min", "more than zero"),
        ("0 min", "more than zero"),
        ("felt great", "How long or how far"),
        ("😀😀😀", "How long or how far"),
        ("пробежал назад", "How long or how far"),
        ("٣ دقائق", "How long or how far"),
        ("x" * 4091, "under 500 characters"),
    ],
    ids=lambda v: v[:20] if isinstance(v, str) else str(v),
)
async def test_log_text_that_cannot_be_a_session_gets_a_clear_answer(
    bot: Harness, text: str, answer: str
) -> None:
    [reply] = await bot.say(f"/log {text}")
    assert answer in reply.text
    assert reply.buttons() == []
    assert await workouts(bot) == [] and await conversation(bot) is None


async def test_emoji_other_scripts_and_markup_are_kept_as_written(bot: Harness) -> None:
    texts = [
        "3 min 💪🔥",
        "2 min 走った、気持ちよかった",
        "90s <b>bold</b> & <i>not</i> a tag",
    ]
    for text in texts:
        reply = await log(bot, text)
        assert "backward" in reply.text
    stored = await workouts(bot)
    assert [w.text for w in stored] == texts
    assert stored[0].feeling == "great"  # emoji count when no feeling word is used


async def test_sql_looking_text_is_just_text(bot: Harness) -> None:
    text = "3 min'); DROP TABLE workouts; --"
    await log(bot, text)
    [w] = await workouts(bot)
    assert w.text == text
    [reply] = await bot.say("'; DELETE FROM users; --")
    assert "/help" in reply.text
    assert await count_workouts(bot) == 1
    [history] = await bot.say("/history")
    assert "3 min backward" in history.text


async def test_huge_plain_text_and_emoji_get_a_pointer(bot: Harness) -> None:
    for text in ("a" * 4096, "💪", "3" * 4000 + " min"):
        [reply] = await bot.say(text)
        assert "/help" in reply.text
    assert await workouts(bot) == [] and await conversation(bot) is None


async def test_absurd_plain_text_says_why_and_offers_nothing(bot: Harness) -> None:
    [reply] = await bot.say("did 999 hours backwards lol")
    assert "more than I can believe" in reply.text and reply.buttons() == []
    assert await conversation(bot) is None


async def test_guided_duration_refuses_negative_and_absurd_answers(bot: Harness) -> None:
    await bot.say("/log")
    [negative] = await bot.say("-3")
    assert "more than zero" in negative.text and len(negative.button_texts()) == 6
    [absurd] = await bot.say("999")
    assert "more than I can believe" in absurd.text
    [distance] = await bot.say("400m")
    assert "couldn't read a time" in distance.text
    assert await conversation(bot) == ("log", "duration")
    assert await workouts(bot) == []


# --- forged and stale presses ---------------------------------------------------------------
async def test_forged_session_ids_are_refused(bot: Harness) -> None:
    logged = await log(bot, "3 min")
    for data in ("v1:un:999999", "v1:ed:999999", "v1:eD:999999", "v1:un:abc", "v1:un:"):
        bot.server.press(logged, data, check=False)
        await bot.settle()
        assert "no longer there" in bot.messages()[-1].text, data
    assert len(await workouts(bot)) == 1


async def test_forged_values_for_a_real_session_are_refused(bot: Harness) -> None:
    logged = await log(bot, "3 min felt good")
    wid = (await workouts(bot))[0].id
    for data in (f"v1:es:{wid}:999999", f"v1:es:{wid}:0", f"v1:ef:{wid}:ecstatic", "v1:gd:30"):
        bot.server.press(logged, data, check=False)
        await bot.settle()
        assert "no longer works" in bot.messages()[-1].text, data
    [w] = await workouts(bot)
    assert (w.duration_s, w.feeling) == (180, "good")


async def test_junk_and_other_versions_are_answered_with_an_alert(bot: Harness) -> None:
    logged = await log(bot, "3 min")
    before = len(bot.messages())
    for data in ("v0:un:1", "garbage", "v1:zz:1", "v1:"):
        bot.server.press(logged, data, check=False)
        await bot.settle()
    assert len(bot.messages()) == before
    alerts = bot.server.callback_answers[-4:]
    assert all(a.get("show_alert") and "no longer works" in a["text"] for a in alerts)
    assert len(await workouts(bot)) == 1


async def test_another_users_session_cannot_be_touched(bot: Harness) -> None:
    [theirs] = await bot.say("/log 5 min", user_id=2002)
    their_id = (await workouts(bot, 2002))[0].id
    mine = await log(bot, "3 min")
    # my own message, their session id
    bot.server.press(mine, f"v1:un:{their_id}", check=False)
    await bot.settle()
    assert "no longer there" in bot.messages()[-1].text
    bot.server.press(mine, f"v1:es:{their_id}:60", check=False)
    await bot.settle()
    assert "no longer there" in bot.messages()[-1].text
    # their message, pressed by me
    before = len(bot.messages(2002))
    bot.server.press(theirs, button_data(theirs, "Undo"), user_id=1001)
    await bot.settle()
    assert bot.server.callback_answers[-1].get("show_alert")
    assert len(bot.messages(2002)) == before
    assert [w.duration_s for w in await workouts(bot, 2002)] == [300]
    assert [w.duration_s for w in await workouts(bot)] == [180]


async def test_buttons_of_a_deleted_session_are_refused(bot: Harness) -> None:
    logged = await log(bot, "3 min")
    [menu] = await bot.press(logged, "Edit")
    await bot.say("/undo")
    [gone] = await bot.press(logged, "Edit")
    assert "no longer there" in gone.text
    [gone2] = await bot.press(menu, "Amount")
    assert "no longer there" in gone2.text
    [undo] = await bot.press(logged, "Undo")
    assert "no longer there" in undo.text
    assert await workouts(bot) == [] and await conversation(bot) is None


async def test_a_pending_edit_of_a_deleted_session_is_dropped(bot: Harness) -> None:
    logged = await log(bot, "3 min")
    [menu] = await bot.press(logged, "Edit")
    await bot.press(menu, "Amount")
    await bot.say("/undo")
    [reply] = await bot.say("5 min")
    assert "no longer there" in reply.text
    assert await workouts(bot) == [] and await conversation(bot) is None


async def test_pressing_log_it_twice_stores_one_session(bot: Harness) -> None:
    [offer] = await bot.say("did 3 min backwards")
    data = button_data(offer, "Log it")
    await bot.press(offer, "Log it")
    bot.server.press(offer, data, check=False)  # a second tap that raced the first
    await bot.settle()
    assert "no longer works" in bot.messages()[-1].text
    assert len(await workouts(bot)) == 1


# --- the same update twice ------------------------------------------------------------------
async def test_the_same_log_delivered_twice_stores_one_session(bot: Harness) -> None:
    update = bot.server.send_text("/log 3 min felt good")
    bot.server.enqueue(update)
    await bot.settle()
    assert len(await workouts(bot)) == 1
    assert len(bot.messages()) == 1


async def test_the_same_press_delivered_twice_acts_once(bot: Harness) -> None:
    [offer] = await bot.say("did 3 min backwards")
    update = bot.server.press(offer, button_data(offer, "Log it"))
    bot.server.enqueue(update)
    await bot.settle()
    assert len(await workouts(bot)) == 1
    assert len(bot.messages()) == 2
    logged = bot.messages()[-1]
    update = bot.server.press(logged, button_data(logged, "Undo"))
    bot.server.enqueue(update)
    await bot.settle()
    assert await workouts(bot) == []
    assert len(bot.messages()) == 3


async def test_the_same_guided_answer_twice_moves_one_step(bot: Harness) -> None:
    [ask] = await bot.say("/log")
    update = bot.server.press(ask, "v1:gd:120")
    bot.server.enqueue(update)
    await bot.settle()
    assert await conversation(bot) == ("log", "feeling")
    answer = bot.server.send_text("great")
    bot.server.enqueue(answer)
    await bot.settle()
    assert await conversation(bot) == ("log", "note")
    assert len(bot.messages()) == 3


# --- Telegram errors never lose a log -------------------------------------------------------
@pytest.mark.parametrize("status", [500, 502, 429])
async def test_a_failing_reply_never_loses_the_log(bot: Harness, status: int) -> None:
    bot.server.fail("sendMessage", status=status, times=2)
    await bot.say("/log 3 min felt good")
    [w] = await workouts(bot)
    assert (w.duration_s, w.feeling) == (180, "good")
    [history] = await bot.say("/history")
    assert "3 min backward" in history.text


@pytest.mark.parametrize("status", [500, 502])
async def test_a_failed_reply_is_replaced_by_a_short_confirmation(
    bot: Harness, status: int
) -> None:
    bot.server.fail("sendMessage", status=status)
    [reply] = await bot.say("/log 3 min felt good")
    assert reply.text.startswith("✅ Logged") and "3 min backward · felt good" in reply.text
    assert reply.button_texts() == ["↩️ Undo", "✏️ Edit"]
    assert "Sorry" not in reply.text  # no "try again" that would invite a duplicate log
    assert len(await workouts(bot)) == 1


async def test_a_429_reply_is_retried_and_arrives(bot: Harness) -> None:
    bot.server.fail("sendMessage", status=429, retry_after=1)
    [reply] = await bot.say("/log 3 min")
    assert reply.text.startswith("✅ Logged")
    assert len(await workouts(bot)) == 1


async def test_a_blocked_bot_still_keeps_the_log(bot: Harness) -> None:
    await set_user(bot)
    bot.server.block(1001)
    await bot.say("/log 3 min")
    bot.server.unblock(1001)
    assert len(await workouts(bot)) == 1


async def test_a_timed_out_reply_never_loses_the_log(bot: Harness) -> None:
    bot.server.delay("sendMessage", 6)  # longer than the bot waits for an answer
    bot.server.send_text("/log 3 min")
    await bot.server.wait_for_request("sendMessage")
    assert len(await workouts(bot)) == 1  # committed before the reply went out
    bot.server.delay("sendMessage", 0)
    await bot.settle(limit=20)
    assert len(await workouts(bot)) == 1
    assert all(m.text.startswith("✅ Logged") for m in bot.messages())


async def test_a_failing_reply_mid_flow_keeps_the_step(bot: Harness) -> None:
    [ask] = await bot.say("/log")
    bot.server.fail("sendMessage", status=500, times=2)
    await bot.press(ask, "3 min")
    assert await conversation(bot) == ("log", "feeling")
    [note] = await bot.say("good")
    assert "Anything to note?" in note.text


async def test_a_failing_button_cleanup_does_not_stop_the_log(bot: Harness) -> None:
    [offer] = await bot.say("did 3 min backwards")
    bot.server.fail("editMessageReplyMarkup", status=500)
    [logged] = await bot.press(offer, "Log it")
    assert logged.text.startswith("✅ Logged")
    assert len(await workouts(bot)) == 1
