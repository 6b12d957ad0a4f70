"""e2e fixtures: a fake Bot API server and the real bot polling it, on each database backend."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
import time_machine

from bot.db.session import Database
from tests.e2e.harness import Harness, start_harness, stop_harness
from tests.e2e.reminder_helpers import CLOCK, stop_dispatcher
from tests.e2e.voice import mixed_messages
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
    assert mixed_messages(server) == [], "a reply warned and celebrated at once"


@pytest.fixture(name="clock")
def fixture_clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(CLOCK, tick=True) as traveller:
        yield traveller


@pytest.fixture(name="coach")
async def fixture_coach(
    clock: time_machine.Traveller, server: FakeBotAPI, db: Database
) -> AsyncIterator[Harness]:
    """The real bot on the fake Bot API, its clock under time-machine, no background job."""
    h = await start_harness(server, db)
    stop_dispatcher(h)
    yield h
    await stop_harness(h)
    assert server.errors == [], f"the bot sent requests Telegram would reject: {server.errors}"
    assert mixed_messages(server) == [], "a reply warned and celebrated at once"
