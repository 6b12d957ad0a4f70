"""e2e fixtures: a fake Bot API server and the real bot polling it, on each database backend.

Which tests run on PostgreSQL as well as SQLite: those whose SQL differs between the two. A
module listed in SQLITE_ONLY is a pure handler flow: every Repo method it reaches (its SQL,
upserts and locks) is also reached on PostgreSQL by the modules that stay on both (checked by
tests/repo_trace.py, which records each Repo call per module and backend), and it tests no
locking, no concurrency, no dispatcher or outbox, no intake lease, no budget and no process of
its own. Everything not listed, a new module included, runs on both (see tests/conftest.py).

The bot under test keeps Telegram's per-chat pace (one message a second after a burst) only in
tests marked `telegram_pace`; the others would spend most of their time waiting for it.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator

import pytest
import time_machine

from bot.db.session import Database
from bot.ratelimit import PER_CHAT_RATE
from tests.e2e.harness import TEST_CHAT_RATE, Harness, start_harness, stop_harness
from tests.e2e.reminder_helpers import CLOCK, stop_dispatcher
from tests.e2e.voice import mixed_messages
from tests.fakes import FakeBotAPI

BOTH_BACKENDS = os.environ.get("E2E_BOTH_BACKENDS") == "1"  # the rule off (tests/repo_trace.py)
# Pure handler flows (see the module docstring): SQLite only.
SQLITE_ONLY = frozenset(
    {
        "test_any_input",
        "test_coach_content",
        "test_coherent_coach",
        "test_guide",
        "test_log_guided",
        "test_log_sessions",
        "test_logs",
        "test_metrics",
        "test_profile",
        "test_progress",
        "test_timezone_places",
    }
)


@pytest.hookimpl(tryfirst=True)  # before pytest reads the parametrize marks
def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A module in SQLITE_ONLY gets the sqlite backend alone."""
    module = metafunc.module.__name__.rpartition(".")[2]
    if BOTH_BACKENDS or module not in SQLITE_ONLY or "backend" not in metafunc.fixturenames:
        return
    # as a mark, which pytest applies in place of the fixture's own params
    metafunc.definition.add_marker(pytest.mark.parametrize("backend", ["sqlite"], indirect=True))


@pytest.fixture
async def server() -> AsyncIterator[FakeBotAPI]:
    fake = FakeBotAPI()
    await fake.start()
    yield fake
    await fake.stop()


def chat_rate(request: pytest.FixtureRequest) -> float:
    """Telegram's per-chat pace for tests marked `telegram_pace`, else none to speak of."""
    return PER_CHAT_RATE if request.node.get_closest_marker("telegram_pace") else TEST_CHAT_RATE


@pytest.fixture
async def bot(
    server: FakeBotAPI, db: Database, request: pytest.FixtureRequest
) -> AsyncIterator[Harness]:
    harness = await start_harness(server, db, chat_rate(request))
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
    clock: time_machine.Traveller, server: FakeBotAPI, db: Database, request: pytest.FixtureRequest
) -> AsyncIterator[Harness]:
    """The real bot on the fake Bot API, its clock under time-machine, no background job."""
    h = await start_harness(server, db, chat_rate(request))
    stop_dispatcher(h)
    yield h
    await stop_harness(h)
    assert server.errors == [], f"the bot sent requests Telegram would reject: {server.errors}"
    assert mixed_messages(server) == [], "a reply warned and celebrated at once"
