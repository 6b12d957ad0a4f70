"""Every command that takes words answers any words, and Telegram accepts every answer."""

from __future__ import annotations

import pytest

from tests.e2e.harness import Harness

NASTY = [
    "<b>bold</b> & <script>alert(1)</script> &amp; &#x27;",
    "'; DROP TABLE users; --",
    "🏃‍♀️" * 500,
    "бег назад 三分钟 ركض",
    "x" * 4000,
    "-5",
]
COMMANDS = ["/tip", "/timezone", "/remind", "/pause", "/log", ""]


@pytest.mark.parametrize("command", COMMANDS)
async def test_nasty_words_get_an_answer_and_store_nothing_odd(bot: Harness, command: str) -> None:
    await bot.say("/start")
    for words in NASTY:
        text = f"{command} {words}".strip()[:4096]
        replies = await bot.say(text)
        assert replies, f"no answer to {text[:40]!r}"
    async with bot.db.uow() as repo:
        user = await repo.get_user(1001)
        assert user is not None
        assert user.timezone in ("UTC", "UTC-05:00")  # "-5" is a fair UTC offset
        assert await repo.all_workouts(1001) == []
    # the teardown asserts that Telegram would have accepted every message sent
