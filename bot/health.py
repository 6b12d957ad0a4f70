"""The health listener: /livez, /readyz and /metrics on HEALTH_PORT, in polling and webhook mode.

Served by tornado, which python-telegram-bot's webhook extra already installs, on the bot's own
event loop: /livez answering at all shows the process and its loop are alive. /readyz says what
`Readiness` (bot/readiness.py) finds, 503 when something is missing, so a load balancer stops
sending this replica traffic. Imported only when HEALTH_PORT is set.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest
from tornado.httpserver import HTTPServer
from tornado.web import Application, RequestHandler

from bot.readiness import Readiness

log = logging.getLogger(__name__)


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
