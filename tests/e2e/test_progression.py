"""Weekly progression, stored side: catch_up_plan writes one PlanChange per finished week with
its reason and puts the reason on the user; /plan and the weekly summary show it.

The rules themselves (coach/plan.py) are unit-tested in tests/unit/test_plan.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine

from bot.content import Content, load_content
from bot.db.models import PlanChange, User, Workout
from bot.db.session import Database
from bot.service import catch_up_plan
from tests.e2e.harness import Harness
from tests.e2e.reminder_helpers import (
    UID,
    dispatch_at,
    load,
    local,
    reminders_in,
    signup,
    utc,
)
from tests.support import plan_changes

MONDAY = date(2026, 6, 1)  # the week being reviewed: Mon 1 .. Sun 7 June 2026
NEXT_MONDAY = MONDAY + timedelta(weeks=1)


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content()


async def new_user(db: Database, week: int = 1, track: str = "beginner") -> None:
    async with db.uow() as repo:
        user, _ = await repo.ensure_user(UID, UID, "Ana", "UTC")
        user.plan_week, user.plan_week_start, user.track = week, MONDAY, track


async def add_sessions(
    db: Database, days: Sequence[date], seconds: int = 600, pain_on: Sequence[date] = ()
) -> None:
    async with db.uow() as repo:
        for day in days:
            await repo.add_workout(
                Workout(
                    user_id=UID,
                    logged_at=datetime.combine(day, time(7, 45), UTC),
                    local_date=day,
                    duration_s=seconds,
                    pain=day in pain_on,
                    text="test",
                )
            )


async def catch_up(db: Database, content: Content, today: date) -> tuple[User, list[PlanChange]]:
    async with db.uow() as repo:
        user = await repo.get_user(UID)
        assert user is not None
        await catch_up_plan(repo, content, user, today)
    async with db.uow() as repo:
        user = await repo.get_user(UID)
        assert user is not None
        return user, list(await plan_changes(repo, UID))


MON, WED, FRI = MONDAY, MONDAY + timedelta(days=2), MONDAY + timedelta(days=4)


@pytest.mark.parametrize(
    ("week", "days", "pain_on", "decision", "to_week", "reason"),
    [
        pytest.param(
            1,
            [MON, WED, FRI],
            [],
            "advance",
            2,
            "advance done=3 target=3 week=2",
            id="target-met",
        ),
        pytest.param(
            1,
            [MON, WED, FRI],
            [WED],
            "hold",
            1,
            "pain week=1",
            id="pain",
        ),
        pytest.param(
            3,
            [MON, WED],
            [],
            "hold",
            3,
            "hold done=2 target=3 week=3",
            id="half-or-more",
        ),
        pytest.param(
            3,
            [MON],
            [],
            "repeat",
            3,
            "repeat done=1 target=3 week=3",
            id="under-half",
        ),
        pytest.param(
            2,
            [],
            [],
            "repeat",
            2,
            "repeat done=0 target=3 week=2",
            id="nothing",
        ),
        pytest.param(
            8,
            [MON, WED, FRI],
            [],
            "finish",
            8,
            "finish done=3 target=3 week=8",
            id="plan-done",
        ),
    ],
)
async def test_a_finished_week_stores_its_change_and_reason(
    db: Database,
    content: Content,
    week: int,
    days: list[date],
    pain_on: list[date],
    decision: str,
    to_week: int,
    reason: str,
) -> None:
    await new_user(db, week)
    await add_sessions(db, days, pain_on=pain_on)
    user, [change] = await catch_up(db, content, NEXT_MONDAY + timedelta(days=2))
    assert (change.week_start, change.from_week, change.to_week) == (NEXT_MONDAY, week, to_week)
    assert (change.decision, change.reason) == (decision, reason)
    assert (user.plan_week, user.plan_reason, user.plan_week_start) == (
        to_week,
        reason,
        NEXT_MONDAY,
    )


async def test_a_week_paused_throughout_changes_nothing(db: Database, content: Content) -> None:
    await new_user(db, 4)
    async with db.uow() as repo:
        user = await repo.get_user(UID)
        assert user is not None
        user.paused_until = datetime(2026, 6, 10, tzinfo=UTC)
    user, [change] = await catch_up(db, content, NEXT_MONDAY)
    assert (change.decision, change.to_week, user.plan_week) == ("rest", 4, 4)
    assert user.plan_reason == "rest week=4"


async def test_nothing_changes_before_the_week_is_over(db: Database, content: Content) -> None:
    await new_user(db, 1)
    await add_sessions(db, [MON, WED, FRI])
    user, changes = await catch_up(db, content, MONDAY + timedelta(days=6))  # still Sunday
    assert changes == [] and user.plan_week == 1


async def test_each_missed_week_is_decided_once_in_order(db: Database, content: Content) -> None:
    """Three weeks without the bot looking: a good week, then two empty ones."""
    await new_user(db, 1)
    await add_sessions(db, [MON, WED, FRI])
    today = MONDAY + timedelta(weeks=3)
    user, changes = await catch_up(db, content, today)
    assert [(c.week_start, c.decision, c.from_week, c.to_week) for c in changes] == [
        (MONDAY + timedelta(weeks=1), "advance", 1, 2),
        (MONDAY + timedelta(weeks=2), "repeat", 2, 2),
        (MONDAY + timedelta(weeks=3), "repeat", 2, 2),
    ]
    assert user.plan_week == 2 and user.plan_week_start == today
    assert user.plan_reason == changes[-1].reason
    # Looking again (another replica, another handler) decides nothing new.
    again, same = await catch_up(db, content, today + timedelta(days=3))
    assert [c.id for c in same] == [c.id for c in changes]
    assert (again.plan_week, again.plan_reason) == (user.plan_week, user.plan_reason)


async def test_a_long_absence_replays_at_most_eight_weeks(db: Database, content: Content) -> None:
    await new_user(db, 5)
    today = MONDAY + timedelta(weeks=20)
    user, changes = await catch_up(db, content, today)
    assert len(changes) == 8
    assert user.plan_week == 5 and user.plan_week_start == today


async def test_a_new_user_starts_this_week_with_a_reason(db: Database, content: Content) -> None:
    async with db.uow() as repo:
        await repo.ensure_user(UID, UID, "Ana", "UTC")
    user, changes = await catch_up(db, content, WED)
    assert changes == []
    assert (user.plan_week, user.plan_week_start) == (1, MONDAY)
    assert user.plan_reason == "start"


# --- seen by the user -------------------------------------------------------------------------
async def log_week(coach: Harness, clock: time_machine.Traveller, texts: Sequence[str]) -> None:
    """Log on Mon, Wed, Fri of the week of 8 June 2026, at 08:00 UTC, as the user types it."""
    for offset, text in zip((0, 2, 4), texts, strict=False):
        clock.move_to(utc(2026, 6, 8 + offset, 8, 0))
        replies = await coach.say(f"/log {text}")
        assert "Logged" in replies[0].text


async def test_the_weekly_summary_and_plan_show_the_progression_and_its_reason(
    coach: Harness, clock: time_machine.Traveller
) -> None:
    clock.move_to(utc(2026, 6, 8, 6, 0))  # Monday 8 June: the user's first week
    await signup(coach, remind="mon wed fri 07:30")
    await log_week(coach, clock, ["2 min felt good", "90s good", "2 min great"])
    # Sunday 14 June, 19:00: the summary.
    assert await dispatch_at(coach, clock, utc(2026, 6, 14, 19, 0, 5)) == ["sent"]
    summary = coach.messages()[-1]
    assert local(summary, "UTC").strftime("%a %H:%M") == "Sun 19:00"
    week2 = coach.deps.content.tracks["beginner"].weeks[1]
    preview = "3 of 3 sessions on target this week and no pain, so you'll move up to week 2."
    reason = "3 of 3 sessions on target last week and no pain, so you move up to week 2."
    assert "last week" not in summary.text  # said on Sunday about the week still running
    for line in (
        "Sessions on target: 3 of 3",
        "Backward time: 5 min 30 s",
        "Weekly streak: 1 week",
        preview,
        f"Next up: week 2: {week2.focus}",
    ):
        assert line in summary.text, (line, summary.text)
    # Monday: the change is stored with that reason, the reminder is week 2, /plan says why.
    assert await dispatch_at(coach, clock, utc(2026, 6, 15, 7, 30, 5)) == ["sent"]
    assert "Week 2" in reminders_in(coach)[-1].text
    async with coach.db.uow() as repo:
        [change] = await plan_changes(repo, UID)
    code = "advance done=3 target=3 week=2"
    assert (change.decision, change.to_week, change.reason) == ("advance", 2, code)
    [plan] = await coach.say("/plan")
    assert reason in plan.text
    assert (await load(coach.db)).plan_reason == code


async def test_pain_holds_the_week_in_the_summary_and_in_plan(
    coach: Harness, clock: time_machine.Traveller
) -> None:
    clock.move_to(utc(2026, 6, 8, 6, 0))
    await signup(coach, remind="mon wed fri 07:30")
    await log_week(coach, clock, ["2 min felt good", "90s sharp knee pain", "2 min ok"])
    assert await dispatch_at(coach, clock, utc(2026, 6, 14, 19, 0, 5)) == ["sent"]
    summary = coach.messages()[-1]
    reason = "You flagged pain, so we stay in week 1 until it settles."
    assert "You flagged pain:" in summary.text and "streak" not in summary.text
    assert reason in summary.text and "Next up: week 1" in summary.text
    clock.move_to(utc(2026, 6, 15, 9, 0))
    [plan] = await coach.say("/plan")
    assert reason in plan.text
    # the pain is still open: /plan offers rest, not the workout, with a way to say it's better
    assert "rest your knee" in plan.text and "🙂 It's better" in plan.button_texts()
    async with coach.db.uow() as repo:
        [change] = await plan_changes(repo, UID)
    assert (change.decision, change.from_week, change.to_week) == ("hold", 1, 1)


async def test_under_half_repeats_the_week_in_the_summary_and_in_plan(
    coach: Harness, clock: time_machine.Traveller
) -> None:
    clock.move_to(utc(2026, 6, 8, 6, 0))
    await signup(coach, remind="mon wed fri 07:30")
    await log_week(coach, clock, ["2 min felt good"])
    assert await dispatch_at(coach, clock, utc(2026, 6, 14, 19, 0, 5)) == ["sent"]
    summary = coach.messages()[-1]
    preview = "1 of 3 sessions on target this week, so we repeat week 1."
    reason = "1 of 3 sessions on target last week, so we repeat week 1."
    assert "Sessions on target: 1 of 3" in summary.text and preview in summary.text
    clock.move_to(utc(2026, 6, 15, 9, 0))
    [plan] = await coach.say("/plan")
    assert reason in plan.text
    assert (await load(coach.db)).plan_week == 1
