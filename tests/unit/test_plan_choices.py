"""The rules behind /plan's buttons and /tip's rotation, in service.py, on a user row alone."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.coach.plan import AfterPlan, restart_week
from bot.content import load_content
from bot.db.models import User
from bot.service import (
    RECENT_TIPS,
    choose_days,
    choose_track,
    delete_token,
    finish_plan,
    pause_end_day,
    plan_finished,
    recent_tips,
    remember_tip,
    switch_track,
    user_track,
)

CONTENT = load_content()
WEDNESDAY = date(2026, 6, 10)


def finished_user(track: str = "beginner") -> User:
    return User(
        id=7,
        chat_id=7,
        track=track,
        plan_week=8,
        plan_reason="finish done=3 target=3 week=8",
        recent_tips="",
        timezone="Pacific/Auckland",
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
    )


def test_the_plan_is_finished_only_after_a_finish_decision() -> None:
    user = finished_user()
    assert plan_finished(user)
    user.plan_reason = "advance done=3 target=3 week=8"
    assert not plan_finished(user)
    user.plan_reason = ""
    assert not plan_finished(user)


def test_repeat_goes_back_to_the_last_phase_and_keep_stays() -> None:
    user = finished_user()
    week = finish_plan(CONTENT, user, AfterPlan.REPEAT)
    assert week == restart_week(CONTENT.tracks["beginner"].weeks) == user.plan_week < 8
    assert user.plan_reason == f"restart week={week}"
    kept = finished_user()
    assert finish_plan(CONTENT, kept, AfterPlan.KEEP) == 8
    assert (kept.plan_week, kept.plan_reason) == (8, "maintain week=8")


def test_a_new_track_starts_at_week_1_this_week() -> None:
    user = finished_user()
    switch_track(user, CONTENT.tracks["runner"], WEDNESDAY)
    assert (user.track, user.plan_week, user.plan_reason) == ("runner", 1, "switch week=1")
    assert user.plan_week_start == date(2026, 6, 8)  # that week's Monday


def test_a_track_gone_from_content_falls_back_to_the_beginner_plan() -> None:
    assert user_track(CONTENT, finished_user("runner")).id == "runner"
    assert user_track(CONTENT, finished_user("retired")).id == "beginner"


def test_tips_rotate_newest_first_without_repeats() -> None:
    user = finished_user()
    tips = list(CONTENT.tips.values())
    assert len(tips) > RECENT_TIPS + 1
    for tip in tips[: RECENT_TIPS + 1]:
        remember_tip(user, tip)
    remember_tip(user, tips[3])
    shown = recent_tips(user)
    assert shown[0] == tips[3].id and len(shown) == len(set(shown)) == RECENT_TIPS
    assert tips[0].id not in shown  # the oldest fell off


def test_the_delete_token_belongs_to_the_row_as_created() -> None:
    user = finished_user()
    token = delete_token(user)
    assert token == delete_token(finished_user()) and len(token) == 16
    user.created_at = datetime(2026, 2, 1, tzinfo=UTC)  # deleted and started again
    assert delete_token(user) != token


@pytest.mark.parametrize(
    ("until", "expected"),
    [
        (None, None),
        (datetime(2026, 6, 1, tzinfo=UTC), None),  # over already
        (datetime(2026, 6, 16, 12, 0, tzinfo=UTC), date(2026, 6, 17)),  # Auckland's day
    ],
)
def test_a_pause_ends_on_the_users_own_day(until: datetime | None, expected: date | None) -> None:
    user = finished_user()
    user.paused_until = until
    assert pause_end_day(user, datetime(2026, 6, 10, tzinfo=UTC)) == expected


def test_a_picked_track_or_days_change_the_user_only_when_they_are_real() -> None:
    user = finished_user("beginner")
    user.training_days = "0,2,4"
    assert choose_track(user, "rehab") and user.track == "rehab"
    assert not choose_track(user, "rehabb") and user.track == "rehab"
    assert choose_days(user, [1, 3, 5]) and user.training_days != "0,2,4"
    picked = user.training_days
    for wrong in ([], [7], [0, 9]):
        assert not choose_days(user, wrong)
        assert user.training_days == picked
