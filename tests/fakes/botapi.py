"""A fake Telegram Bot API server over real HTTP, for end-to-end tests.

Point a real PTB ``Application``/``Bot`` (or a ``python -m bot`` subprocess) at
``base_url=server.base_url`` and ``base_file_url=server.base_file_url``. The server runs in the
test's event loop, so the test must ``await`` (never block) while the bot talks to it.

Every call lands in ``server.requests`` and is checked against the published Bot API
(validation.py); calls that the real Telegram would reject (an unknown method or parameter, a
wrong type, bad HTML, too long, unknown chat, ...) also land in ``server.errors`` so a test can
finish with ``assert server.errors == []``. Faults injected with ``fail()``/``block()`` are
recorded in ``requests`` (``injected=True``, also listed by ``server.faults``) but not in
``errors``.

The parts: state.py (what Telegram knows, the user side, what tests read), faults.py,
validation.py (the spec), methods.py (what each method does: updates.py, messages.py,
profile.py), server.py (HTTP).
"""

from __future__ import annotations

from types import TracebackType

from aiohttp import web

from .errors import ApiError, bad
from .faults import Faults, Injected
from .methods import methods
from .records import JSON, Request, SentMessage
from .server import Body, listen, read_body
from .state import World
from .validation import check_call, spec

__all__ = ["FakeBotAPI", "Request", "SentMessage"]


class FakeBotAPI(World, Faults):
    """A Telegram Bot API look-alike on 127.0.0.1; see the module docstring."""

    def __init__(
        self,
        token: str = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz0123",
        bot_username: str = "ReverseCoachBot",
        *,
        bot_name: str = "Reverse Running Coach",
    ) -> None:
        bot_id = token.split(":", 1)[0]
        World.__init__(
            self,
            {
                "id": int(bot_id) if bot_id.isdigit() else 123456,
                "is_bot": True,
                "first_name": bot_name,
                "username": bot_username,
            },
        )
        Faults.__init__(self)
        self.token = token
        self.port = 0
        self.base_url = ""
        self.base_file_url = ""
        self._methods = methods(self)
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        self.closing = False
        self._runner, self.port = await listen(self._handle)
        self.base_url = f"http://127.0.0.1:{self.port}/bot"
        self.base_file_url = f"http://127.0.0.1:{self.port}/file/bot"

    async def stop(self) -> None:
        self.closing = True
        for poller in self.pollers:
            poller.event.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeBotAPI:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def _handle(self, http: web.Request) -> web.Response:
        """One call: listed as soon as it arrives (status 0 while in flight: a long poll or a
        delay()), then answered by a fault, a refusal or the method."""
        method = spec().method(http.match_info["method"])
        record = Request(
            method=method.name if method else http.match_info["method"],
            params={},
            token=http.match_info["token"],
        )
        body: Body | ApiError
        try:
            body = await read_body(http)
            record.params = dict(body.values)
            record.files, record.filenames = body.files, body.filenames
            record.mime_types = body.mime_types
        except ApiError as error:
            body = error
        except ConnectionError:  # the client hung up mid-body (a long poll cancelled at exit):
            raise  # nobody to answer, and nothing the bot asked of Telegram
        except Exception as exc:  # a malformed body
            body = bad(f"Bad Request: can't parse request: {exc}")
        self.requests.append(record)
        self.notify()
        try:
            result = await self._answer(record, body, http)
            response: JSON = {"ok": True, "result": result}
            description = record.response.pop("_description", None)
            if description:
                response["description"] = description
            status = 200
        except ApiError as error:
            response, status = error.body(), error.status
            record.injected = isinstance(error, Injected) or not error.recorded
        record.response, record.status = response, status
        if status >= 400 and not record.injected:
            self.errors.append(record)
        self.notify()
        return web.json_response(response, status=status)

    async def _answer(self, record: Request, body: Body | ApiError, http: web.Request) -> object:
        if isinstance(body, ApiError):
            raise body
        if record.token != self.token:
            raise ApiError(401, "Unauthorized")
        method = spec().method(record.method)
        if method is None:
            raise ApiError(404, "Not Found")
        record.params = check_call(method, body.values, body.files)
        await self.inject(method.name, record.params.get("chat_id"), record.at)
        handler = self._methods.get(method.name)
        if handler is None:
            raise ApiError(501, f"Not Implemented: the fake Bot API has no {method.name}")
        return await handler(record.params, record, http)
