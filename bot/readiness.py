"""What /readyz reports: whether this replica can do its work (the database answers, its
schema is at the migrations' head, updates arrive by polling or a webhook that was set), and
"stopping" once it is, so a load balancer stops sending it traffic.

Kept apart from the listener (bot/health.py) because the runner keeps it up to date in every
mode, while the HTTP server behind it is loaded only when HEALTH_PORT is set.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.db import migrate
from bot.db.session import Database

DB_TIMEOUT_S = 3.0


@dataclass
class Readiness:
    """What /readyz reports; the bot's runner moves `receiving` and `stopping`."""

    db: Database
    heads: frozenset[str] = field(default_factory=migrate.heads)
    mode: str = "polling"  # or "webhook"
    receiving: bool = False  # polling started, or the webhook set and its server listening
    stopping: bool = False
    updater_running: Callable[[], bool] = lambda: True  # PTB's updater still polls or serves

    async def check(self) -> tuple[bool, dict[str, str]]:
        checks: dict[str, str] = {}
        try:
            current = await asyncio.wait_for(migrate.current(self.db.engine), DB_TIMEOUT_S)
        except TimeoutError:
            checks["database"] = f"no answer within {DB_TIMEOUT_S:.0f} s"
            checks["migrations"] = "unknown"
        except Exception as err:  # any driver error means "not reachable" to a probe
            checks["database"] = f"unreachable ({type(err).__name__})"
            checks["migrations"] = "unknown"
        else:
            checks["database"] = "ok"
            if current == self.heads:
                checks["migrations"] = "at head " + ",".join(sorted(current))
            else:
                have = ",".join(sorted(current)) or "none"
                checks["migrations"] = f"at {have}, head is {','.join(sorted(self.heads))}"
        if self.stopping:
            checks[self.mode] = "stopping"
        elif self.receiving and self.updater_running():
            checks[self.mode] = "ok"
        elif self.receiving:
            checks[self.mode] = "stopped"
        else:
            checks[self.mode] = "not started"
        ok = (
            checks["database"] == "ok"
            and checks["migrations"].startswith("at head")
            and checks[self.mode] == "ok"
        )
        return ok, checks
