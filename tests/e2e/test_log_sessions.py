"""Sessions as people tell them, end to end: parts, reps, laps, days, typos, questions instead
of guesses, edits of each part, small talk, and offers while onboarding waits. Each test runs
the real bot against the fake Bot API on SQLite and PostgreSQL and checks what the user sees
and what the database holds.
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from bot.render import day_label
from tests.e2e.harness import Harness, button_data
from tests.e2e.test_log import ALL_DAYS, conversation, log, set_user, today, workouts
from tests.fakes import SentMessage


def blocks(*parts: tuple[str, str, float | None, float | None], rounds: int = 1) -> dict:
    return {
        "rounds": rounds,
        "parts": [{"dir": d, "mode": m, "s": s, "m": mm} for d, m, s, mm in parts],
    }


async def press_data(bot: Harness, message: SentMessage, data: str) -> list[SentMessage]:
    """Press with callback data the message no longer (or never) showed: a stale or forged tap."""
    before = len(bot.messages())
    bot.server.press(message, data, check=False)
    await bot.settle()
    return bot.messages()[before:]


# --- parts, reps, laps -----------------------------------------------------------------------
async def test_forward_work_is_kept_but_never_counted_as_backward(bot: Harness) -> None:
    reply = await log(bot, "easy 6k forward, then 4 min backwards to finish")
    assert "6 km forward, then 4 min backward" in reply.text
    assert "4 min</b> backward" in reply.html
    [w] = await workouts(bot)
    assert (w.duration_s, w.distance_m, w.forward_s, w.forward_m) == (240, None, None, 6000.0)
    assert (w.reps, w.mode) == (None, "run")
    assert w.blocks == [
        blocks(("forward", "run", None, 6000.0)),
        blocks(("backward", "run", 240.0, None)),
    ]


async def test_intervals_repeat_both_parts(bot: Harness) -> None:
    reply = await log(bot, "90s back / 90s forward x5")
    assert "5 × (1 min 30 s backward + 1 min 30 s forward)" in reply.text
    assert "7 min 30 s" in reply.text
    [w] = await workouts(bot)
    assert (w.duration_s, w.forward_s, w.reps) == (450, 450, 5)
    assert w.blocks == [
        blocks(("backward", "run", 90.0, None), ("forward", "run", 90.0, None), rounds=5)
    ]


async def test_team_reps_of_metres_and_track_laps(bot: Harness) -> None:
    first = await log(bot, "ten 20 m backpedals")
    assert "10 × 20 m backward sprint" in first.text
    await log(bot, "three laps of the track backwards")
    one, two = await workouts(bot)
    assert (one.distance_m, one.reps, one.mode, one.duration_s) == (200.0, 10, "sprint", None)
    assert (two.distance_m, two.reps, two.mode) == (1200.0, 3, "run")


async def test_walking_is_stored_as_walking(bot: Harness) -> None:
    reply = await log(bot, "retro walking on the treadmill at 2 mph for 12 min")
    assert "12 min</b> backward walk" in reply.html
    [w] = await workouts(bot)
    assert (w.duration_s, w.mode) == (720, "walk")


async def test_typos_and_speech_to_text_amounts(bot: Harness) -> None:
    for text in ("3 minites", "4 mins backwords", "five minuts", "two an a half minutes"):
        await log(bot, text)
    assert [w.duration_s for w in await workouts(bot)] == [180, 240, 300, 150]


async def test_false_alarms_are_not_pain_and_real_pain_is(bot: Harness) -> None:
    calm = await log(bot, "3 min, fell for it completely, no pain whatsoever")
    assert "⚠️ pain" not in calm.text and "fall" not in calm.text.lower()
    hurt = await log(bot, "3 min, my knee started to hurt halfway")
    assert "pain (knee)" in hurt.text
    one, two = await workouts(bot)
    assert (one.pain, one.red_flags, two.pain, two.body_parts) == (False, "", True, "knee")


# --- days ------------------------------------------------------------------------------------
async def test_last_night_is_stored_for_yesterday(bot: Harness) -> None:
    yesterday = today() - timedelta(days=1)
    reply = await log(bot, "last night 3 min")
    assert f"Logged for {day_label(yesterday)}" in reply.text
    [w] = await workouts(bot)
    assert w.local_date == yesterday


async def test_a_day_in_the_future_is_asked_not_guessed(bot: Harness) -> None:
    [ask] = await bot.say("/log 20 min backwards tomorrow")
    assert "Which day was that?" in ask.text
    assert ask.button_texts()[:2] == ["Today", "Yesterday"]
    assert await workouts(bot) == []
    today_data = button_data(ask, "Today")
    [logged] = await bot.press(ask, "Yesterday")
    assert logged.text.startswith("✅ Logged for " + day_label(today() - timedelta(days=1)))
    [w] = await workouts(bot)
    assert (w.duration_s, w.local_date) == (1200, today() - timedelta(days=1))
    assert await conversation(bot) is None
    [again] = await press_data(bot, ask, today_data)
    assert "no longer works" in again.text
    assert len(await workouts(bot)) == 1


# --- questions instead of guesses ------------------------------------------------------------
async def test_a_plain_forward_run_is_not_offered_as_backward(bot: Harness) -> None:
    [ask] = await bot.say("jogged 10k this morning")
    assert "forward running" in ask.text and "Was any of it backward?" in ask.text
    assert ask.button_texts() == ["↩️ All of it backward", "➡️ No, all forward"]
    [reply] = await bot.press(ask, "No, all forward")
    assert "nothing to log" in reply.text
    assert await workouts(bot) == [] and await conversation(bot) is None


async def test_a_forward_run_can_be_declared_backward(bot: Harness) -> None:
    [ask] = await bot.say("/log jogged 2k")
    [logged] = await bot.press(ask, "All of it backward")
    assert logged.text.startswith("✅ Logged")
    [w] = await workouts(bot)
    assert (w.distance_m, w.forward_m) == (2000.0, None)


async def test_a_distance_without_direction_is_asked_about(bot: Harness) -> None:
    [ask] = await bot.say("/log did 2k today")
    assert "I read: <b>2 km</b>" in ask.html and "Was that backward?" in ask.text
    assert await workouts(bot) == []
    [logged] = await bot.press(ask, "Yes, backward")
    assert "2 km" in logged.text
    [w] = await workouts(bot)
    assert w.distance_m == 2000.0


async def test_minutes_or_metres_is_asked(bot: Harness) -> None:
    [ask] = await bot.say("/log did 5m backwards")
    assert "minutes or metres" in ask.text
    [logged] = await bot.press(ask, "Minutes")
    assert "5 min" in logged.text
    [w] = await workouts(bot)
    assert (w.duration_s, w.distance_m) == (300, None)


async def test_forged_answers_are_refused(bot: Harness) -> None:
    [ask] = await bot.say("/log did 5m backwards")
    nonce = ask.buttons()[0][0][1].split(":")[2]  # type: ignore[union-attr]
    [refused] = await press_data(bot, ask, f"v1:aq:{nonce}:forward")
    assert "no longer works" in refused.text
    assert await workouts(bot) == []


# --- plain messages and small talk -----------------------------------------------------------
async def test_a_casual_first_go_gets_the_offer(bot: Harness) -> None:
    [offer] = await bot.say("just did my very first go!! maybe a minute?")
    assert "Shall I log it?" in offer.text and "1 min" in offer.text
    assert await workouts(bot) == []
    [logged] = await bot.press(offer, "Log it")
    assert logged.text.startswith("✅ Logged")


async def test_a_session_told_during_onboarding_is_offered_then_the_step_asked_again(
    bot: Harness,
) -> None:
    await bot.say("/start")
    assert await conversation(bot) == ("onboard", "track")
    offer, step = await bot.say("did 4 min backwards yesterday")
    assert "Shall I log it?" in offer.text and "4 min" in offer.text
    assert step.text == (await bot.say("/start"))[0].text or step.buttons()
    assert await conversation(bot) == ("onboard", "track")
    [logged] = await bot.press(offer, "Log it")
    assert logged.text.startswith("✅ Logged for " + day_label(today() - timedelta(days=1)))
    assert await conversation(bot) == ("onboard", "track")  # onboarding still waits


async def test_an_offer_survives_the_next_onboarding_answer(bot: Harness) -> None:
    [welcome] = await bot.say("/start")
    offer, _step = await bot.say("3 min backwards this morning")
    await bot.press(welcome, welcome.button_texts()[0])  # answer the track step
    assert (await conversation(bot) or ("", ""))[1] == "days"
    [logged] = await bot.press(offer, "Log it")
    assert logged.text.startswith("✅ Logged")
    assert [w.duration_s for w in await workouts(bot)] == [180]


async def test_small_talk_gets_answers(bot: Harness) -> None:
    await set_user(bot, training_days=ALL_DAYS, onboarded=True)
    [hi] = await bot.say("hi")
    assert "backward-running coach" in hi.text
    [thanks] = await bot.say("cheers")
    assert "Any time" in thanks.text
    [plan] = await bot.say("what's on today?")
    assert "Today is a training day" in plan.text
    [offer] = await bot.say("did it ✅")
    assert "Shall I log this week's target" in offer.text
    [logged] = await bot.press(offer, "Log it")
    assert logged.text.startswith("✅ Logged")
    [w] = await workouts(bot)
    assert w.duration_s is not None and w.mode is not None
    [again] = await bot.say("done")
    assert "already logged today" in again.text
    progress = await bot.say("how am I doing")
    assert "week" in progress[0].text.lower()
    assert len(await workouts(bot)) == 1


async def test_a_rest_day_names_the_next_workout(bot: Harness) -> None:
    tomorrow = today() + timedelta(days=1)
    day = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[tomorrow.weekday()]
    await set_user(bot, training_days=day, onboarded=True)
    [reply] = await bot.say("anything planned for me?")
    assert "rest day" in reply.text and f"{tomorrow:%A}" in reply.text


# --- edit -----------------------------------------------------------------------------------
async def test_edit_the_day_note_and_direction(bot: Harness) -> None:
    logged = await log(bot, "easy 6k forward, then 4 min backwards")
    [menu] = await bot.press(logged, "Edit")
    [ask] = await bot.press(menu, "Day")
    [done] = await bot.press(ask, "Yesterday")
    assert "✏️ Updated" in done.text and day_label(today() - timedelta(days=1)) in done.text
    [menu] = await bot.press(done, "Edit")
    [ask] = await bot.press(menu, "Note")
    [noted] = await bot.say("windy on the seafront")
    assert "windy on the seafront" in noted.text
    [menu] = await bot.press(noted, "Edit")
    [parts] = await bot.press(menu, "Backward / forward")
    assert parts.button_texts() == ["6 km forward → backward", "4 min backward → forward"]
    [flipped] = await bot.press(parts, "6 km forward → backward")
    assert "6 km backward, then 4 min backward" in flipped.text
    [w] = await workouts(bot)
    assert w.local_date == today() - timedelta(days=1)
    assert (w.duration_s, w.distance_m, w.forward_m) == (240, 6000.0, None)
    assert w.notes == [["text", "windy on the seafront"]]


async def test_edit_the_amount_keeps_the_forward_part(bot: Harness) -> None:
    logged = await log(bot, "easy 6k forward, then 4 min backwards")
    [menu] = await bot.press(logged, "Edit")
    await bot.press(menu, "Amount")
    [done] = await bot.say("6 min")
    assert "6 km forward, then 6 min backward" in done.text
    [w] = await workouts(bot)
    assert (w.duration_s, w.forward_m) == (360, 6000.0)


# --- export ----------------------------------------------------------------------------------
async def test_export_has_the_backward_and_forward_columns(bot: Harness) -> None:
    await log(bot, "easy 6k forward, then 4 min backwards, calves sore")
    await log(bot, "yesterday ten 20 m backpedals")
    [doc] = await bot.say("/export")
    assert doc.document is not None
    rows = list(csv.DictReader(io.StringIO(doc.document.decode("utf-8"), newline="")))
    first, second = rows
    assert (first["duration_s"], first["forward_m"], first["sore"]) == ("240", "6000", "calf")
    assert (first["mode"], first["reps"], first["notes"]) == ("run", "", "sore calves")
    assert (second["distance_m"], second["reps"], second["mode"]) == ("200", "10", "sprint")
    assert second["local_date"] == (today() - timedelta(days=1)).isoformat()


async def test_an_offer_for_an_earlier_day_names_the_day(bot: Harness) -> None:
    [offer] = await bot.say("yesterday 8x15m backpedal, hammy tight")
    assert f"Sounds like a session on {day_label(today() - timedelta(days=1))}" in offer.text
    assert "8 × 15 m backward sprint" in offer.text and "tight hamstrings" in offer.text
    [logged] = await bot.press(offer, "Log it")
    [w] = await workouts(bot)
    assert (w.local_date, w.distance_m, w.reps, w.sore) == (
        today() - timedelta(days=1),
        120.0,
        8,
        "hamstring",
    )
    assert logged.text.startswith("✅ Logged")


async def test_a_days_and_time_answer_is_not_taken_for_a_session(bot: Harness) -> None:
    await bot.say("/start")
    [welcome] = bot.messages()[-1:]
    await bot.press(welcome, welcome.button_texts()[0])
    assert await conversation(bot) == ("onboard", "days")
    replies = await bot.say("mon wed fri 7:30")
    assert not any("Shall I log it?" in r.text for r in replies)
    assert await workouts(bot) == []


async def test_a_session_from_last_week_is_counted_in_last_week(bot: Harness) -> None:
    await log(bot, "3 min backwards")
    last_week = today() - timedelta(days=today().weekday() + 1)  # last Sunday
    back = (today() - last_week).days
    reply = await log(bot, f"{back} days ago 2 min backwards")
    assert f"Logged for {day_label(last_week)}" in reply.text
    assert "5 min backward this week" not in reply.text
    stored = {w.local_date: w.duration_s for w in await workouts(bot)}
    assert stored == {today(): 180, last_week: 120}
