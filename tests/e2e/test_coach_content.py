"""/tip, /safety and /plan through the Bot API, on content/ as shipped."""

from __future__ import annotations

from tests.e2e.harness import Harness


async def test_tip_finds_the_right_tip_despite_a_typo(bot: Harness) -> None:
    [reply] = await bot.say("/tip heal striking")
    assert reply.text.startswith("Heel striking")
    assert "ball" in reply.text.lower()


async def test_tip_without_a_match_offers_a_short_list_and_every_topic_on_request(
    bot: Harness,
) -> None:
    [reply] = await bot.say("/tip xyzzy pizza")
    assert "don't have a tip on “xyzzy pizza”" in reply.text
    labels = reply.button_texts()
    assert 3 <= len(labels) <= 6 and labels[-1] == "📚 All topics"
    assert "Your first session" in labels and "When to stop: warning signs" in labels
    [tip] = await bot.press(reply, "Your first session")
    assert tip.text.startswith("Your first session")
    [listing] = await bot.press(reply, "📚 All topics")
    assert listing.text.startswith("Every topic")
    for title in ("How to backpedal", "Dusk and the dark", "Heel striking", "Stronger legs"):
        assert title in listing.text
    assert len(listing.text) < 4096


async def test_tip_close_to_some_topics_offers_only_those(bot: Harness) -> None:
    [reply] = await bot.say("/tip strong core")
    assert "closest" in reply.text
    labels = reply.button_texts()
    assert "Posture" in labels and "Stronger legs" in labels
    assert len(labels) <= 6


async def test_pain_in_a_body_part_is_answered_with_the_stop_signs(bot: Harness) -> None:
    [reply] = await bot.say("/tip my knee hurts when i go backwards")
    assert reply.text.startswith("When to stop: warning signs")
    assert "swelling" in reply.text and "sharp" in reply.text
    labels = reply.button_texts()
    assert "More: Easier on the knees" in labels and len(labels) <= 3
    [more] = await bot.press(reply, "More: Easier on the knees")
    assert more.text.startswith("Easier on the knees")
    [shins] = await bot.say("/tip shin pain 😣")
    assert shins.text.startswith("When to stop")
    assert "More: Shins: soreness or shin splints?" in shins.button_texts()


async def test_an_ambiguous_tip_offers_at_most_four_choices(bot: Harness) -> None:
    [reply] = await bot.say("/tip football")
    assert "Which one?" in reply.text
    choices = reply.button_texts()
    assert 2 <= len(choices) <= 4
    assert set(choices) <= {
        "How to backpedal",
        "Backward sprints",
        "Deceleration and braking",
        "Defensive footwork and drop-steps",
        "Warm-up before sprints",
    }
    [tip] = await bot.press(reply, choices[0])
    assert tip.text.startswith(choices[0])


async def test_every_track_gets_answers_in_its_own_words(bot: Harness) -> None:
    asked = {
        "how do i backpedal": "How to backpedal",
        "braking drills for soccer": "Deceleration and braking",
        "backwards in my warm up before a 10k": "Backward minutes in your warm-up",
        "1 min back 2 min forward": "Runner intervals",
        "running in the dark": "Dusk and the dark",
        "can i wear headphones": "Headphones",
        "how long should i go": "How long and how often",
        "hills": "Hills and inclines",
        "backward walking on the treadmill speed": "Treadmill progression for rehab",
    }
    for query, title in asked.items():
        [reply] = await bot.say(f"/tip {query}")
        offered = [reply.text, *reply.button_texts()]
        assert any(text.startswith(title) for text in offered), (query, offered)


async def test_bare_tip_rotates_through_unseen_tips(bot: Harness) -> None:
    seen = []
    for _ in range(5):
        [reply] = await bot.say("/tip")
        seen.append(reply.text.splitlines()[0])
    assert len(set(seen)) == 5


async def test_safety_is_short_and_names_stop_signs(bot: Harness) -> None:
    [reply] = await bot.say("/safety")
    assert "chest pain" in reply.text and "dizziness" in reply.text
    assert len(reply.text) < 1500


async def test_plan_shows_week_today_ahead_and_why(bot: Harness) -> None:
    await bot.say("/start")
    [reply] = await bot.say("/plan")
    assert "Week 1 of 8" in reply.text
    assert "Today" in reply.text and "Coming up" in reply.text and "Week 2" in reply.text
    assert "Why week 1" in reply.text


async def test_plan_reflects_the_stored_position_and_reason(bot: Harness) -> None:
    await bot.say("/start")
    async with bot.db.uow() as repo:
        user = await repo.get_user(1001)
        assert user is not None
        user.plan_week, user.plan_reason = 5, "You met last week's target, so on to week 5."
    [reply] = await bot.say("/plan")
    assert "Week 5 of 8" in reply.text and "on to week 5" in reply.text
