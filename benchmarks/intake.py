"""Reply throughput: the real `python -m bot` against a plain PTB echo bot, side by side.

python benchmarks/intake.py   (benchmarks/run.py calls intake_figures())

Both run as their own process against one fake Bot API in this process. C users each send
`/log 3 min felt good` and wait for the reply before the next one, so per-chat order is
exercised as it is in real life. Prints updates/s and p50/p95 reply latency for 1, 100 and
200 concurrent chats, on SQLite and (when it answers on :5432) PostgreSQL.

The bot is measured with its limiter on (as shipped: replies keep only the per-chat pace) and
off; the echo bot has no limiter. A third peer, the echo bot plus one durable write per
message (benchmarks/store_echo_bot.py), is the floor of any bot that keeps what it is told on
this stack and machine: each /log line says how close the bot comes to it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fakes import FakeBotAPI, SentMessage  # noqa: E402

PG_ADMIN = os.environ.get("TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
Report = Callable[[str, str], None]


def _report(name: str, value: str) -> None:
    print(f"{name:<46} {value}", flush=True)


def _pg_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 5432), 1).close()
    except OSError:
        return False
    return True


async def _admin(sql: str) -> None:
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text(sql))
    finally:
        await engine.dispose()


async def _launch(
    server: CountingFake, argv: list[str], db_url: str, cwd: str
) -> asyncio.subprocess.Process:
    env = {
        **os.environ,
        "BOT_TOKEN": server.token,
        "TELEGRAM_BASE_URL": server.base_url,
        "DATABASE_URL": db_url,
        "LOG_LEVEL": "WARNING",
        "REMINDER_INTERVAL_S": "60",
        "PYTHONPATH": str(ROOT),
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        *argv,
        cwd=cwd,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    await server.wait_for_request("getUpdates", timeout=60)
    return proc


def _cpu_s(pid: int) -> float:
    """CPU seconds (user + system) the process has used so far (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class CountingFake(FakeBotAPI):
    """The fake Bot API, telling each waiting user of a reply directly: hundreds of users
    polling `wait_for_messages` on every request would make this process the bottleneck."""

    def __init__(self) -> None:
        super().__init__()
        self.replies: dict[int, int] = {}
        self.waiting: dict[int, tuple[int, asyncio.Future[None]]] = {}

    def add_bot_message(self, message: SentMessage) -> None:
        super().add_bot_message(message)
        chat_id = message.chat_id
        self.replies[chat_id] = self.replies.get(chat_id, 0) + 1
        waiter = self.waiting.get(chat_id)
        if waiter is not None and self.replies[chat_id] >= waiter[0] and not waiter[1].done():
            waiter[1].set_result(None)

    async def reply_count(self, chat_id: int, count: int, timeout: float) -> None:  # noqa: ASYNC109
        if self.replies.get(chat_id, 0) >= count:
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.waiting[chat_id] = (count, future)
        try:
            await asyncio.wait_for(future, timeout)
        finally:
            self.waiting.pop(chat_id, None)


async def _load(
    server: CountingFake, chats: int, per_chat: int, text: str = "/log 3 min felt good"
) -> tuple[float, list[float]]:
    """(updates/s, reply latencies in ms)."""
    latencies: list[float] = []

    async def user(uid: int) -> None:
        base = server.replies.get(uid, 0)
        for k in range(per_chat):
            t = time.perf_counter()
            server.send_text(text, user_id=uid)
            await server.reply_count(uid, base + k + 1, timeout=120)
            latencies.append((time.perf_counter() - t) * 1000)

    start = time.perf_counter()
    await asyncio.gather(*(user(100_000 + i) for i in range(chats)))
    return chats * per_chat / (time.perf_counter() - start), latencies


async def _measure(
    argv: list[str], db_url: str, chats: int, per_chat: int, text: str = "/log 3 min felt good"
) -> Figure:
    with tempfile.TemporaryDirectory() as cwd:
        async with CountingFake() as server:
            # Telegram never reuses an update id; runs sharing a database must not either
            # (the inbox would rightly drop them as already handled).
            server._last_update_id = time.time_ns() // 1000 % 10**12
            proc = await _launch(server, argv, db_url.replace("{tmp}", cwd), cwd)
            try:
                await _load(server, 5, 2)  # warm-up: imports, first queries, connections
                cpu0 = _cpu_s(proc.pid)
                rate, lat = await _load(server, chats, per_chat, text)
                cpu_ms = (_cpu_s(proc.pid) - cpu0) * 1000 / (chats * per_chat)
            finally:
                proc.send_signal(signal.SIGTERM)
                try:
                    await asyncio.wait_for(proc.wait(), 20)
                except TimeoutError:
                    proc.kill()
                    await proc.wait()
    lat.sort()
    p50, p95 = statistics.median(lat), lat[min(len(lat) - 1, int(len(lat) * 0.95))]
    return Figure(rate, p50, p95, cpu_ms)


@dataclass(frozen=True)
class Figure:
    rate: float
    p50: float
    p95: float
    cpu_ms: float

    def text(self, peer: Figure | None = None, floor: Figure | None = None) -> str:
        out = (
            f"{self.rate:6.1f} updates/s   p50 {self.p50:6.0f} ms   p95 {self.p95:6.0f} ms   "
            f"CPU {self.cpu_ms:4.1f} ms/update"
        )
        if peer is not None and peer.rate > 0 and peer.p95 > 0:
            out += f"   = {self.rate / peer.rate:.2f}x echo, p95 {self.p95 / peer.p95:.1f}x"
        if floor is not None and floor.rate > 0:
            out += f", {self.rate / floor.rate:.2f}x floor"
        return out


async def intake_figures(
    report: Report = _report,
    concurrencies: tuple[int, ...] = (1, 100, 200),
    backends: tuple[str, ...] | None = None,
    echo_bot: bool = True,
    limiter: bool = True,
) -> None:
    if backends is None:
        backends = ("sqlite", "postgresql") if _pg_up() else ("sqlite",)
    per = {1: 40, 100: 5, 200: 5}
    echo = [str(ROOT / "benchmarks" / "echo_bot.py")]
    store_echo = [str(ROOT / "benchmarks" / "store_echo_bot.py")]
    for chats in concurrencies:
        n = per.get(chats, 5)
        peer: Figure | None = None
        if echo_bot:
            peer = await _measure(echo, "", chats, n)
            report(f"echo bot, {chats} chats x {n}", peer.text())
        for backend in backends:
            name = ""
            if backend == "sqlite":
                url = "sqlite+aiosqlite:///{tmp}/bench.db"
            else:
                name = f"rrc_bench_{uuid.uuid4().hex[:10]}"
                await _admin(f'CREATE DATABASE "{name}"')
                url = PG_ADMIN.rpartition("/")[0] + f"/{name}"
            try:
                floor: Figure | None = None
                if echo_bot and chats > 1:
                    floor = await _measure(store_echo, url, chats, n)
                    report(
                        f"floor {backend} (echo + 1 write), {chats} chats x {n}", floor.text(peer)
                    )
                for label, argv in (
                    ("reply budget", [str(ROOT / "benchmarks" / "unthrottled_bot.py")]),
                    ("30/s limiter", ["-m", "bot"]),
                ):
                    if label == "30/s limiter" and (chats == 1 or not limiter):
                        continue  # one chat never reaches 30/s
                    figure = await _measure(argv, url, chats, n)
                    report(
                        f"/log {backend}, {label}, {chats} chats x {n}", figure.text(peer, floor)
                    )
            finally:
                if name:
                    await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, nargs="*", default=[1, 100, 200])
    parser.add_argument("--backend", nargs="*", choices=["sqlite", "postgresql"])
    parser.add_argument("--no-echo", action="store_true", help="skip the echo bot")
    parser.add_argument("--no-limiter", action="store_true", help="skip the 30/s limiter runs")
    args = parser.parse_args()
    print(f"Python {sys.version.split()[0]}; one run, this machine; each bot its own process")
    asyncio.run(
        intake_figures(
            concurrencies=tuple(args.chats),
            backends=tuple(args.backend) if args.backend else None,
            echo_bot=not args.no_echo,
            limiter=not args.no_limiter,
        )
    )


if __name__ == "__main__":
    main()
