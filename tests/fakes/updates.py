"""getMe and how updates reach the bot: long polls of getUpdates (a newer poll ends the older
one with a conflict, as Telegram does), or a webhook."""

from __future__ import annotations

import asyncio
import contextlib
import re
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from .errors import ApiError, bad
from .records import JSON, Request
from .server import client_gone
from .state import Poller, World


class Updates:
    def __init__(self, world: World) -> None:
        self.world = world
        self.handlers = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
        }

    async def _get_me(self, params: JSON, request: Request, http: web.Request) -> JSON:
        return {
            **self.world.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _get_updates(self, params: JSON, request: Request, http: web.Request) -> list[JSON]:
        if self.world.webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = int(params.get("offset") or 0)
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        timeout = max(float(params.get("timeout") or 0), 0.0)
        allowed = params.get("allowed_updates")
        self._confirm(offset)
        for other in self.world.pollers:  # Telegram ends the older request with a conflict
            other.superseded = True
            other.event.set()
        poller = Poller()
        self.world.pollers.append(poller)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        try:
            while True:
                if poller.superseded:
                    gone = await client_gone(http)
                    raise ApiError(
                        409,
                        "Conflict: terminated by other getUpdates request; "
                        "make sure that only one bot instance is running",
                        recorded=not gone,
                    )
                batch = self._take(limit, allowed)
                remaining = deadline - loop.time()
                if batch or self.world.closing or remaining <= 0:
                    return batch
                poller.event.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(poller.event.wait(), remaining)
        finally:
            self.world.pollers.remove(poller)

    def _confirm(self, offset: int) -> None:
        if offset < 0:
            self.world.queue = self.world.queue[offset:]
        elif offset > 0:
            self.world.queue = [
                q for q in self.world.queue if not (q.delivered and q.update_id < offset)
            ]

    def _take(self, limit: int, allowed: Any) -> list[JSON]:
        if isinstance(allowed, list) and allowed:  # Telegram drops the other kinds
            self.world.queue = [
                q for q in self.world.queue if any(key in q.update for key in allowed)
            ]
        batch = sorted(self.world.queue[:limit], key=lambda q: q.update_id)
        for q in batch:
            q.delivered = True
        return [q.update for q in batch]

    async def _set_webhook(self, params: JSON, request: Request, http: web.Request) -> bool:
        url = str(params.get("url") or "")
        if not url:
            return await self._delete_webhook(params, request, http)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise bad("Bad Request: bad webhook: Failed to resolve host: Name or service not known")
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            raise bad("Bad Request: secret token contains unallowed characters")
        if params.get("drop_pending_updates"):
            self.world.queue.clear()
        already = self.world.webhook is not None and self.world.webhook.get("url") == url
        self.world.webhook = {
            "url": url,
            "secret_token": secret,
            "max_connections": params.get("max_connections", 40),
            "allowed_updates": params.get("allowed_updates"),
            "ip_address": params.get("ip_address"),
            "drop_pending_updates": bool(params.get("drop_pending_updates")),
        }
        request.response["_description"] = (
            "Webhook is already set" if already else "Webhook was set"
        )
        return True

    async def _delete_webhook(self, params: JSON, request: Request, http: web.Request) -> bool:
        if params.get("drop_pending_updates"):
            self.world.queue.clear()
        request.response["_description"] = (
            "Webhook was deleted"
            if self.world.webhook is not None
            else "Webhook is already deleted"
        )
        self.world.webhook = None
        return True

    async def _get_webhook_info(self, params: JSON, request: Request, http: web.Request) -> JSON:
        info: JSON = {
            "url": "",
            "has_custom_certificate": False,
            "pending_update_count": len(self.world.queue),
        }
        if self.world.webhook is not None:
            info["url"] = self.world.webhook["url"]
            info["max_connections"] = self.world.webhook["max_connections"]
            if self.world.webhook.get("ip_address"):
                info["ip_address"] = self.world.webhook["ip_address"]
            if self.world.webhook.get("allowed_updates"):
                info["allowed_updates"] = self.world.webhook["allowed_updates"]
        return info
