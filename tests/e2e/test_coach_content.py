"""/tip, /safety and /plan through the Bot API, on content/ as shipped."""

from __future__ import annotations

from tests.e2e.harness import Harness


async def test_tip_finds_the_right_tip_despite_a_typo(bot: Harness) -> None:
    [reply] = await bot.say("/tip heal striking")
    assert reply.text.startswith("Heel striking")
    assert "ball" in reply.text.lower()


async def test_tip_without_a_match_lists_topics_as_buttons(bot: Harness) -> None:
    [reply] = await bot.say("/tip xyzzy pizza")
    assert "don't have" in reply.text
    labels = [label for row in reply.buttons() for label, _ in row]
    assert len(labels) >= 10 and "Heel striking" in labels
    [tip] = await bot.press(reply, "Heel striking")
    assert tip.text.startswith("Heel striking")


async def test_an_ambiguous_tip_offers_choices(bot: Harness) -> None:
    content = bot.deps.content
    query = next(
        (
            q
            for q in ("back", "knee", "pain", "balance", "speed", "calf")
            if content.search(q).choices
        ),
        None,
    )
    assert query is not None, "no ambiguous query among the samples"
    [reply] = await bot.say(f"/tip {query}")
    choices = [label for row in reply.buttons() for label, _ in row]
    assert 2 <= len(choices) <= 4
    [tip] = await bot.press(reply, choices[0])
    assert tip.text.startswith(choices[0])


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
        user.plan_week, user.plan_reason = 5, "advance done=3 target=3 week=5"
    [reply] = await bot.say("/plan")
    assert "Week 5 of 8" in reply.text
    assert "3 of 3 sessions on target last week and no pain, so you move up to week 5" in (
        reply.text
    )
