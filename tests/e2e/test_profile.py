"""The bot's description and short description: set from content at start-up, only when
Telegram's copy differs, so a second start (or a second replica) sets nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot import profile, ratelimit
from bot.content import DEFAULT_ROOT
from bot.db.session import Database
from tests.e2e.harness import start_harness, stop_harness
from tests.fakes import FakeBotAPI

SETTERS = ("setMyDescription", "setMyShortDescription")


async def test_description_is_set_once_and_a_second_start_sets_nothing(
    server: FakeBotAPI, db: Database
) -> None:
    texts = profile.load(DEFAULT_ROOT)
    first = await start_harness(server, db)
    await stop_harness(first)
    assert [len(server.calls(m)) for m in SETTERS] == [1, 1]
    assert server.descriptions == {"": texts.description}
    assert server.short_descriptions == {"": texts.short_description}

    again = await start_harness(server, db)
    try:
        [reply] = await again.say("/help")
        assert "/log" in reply.text
    finally:
        await stop_harness(again)
    assert [len(server.calls(m)) for m in SETTERS] == [1, 1]
    assert len(server.calls("getMyDescription")) == 2
    assert server.errors == []


async def test_only_the_text_that_changed_is_set(
    server: FakeBotAPI, db: Database, tmp_path: Path
) -> None:
    await stop_harness(await start_harness(server, db))
    content = tmp_path / "content"
    shutil.copytree(DEFAULT_ROOT, content)
    edited = (content / "profile.yaml").read_text().replace("Hi! I'm", "Hello, I'm")
    (content / "profile.yaml").write_text(edited)
    await stop_harness(await start_harness(server, db, content_dir=content))
    assert [len(server.calls(m)) for m in SETTERS] == [2, 1]
    assert server.descriptions[""].startswith("Hello, I'm a coach for backward running")
    assert server.errors == []


async def test_telegram_refusing_the_description_does_not_stop_the_bot(
    server: FakeBotAPI, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ratelimit, "REPLY_RETRY_S", (0.01, 0.01, 0.01))
    server.fail("getMyDescription", status=500, times=4)  # the first try and every retry
    bot = await start_harness(server, db)
    try:
        [reply] = await bot.say("/help")
        assert "/log" in reply.text
    finally:
        await stop_harness(bot)
    assert server.calls("setMyDescription") == []
