"""bot/startup.py: the start-up the runner, the terminal mode and the harness share, and a
shutdown that really runs: the app stops, shuts down, then the database it opened is disposed."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import Application

from bot.config import Settings
from bot.context import services_of
from bot.db.session import Database
from bot.runner import serve
from bot.startup import open_services, running
from tests.fakes import FakeBotAPI


@pytest.fixture
def steps(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The shutdown steps as they happen: app stop, app shutdown, database dispose."""
    seen: list[str] = []

    def spy(cls: Any, name: str, label: str) -> None:
        real = getattr(cls, name)

        async def wrapped(self: Any, *args: Any, **kwargs: Any) -> Any:
            seen.append(label)
            return await real(self, *args, **kwargs)

        monkeypatch.setattr(cls, name, wrapped)

    spy(Application, "stop", "stop")
    spy(Application, "shutdown", "shutdown")
    spy(Database, "dispose", "dispose")
    return seen


def _settings(server: FakeBotAPI, tmp_path: Path, **extra: Any) -> Settings:
    return Settings(
        bot_token=server.token,
        database_url=f"sqlite+aiosqlite:///{tmp_path}/coach.db",
        telegram_base_url=server.base_url,
        **extra,
    )


async def test_running_from_settings_disposes_the_database_after_the_app_is_down(
    server: FakeBotAPI, tmp_path: Path, steps: list[str]
) -> None:
    async with running(_settings(server, tmp_path), server.token) as app:
        assert app.running
        assert server.calls("setMyCommands")  # post_init ran
        async with services_of(app).db.uow() as repo:  # migrated
            assert await repo.get_user(1001) is None
        assert steps == []
    assert not app.running
    assert steps == ["stop", "shutdown", "dispose"]
    assert server.errors == []


async def test_an_error_while_running_still_shuts_everything_down(
    server: FakeBotAPI, tmp_path: Path, steps: list[str]
) -> None:
    with pytest.raises(RuntimeError, match="boom"):
        async with running(_settings(server, tmp_path), server.token) as app:
            raise RuntimeError("boom")
    assert not app.running
    assert steps == ["stop", "shutdown", "dispose"]


async def test_a_refusal_before_start_shuts_down_without_starting(
    server: FakeBotAPI, tmp_path: Path, steps: list[str]
) -> None:
    async def refuse(_app: Any) -> None:
        raise LookupError("not serving")

    with pytest.raises(LookupError):
        async with running(_settings(server, tmp_path), server.token, before_start=refuse):
            raise AssertionError("must not start")
    assert steps == ["shutdown", "dispose"]
    assert not server.calls("setMyCommands")


async def test_services_handed_in_stay_open_for_their_owner(
    server: FakeBotAPI, tmp_path: Path, steps: list[str]
) -> None:
    deps = await open_services(_settings(server, tmp_path))
    try:
        async with running(deps, server.token):
            pass
        assert steps == ["stop", "shutdown"]
        async with deps.db.uow() as repo:  # still usable
            assert await repo.get_user(1001) is None
    finally:
        await deps.db.dispose()


@pytest.fixture
def keep_logging() -> Iterator[None]:
    """serve() configures the root logger; put pytest's back afterwards."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)


@pytest.mark.usefixtures("keep_logging")
async def test_the_runner_disposes_the_database_when_a_signal_stops_it(
    server: FakeBotAPI, tmp_path: Path, steps: list[str]
) -> None:
    task = asyncio.create_task(serve(_settings(server, tmp_path, reminder_interval_s=60)))
    await server.wait_for_request("getUpdates", timeout=20)
    assert steps == []
    os.kill(os.getpid(), signal.SIGTERM)  # the runner's own handler takes it
    assert await asyncio.wait_for(task, 20) == 0
    assert steps == ["stop", "shutdown", "dispose"]
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.remove_signal_handler(sig)
