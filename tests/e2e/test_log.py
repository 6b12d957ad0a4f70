"""/log <text>, coaching feedback, Edit, /undo, /history and plain-text offers, end to end.

Each test drives the real bot through the fake Bot API on SQLite and PostgreSQL and checks
what the user sees (text, buttons) and what the database holds afterwards.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.db.models import Workout
from bot.render import day_label
from tests.e2e.harness import Harness
from tests.fakes import SentMessage

USER = 1001
ALL_DAYS = "mon,tue,wed,thu,fri,sat,sun"


# --- helpers (the other test_log*.py files import these) -----------------------------------
async def workouts(bot: Harness, user_id: int = USER) -> Sequence[Workout]:
    async with bot.db.uow() as repo:
        return await repo.all_workouts(user_id)


async def set_user(bot: Harness, user_id: int = USER, **fields: Any) -> None:
    """Create the user if needed and set columns (plan week, zone, training days...)."""
    async with bot.db.uow() as repo:
        user, _ = await repo.ensure_user(user_id, user_id, "Ana", "UTC")
        for name, value in fields.items():
            setattr(user, name, value)


async def add_workout(
    bot: Harness, local_date: date, duration_s: int, user_id: int = USER, **fields: Any
) -> None:
    """A session stored earlier (history the feedback compares against)."""
    await set_user(bot, user_id)
    logged_at = datetime.combine(local_date, datetime.min.time(), UTC) + timedelta(hours=12)
    async with bot.db.uow() as repo:
        await repo.add_workout(
            Workout(
                user_id=user_id,
                logged_at=logged_at,
                local_date=local_date,
                duration_s=duration_s,
                text=f"{duration_s}s",
                **fields,
            )
        )


def today() -> date:
    return datetime.now(UTC).date()


def monday() -> date:
    return today() - timedelta(days=today().weekday())


async def conversation(bot: Harness, user_id: int = USER) -> tuple[str, str] | None:
    async with bot.db.uow() as repo:
        convo = await repo.get_conversation(user_id)
        return (convo.flow, convo.step) if convo else None


async def log(bot: Harness, text: str) -> SentMessage:
    """/log <text>, which must store a session and answer with one message."""
    [reply] = await bot.say(f"/log {text}")
    assert reply.text.startswith("✅ Logged"), reply.text
    return reply


# --- /log <text> -------------------------------------------------------------------------
async def test_log_replies_with_what_was_understood_feedback_and_buttons(bot: Harness) -> None:
    await set_user(bot, training_days=ALL_DAYS)
    reply = await log(bot, "400m in 2:30 felt hard, knee pain")
    assert f"Logged for {day_label(today())}" in reply.text
    for understood in ("2 min 30 s backward", "400 m", "felt hard", "pain (knee)"):
        assert understood in reply.text
    assert "<b>2 min 30 s</b>" in (reply.html or "")
    assert "rest" in reply.text and "physio or doctor" in reply.text
    assert reply.button_texts() == ["↩️ Undo", "✏️ Edit", "🙂 It's better", "😣 Still hurts"]
    [w] = await workouts(bot)
    assert (w.duration_s, w.distance_m, w.feeling, w.pain) == (150, 400.0, "hard", True)


async def test_a_session_stores_every_field(bot: Harness) -> None:
    await set_user(bot, plan_week=2, training_days=ALL_DAYS)
    before = datetime.now(UTC)
    await log(bot, "3 min on grass, felt good, sore calves")
    await log(bot, "2 min, ankle pain")
    first, second = await workouts(bot)
    assert before - timedelta(seconds=1) <= first.logged_at <= datetime.now(UTC)
    assert first.logged_at.utcoffset() == timedelta(0)
    assert first.local_date == today()
    assert (first.duration_s, first.distance_m, first.feeling) == (180, None, "good")
    assert (first.pain, first.body_parts) == (False, "")
    assert first.notes == [["surface", "grass"], ["sore", "calf"]]
    assert (first.sore, first.mode, first.forward_s, first.reps) == ("calf", "run", None, None)
    assert first.blocks == [
        {"rounds": 1, "parts": [{"dir": "backward", "mode": "run", "s": 180.0, "m": None}]}
    ]
    assert first.text == "3 min on grass, felt good, sore calves"
    assert (first.plan_week, first.plan_day, first.source) == (2, 1, "log")
    # the same day is the same training day
    assert (second.pain, second.body_parts, second.plan_day) == (True, "ankle", 1)


async def test_log_keeps_the_users_line_breaks(bot: Harness) -> None:
    await log(bot, "3 min\nfelt great")
    [w] = await workouts(bot)
    assert (w.text, w.feeling) == ("3 min\nfelt great", "great")


async def test_log_text_on_the_next_line_is_read(bot: Harness) -> None:
    [reply] = await bot.say("/log\n2 min\non grass")
    assert reply.text.startswith("✅ Logged")
    [w] = await workouts(bot)
    assert (w.duration_s, w.text) == (120, "2 min\non grass")


async def test_log_does_not_end_another_features_conversation(bot: Harness) -> None:
    await set_user(bot)
    async with bot.db.uow() as repo:
        await repo.set_conversation(USER, "onboard", "track", {})
    await log(bot, "3 min")
    assert await conversation(bot) == ("onboard", "track")


async def test_log_with_the_bot_username_works(bot: Harness) -> None:
    [reply] = await bot.say("/log@ReverseCoachBot 2 min")
    assert reply.text.startswith("✅ Logged")
    assert [w.duration_s for w in await workouts(bot)] == [120]


async def test_local_date_and_history_follow_the_users_time_zone(bot: Harness) -> None:
    for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago"):  # UTC+14 and UTC-11
        await set_user(bot, timezone=zone)
        local_today = datetime.now(ZoneInfo(zone)).date()
        reply = await log(bot, "2 min")
        assert f"Logged for {day_label(local_today)}" in reply.text
        assert (await workouts(bot))[-1].local_date == local_today
    [history] = await bot.say("/history")
    kiritimati, pago = (
        datetime.now(ZoneInfo(z)).date() for z in ("Pacific/Kiritimati", "Pacific/Pago_Pago")
    )
    assert history.text.index(day_label(pago)) < history.text.rindex(day_label(kiritimati))


# --- coaching feedback -------------------------------------------------------------------
async def test_feedback_compares_with_todays_target(bot: Harness) -> None:
    await set_user(bot, training_days=ALL_DAYS)  # week 1: 1–1½ min jogging, 3–6 min walking
    target = "1 min–1 min 30 s of backward jogging, or 3–6 min with walking"
    under = await log(bot, "30s")
    assert f"30 s backward logged: a little under this week's {target}" in under.text
    on = await log(bot, "30s")  # logs of one day add up: one session
    assert f"1 min backward today in all: right on this week's {target}" in on.text
    over = await log(bot, "40s")
    assert f"1 min 40 s backward today in all: above this week's {target}" in over.text
    assert "⚠️" not in over.text  # a little over is no caution
    walked = await log(bot, "4 min backward walk")  # walking has its own range
    assert "⚠️" not in walked.text


async def test_feedback_on_a_rest_day(bot: Harness) -> None:
    rest_day = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][(today().weekday() + 1) % 7]
    await set_user(bot, training_days=rest_day)
    reply = await log(bot, "80s")
    # training on another day is fine: judged like any session, no lecture about rest
    assert "right on this week's" in reply.text and "Rest" not in reply.text


async def test_pain_means_stop_rest_see_a_professional_and_the_plan_holds(bot: Harness) -> None:
    reply = await log(bot, "2 min, my left knee hurts")
    assert "Sorry about the pain in your knee" in reply.text
    assert "stop backward running for now and rest" in reply.text
    assert "see a physio or doctor" in reply.text
    assert "plan holds" in reply.text
    assert "⚠️ pain (knee)" in reply.text


async def test_red_flags_say_stop_now_and_get_checked(bot: Harness) -> None:
    reply = await log(bot, "3 min, sharp pain in my ankle and it is swollen")
    assert "Stop for today" in reply.text and "see a physio or doctor" in reply.text
    assert "your ankle" in reply.text and "plan holds" in reply.text
    urgent = await log(bot, "1 min, felt dizzy and chest pain")
    assert "get medical help right away" in urgent.text
    assert "🏅" not in urgent.text  # a safety reply celebrates nothing
    first, second = await workouts(bot)
    assert first.pain and first.body_parts == "ankle" and "swelling" in first.red_flags
    assert second.pain and "chest pain" in second.red_flags


async def test_soreness_is_expected_not_pain(bot: Harness) -> None:
    reply = await log(bot, "90s, sore calves")
    assert "Sore calves are expected in the first weeks" in reply.text
    assert "pain" not in reply.text.split("\n")[0]
    [w] = await workouts(bot)
    assert not w.pain


async def test_a_session_well_above_target_gets_a_caution(bot: Harness) -> None:
    await set_user(bot, training_days=ALL_DAYS)
    reply = await log(bot, "10 min")
    assert "⚠️ 10 min backward logged: well above one session this week" in reply.text
    assert "🏅" not in reply.text  # not even the first session is celebrated beside it


async def test_tips_match_the_words_used(bot: Harness) -> None:
    cases = {
        "landed on my heels": "Heel striking",
        "my neck got stiff": "Neck strain from looking back",
        "went too fast": "Too fast, too soon",
        "on uneven ground": "Running in the wrong place",
        "dodging traffic": "Running in the wrong place",
        "in the dark by the river": "Dusk and the dark",
        "with my headphones in": "Headphones: leave them out",
        "up the hill by the park": "Hills and inclines",
    }
    for words, title in cases.items():
        reply = await log(bot, f"80s {words}")
        assert f"💡 {title}:" in reply.text, reply.text
    plain = await log(bot, "80s felt good")
    assert "💡" not in plain.text


async def test_milestones_first_session_first_full_week_first_ten_minutes(bot: Harness) -> None:
    await set_user(bot, plan_week=8, training_days=ALL_DAYS)  # 3 sessions a week
    first = await log(bot, "10 min")
    assert "🏅 First session logged!" in first.text  # one milestone per reply
    for days_back in (2, 1):
        await add_workout(bot, today() - timedelta(days=days_back), 600)
    again = await log(bot, "1 min")  # the same day again: no more sessions, no medal
    assert "🏅" not in again.text


async def test_first_ten_minutes_is_celebrated_once(bot: Harness) -> None:
    await set_user(bot, plan_week=8, training_days=ALL_DAYS)
    await add_workout(bot, monday() - timedelta(days=8), 300)
    reply = await log(bot, "10 min")
    assert "🏅 First 10-minute day!" in reply.text
    assert "First session" not in reply.text
    [again] = await bot.say("/log 10 min")
    assert "🏅" not in again.text


async def test_ten_minutes_long_ago_is_remembered_without_reading_the_history(
    bot: Harness,
) -> None:
    """The first 10-minute day is told from the longest day kept on the user row once the
    totals are known; after an edit forgets them, it is summed again and stays right."""
    await set_user(bot, plan_week=8, training_days=ALL_DAYS)
    await add_workout(bot, monday() - timedelta(days=60), 660)
    for days_back in range(40, 20, -2):
        await add_workout(bot, monday() - timedelta(days=days_back), 120)
    first = await log(bot, "4 min")  # sums the totals once: the longest day is 11 min
    async with bot.db.uow() as repo:
        user = await repo.get_user(USER)
        assert user is not None and (user.totals_days, user.totals_longest_s) == (12, 660)
    assert "10-minute" not in first.text
    later = await log(bot, "7 min")  # 11 min today: not the first 10-minute day
    assert "10-minute" not in later.text


async def test_the_first_ten_minute_day_after_many_short_ones(bot: Harness) -> None:
    await set_user(bot, plan_week=8, training_days=ALL_DAYS)
    for days_back in range(30, 10, -1):
        await add_workout(bot, monday() - timedelta(days=days_back), 240)
    warm = await log(bot, "5 min")
    assert "🏅" not in warm.text
    crossed = await log(bot, "5 min")  # 10 minutes today, for the first time
    assert "🏅 First 10-minute day!" in crossed.text
    async with bot.db.uow() as repo:
        user = await repo.get_user(USER)
        assert user is not None and user.totals_longest_s == 600


async def test_an_undone_ten_minute_day_no_longer_counts(bot: Harness) -> None:
    """Undo forgets the kept totals, longest day included: the next ten minutes are the
    first again."""
    await set_user(bot, plan_week=8, training_days=ALL_DAYS)
    await add_workout(bot, monday() - timedelta(days=20), 240)
    long_one = await log(bot, "11 min yesterday")
    assert "🏅 First 10-minute day!" in long_one.text
    await bot.press(long_one, "Undo")
    async with bot.db.uow() as repo:
        user = await repo.get_user(USER)
        assert user is not None and user.totals_days is None
    await log(bot, "5 min")
    crossed = await log(bot, "5 min")
    assert "🏅 First 10-minute day!" in crossed.text


# --- edit --------------------------------------------------------------------------------
async def test_edit_duration_with_a_button(bot: Harness) -> None:
    logged = await log(bot, "3 min felt good")
    [menu] = await bot.press(logged, "Edit")
    assert "Editing: 3 min backward" in menu.text
    assert menu.button_texts() == [
        "⏱ Amount",
        "🙂 Feeling",
        "📅 Day",
        "📝 Note",
        "↔️ Backward / forward",
    ]
    [ask] = await bot.press(menu, "Amount")
    assert "What's the right time?" in ask.text
    assert "5 min" in ask.button_texts()
    [done] = await bot.press(ask, "5 min")
    assert "✏️ Updated: 5 min backward · felt good" in done.text
    assert done.button_texts() == ["↩️ Undo", "✏️ Edit"]
    assert ask.buttons() == []  # the choice can't be pressed again
    [w] = await workouts(bot)
    assert (w.duration_s, w.feeling) == (300, "good")
    assert await conversation(bot) is None


async def test_edit_duration_typed(bot: Harness) -> None:
    logged = await log(bot, "3 min")
    [menu] = await bot.press(logged, "Edit")
    await bot.press(menu, "Amount")
    [unclear] = await bot.say("a while")
    assert "couldn't read a time" in unclear.text
    [absurd] = await bot.say("999 hours")
    assert "more than I can believe" in absurd.text
    [done] = await bot.say("4")  # a bare number is minutes
    assert "Updated: 4 min backward" in done.text
    assert [w.duration_s for w in await workouts(bot)] == [240]


async def test_edit_feeling_with_a_button_or_typed(bot: Harness) -> None:
    logged = await log(bot, "3 min felt good")
    [menu] = await bot.press(logged, "Edit")
    [ask] = await bot.press(menu, "Feeling")
    [done] = await bot.press(ask, "hard")
    assert "felt hard" in done.text
    [menu2] = await bot.press(done, "Edit")
    await bot.press(menu2, "Feeling")
    [unclear] = await bot.say("hmm")
    assert "didn't catch how it felt" in unclear.text
    assert len(unclear.buttons()[0]) == 4
    [done2] = await bot.say("actually it was great")
    assert "felt great" in done2.text
    assert [w.feeling for w in await workouts(bot)] == ["great"]


async def test_an_old_forgotten_edit_does_not_swallow_a_new_session(bot: Harness) -> None:
    logged = await log(bot, "3 min")
    [menu] = await bot.press(logged, "Edit")
    await bot.press(menu, "Amount")
    async with bot.db.uow() as repo:
        convo = await repo.get_conversation(USER)
        assert convo is not None
        convo.data = {**convo.data, "since": int(convo.data["since"]) - 2 * 3600}
    [offer] = await bot.say("did 4 min backwards today, felt great")
    assert "Shall I log it?" in offer.text
    assert [w.duration_s for w in await workouts(bot)] == [180]


# --- undo --------------------------------------------------------------------------------
async def test_undo_button_removes_the_session_and_says_which(bot: Harness) -> None:
    logged = await log(bot, "3 min felt good")
    [undone] = await bot.press(logged, "Undo")
    assert f"Removed your session from {day_label(today())}: 3 min backward" in undone.text
    assert logged.buttons() == []
    assert await workouts(bot) == []


async def test_undo_command_removes_the_last_session_each_time(bot: Harness) -> None:
    await log(bot, "3 min")
    await log(bot, "5 min felt great")
    [first] = await bot.say("/undo")
    assert "Removed your session" in first.text and "5 min backward · felt great" in first.text
    assert [w.duration_s for w in await workouts(bot)] == [180]
    [second] = await bot.say("/undo")
    assert "3 min backward" in second.text
    [nothing] = await bot.say("/undo")
    assert "nothing to undo" in nothing.text
    assert await workouts(bot) == []


# --- history -----------------------------------------------------------------------------
async def test_history_shows_the_last_ten_newest_first(bot: Harness) -> None:
    for i in range(12):
        await add_workout(bot, today() - timedelta(days=12 - i), 60 + i)  # 1 min ... 1 min 11 s
    [reply] = await bot.say("/history")
    lines = reply.text.split("\n")
    assert lines[0] == "Your last 10 sessions, newest first:"
    rows = lines[2:]
    assert len(rows) == 10
    assert rows[0] == f"{day_label(today() - timedelta(days=1))}: 1 min 11 s backward"
    assert rows[-1] == f"{day_label(today() - timedelta(days=10))}: 1 min 2 s backward"


async def test_history_when_empty_and_with_one_session(bot: Harness) -> None:
    [empty] = await bot.say("/history")
    assert "No sessions yet" in empty.text and "/log" in empty.text
    await log(bot, "2 min felt ok")
    [one] = await bot.say("/history")
    assert one.text.startswith("Your session:")
    assert f"{day_label(today())}: 2 min backward · felt ok" in one.text


# --- plain text ----------------------------------------------------------------------------
async def test_plain_text_session_gets_an_offer_and_logs_only_on_the_button(bot: Harness) -> None:
    [offer] = await bot.say("did 4 min backwards today, felt great")
    assert "4 min backward · felt great" in offer.text and "Shall I log it?" in offer.text
    assert offer.button_texts() == ["✅ Log it", "No thanks"]
    assert await workouts(bot) == []
    [logged] = await bot.press(offer, "Log it")
    assert logged.text.startswith("✅ Logged") and "4 min backward" in logged.text
    assert offer.buttons() == []
    [w] = await workouts(bot)
    assert (w.duration_s, w.feeling, w.source) == (240, "great", "text")
    assert w.text == "did 4 min backwards today, felt great"


async def test_plain_text_offer_declined_stores_nothing(bot: Harness) -> None:
    [offer] = await bot.say("3 min backwards on grass")
    [reply] = await bot.press(offer, "No thanks")
    assert "won't log it" in reply.text
    assert offer.buttons() == []
    assert await workouts(bot) == [] and await conversation(bot) is None


async def test_plain_text_that_is_not_a_session_points_to_help(bot: Harness) -> None:
    for text in ("what shoes do you like", "is 5 min enough?", "pizza tonight 🍕"):
        [reply] = await bot.say(text)
        assert "/help" in reply.text and reply.buttons() == [], text
    assert await workouts(bot) == [] and await conversation(bot) is None


async def test_an_older_offer_is_refused_once_a_newer_one_is_made(bot: Harness) -> None:
    [old] = await bot.say("did 2 min backwards")
    [new] = await bot.say("did 3 min backwards")
    [refused] = await bot.press(old, "Log it")
    assert "no longer works" in refused.text
    [logged] = await bot.press(new, "Log it")
    assert "3 min backward" in logged.text
    assert [w.duration_s for w in await workouts(bot)] == [180]
