"""The health listener: /livez, /readyz (database, migrations, updates arriving) and /metrics,
in process and in the real `python -m bot` process in polling and webhook mode."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.db.session import Database
from bot.health import HealthServer, Readiness
from tests.e2e.harness import Harness
from tests.e2e.health_helpers import (
    get,
    get_json,
    own_cluster,
    scrape,
    value,
    wait_until_moved,
)
from tests.e2e.test_process import ROOT, free_port, launch, wait_port
from tests.fakes import FakeBotAPI


@pytest.fixture
async def health(bot: Harness) -> AsyncIterator[tuple[HealthServer, int]]:
    port = free_port()
    server = HealthServer(Readiness(bot.db, receiving=True), "127.0.0.1", port)
    server.start()
    yield server, port
    await server.stop()


async def test_live_ready_and_metrics_answer_and_counters_move_after_a_log(
    bot: Harness, health: tuple[HealthServer, int]
) -> None:
    _, port = health
    assert await get_json(port, "/livez") == (200, {"status": "ok"})
    status, body = await get_json(port, "/readyz")
    assert status == 200, body
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["migrations"].startswith("at head")
    assert body["checks"]["polling"] == "ok"

    before = await scrape(port)
    [reply] = await bot.say("/log 4 min backwards felt good")
    assert "4 min" in reply.text
    after = await scrape(port)

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved("coach_updates_total", kind="command") == 1
    assert moved("coach_handler_seconds_count", handler="log.log_command") == 1
    assert moved("coach_handler_seconds_sum", handler="log.log_command") > 0
    assert moved("coach_handler_seconds_count", handler="basics.drop_duplicates") == 1
    # the families an operator alerts on are all exposed, even before they first move
    for family in (
        "coach_errors",
        "coach_telegram_429",
        "coach_reminders",
        "coach_database_errors",
    ):
        status, _, text = await get(port, "/metrics")
        assert f"# TYPE {family}_total counter" in text or f"# TYPE {family} counter" in text
    assert ("coach_update_queue", frozenset()) in after
    assert ("coach_reminder_backlog", frozenset()) in after
    assert (await get(port, "/nothing-here"))[0] == 404


async def test_an_error_and_a_429_are_counted(
    bot: Harness, health: tuple[HealthServer, int]
) -> None:
    _, port = health
    before = await scrape(port)
    bot.server.fail("sendMessage", status=429, retry_after=1)
    [reply] = await bot.say("/help")  # the rate limiter waits, then sends
    assert "/log" in reply.text
    bot.server.fail("sendMessage", status=400, description="Bad Request: boom", times=2)
    await bot.say("/help")
    after = await scrape(port)
    assert (
        value(after, "coach_telegram_429_total", method="sendMessage")
        - value(before, "coach_telegram_429_total", method="sendMessage")
        == 1
    )
    assert (
        value(after, "coach_errors_total", type="BadRequest")
        - value(before, "coach_errors_total", type="BadRequest")
        == 1
    )


async def test_not_ready_until_updates_arrive_and_once_stopping(db: Database) -> None:
    readiness = Readiness(db, mode="webhook")
    ok, checks = await readiness.check()
    assert not ok and checks["webhook"] == "not started" and checks["database"] == "ok"
    readiness.receiving = True
    assert (await readiness.check())[0]
    readiness.stopping = True
    ok, checks = await readiness.check()
    assert not ok and checks["webhook"] == "stopping"


async def test_not_ready_on_a_database_behind_the_migrations(tmp_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path}/never-migrated.db")
    port = free_port()
    server = HealthServer(Readiness(db, receiving=True), "127.0.0.1", port)
    server.start()
    try:
        status, body = await get_json(port, "/readyz")
        assert status == 503
        assert body["checks"]["database"] == "ok"
        assert body["checks"]["migrations"].startswith("at none, head is ")
    finally:
        await server.stop()
        await db.dispose()


async def test_not_ready_when_the_database_is_unreachable() -> None:
    db = Database(f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/nowhere")
    port = free_port()
    server = HealthServer(Readiness(db, receiving=True), "127.0.0.1", port)
    server.start()
    try:
        status, body = await get_json(port, "/readyz")
        assert status == 503
        assert body["checks"]["database"].startswith("unreachable")
        assert (await get_json(port, "/livez"))[0] == 200
    finally:
        await server.stop()
        await db.dispose()


def json_lines(stderr: bytes) -> list[dict[str, object]]:
    """Every line the process logged, parsed; a line that is not JSON fails the test."""
    lines = [line for line in stderr.decode().splitlines() if line.strip()]
    parsed = []
    for line in lines:
        try:
            parsed.append(json.loads(line))
        except json.JSONDecodeError:
            pytest.fail(f"not a JSON log line: {line!r}")
    return parsed


@pytest.mark.slow
async def test_polling_process_is_ready_turns_503_when_its_database_stops_and_recovers(
    server: FakeBotAPI, tmp_path: Path
) -> None:
    cluster_port, port = free_port(), free_port()
    clusters = own_cluster(cluster_port)
    cluster = next(clusters)
    try:
        bot = await launch(
            server,
            cluster.url,
            tmp_path,
            HEALTH_PORT=str(port),
            HEALTH_LISTEN="127.0.0.1",
            LOG_FORMAT="json",
            REPLICA_ID="replica-7",
            REMINDER_INTERVAL_S="1",
        )
        try:
            await server.wait_for_request("getUpdates", timeout=30)
            await wait_port(port)
            status, body = await get_json(port, "/readyz")
            assert status == 200, body
            assert body["checks"]["polling"] == "ok"
            before = await scrape(port)
            secret_words = "zebra quokka"
            server.send_text(f"/log 5 min backwards {secret_words}")
            await server.wait_for_messages(1, timeout=10)

            cluster.stop()
            status, body = await get_json(port, "/readyz")
            assert status == 503, body
            assert body["checks"]["database"].startswith("unreachable")
            assert (await get_json(port, "/livez"))[0] == 200
            await asyncio.sleep(2)  # the reminder job meets the outage too
            during = await scrape(port)
            assert sum(
                v for (name, _), v in during.items() if name == "coach_database_errors_total"
            ) > sum(v for (name, _), v in before.items() if name == "coach_database_errors_total")

            cluster.start()
            for _ in range(50):
                status, body = await get_json(port, "/readyz")
                if status == 200:
                    break
                await asyncio.sleep(0.2)
            assert status == 200, body
            after = await scrape(port)
            assert (
                value(after, "coach_updates_total", kind="command")
                - value(before, "coach_updates_total", kind="command")
                == 1
            )
        finally:
            code, _ = await bot.stop(signal.SIGTERM)
        assert code == 0, bot.stderr.decode()[-3000:]
    finally:
        next(clusters, None)

    lines = json_lines(bot.stderr)
    assert lines and all({"time", "level", "logger", "message"} <= set(line) for line in lines)
    assert all(line["replica"] == "replica-7" for line in lines)
    handled = [line for line in lines if line.get("handler") == "log.log_command"]
    assert handled, "no line logged while /log was handled"
    assert all(isinstance(line["update_id"], int) and line["chat_id"] == 1001 for line in handled)
    loud = [line for line in lines if line["level"] not in ("DEBUG",)]
    assert not [line for line in loud if "quokka" in json.dumps(line)]
    # the outage was logged, tracebacks included, and those lines parsed too
    assert any(line["level"] in ("WARNING", "ERROR") for line in lines)


@pytest.mark.slow
async def test_webhook_process_serves_health_beside_the_webhook(
    server: FakeBotAPI, tmp_path: Path
) -> None:
    hook_port, port = free_port(), free_port()
    hook = f"http://127.0.0.1:{hook_port}/telegram/hook"
    bot = await launch(
        server,
        f"sqlite+aiosqlite:///{tmp_path}/w.db",
        tmp_path,
        WEBHOOK_URL=hook,
        WEBHOOK_LISTEN="127.0.0.1",
        WEBHOOK_PORT=str(hook_port),
        WEBHOOK_SECRET="s3cret-Token_1",
        HEALTH_PORT=str(port),
        HEALTH_LISTEN="127.0.0.1",
        LOG_FORMAT="json",
    )
    try:
        await server.wait_for_request("setWebhook", timeout=30)
        await wait_port(hook_port)
        await wait_port(port)
        status, body = await get_json(port, "/readyz")
        for _ in range(50):
            if status == 200:
                break
            await asyncio.sleep(0.1)
            status, body = await get_json(port, "/readyz")
        assert status == 200, body
        assert body["checks"]["webhook"] == "ok"
        before = await scrape(port)
        update = server.send_text("/log 3 min")
        assert await server.deliver_webhook(hook, update, secret="s3cret-Token_1") == 200
        await server.wait_for_messages(1, timeout=10)
        await wait_until_moved(
            port, before, "coach_handler_seconds_count", handler="log.log_command"
        )
        # the webhook port itself still answers only Telegram's path
        assert (await get(hook_port, "/readyz"))[0] == 404
        check = await healthcheck(tmp_path, HEALTH_PORT=str(port), HEALTH_LISTEN="127.0.0.1")
        assert check.returncode == 0 and '"webhook": "ok"' in check.stdout
    finally:
        code, _ = await bot.stop(signal.SIGINT)
    assert code == 0, bot.stderr.decode()[-3000:]
    json_lines(bot.stderr)
    gone = await healthcheck(tmp_path, HEALTH_PORT=str(port))
    assert gone.returncode == 1 and "no answer from http://127.0.0.1:" in gone.stderr
    unset = await healthcheck(tmp_path)
    assert unset.returncode == 1 and "HEALTH_PORT is not set" in unset.stderr


async def healthcheck(cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """`python -m bot healthcheck`, as a container's HEALTHCHECK runs it."""
    full = {k: v for k, v in os.environ.items() if not k.startswith(("HEALTH_", "WEBHOOK_"))}
    full.update(env, PYTHONPATH=str(ROOT))
    return await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "bot", "healthcheck"],
        cwd=cwd,
        env=full,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.slow
async def test_a_taken_health_port_stops_start_up_with_one_clear_line(
    server: FakeBotAPI, tmp_path: Path
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        bot = await launch(
            server,
            f"sqlite+aiosqlite:///{tmp_path}/t.db",
            tmp_path,
            HEALTH_PORT=str(port),
            HEALTH_LISTEN="127.0.0.1",
        )
        _, stderr = await asyncio.wait_for(bot.proc.communicate(), 30)
    assert bot.proc.returncode == 2
    assert f"Cannot listen on HEALTH_PORT {port}" in stderr.decode()
    assert "Traceback" not in stderr.decode()
    assert server.calls("getUpdates") == []


async def test_not_ready_when_the_updater_stopped(db: Database) -> None:
    running = True
    readiness = Readiness(db, receiving=True, updater_running=lambda: running)
    assert (await readiness.check())[0]
    running = False
    ok, checks = await readiness.check()
    assert not ok and checks["polling"] == "stopped"
