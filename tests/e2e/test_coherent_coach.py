"""One coherent coach, tried as each kind of person: the reply, /plan and /progress agree.

Every test here also passes the fixture's check that no reply warns and celebrates at once.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import time_machine

from tests.e2e.harness import Harness
from tests.e2e.reminder_helpers import UID, load, signup, utc

MONDAY = date(2026, 6, 8)
# A 1x1 PNG: these tests read the text of /progress, not its chart (tests/e2e/test_progress.py
# checks the chart), and drawing one for every simulated day would dominate their time.
TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154"
    "789c6360000002000001e221bc330000000049454e44ae426082"
)


@pytest.fixture(autouse=True)
def cheap_chart(monkeypatch: pytest.MonkeyPatch) -> None:
    async def draw(_weeks: object) -> bytes:
        return TINY_PNG

    monkeypatch.setattr("bot.handlers.progress.render_progress_chart", draw)


async def set_user(coach: Harness, **fields: object) -> None:
    async with coach.db.uow() as repo:
        user = await repo.get_user(UID)
        assert user is not None
        for name, value in fields.items():
            setattr(user, name, value)


async def start_as(
    coach: Harness, clock: time_machine.Traveller, track: str, days: str, week: int = 1
) -> None:
    clock.move_to(utc(2026, 6, 8, 6, 0))  # Monday 8 June
    await signup(coach, remind=f"{days} 07:30")
    await set_user(coach, track=track, plan_week=week)


async def reply_to(coach: Harness, text: str) -> str:
    [reply] = await coach.say(f"/log {text}")
    assert reply.text.startswith("✅ Logged"), reply.text
    return reply.text


async def plan_and_progress(coach: Harness) -> tuple[str, str]:
    [plan] = await coach.say("/plan")
    progress = await coach.say("/progress")
    return plan.text, progress[0].text


def plan_week_of(plan: str) -> int:
    found = re.search(r"Week (\d) of 8", plan)
    assert found, plan
    return int(found.group(1))


def progress_week_of(progress: str) -> int:
    found = re.search(r"Plan: week (\d) of 8", progress) or re.search(r"Week (\d) · ", progress)
    assert found, progress
    return int(found.group(1))


def sessions_this_week(progress: str) -> int:
    if "Nothing logged yet" in progress:
        return 0
    this_week = progress.split("Last week")[0]
    found = re.search(r"Sessions: (\d+) of \d+", this_week)
    assert found, progress
    return int(found.group(1))


async def test_five_logs_on_one_day_are_one_session(
    coach: Harness, clock: time_machine.Traveller
) -> None:
    await start_as(coach, clock, "beginner", "mon wed fri")
    clock.move_to(utc(2026, 6, 9, 8, 0))
    replies = [await reply_to(coach, "2 min backward jog") for _ in range(5)]
    _, progress = await plan_and_progress(coach)
    assert "Sessions: 1 of 3" in progress and "✅" not in progress.split("Last week")[0]
    assert "🔥" not in progress
    assert sum("🏅 First full week" in r for r in replies) == 0
    assert any("⚠️" in r for r in replies)  # five sessions' worth in a day: cautioned
    clock.move_to(utc(2026, 6, 15, 8, 0))  # next Monday: one day on target is not a week
    plan, progress = await plan_and_progress(coach)
    assert plan_week_of(plan) == progress_week_of(progress) == 1


async def test_a_first_week_overload_is_cautioned(
    coach: Harness, clock: time_machine.Traveller
) -> None:
    await start_as(coach, clock, "beginner", "mon wed fri")
    clock.move_to(utc(2026, 6, 8, 8, 0))
    text = await reply_to(coach, "19.5 min backwards")
    assert "⚠️" in text and "well above one session" in text
    assert "🏅" not in text and "👍" not in text


@pytest.mark.parametrize(
    ("track", "week", "days", "said"),
    [
        ("team", 1, "tue thu", "6x15m backpedal"),
        ("team", 3, "tue thu", "8 x 10m backward sprints and 8x15m backpedal"),
        ("runner", 1, "mon wed fri", "2 min backward jog in my warm-up"),
        ("runner", 5, "mon wed fri", "5x 1min backwards 2 min forward"),
        ("general", 1, "sat", "20 min backward walk"),
        ("general", 1, "sat", "15 min walking backwards"),
        ("rehab", 1, "mon wed fri", "4 min backward walking on the treadmill"),
        ("beginner", 1, "mon wed fri", "1 min backward jog"),
    ],
)
async def test_each_tracks_own_workout_as_written_is_on_target(
    coach: Harness, clock: time_machine.Traveller, track: str, week: int, days: str, said: str
) -> None:
    await start_as(coach, clock, track, days, week)
    clock.move_to(utc(2026, 6, 10, 8, 0))
    text = await reply_to(coach, said)
    assert "right on this week's" in text, text
    assert "⚠️" not in text


# Each kind of person, two simulated weeks, logging their track's workout as they'd say it.
PEOPLE = [
    ("beginner", "mon wed fri", ["1 min backward jog", "1 min 40 s backward jog"]),
    ("runner", "mon wed fri", ["2 min backward in my warm-up", "2 min 30 s backwards in warm-up"]),
    ("team", "tue thu", ["6x15m backpedal", "8x15m backpedal"]),
    ("rehab", "mon wed fri", ["4 min backward walk on treadmill", "5 min backward walking"]),
    ("general", "sat", ["18 min backward walk", "17 min backward walking"]),
]
WEEKDAY = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}


@pytest.mark.parametrize(("track", "days", "said"), PEOPLE, ids=[p[0] for p in PEOPLE])
async def test_two_weeks_as_each_person_reply_plan_and_progress_agree(
    coach: Harness, clock: time_machine.Traveller, track: str, days: str, said: list[str]
) -> None:
    await start_as(coach, clock, track, days)
    training = sorted(WEEKDAY[d] for d in days.split())
    for week_index in range(2):
        logged_days = 0
        for offset in range(7):
            day = MONDAY + timedelta(weeks=week_index, days=offset)
            clock.move_to(utc(day.year, day.month, day.day, 8, 0))
            if offset == 0:  # each Monday: where the plan stands, before anything is logged
                plan, progress = await plan_and_progress(coach)
                assert plan_week_of(plan) == progress_week_of(progress) == week_index + 1
                assert sessions_this_week(progress) == 0
                assert ("rest day" in plan) is (0 not in training)
            if offset not in training:
                continue
            text = await reply_to(coach, said[week_index])
            logged_days += 1
            assert "right on this week's" in text, text
            assert "⚠️" not in text
            plan, progress = await plan_and_progress(coach)
            assert plan_week_of(plan) == progress_week_of(progress) == week_index + 1
            assert "rest day" not in plan and "Today" in plan
            assert sessions_this_week(progress) == logged_days
            met = "✅" in progress.split("Last week")[0]
            assert met is (logged_days == len(training))  # met exactly when the week is
    # Monday of week 3: both weeks done as planned, so the plan moved up twice, and says why
    clock.move_to(utc(2026, 6, 22, 8, 0))
    plan, progress = await plan_and_progress(coach)
    assert plan_week_of(plan) == progress_week_of(progress) == 3
    assert "so you move up to week 3" in plan
    assert "Weekly streak: <b>" not in progress and "Weekly streak: 2 weeks on target 🔥" in (
        progress
    )


async def test_after_pain_the_coach_stays_consistent_until_it_is_better(
    coach: Harness, clock: time_machine.Traveller
) -> None:
    await start_as(coach, clock, "rehab", "mon wed fri")
    clock.move_to(utc(2026, 6, 8, 8, 0))
    first = await coach.say("/log 4 min backward walk, knee hurts")
    assert "Sorry about the pain in your knee" in first[0].text
    assert "It's better" in " ".join(first[0].button_texts())
    clock.move_to(utc(2026, 6, 10, 8, 0))  # Wednesday, a training day
    plan, progress = await plan_and_progress(coach)
    assert "rest your knee" in plan and "Today</b>: 3–5 min" not in plan
    assert "✅" not in progress.split("All time")[0] and "🔥" not in progress
    assert "on hold while the pain settles" in progress
    nxt = await reply_to(coach, "3 min backward walk")
    assert "how is it now" in nxt and "👍" not in nxt and "no need" not in nxt
    [plan_msg] = await coach.say("/plan")
    [better] = await coach.press(plan_msg, "It's better")
    assert "Glad it's better" in better.text
    assert (await load(coach.db)).pain_since is None
    plan, _ = await plan_and_progress(coach)
    assert "rest your knee" not in plan and "Today" in plan
    again = await reply_to(coach, "4 min backward walk")
    assert "how is it now" not in again


async def test_stop_signs_in_proportion(coach: Harness, clock: time_machine.Traveller) -> None:
    await start_as(coach, clock, "beginner", "mon wed fri")
    clock.move_to(utc(2026, 6, 8, 8, 0))
    graze = await reply_to(coach, "1 min, tripped and grazed my hand")
    assert "graze" in graze and "doctor" not in graze and "emergency" not in graze
    dizzy = await reply_to(coach, "1 min felt dizzy after")
    assert "rest" in dizzy and "emergency" not in dizzy
    chest = await reply_to(coach, "1 min, chest pain")
    assert "medical help right away" in chest


async def test_after_week_8_the_plan_offers_a_choice(
    coach: Harness, clock: time_machine.Traveller
) -> None:
    await start_as(coach, clock, "beginner", "mon wed fri", week=8)
    await set_user(coach, plan_reason="finish done=3 target=3 week=8")
    [plan] = await coach.say("/plan")
    assert "finished the plan" in plan.text
    assert plan.button_texts() == [
        "🔁 Repeat the last phase",
        "🧘 Maintenance week",
        "🔀 Another plan",
    ]
    [done] = await coach.press(plan, "Repeat the last phase")
    assert "Back to week 7" in done.text
    user = await load(coach.db)
    assert (user.plan_week, user.plan_reason) == (7, "restart week=7")
    await set_user(coach, plan_week=8, plan_reason="finish done=3 target=3 week=8")
    [plan] = await coach.say("/plan")
    [choose] = await coach.press(plan, "Another plan")
    assert "Which plan next?" in choose.text and "Beginner" not in choose.button_texts()
    [switched] = await coach.press(choose, "Runner")
    assert "Runner plan, week 1" in switched.text
    user = await load(coach.db)
    assert (user.track, user.plan_week) == ("runner", 1)
    [plan] = await coach.say("/plan")
    assert "Week 1 of 8" in plan.text and "You switched plans" in plan.text


@pytest.mark.parametrize(
    ("track", "must", "must_not"),
    [
        ("team", "Warm up properly first", "a pace you could talk at"),
        ("rehab", "safety clip", "sprint"),
        ("general", "15–20 minutes", "sprint"),
    ],
)
async def test_safety_fits_the_track(
    coach: Harness, clock: time_machine.Traveller, track: str, must: str, must_not: str
) -> None:
    await start_as(coach, clock, track, "mon wed fri")
    [reply] = await coach.say("/safety")
    assert must in reply.text and must_not not in reply.text.lower()


async def test_all_time_totals_follow_logs_undo_and_edits(
    coach: Harness, clock: time_machine.Traveller
) -> None:
    """Totals are kept on the user row as sessions come in; an undo or edit sums them again."""
    await start_as(coach, clock, "beginner", "mon wed fri")
    for day, said in ((8, "1 min"), (9, "1 min 30 s"), (9, "30 s"), (10, "2 min")):
        clock.move_to(utc(2026, 6, day, 8, 0))
        await reply_to(coach, said)
    _, progress = await plan_and_progress(coach)
    assert "3 sessions · 5 min backward" in progress and "Longest day: 2 min" in progress
    [undone] = await coach.say("/undo")
    assert "Removed" in undone.text
    _, progress = await plan_and_progress(coach)
    assert "2 sessions · 3 min backward" in progress and "Longest day: 2 min" in progress
    async with coach.db.uow() as repo:
        [first] = [w for w in await repo.recent_workouts(UID) if w.duration_s == 60]
        first.duration_s = 300  # an edit, however it is made
    _, progress = await plan_and_progress(coach)
    assert "2 sessions · 7 min backward" in progress and "Longest day: 5 min" in progress
