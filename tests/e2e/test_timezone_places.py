"""/timezone and the onboarding zone step with place names, through the fake Bot API: a clear
place answers at once and says which place it took; a name several places share is a choice
of buttons, and the press sets the zone."""

from __future__ import annotations

import time_machine

from tests.e2e.harness import Harness
from tests.e2e.reminder_helpers import load, signup, utc


async def test_a_city_answers_directly_and_names_the_place(
    coach: Harness, clock: time_machine.Traveller
) -> None:
    clock.move_to(utc(2026, 6, 10, 6, 0))
    [reply] = await coach.say("/timezone lahore")
    assert "Time zone set to Asia/Karachi (Lahore, Punjab, Pakistan)" in reply.text
    assert "It's 11:00 on Wed 10 Jun there" in reply.text
    assert reply.buttons() == []
    assert (await load(coach.db)).timezone == "Asia/Karachi"


async def test_city_with_region_or_country_is_honoured(coach: Harness) -> None:
    for typed, zone, place in [
        ("London, Ontario", "America/Toronto", "London, Ontario, Canada"),
        ("paris texas", "America/Chicago", "Paris, Texas, United States"),
        ("Portland, Maine", "America/New_York", "Portland, Maine, United States"),
        ("portland oregon", "America/Los_Angeles", "Portland, Oregon, United States"),
    ]:
        [reply] = await coach.say(f"/timezone {typed}")
        assert f"Time zone set to {zone} ({place})" in reply.text
        assert (await load(coach.db)).timezone == zone


async def test_a_dominant_city_says_how_to_reach_the_other_one(coach: Harness) -> None:
    await signup(coach)  # reminders daily at 07:30, zone UTC
    [reply] = await coach.say("/timezone london")
    assert "Time zone set to Europe/London (London, England" in reply.text
    assert "Meant London, Ontario, Canada? Send /timezone london, ontario" in reply.text
    [other] = await coach.say("/timezone london, ontario")
    assert "America/Toronto" in other.text
    user = await load(coach.db)
    assert user.timezone == "America/Toronto"
    assert user.next_reminder_at == utc(2026, 6, 10, 11, 30)  # 07:30 EDT


async def test_a_shared_name_offers_buttons_and_the_press_sets_the_zone(coach: Harness) -> None:
    await signup(coach)
    [ask] = await coach.say("/timezone cambridge")
    assert "more than one “cambridge”" in ask.text
    labels = ask.button_texts()
    assert "Cambridge, England, Britain (UK) · Europe/London" in labels
    mass = "Cambridge, Massachusetts, United States · America/New_York"
    assert mass in labels and 2 <= len(labels) <= 5
    assert (await load(coach.db)).timezone == "UTC"  # nothing changes before the press
    [done] = await coach.press(ask, mass)
    assert "Time zone set to America/New_York" in done.text
    user = await load(coach.db)
    assert user.timezone == "America/New_York"
    assert user.next_reminder_at == utc(2026, 6, 10, 11, 30)


async def test_a_region_that_names_no_such_city_is_not_skipped(coach: Harness) -> None:
    await signup(coach)
    [ask] = await coach.say("/timezone london, france")
    assert "I don't know a London in “france”" in ask.text
    assert any(label.endswith("· Europe/London") for label in ask.button_texts())
    assert (await load(coach.db)).timezone == "UTC"


async def test_onboarding_zone_step_offers_the_places_and_the_press_finishes(
    bot: Harness,
) -> None:
    [step] = await bot.say("/start")
    for _ in range(3):
        [step] = await bot.press(step, "Skip")
    [ask] = await bot.say("springfield")
    assert "more than one “springfield”" in ask.text
    choice = next(t for t in ask.button_texts() if t.startswith("Springfield, Massachusetts"))
    [done] = await bot.press(ask, choice)
    assert "All set" in done.text
    async with bot.db.uow() as repo:
        user = await repo.get_user(1001)
    assert user is not None and user.timezone == "America/New_York" and user.onboarded


async def test_onboarding_zone_step_takes_a_city_with_its_region(bot: Harness) -> None:
    [step] = await bot.say("/start")
    for _ in range(3):
        [step] = await bot.press(step, "Skip")
    [done] = await bot.say("christchurch")
    assert "All set" in done.text and "Pacific/Auckland" in done.text


async def test_a_country_with_several_zones_asks_which(coach: Harness) -> None:
    await signup(coach)
    [ask] = await coach.say("/timezone usa")
    assert "United States has more than one time zone" in ask.text
    assert "United States · America/Chicago" in ask.button_texts()
    [done] = await coach.press(ask, "United States · America/Chicago")
    assert "Time zone set to America/Chicago" in done.text
    assert (await load(coach.db)).timezone == "America/Chicago"


async def test_a_typo_is_offered_with_the_place_never_set(coach: Harness) -> None:
    await signup(coach)
    [ask] = await coach.say("/timezone christchruch")
    assert "Did you mean" in ask.text
    label = "Christchurch, Canterbury, New Zealand · Pacific/Auckland"
    assert label in ask.button_texts()
    assert (await load(coach.db)).timezone == "UTC"
    [done] = await coach.press(ask, label)
    assert "Time zone set to Pacific/Auckland" in done.text
