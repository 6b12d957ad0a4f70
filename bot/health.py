"""The health listener: /livez, /readyz and /metrics on HEALTH_PORT, in polling and webhook mode.

Served by tornado, which python-telegram-bot's webhook extra already installs, on the bot's own
event loop: /livez answering at all shows the process and its loop are alive. /readyz checks
what this replica needs to do its work (the database answers, its schema is at the migrations'
head, updates arrive by polling or a webhook that was set) and says 503 otherwise, or once the
replica is stopping, so a load balancer stops sending it traffic.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest
from tornado.httpserver import HTTPServer
from tornado.web import Application, RequestHandler

from bot.db import migrate
from bot.db.session import Database

log = logging.getLogger(__name__)

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


class _Live(RequestHandler):
    def get(self) -> None:
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"status": "ok"}))


class _Ready(RequestHandler):
    def initialize(self, readiness: Readiness) -> None:
        self.readiness = readiness

    async def get(self) -> None:
        ok, checks = await self.readiness.check()
        self.set_status(200 if ok else 503)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"status": "ok" if ok else "unavailable", "checks": checks}))


class _Metrics(RequestHandler):
    def get(self) -> None:
        self.set_header("Content-Type", CONTENT_TYPE_LATEST)
        self.finish(generate_latest(REGISTRY))


class HealthServer:
    """Listens on (host, port) until stop(); start() raises OSError when the port is taken."""

    def __init__(self, readiness: Readiness, host: str, port: int) -> None:
        self.readiness = readiness
        self.host, self.port = host, port
        routes: list[Any] = [
            (r"/livez", _Live),
            (r"/readyz", _Ready, {"readiness": readiness}),
            (r"/metrics", _Metrics),
        ]
        self._server = HTTPServer(Application(routes, log_function=_quiet))

    def start(self) -> None:
        self._server.listen(self.port, self.host)
        log.info("Health listener on %s:%s (/livez, /readyz, /metrics)", self.host, self.port)

    async def stop(self) -> None:
        self._server.stop()
        await self._server.close_all_connections()


def _quiet(handler: RequestHandler) -> None:
    """Probes come every few seconds; only failures are worth a line."""
    if handler.get_status() >= 500 and handler.request.path != "/readyz":
        log.warning(
            "%s %s -> %s", handler.request.method, handler.request.path, handler.get_status()
        )
