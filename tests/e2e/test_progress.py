"""/progress through the fake Bot API: the numbers a user reads and the chart they get."""

from __future__ import annotations

import asyncio
import io
import os
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from PIL import Image

from bot.charts import render_progress_chart
from bot.coach.types import WeekStat
from bot.db.models import PlanChange, Workout
from tests.e2e.harness import Harness

PNG = b"\x89PNG\r\n\x1a\n"


def this_monday() -> date:
    today = datetime.now(UTC).date()  # the test user's zone is the default, UTC
    return today - timedelta(days=today.weekday())


def spy_chart(monkeypatch: pytest.MonkeyPatch) -> list[tuple[WeekStat, ...]]:
    """Record the weeks the chart is drawn from, then draw it for real."""
    calls: list[tuple[WeekStat, ...]] = []

    async def spy(weeks: Sequence[WeekStat]) -> bytes:
        calls.append(tuple(weeks))
        return await render_progress_chart(weeks)

    monkeypatch.setattr("bot.handlers.progress.render_progress_chart", spy)
    return calls


async def test_a_new_user_gets_encouragement_and_no_empty_chart(bot: Harness) -> None:
    await bot.say("/start")
    [reply] = await bot.say("/progress")
    assert reply.kind == "text"
    assert "Nothing logged yet" in reply.text
    assert "/log 2 min felt good" in reply.text
    assert "Week 1 · Familiarization" in reply.text
    assert bot.server.calls("sendPhoto") == []


async def test_progress_shows_this_week_and_a_png_chart(bot: Harness) -> None:
    await bot.say("/start")
    await bot.say("/log 3 min felt good")
    await bot.say("/log 2 min, knee pain")
    text, photo = await bot.say("/progress")

    assert text.kind == "text"
    assert "Plan: week 1 of 8 · Familiarization" in text.text
    # two logs on one day: one session (a training day)
    assert "Sessions: 1 of 3" in text.text
    assert "Backward: 5 min" in text.text
    assert "Target: 3 sessions of 1 min–1 min 30 s of backward jogging" in text.text
    assert "Pain flagged on 1 day" in text.text
    assert "1 session · 5 min backward" in text.text
    assert "Longest day: 5 min" in text.text
    assert "on hold while the pain settles" in text.text and "🔥" not in text.text

    assert photo.kind == "photo" and photo.photo is not None
    assert photo.photo.startswith(PNG)
    image = Image.open(io.BytesIO(photo.photo))
    image.verify()
    assert image.format == "PNG" and image.size == (1200, 900)
    assert "Backward minutes per week" in photo.text  # the caption explains the chart
    if out := os.environ.get("SAVE_PROGRESS_CHART"):
        # to look at the chart: SAVE_PROGRESS_CHART=/tmp/chart.png pytest ...
        await asyncio.to_thread(Path(out).write_bytes, photo.photo)


async def seed_history(bot: Harness) -> date:
    """A user who joined four weeks ago: met week 1, met week 2 with a pain flag (held),
    paused a week, met week 2 again (advanced), and did one session this week in week 3."""
    m0 = this_monday()
    plan = [(3, 1, 2, "advance"), (2, 2, 2, "hold"), (1, 2, 2, "rest"), (0, 2, 3, "advance")]
    sessions = {4: (3, 90, False), 3: (3, 120, True), 1: (3, 150, False), 0: (1, 200, False)}
    async with bot.db.uow() as repo:
        user = await repo.get_user(1001)
        assert user is not None
        user.created_at = datetime.combine(m0 - timedelta(weeks=4, days=-1), time(9), UTC)
        user.plan_week, user.plan_week_start = 3, m0
        for back, frm, to, decision in plan:
            await repo.record_plan_change(
                PlanChange(
                    user_id=1001,
                    week_start=m0 - timedelta(weeks=back),
                    from_week=frm,
                    to_week=to,
                    decision=decision,
                    reason="test",
                )
            )
        for back, (count, seconds, pain) in sessions.items():
            for i in range(count):
                day = m0 - timedelta(weeks=back) + timedelta(days=i)
                await repo.add_workout(
                    Workout(
                        user_id=1001,
                        logged_at=datetime.combine(day, time(7), UTC),
                        local_date=day,
                        duration_s=seconds,
                        pain=pain and i == 0,
                        text=f"{seconds}s backward",
                        plan_week=3,
                    )
                )
    return m0


async def test_past_weeks_streak_and_chart_follow_the_plan_history(
    bot: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    await bot.say("/start")
    m0 = await seed_history(bot)
    charts = spy_chart(monkeypatch)
    text, photo = await bot.say("/progress")

    assert "Plan: week 3 of 8 · Build duration" in text.text
    assert "Sessions: 1 of 3" in text.text  # this week
    assert "Sessions: 3 of 3 ✅" in text.text  # last week
    assert "10 sessions · 21 min 20 s backward" in text.text
    assert "Longest day: 3 min 20 s" in text.text
    # from the decisions: -1 advanced (+1), the pause skipped, the pain week held (ends it)
    assert "Weekly streak: 1 week on target" in text.text
    assert photo.kind == "photo" and photo.photo is not None and photo.photo.startswith(PNG)

    [weeks] = charts
    assert [w.week_start for w in weeks] == [m0 - timedelta(weeks=k) for k in range(7, -1, -1)]
    assert [w.sessions for w in weeks] == [0, 0, 0, 3, 3, 0, 3, 1]
    assert [w.pain_sessions for w in weeks] == [0, 0, 0, 0, 1, 0, 0, 0]
    assert [w.paused for w in weeks] == [False] * 5 + [True, False, False]
    # each week against the plan week of its time: none before joining, weeks 1, 2, pause, 2, 3
    assert [(w.target_min_s, w.target_max_s) for w in weeks] == [
        (0, 0),
        (0, 0),
        (0, 0),
        (60, 90),
        (90, 120),
        (0, 0),  # the pause had no target
        (90, 120),
        (120, 180),
    ]


async def test_the_text_arrives_when_the_chart_cannot_be_drawn(
    bot: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(weeks: Sequence[WeekStat]) -> bytes:
        raise RuntimeError("matplotlib exploded")

    monkeypatch.setattr("bot.handlers.progress.render_progress_chart", broken)
    await bot.say("/start")
    await bot.say("/log 3 min felt good")
    text, note = await bot.say("/progress")
    assert "Sessions: 1 of 3" in text.text
    assert "couldn't draw your chart" in note.text
    assert bot.server.calls("sendPhoto") == []


async def test_the_text_arrives_when_telegram_rejects_the_photo(bot: Harness) -> None:
    await bot.say("/start")
    await bot.say("/log 3 min felt good")
    bot.server.fail("sendPhoto", status=400, description="Bad Request: IMAGE_PROCESS_FAILED")
    [text] = await bot.say("/progress")
    assert "Sessions: 1 of 3" in text.text
    assert "Sorry" not in text.text
    again = await bot.say("/progress")
    assert [m.kind for m in again] == ["text", "photo"]


async def test_old_sessions_only_give_totals_without_an_empty_chart(bot: Harness) -> None:
    await bot.say("/start")
    long_ago = this_monday() - timedelta(weeks=20)
    async with bot.db.uow() as repo:
        await repo.add_workout(
            Workout(
                user_id=1001,
                logged_at=datetime.combine(long_ago, time(7), UTC),
                local_date=long_ago,
                duration_s=240,
                text="4 min",
            )
        )
    [reply] = await bot.say("/progress")
    assert "1 session · 4 min backward" in reply.text
    assert "no chart this time" in reply.text
    assert bot.server.calls("sendPhoto") == []
