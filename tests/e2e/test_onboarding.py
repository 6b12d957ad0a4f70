"""Onboarding in /start and /settings, as a new user meets them through the Bot API."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.db.models import User
from tests.e2e.harness import Harness
from tests.fakes import SentMessage


async def user_row(bot: Harness, user_id: int = 1001) -> User:
    async with bot.db.uow() as repo:
        user = await repo.get_user(user_id)
    assert user is not None
    return user


async def skip_every_step(bot: Harness, step: SentMessage) -> SentMessage:
    """Tap Skip (or, on the zone step, "Keep ...") through all four steps; the last reply."""
    for _ in range(4):
        label = "Skip" if "Skip" in step.button_texts() else step.button_texts()[0]
        [step] = await bot.press(step, label)
    return step


async def test_every_step_skipped_gives_the_defaults(bot: Harness) -> None:
    [hello] = await bot.say("/start")
    assert "which plan suits you" in hello.text.lower()
    step = await skip_every_step(bot, hello)
    assert "All set" in step.text
    assert "Week 1" in step.text and "Safety first" in step.text
    user = await user_row(bot)
    assert (user.track, user.training_days, user.remind_time, user.timezone) == (
        "beginner",
        "mon,wed,fri",
        "18:00",
        "UTC",
    )
    assert user.onboarded and user.reminders_on
    assert user.next_reminder_at is not None and user.next_reminder_at > datetime.now(UTC)


async def test_choices_by_button_and_typed_answers_are_stored(bot: Harness) -> None:
    [hello] = await bot.say("/start")
    [days] = await bot.press(hello, "Rehab")
    assert "Which days" in days.text
    assert days.buttons() and hello.buttons() == [], "answered step keeps no buttons"
    [time_q] = await bot.say("tue thu sat")
    assert "What time" in time_q.text
    [zone_q] = await bot.say("6:45pm")
    assert "time zone" in zone_q.text
    [done] = await bot.say("new york")
    assert "All set" in done.text and "America/New_York" in done.text
    user = await user_row(bot)
    assert (user.track, user.training_days, user.remind_time, user.timezone) == (
        "rehab",
        "tue,thu,sat",
        "18:45",
        "America/New_York",
    )


async def test_a_shared_location_answers_the_zone_step(bot: Harness) -> None:
    [step] = await bot.say("/start")
    for _ in range(3):
        [step] = await bot.press(step, "Skip")
    bot.server.send_location(52.52, 13.405)
    await bot.settle()
    assert "All set" in bot.messages()[-1].text
    assert (await user_row(bot)).timezone == "Europe/Berlin"


async def test_unknown_zone_offers_suggestions(bot: Harness) -> None:
    [step] = await bot.say("/start")
    for _ in range(3):
        [step] = await bot.press(step, "Skip")
    [suggest] = await bot.say("berln")
    assert "Berlin, Germany · Europe/Berlin" in suggest.button_texts()
    [done] = await bot.press(suggest, "Berlin, Germany · Europe/Berlin")
    assert "All set" in done.text
    assert (await user_row(bot)).timezone == "Europe/Berlin"


async def test_an_old_step_button_cannot_change_a_later_step(bot: Harness) -> None:
    [hello] = await bot.say("/start")
    data = hello.buttons()[0][0][1]
    assert data is not None
    await bot.press(hello, "Runner")
    bot.server.press(hello.message_id, data, check=False)
    await bot.settle()
    assert (await user_row(bot)).track == "runner"
    assert "no longer works" in bot.messages()[-1].text


async def test_settings_shows_choices_and_changes_each(bot: Harness) -> None:
    [step] = await bot.say("/start")
    await skip_every_step(bot, step)
    [settings] = await bot.say("/settings")
    for expected in ("Beginner", "mon, wed, fri", "18:00", "UTC"):
        assert expected in settings.text
    [ask] = await bot.press(settings, "Plan")
    [settings] = await bot.press(ask, "General fitness")
    assert "General" in settings.text
    [ask] = await bot.press(settings, "Days")
    [settings] = await bot.press(ask, "Weekends")
    [ask] = await bot.press(settings, "Time")
    [settings] = await bot.press(ask, "07:00")
    [ask] = await bot.press(settings, "Time zone")
    [settings] = await bot.say("+5:30")
    [settings] = await bot.press(settings, "Pause")
    assert "paused" in settings.text
    user = await user_row(bot)
    assert (user.track, user.training_days, user.remind_time, user.timezone) == (
        "general",
        "sat,sun",
        "07:00",
        "UTC+05:30",
    )
    assert user.paused_until is not None and user.next_reminder_at is None
    [settings] = await bot.press(settings, "Resume")
    user = await user_row(bot)
    assert user.paused_until is None and user.next_reminder_at is not None


async def test_returning_user_is_greeted_and_onboarding_is_not_repeated(bot: Harness) -> None:
    [hello] = await bot.say("/start")
    await bot.press(hello, "Team sports")
    [again] = await bot.say("/start")
    assert "Welcome back" in again.text
    assert (await user_row(bot)).track == "team"


async def test_the_track_question_is_asked_once_with_each_plan_summarised(bot: Harness) -> None:
    [hello] = await bot.say("/start")
    assert hello.text.lower().count("which plan") == 1
    content = bot.deps.content
    for track in content.tracks.values():
        assert f"{track.button}: {track.summary}" in hello.text
    assert hello.button_texts() == [*(t.button for t in content.tracks.values()), "Skip"]


async def test_a_pressed_answer_is_echoed_under_its_question(bot: Harness) -> None:
    [hello] = await bot.say("/start")
    [days] = await bot.press(hello, "Runner")
    assert "Which plan suits you?" in hello.text and hello.text.endswith("👉 Runner")
    assert hello.buttons() == []
    [time_q] = await bot.press(days, "Tue · Thu · Sat")
    assert days.text.endswith("👉 Tue · Thu · Sat")
    [zone_q] = await bot.press(time_q, "Skip")
    assert time_q.text.endswith("👉 Skipped")
    [done] = await bot.press(zone_q, "Keep UTC")
    assert zone_q.text.endswith("👉 Keep UTC")
    assert "All set" in done.text and "Runner plan" in done.text


async def test_the_zone_step_never_offers_two_buttons_for_one_clock(bot: Harness) -> None:
    [step] = await bot.say("/start")
    for _ in range(3):
        [step] = await bot.press(step, "Skip")
    assert step.button_texts() == ["Keep UTC"]
    [done] = await bot.say("berlin")
    assert "Europe/Berlin" in done.text
    [settings] = await bot.say("/settings")
    [ask] = await bot.press(settings, "Time zone")
    assert ask.button_texts() == ["Keep Europe/Berlin", "UTC"]
    [settings] = await bot.press(ask, "UTC")
    assert ask.text.endswith("👉 UTC")
    assert (await user_row(bot)).timezone == "UTC"


async def test_settings_plan_question_summarises_the_tracks_and_echoes(bot: Harness) -> None:
    [step] = await bot.say("/start")
    await skip_every_step(bot, step)
    [settings] = await bot.say("/settings")
    [ask] = await bot.press(settings, "Plan")
    assert ask.text.lower().count("which plan") == 1
    assert "Team sports: " in ask.text and "General fitness: " in ask.text
    [settings] = await bot.press(ask, "Team sports")
    assert ask.text.endswith("👉 Team sports")
    assert "Team sports plan" in settings.text
