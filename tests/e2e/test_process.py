"""The real `python -m bot` process against the fake Bot API: polling, webhook, signals."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import time
from pathlib import Path

import pytest

from bot.db.session import Database
from tests.fakes import FakeBotAPI

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def wait_port(port: int, within: float = 10.0) -> None:
    """PTB calls setWebhook just before its web server listens; wait for the socket."""
    deadline = time.monotonic() + within
    while True:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.05)
        else:
            writer.close()
            return


class BotProcess:
    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.stderr = b""

    async def stop(self, sig: int = signal.SIGINT, within: float = 10.0) -> tuple[int, float]:
        started = time.monotonic()
        self.proc.send_signal(sig)
        _, self.stderr = await asyncio.wait_for(self.proc.communicate(), within)
        assert self.proc.returncode is not None
        return self.proc.returncode, time.monotonic() - started


async def launch(server: FakeBotAPI, db_url: str, tmp: Path, **env: str) -> BotProcess:
    full = {
        **os.environ,
        "BOT_TOKEN": server.token,
        "TELEGRAM_BASE_URL": server.base_url,
        "DATABASE_URL": db_url,
        "LOG_LEVEL": "DEBUG",
        "PYTHONPATH": str(ROOT),
        **env,
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=tmp,
        env=full,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    return BotProcess(proc)


async def test_polling_process_answers_registers_menu_and_stops_on_sigint(
    server: FakeBotAPI, db: Database, tmp_path: Path
) -> None:
    url = db.url
    await db.dispose()
    bot = await launch(server, url, tmp_path)
    try:
        await server.wait_for_request("setMyCommands", timeout=30)
        await server.wait_for_request("getUpdates", timeout=10)
        started = time.monotonic()
        server.send_text("/start")
        server.send_text("/help")
        msgs = await server.wait_for_messages(2, timeout=2.0)
        assert time.monotonic() - started < 2.0
        assert any("/log" in m.text for m in msgs)
    finally:
        code, took = await bot.stop(signal.SIGINT)
    assert code == 0, bot.stderr.decode()
    assert took < 10
    log = bot.stderr.decode()
    assert server.token not in log
    assert server.token.split(":")[1] not in log
    assert "Stopped cleanly" in log


async def test_sigterm_stops_cleanly(server: FakeBotAPI, tmp_path: Path) -> None:
    bot = await launch(server, f"sqlite+aiosqlite:///{tmp_path}/c.db", tmp_path)
    await server.wait_for_request("getUpdates", timeout=30)
    code, took = await bot.stop(signal.SIGTERM)
    assert code == 0 and took < 10, bot.stderr.decode()


async def test_sigterm_while_starting_stops_cleanly(server: FakeBotAPI, tmp_path: Path) -> None:
    """A stop asked for during start-up (content and migrations still ahead) is heard: the
    process finishes starting, polls nothing and exits 0, rather than dying of the signal."""
    bot = await launch(server, f"sqlite+aiosqlite:///{tmp_path}/s.db", tmp_path)
    assert bot.proc.stderr is not None
    seen = b""
    while b"Starting (" not in seen:
        line = await asyncio.wait_for(bot.proc.stderr.readline(), 30)
        assert line, "the process ended before it said it was starting"
        seen += line
    code, took = await bot.stop(signal.SIGTERM)
    log = seen.decode() + bot.stderr.decode()
    assert code == 0 and took < 10, log
    assert "Stopped cleanly" in log
    assert server.calls("getUpdates") == []


async def test_webhook_process_rejects_a_wrong_secret(server: FakeBotAPI, tmp_path: Path) -> None:
    port = free_port()
    hook = f"http://127.0.0.1:{port}/telegram/hook"
    bot = await launch(
        server,
        f"sqlite+aiosqlite:///{tmp_path}/w.db",
        tmp_path,
        UPDATE_MODE="webhook",
        WEBHOOK_URL=hook,
        WEBHOOK_LISTEN="127.0.0.1",
        WEBHOOK_PORT=str(port),
        WEBHOOK_SECRET="s3cret-Token_1",
    )
    try:
        await server.wait_for_request("setWebhook", timeout=30)
        assert server.webhook is not None and server.webhook["url"] == hook
        await wait_port(port)
        update = server.send_text("/help")
        assert await server.deliver_webhook(hook, update, secret=None) == 403
        assert await server.deliver_webhook(hook, update, secret="wrong") == 403
        assert server.messages() == []
        assert await server.deliver_webhook(hook, update, secret="s3cret-Token_1") == 200
        [reply] = await server.wait_for_messages(1, timeout=5)
        assert "/log" in reply.text
        for body in (b"{not json", b"[1, 2]", b'{"update_id": "x"}', b"\xff\xfe"):
            assert await _post_raw(hook, body, "s3cret-Token_1") == 400
        assert await server.deliver_webhook(hook, update, secret="s3cret-Token_1") == 200
        await asyncio.sleep(0.5)
        assert len(server.messages()) == 1  # a redelivered update is not answered again
    finally:
        code, _ = await bot.stop(signal.SIGINT)
    assert code == 0, bot.stderr.decode()
    assert "s3cret-Token_1" not in bot.stderr.decode()


async def _post_raw(url: str, body: bytes, secret: str) -> int:
    import aiohttp

    headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret}
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=body, headers=headers) as r,
    ):
        return r.status


async def test_polling_refuses_to_start_while_a_webhook_is_set(
    server: FakeBotAPI, tmp_path: Path
) -> None:
    """Another replica serves the webhook: a poller must not delete it and cut it off."""
    server.webhook = {
        "url": "https://coach.example/hook",
        "secret_token": "x",
        "max_connections": 40,
        "allowed_updates": None,
        "ip_address": None,
        "drop_pending_updates": False,
    }
    bot = await launch(server, f"sqlite+aiosqlite:///{tmp_path}/p.db", tmp_path)
    _, bot.stderr = await asyncio.wait_for(bot.proc.communicate(), 30)
    assert bot.proc.returncode == 2, bot.stderr.decode()
    assert "UPDATE_MODE=webhook" in bot.stderr.decode()
    assert server.calls("deleteWebhook") == [] and server.calls("getUpdates") == []
    assert server.webhook is not None


async def test_webhook_url_without_webhook_mode_is_a_start_up_error(
    server: FakeBotAPI, tmp_path: Path
) -> None:
    bot = await launch(
        server,
        f"sqlite+aiosqlite:///{tmp_path}/m.db",
        tmp_path,
        WEBHOOK_URL="https://coach.example/hook",
        WEBHOOK_SECRET="abc",
    )
    _, bot.stderr = await asyncio.wait_for(bot.proc.communicate(), 30)
    assert bot.proc.returncode == 2
    assert "UPDATE_MODE" in bot.stderr.decode()
    assert server.requests == []
