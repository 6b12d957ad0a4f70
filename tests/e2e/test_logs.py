"""Log lines as an operator's collector sees them: JSON that parses, the update, chat, handler
and replica on each line, secrets redacted, no user text at INFO or above, quiet scheduler."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import Iterator

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from prometheus_client import REGISTRY

from bot import logs, metrics
from bot.db.session import Database
from tests.e2e.harness import start_harness, stop_harness
from tests.fakes import FakeBotAPI

TOKEN = "123456:ABCdefGHIjklMNOpqrSTUvwxYZ0123456789"


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """The root logger set up as the bot does it (JSON), writing into a buffer."""
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    logs.setup_logging("DEBUG", secrets=(TOKEN,), fmt="json", replica="pod-a")
    buffer = io.StringIO()
    [handler] = root.handlers
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(buffer)
    yield buffer
    for h in list(root.handlers):
        root.removeHandler(h)
    for h in saved_handlers:
        root.addHandler(h)
    root.setLevel(saved_level)


def lines(buffer: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in buffer.getvalue().splitlines() if line.strip()]


def test_json_lines_carry_the_update_context_and_hide_secrets(captured: io.StringIO) -> None:
    log = logging.getLogger("bot.test")
    log.info("outside any update")
    bound = logs.bind(4242, 1001, "log.log_command")
    try:
        log.warning("handling, token %s", TOKEN)
        try:
            raise ValueError(f"boom {TOKEN}")
        except ValueError:
            log.exception("failed")
    finally:
        logs.unbind(bound)
    log.info("after")
    outside, handling, failed, after = lines(captured)
    assert outside["update_id"] is None and outside["handler"] is None
    assert outside["replica"] == "pod-a" and outside["level"] == "INFO"
    assert handling["update_id"] == 4242 and handling["chat_id"] == 1001
    assert handling["handler"] == "log.log_command" and handling["logger"] == "bot.test"
    assert TOKEN not in captured.getvalue() and "<redacted>" in str(handling["message"])
    assert "ValueError" in str(failed["exc_info"]) and failed["level"] == "ERROR"
    assert after["update_id"] is None


async def test_a_run_skipped_by_the_scheduler_is_counted_not_logged(
    captured: io.StringIO,
) -> None:
    before = metrics.SKIPPED_JOB_RUNS.labels("slow")._value.get()
    scheduler = AsyncIOScheduler()

    async def slow() -> None:
        await asyncio.sleep(0.6)

    scheduler.add_job(slow, "interval", seconds=0.1, name="slow", max_instances=1)
    scheduler.start()
    await asyncio.sleep(1.0)
    scheduler.shutdown(wait=False)
    assert metrics.SKIPPED_JOB_RUNS.labels("slow")._value.get() > before
    assert "maximum number of running instances" not in captured.getvalue()


TEXTS = [
    "/log 4 min backwards felt amazing pineapple",
    "did 3 mins reverse walking on the treadmill pineapple",
    "/tip pineapple heel",
    "/timezone pineapple city",
    "/remind pineapple",
    "pineapple 🍍 left knee hurts a bit",
    "/log",
    "pineapple",
]


async def test_message_texts_never_reach_info_or_above(
    captured: io.StringIO, server: FakeBotAPI, db: Database
) -> None:
    bot = await start_harness(server, db)
    try:
        for text in TEXTS:
            await bot.say(text)
    finally:
        await stop_harness(bot)
    parsed = lines(captured)
    assert any(line["handler"] == "log.log_command" for line in parsed)
    loud = [line for line in parsed if line["level"] != "DEBUG"]
    assert loud, "expected some INFO lines (start-up, stop)"
    assert not [line for line in loud if "pineapple" in json.dumps(line)]


async def test_the_error_handler_logs_as_the_handler_that_failed(
    captured: io.StringIO, server: FakeBotAPI, db: Database
) -> None:
    bot = await start_harness(server, db)
    try:
        server.fail("sendMessage", status=400, description="Bad Request: boom", times=2)
        update = server.send_text("/help")
        await bot.settle()
    finally:
        await stop_harness(bot)
    errors = [line for line in lines(captured) if line["logger"] == "bot.handlers.errors"]
    assert errors, captured.getvalue()[-2000:]
    assert all(line["handler"] == "basics.help_command" for line in errors)
    assert all(line["update_id"] == update["update_id"] for line in errors)
    assert all(line["chat_id"] == 1001 for line in errors)


async def test_a_job_run_is_timed_under_its_name(server: FakeBotAPI, db: Database) -> None:
    def runs() -> float:
        found = REGISTRY.get_sample_value(
            "coach_handler_seconds_count", {"handler": "dispatcher.dispatch_job"}
        )
        return found or 0.0

    before = runs()
    bot = await start_harness(server, db, reminder_interval_s=0.2)
    try:
        await asyncio.sleep(1.6)  # the first run comes after 1 s, then every 0.2 s
    finally:
        await stop_harness(bot)
    assert runs() - before >= 2
