"""The webhook endpoint: 200 only once the update is stored, 400 for a body that is not an
update, 403 without the secret. Tornado comes with PTB's webhook extra.

PTB's own webhook server answers 200 as soon as the update is queued in memory, and 500 for
malformed JSON; Telegram would then retry the bad body forever and lose a queued one on a
crash.
"""

from __future__ import annotations

import hmac
import json
import logging
from typing import Any

import tornado.web
from telegram import Update
from tornado.httpserver import HTTPServer

from bot.intake.inbox import Intake

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class _Hook(tornado.web.RequestHandler):
    intake: Intake
    secret: str

    def initialize(self, intake: Intake, secret: str) -> None:
        self.intake = intake
        self.secret = secret

    def check_xsrf_cookie(self) -> None:
        """Telegram sends no cookies; the secret header is the check."""

    async def post(self) -> None:
        given = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            self._answer(403, "wrong or missing secret token")
            return
        update = self._parse(self.request.body)
        if update is None:
            self._answer(400, "not a Telegram update")
            return
        await self.intake.receive([update])
        self._answer(200, "ok")

    def _parse(self, body: bytes) -> Update | None:
        try:
            data: Any = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return None
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            return None
        try:
            return Update.de_json(data, self.intake.app.bot)
        except Exception as err:
            log.warning("Webhook body is not an update: %r", err)
            return None

    def _answer(self, status: int, text: str) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(text)


class WebhookServer:
    def __init__(self, intake: Intake, path: str, secret: str) -> None:
        route = "/" + path.lstrip("/")
        app = tornado.web.Application([(route, _Hook, {"intake": intake, "secret": secret})])
        self._server = HTTPServer(app, xheaders=True)

    def listen(self, host: str, port: int) -> None:
        self._server.listen(port, address=host)

    async def stop(self) -> None:
        self._server.stop()
        await self._server.close_all_connections()
