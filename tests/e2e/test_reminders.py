"""/remind, /timezone (and a shared location), /pause, /resume and the reminder buttons,
through the fake Bot API; and the new user's story: a reminder set two minutes ahead arrives
exactly once, also across a restart, sent by the real JobQueue-driven dispatcher."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from bot.db.models import User, Workout
from bot.db.session import Database
from tests.e2e.harness import Harness, button_data, start_harness, stop_harness
from tests.e2e.reminder_helpers import (
    UID,
    count_dispatcher_runs,
    dispatch_at,
    load,
    local,
    reminders_in,
    signup,
    utc,
)
from tests.fakes import FakeBotAPI
from tests.support import raw_session

# The clock starts on Wednesday 10 June 2026, 06:00 UTC (see test_dispatch.CLOCK).


async def workouts(db: Database, uid: int = UID) -> list[Workout]:
    async with raw_session(db) as s:
        return list((await s.scalars(select(Workout).where(Workout.user_id == uid))).all())


# --- /remind -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("args", "days", "at", "shown", "next_one"),
    [
        ("mon wed fri 07:30", "mon,wed,fri", "07:30", "mon, wed, fri", "Wed 10 Jun, 07:30"),
        ("daily 18:00", "mon,tue,wed,thu,fri,sat,sun", "18:00", "every day", "Wed 10 Jun, 18:00"),
        ("weekdays 6:45pm", "mon,tue,wed,thu,fri", "18:45", "weekdays", "Wed 10 Jun, 18:45"),
        ("tue,thu 19:00", "tue,thu", "19:00", "tue, thu", "Thu 11 Jun, 19:00"),
    ],
)
async def test_remind_sets_days_and_time_and_answers_with_the_next_one(
    coach: Harness, args: str, days: str, at: str, shown: str, next_one: str
) -> None:
    [reply] = await coach.say(f"/remind {args}")
    assert f"{shown} at {at}" in reply.text
    assert f"Next one: {next_one}" in reply.text
    user = await load(coach.db)
    assert (user.training_days, user.remind_time, user.reminders_on) == (days, at, True)
    assert user.next_reminder_at is not None
    assert user.next_reminder_at.strftime("%a %d %b, %H:%M") == next_one  # UTC user


async def test_a_time_alone_keeps_the_days(coach: Harness) -> None:
    await coach.say("/remind tue,thu 19:00")
    [reply] = await coach.say("/remind 7am")
    assert "tue, thu at 07:00" in reply.text
    user = await load(coach.db)
    assert (user.training_days, user.remind_time) == ("tue,thu", "07:00")


async def test_bare_remind_shows_days_time_zone_and_the_next_one_in_local_time(
    coach: Harness,
) -> None:
    await coach.say("/timezone Europe/Berlin")
    await coach.say("/remind mon wed fri 07:30")
    [reply] = await coach.say("/remind")
    assert "mon, wed, fri at 07:30 (Europe/Berlin)" in reply.text
    # 06:00 UTC is 08:00 in Berlin: today's 07:30 has passed, Friday's is next.
    assert "Next one: Fri 12 Jun, 07:30" in reply.text
    assert (await load(coach.db)).next_reminder_at == utc(2026, 6, 12, 5, 30)


async def test_remind_off_stops_reminders(coach: Harness, clock: time_machine.Traveller) -> None:
    await signup(coach)
    [reply] = await coach.say("/remind off")
    assert "Reminders are off" in reply.text
    user = await load(coach.db)
    assert user.reminders_on is False and user.next_reminder_at is None
    assert await dispatch_at(coach, clock, utc(2026, 6, 10, 7, 30, 5)) == []
    [status] = await coach.say("/remind")
    assert "Reminders are off" in status.text
    await coach.say("/remind daily 07:30")
    assert await dispatch_at(coach, clock, utc(2026, 6, 11, 7, 30, 5)) == ["sent"]


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        ("someday 07:30", "I don't know the day someday"),
        ("mon 25:00", "I couldn't read the time 25:00"),
        ("mon wed", "I need a time too"),
        ("fri 7:75pm", "I couldn't read the time 7:75pm"),
    ],
)
async def test_bad_days_or_times_get_an_example_and_change_nothing(
    coach: Harness, args: str, problem: str
) -> None:
    await coach.say("/remind tue,thu 19:00")
    before = await load(coach.db)
    [reply] = await coach.say(f"/remind {args}")
    assert problem in reply.text
    assert "/remind mon wed fri 07:30" in reply.text
    after = await load(coach.db)
    assert (after.training_days, after.remind_time, after.next_reminder_at) == (
        before.training_days,
        before.remind_time,
        before.next_reminder_at,
    )


# --- /timezone -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("typed", "zone", "local_now"),
    [
        ("Europe/Berlin", "Europe/Berlin", "08:00"),
        ("berlin", "Europe/Berlin", "08:00"),
        ("new york", "America/New_York", "02:00"),
        ("+5:30", "UTC+05:30", "11:30"),
        ("UTC", "UTC", "06:00"),
    ],
)
async def test_timezone_accepts_names_cities_and_offsets(
    coach: Harness, clock: time_machine.Traveller, typed: str, zone: str, local_now: str
) -> None:
    clock.move_to(utc(2026, 6, 10, 6, 0))
    [reply] = await coach.say(f"/timezone {typed}")
    assert f"Time zone set to {zone}" in reply.text
    assert f"It's {local_now} on Wed 10 Jun there" in reply.text
    assert (await load(coach.db)).timezone == zone


async def test_an_unknown_zone_gets_suggestions_to_tap(coach: Harness) -> None:
    await coach.say("/remind daily 07:30")
    [reply] = await coach.say("/timezone Berlinn")
    assert "Did you mean" in reply.text
    assert "Berlin, Germany · Europe/Berlin" in reply.button_texts()
    assert (await load(coach.db)).timezone == "UTC"
    [done] = await coach.press(reply, "Berlin, Germany · Europe/Berlin")
    assert "Time zone set to Europe/Berlin" in done.text
    assert (await load(coach.db)).timezone == "Europe/Berlin"


async def test_a_zone_with_no_close_match_gets_examples(coach: Harness) -> None:
    [reply] = await coach.say("/timezone qqqzzz")
    assert "/timezone berlin" in reply.text and "share your location" in reply.text


async def test_sharing_a_location_sets_the_zone_and_reschedules(coach: Harness) -> None:
    await signup(coach)
    coach.server.send_location(52.52, 13.405)  # Berlin
    await coach.settle()
    assert "Time zone set to Europe/Berlin" in coach.messages()[-1].text
    user = await load(coach.db)
    assert user.timezone == "Europe/Berlin"
    assert user.next_reminder_at == utc(2026, 6, 11, 5, 30)  # 07:30 CEST tomorrow


async def test_changing_the_zone_reschedules_at_once(
    coach: Harness, clock: time_machine.Traveller
) -> None:
    await signup(coach)
    assert (await load(coach.db)).next_reminder_at == utc(2026, 6, 10, 7, 30)
    await coach.say("/timezone new york")
    assert (await load(coach.db)).next_reminder_at == utc(2026, 6, 10, 11, 30)  # 07:30 EDT
    assert await dispatch_at(coach, clock, utc(2026, 6, 10, 7, 30, 5)) == []
    assert await dispatch_at(coach, clock, utc(2026, 6, 10, 11, 30, 5)) == ["sent"]
    assert local(reminders_in(coach)[-1], "America/New_York").strftime("%H:%M") == "07:30"


# --- /pause, /resume ---------------------------------------------------------------------------
async def test_pause_for_days_then_resume(coach: Harness) -> None:
    await signup(coach)
    [reply] = await coach.say("/pause 7")
    assert "paused until Wed 17 Jun" in reply.text
    user = await load(coach.db)
    assert user.paused_until is not None and user.paused_until.date().isoformat() == "2026-06-17"
    assert user.next_reminder_at == utc(2026, 6, 17, 7, 30)
    [status] = await coach.say("/remind")
    assert "Paused until Wed 17 Jun" in status.text
    [back] = await coach.say("/resume")
    assert "Reminders are back on. Next one: Wed 10 Jun, 07:30" in back.text
    user = await load(coach.db)
    assert user.paused_until is None and user.next_reminder_at == utc(2026, 6, 10, 7, 30)


async def test_pause_without_days_lasts_until_resume(coach: Harness) -> None:
    await signup(coach)
    [reply] = await coach.say("/pause")
    assert "until you send /resume" in reply.text
    assert (await load(coach.db)).next_reminder_at is None
    [status] = await coach.say("/remind")
    assert "Paused until you /resume" in status.text


async def test_a_pause_ends_on_the_same_local_day_in_every_reply(
    coach: Harness, clock: time_machine.Traveller
) -> None:
    """Auckland is UTC+12 in June: at 14:00 UTC on Wednesday it is already 02:00 on
    Thursday there, so a week's pause ends on Thursday 18 June, local, while the UTC date of
    that instant is the 17th."""
    await signup(coach, zone="Pacific/Auckland")
    clock.move_to(utc(2026, 6, 10, 14, 0))
    [reply] = await coach.say("/pause 7")
    user = await load(coach.db)
    assert user.paused_until is not None and user.paused_until.date().isoformat() == "2026-06-17"
    [status] = await coach.say("/remind")
    [settings] = await coach.say("/settings")
    assert "paused until Thu 18 Jun" in reply.text
    assert "Paused until Thu 18 Jun" in status.text
    assert "paused until Thu 18 Jun" in settings.text
    for text in (reply.text, status.text, settings.text):
        assert "17 Jun" not in text


@pytest.mark.parametrize("args", ["0", "abc", "400", "7 days"])
async def test_bad_pause_gets_an_example(coach: Harness, args: str) -> None:
    await signup(coach)
    [reply] = await coach.say(f"/pause {args}")
    assert "/pause 7" in reply.text
    user = await load(coach.db)
    assert user.paused_until is None and user.next_reminder_at is not None


# --- buttons -------------------------------------------------------------------------------------
async def _reminder(coach: Harness, clock: time_machine.Traveller) -> datetime:
    await signup(coach)
    assert await dispatch_at(coach, clock, utc(2026, 6, 10, 7, 30, 5)) == ["sent"]
    return utc(2026, 6, 10, 7, 30, 5)


async def test_done_logs_todays_target_and_closes_the_reminder(
    coach: Harness, clock: time_machine.Traveller
) -> None:
    await _reminder(coach, clock)
    [reminder] = reminders_in(coach)
    [reply] = await coach.press(reminder, "Done")
    # Done logs the week's session as written (week 1: 4 min walking, 1 min jogging)
    assert "Logged for Wed 10 Jun" in reply.text and "5 min" in reply.text
    assert "right on this week's" in reply.text and "⚠️" not in reply.text
    [closed] = reminders_in(coach)
    assert closed.buttons() == [] and "Done: logged 5 min" in closed.text
    [row] = await workouts(coach.db)
    assert (row.duration_s, row.source, row.local_date.isoformat()) == (
        300,
        "reminder",
        "2026-06-10",
    )


async def test_done_pressed_twice_before_the_edit_logs_once(
    coach: Harness, clock: time_machine.Traveller
) -> None:
    await _reminder(coach, clock)
    [reminder] = reminders_in(coach)
    data = button_data(reminder, "Done")
    coach.server.press(reminder, data)
    coach.server.press(reminder, data)  # a double tap: both queued before the first edit
    await coach.settle()
    assert len(await workouts(coach.db)) == 1
    assert reminders_in(coach)[0].buttons() == []


async def test_snooze_brings_the_reminder_back_an_hour_later_once(
    coach: Harness, clock: time_machine.Traveller
) -> None:
    await _reminder(coach, clock)
    [reminder] = reminders_in(coach)
    await coach.press(reminder, "Snooze")
    [closed] = reminders_in(coach)
    assert closed.buttons() == [] and "Snoozed: I'll remind you again at 08:30" in closed.text
    user = await load(coach.db)
    assert user.snooze_until is not None
    due = user.snooze_until
    assert timedelta(minutes=59) < due - utc(2026, 6, 10, 7, 30) < timedelta(minutes=61)
    assert await dispatch_at(coach, clock, due - timedelta(seconds=10)) == []
    assert await dispatch_at(coach, clock, due + timedelta(seconds=5)) == ["sent"]
    again = reminders_in(coach)[-1]
    assert "reminder again" in again.text
    assert again.button_texts() == ["✅ Done", "Skip today", "▶️ Audio guide"]  # no second snooze
    assert await dispatch_at(coach, clock, due + timedelta(minutes=5)) == []
    assert len(reminders_in(coach)) == 2
    await coach.press(again, "Done")
    assert len(await workouts(coach.db)) == 1


async def test_skip_closes_the_reminder_and_logs_nothing(
    coach: Harness, clock: time_machine.Traveller
) -> None:
    await _reminder(coach, clock)
    [reminder] = reminders_in(coach)
    assert await coach.press(reminder, "Skip today") == []
    [closed] = reminders_in(coach)
    assert closed.buttons() == [] and "Skipped today" in closed.text
    assert await workouts(coach.db) == []
    assert await dispatch_at(coach, clock, utc(2026, 6, 10, 9, 0)) == []
    assert len(reminders_in(coach)) == 1


async def test_yesterdays_reminder_button_has_expired(
    coach: Harness, clock: time_machine.Traveller
) -> None:
    await _reminder(coach, clock)
    [reminder] = reminders_in(coach)
    clock.move_to(utc(2026, 6, 11, 9, 0))
    [reply] = await coach.press(reminder, "Done")
    assert "another day" in reply.text
    assert reminders_in(coach)[0].buttons() == []
    assert await workouts(coach.db) == []


# --- the new user's story, with the real JobQueue dispatcher ------------------------------------
JUST_BEFORE = utc(2026, 6, 10, 9, 2) - timedelta(milliseconds=300)  # 09:01:59.7


async def test_a_new_user_gets_exactly_one_reminder_two_minutes_after_setting_it(
    server: FakeBotAPI, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs = count_dispatcher_runs(monkeypatch)
    with time_machine.travel(utc(2026, 6, 10, 9, 0, 10), tick=True) as clock:
        h = await start_harness(server, db, reminder_interval_s=0.2)
        try:
            [zone] = await h.say("/timezone UTC")
            assert "Time zone set to UTC" in zone.text
            [status] = await h.say("/remind daily 09:02")
            assert "Next one: Wed 10 Jun, 09:02" in status.text
            await runs.wait(2)
            assert reminders_in(h) == []
            clock.move_to(JUST_BEFORE)  # the two minutes pass
            await server.wait_for_messages(3, timeout=15)
            await runs.wait(3)
        finally:
            await stop_harness(h)
    [reminder] = reminders_in(h)
    sent = local(reminder, "UTC")
    assert utc(2026, 6, 10, 9, 2) <= sent < utc(2026, 6, 10, 9, 3)  # within 60 s
    assert reminder.button_texts() == ["✅ Done", "⏰ Snooze 1 h", "Skip today", "▶️ Audio guide"]
    assert server.errors == []


async def test_the_same_across_a_restart_of_the_bot(
    server: FakeBotAPI, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs = count_dispatcher_runs(monkeypatch)
    with time_machine.travel(utc(2026, 6, 10, 9, 0, 10), tick=True) as clock:
        first = await start_harness(server, db, reminder_interval_s=0.2)
        await first.say("/timezone UTC")
        await first.say("/remind daily 09:02")
        await stop_harness(first)
        clock.move_to(utc(2026, 6, 10, 9, 1, 30))  # a new process, before the minute
        second = await start_harness(server, db, reminder_interval_s=0.2)
        try:
            await runs.wait(1)
            clock.move_to(JUST_BEFORE)
            await server.wait_for_messages(3, timeout=15)
            await runs.wait(3)
        finally:
            await stop_harness(second)
        third = await start_harness(server, db, reminder_interval_s=0.2)  # and once more
        try:
            await runs.wait(3)
        finally:
            await stop_harness(third)
    [reminder] = reminders_in(third)
    sent = local(reminder, "UTC")
    assert utc(2026, 6, 10, 9, 2) <= sent < utc(2026, 6, 10, 9, 3)
    assert reminder.button_texts() == ["✅ Done", "⏰ Snooze 1 h", "Skip today", "▶️ Audio guide"]
    async with db.uow() as repo:
        assert [d.status for d in await repo.deliveries(UID)] == ["sent"]
        user = await repo.get_user(UID)
        assert isinstance(user, User) and user.next_reminder_at == utc(2026, 6, 11, 9, 2)
    assert server.errors == []
