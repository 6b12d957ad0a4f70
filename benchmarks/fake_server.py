"""The fake Bot API in a process of its own, as Telegram would be: the bot's event loop can then
never bend the arrival times it measures.

    python benchmarks/fake_server.py RATE FIRST_CHAT CHATS
prints {"base_url", "base_file_url", "token"} as one JSON line, serves until a line arrives on
stdin, then prints {"arrivals": [...], "answered_429": n, "errors": n} (arrivals on the system's
monotonic clock, which every process shares) and exits.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.fakes import FakeBotAPI  # noqa: E402


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
        }
        print(json.dumps(report), flush=True)


if __name__ == "__main__":
    asyncio.run(main(float(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])))
