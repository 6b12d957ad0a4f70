"""The fake Bot API in a process of its own, as Telegram is: neither the bot's nor the test's
event loop can then bend the arrival times it measures.

    python -m tests.fakes.remote RATE FIRST_CHAT CHATS     (RATE 0: no flood control)
prints {"base_url", "base_file_url", "token"} as one JSON line, serves until a line arrives on
stdin, then prints {"arrivals": [...], "answered_429": n, "errors": n, "per_chat": {...}}
(arrivals on the system's monotonic clock, which every process shares) and exits.
`RemoteFake` drives it from a test or a benchmark.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.fakes import FakeBotAPI  # noqa: E402


class RemoteFake:
    """This module's server in a child process, and what it saw once stopped."""

    def __init__(self, proc: asyncio.subprocess.Process, where: dict[str, str]) -> None:
        self.proc = proc
        self.base_url = where["base_url"]
        self.base_file_url = where["base_file_url"]
        self.token = where["token"]

    @classmethod
    async def start(cls, rate: float, first_chat: int, chats: int) -> RemoteFake:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.fakes.remote",
            str(rate),
            str(first_chat),
            str(chats),
            cwd=ROOT,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            limit=1 << 26,
        )
        assert proc.stdout is not None
        return cls(proc, json.loads(await proc.stdout.readline()))

    def enqueue(self, update: dict[str, Any]) -> None:
        """No updates come from this fake (the harness's settle() is not used with it)."""

    async def report(self) -> dict[str, Any]:
        """Stop the server; what it saw."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(b"report\n")
        await self.proc.stdin.drain()
        report: dict[str, Any] = json.loads(await self.proc.stdout.readline())
        await self.proc.wait()
        report["per_chat"] = {int(k): v for k, v in report["per_chat"].items()}
        return report


async def main(rate: float, first: int, chats: int) -> None:
    async with FakeBotAPI() as server:
        server.flood_control(rate if rate > 0 else None)
        for uid in range(first, first + chats):
            server.chats[uid] = {"id": uid, "type": "private", "first_name": "B"}
        where = {"base_url": server.base_url, "base_file_url": server.base_file_url}
        print(json.dumps({**where, "token": server.token}), flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        report = {
            "arrivals": [r.at for r in server.sends()],
            "answered_429": server.flood_answers,
            "errors": len(server.errors),
            "per_chat": Counter(
                int(r.params["chat_id"]) for r in server.sends() if r.method == "sendMessage"
            ),
        }
        print(json.dumps(report), flush=True)


if __name__ == "__main__":
    asyncio.run(main(float(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])))
