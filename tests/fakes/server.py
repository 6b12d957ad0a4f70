"""The HTTP side of the fake: a server on 127.0.0.1 with Telegram's routes, and request bodies
read the three ways clients send them (query string, JSON, form or multipart)."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from .errors import bad
from .media import MAX_UPLOAD

Route = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class Body:
    """A request body: every value as sent (strings from forms), uploads by part name."""

    values: dict[str, Any] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    filenames: dict[str, str] = field(default_factory=dict)
    mime_types: dict[str, str] = field(default_factory=dict)


async def listen(handle: Route) -> tuple[web.AppRunner, int]:
    """Serve ``/bot<token>/<method>`` with ``handle`` on a free port; (runner, port)."""
    app = web.Application(client_max_size=MAX_UPLOAD + 1024 * 1024)
    app.router.add_route("*", "/bot{token}/{method}", handle)
    runner = web.AppRunner(app, shutdown_timeout=1.0, access_log=None)
    await runner.setup()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port: int = sock.getsockname()[1]
    await web.SockSite(runner, sock).start()
    return runner, port


async def read_body(http: web.Request) -> Body:
    """The parameters of a call; a 400 for a body that is not an object."""
    body = Body(values=dict(http.query))
    if http.content_type == "application/json":
        raw = await http.read()
        if raw:
            loaded = json.loads(raw)
            if not isinstance(loaded, dict):
                raise bad("Bad Request: the request body must be a JSON object")
            body.values.update(loaded)
    elif http.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await http.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                body.files[key] = value.file.read()
                body.filenames[key] = value.filename
                body.mime_types[key] = value.content_type
            else:
                body.values[key] = value if isinstance(value, str) else bytes(value).decode()
    return body


async def client_gone(http: web.Request, grace: float = 0.2) -> bool:
    """Whether the client of ``http`` hung up (waiting briefly for the close to arrive)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + grace
    while True:
        transport = http.transport
        if transport is None or transport.is_closing():
            return True
        if loop.time() >= deadline:
            return False
        await asyncio.sleep(0.01)
