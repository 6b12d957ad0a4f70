"""Cold start (process start to its first getUpdates) and idle RSS, of the bot and of the echo
bot, through the same fake Bot API; the bot starts on an up-to-date database."""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.db import migrate  # noqa: E402
from bot.db.session import Database  # noqa: E402
from tests.fakes import FakeBotAPI  # noqa: E402


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def one(args: list[str], env: dict[str, str], cwd: str) -> tuple[float, float]:
    """(seconds to the first getUpdates, RSS in MiB after 3 s idle)."""
    async with FakeBotAPI() as server:
        full = {
            **os.environ,
            **env,
            "BOT_TOKEN": server.token,
            "TELEGRAM_BASE_URL": server.base_url,
        }
        started = time.monotonic()
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            *args,
            cwd=cwd,
            env=full,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        try:
            poll = await server.wait_for_request("getUpdates", timeout=60)
            cold = poll.at - started
            await asyncio.sleep(3)
            rss = rss_mib(proc.pid)
        finally:
            proc.terminate()
            await proc.wait()
    return cold, rss


async def startup(repeat: int = 3) -> dict[str, tuple[float, float]]:
    out: dict[str, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/coach.db"
        db = Database(url)
        await migrate.upgrade(db.engine)
        await db.dispose()
        env = {"DATABASE_URL": url, "PYTHONPATH": str(ROOT), "LOG_LEVEL": "WARNING"}
        for name, args in (
            ("echo bot", [str(ROOT / "benchmarks" / "echo_bot.py")]),
            ("coach bot", ["-m", "bot"]),
        ):
            runs = [
                await one(args, env, tmp if name == "echo bot" else str(ROOT))
                for _ in range(repeat)
            ]
            runs.sort()
            out[name] = runs[len(runs) // 2]
    return out


if __name__ == "__main__":
    for name, (cold, rss) in asyncio.run(startup()).items():
        print(f"{name:<10} cold start {cold:.2f} s, idle RSS {rss:.0f} MiB")
