"""e2e fixtures: a fake Bot API server and the real bot polling it, on each database backend."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.db.session import Database
from tests.e2e.harness import Harness, start_harness, stop_harness
from tests.fakes import FakeBotAPI


@pytest.fixture
async def server() -> AsyncIterator[FakeBotAPI]:
    fake = FakeBotAPI()
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
async def bot(server: FakeBotAPI, db: Database) -> AsyncIterator[Harness]:
    harness = await start_harness(server, db)
    yield harness
    await stop_harness(harness)
    assert server.errors == [], f"the bot sent requests Telegram would reject: {server.errors}"
