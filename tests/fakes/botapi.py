"""A fake Telegram Bot API server over real HTTP, for end-to-end tests.

Point a real PTB ``Application``/``Bot`` (or a ``python -m bot`` subprocess) at
``base_url=server.base_url`` and ``base_file_url=server.base_file_url``. The server runs in the
test's event loop, so the test must ``await`` (never block) while the bot talks to it.

Every call lands in ``server.requests``; calls that the real Telegram would reject (bad HTML, too
long, unknown chat, unknown method, ...) also land in ``server.errors`` so a test can finish with
``assert server.errors == []``. Faults injected with ``fail()``/``block()`` are recorded in
``requests`` (``injected=True``, also listed by ``server.faults``) but not in ``errors``.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import io
import itertools
import json
import mimetypes
import random
import re
import secrets
import socket
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from types import TracebackType
from typing import Any, TypeVar
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web

from .telegram_html import EntityParseError, parse_text, trim, utf16_len

JSON = dict[str, Any]
_T = TypeVar("_T")

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
MAX_UPLOAD = 50 * 1024 * 1024
MAX_DESCRIPTION = 512
MAX_SHORT_DESC = 120
_LANGUAGE_RE = re.compile(r"^[a-z]{2}$")

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
CHAT_NOT_FOUND = "Bad Request: chat not found"
MARKUP_JSON = "Bad Request: can't parse reply keyboard markup JSON object"
BUTTON_PREFIX = "Bad Request: can't parse inline keyboard button: "

INLINE_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
REPLY_ACTIONS = (
    "request_contact",
    "request_location",
    "request_poll",
    "request_users",
    "request_chat",
    "web_app",
)
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)

_JSON_PARAMS = frozenset(
    {
        "reply_markup",
        "commands",
        "scope",
        "entities",
        "caption_entities",
        "link_preview_options",
        "reply_parameters",
        "allowed_updates",
        "media",
    }
)
_INT_PARAMS = frozenset(
    {
        "message_id",
        "offset",
        "limit",
        "timeout",
        "message_thread_id",
        "reply_to_message_id",
        "cache_time",
        "max_connections",
        "user_id",
        "duration",
    }
)
_CHAT_PARAMS = frozenset({"chat_id", "from_chat_id"})
_BOOL_PARAMS = frozenset(
    {
        "show_alert",
        "disable_notification",
        "protect_content",
        "drop_pending_updates",
        "disable_web_page_preview",
        "allow_sending_without_reply",
        "has_spoiler",
        "disable_content_type_detection",
        "show_caption_above_media",
        "allow_paid_broadcast",
    }
)
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_LEADING_COMMAND_RE = re.compile(r"^/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{1,64})?(?=\s|$)")
_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"


class ApiError(Exception):
    """A Telegram error answer: HTTP status == error_code."""

    def __init__(
        self,
        status: int,
        description: str,
        *,
        retry_after: int | None = None,
        recorded: bool = True,
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after
        self.recorded = recorded  # False: don't count it in ``errors``

    def body(self) -> JSON:
        body: JSON = {"ok": False, "error_code": self.status, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def _bad(description: str) -> ApiError:
    return ApiError(400, description)


@dataclass
class Request:
    """One call the bot made."""

    method: str  # canonical spelling, e.g. "sendMessage"
    params: JSON  # decoded: ints, bools, and JSON values (reply_markup, ...) as Python objects
    files: dict[str, bytes] = field(default_factory=dict)  # multipart part name -> content
    filenames: dict[str, str] = field(default_factory=dict)  # multipart part name -> filename
    status: int = 0  # 0 while the call is in flight
    response: JSON = field(default_factory=dict)
    token: str = ""
    injected: bool = False  # answered by fail()/block()/a superseded long poll
    at: float = field(default_factory=time.monotonic)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def done(self) -> bool:
        return self.status != 0

    @property
    def description(self) -> str | None:
        value = self.response.get("description")
        return value if isinstance(value, str) else None

    @property
    def result(self) -> Any:
        return self.response.get("result")


@dataclass
class SentMessage:
    """A message in a chat, as it is now (after edits). ``text`` is the plain text or caption."""

    chat_id: int
    message_id: int
    text: str
    html: str | None  # the raw text/caption as sent, before entity parsing
    parse_mode: str | None
    entities: list[JSON]
    reply_markup: JSON | None
    data: JSON  # the Message object as Telegram would return it now
    from_bot: bool = True
    photo: bytes | None = None
    document: bytes | None = None
    voice: bytes | None = None
    filename: str | None = None
    mime_type: str | None = None
    edits: int = 0
    deleted: bool = False
    history: list[str] = field(default_factory=list)  # earlier texts, oldest first

    @property
    def kind(self) -> str:
        if self.photo is not None or "photo" in self.data:
            return "photo"
        if self.document is not None or "document" in self.data:
            return "document"
        if self.voice is not None or "voice" in self.data:
            return "voice"
        if "location" in self.data:
            return "location"
        return "text"

    @property
    def has_text(self) -> bool:
        return "text" in self.data

    def buttons(self) -> list[list[tuple[str, str | None]]]:
        """Rows of (text, callback_data) for an inline keyboard, (text, None) for others."""
        markup = self.reply_markup or {}
        rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
        result: list[list[tuple[str, str | None]]] = []
        for row in rows:
            cells: list[tuple[str, str | None]] = []
            for button in row:
                if isinstance(button, str):
                    cells.append((button, None))
                else:
                    cells.append((str(button.get("text", "")), button.get("callback_data")))
            result.append(cells)
        return result

    def button_texts(self) -> list[str]:
        return [text for row in self.buttons() for text, _ in row]


@dataclass
class _Queued:
    update: JSON
    delivered: bool = False

    @property
    def update_id(self) -> int:
        return int(self.update["update_id"])


@dataclass
class _Poller:
    event: asyncio.Event = field(default_factory=asyncio.Event)
    superseded: bool = False


@dataclass
class _Fault:
    status: int
    description: str
    retry_after: int | None
    times: int


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    content: bytes | None
    file_path: str


Handler = Callable[[JSON, Request, web.Request], Awaitable[Any]]


class FakeBotAPI:
    """A Telegram Bot API look-alike on 127.0.0.1; see the module docstring."""

    def __init__(
        self,
        token: str = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz0123",
        bot_username: str = "ReverseCoachBot",
        *,
        bot_name: str = "Reverse Running Coach",
        require_https_webhook: bool = False,
    ) -> None:
        self.token = token
        self.bot_username = bot_username
        self.require_https_webhook = require_https_webhook
        self.bot_user: JSON = {
            "id": int(token.split(":", 1)[0]) if token.split(":", 1)[0].isdigit() else 123456,
            "is_bot": True,
            "first_name": bot_name,
            "username": bot_username,
        }
        self.port = 0
        self.base_url = ""
        self.base_file_url = ""
        self.requests: list[Request] = []
        self.errors: list[Request] = []
        self.callback_answers: list[JSON] = []
        self.callback_queries: dict[str, JSON] = {}
        self.chat_actions: list[tuple[int, str]] = []
        self.webhook: JSON | None = None
        self.webhook_deliveries: list[tuple[int, int]] = []  # (update_id, HTTP status)
        self.closed = False
        self.logged_out = False
        self.chats: dict[int, JSON] = {}
        self.users: dict[int, JSON] = {}
        self._commands: dict[tuple[str, str], list[JSON]] = {}
        # language_code ("" for everyone without a dedicated one) -> text
        self.descriptions: dict[str, str] = {}
        self.short_descriptions: dict[str, str] = {}
        self._messages: dict[int, dict[int, SentMessage]] = {}
        self._message_ids: dict[int, int] = {}
        self._last_update_id = 10_000
        self._seen_update_ids: set[int] = set()
        self._queue: list[_Queued] = []
        self._pollers: list[_Poller] = []
        self._faults: dict[str, list[_Fault]] = {}
        self._delays: dict[str, float] = {}
        self._slow: tuple[float, float, random.Random, set[int] | None] | None = None
        self.slowed_chats: set[int] = set()
        self._blocked: set[int] = set()
        self._no_voice: set[int] = set()  # users who accept no voice messages
        self._flood_rate: float | None = None
        self._flood_window: collections.deque[float] = collections.deque()
        self._chat_burst: int | None = None
        self._chat_tat: dict[int, float] = {}
        self.flood_answers = 0  # 429s answered by flood_control()
        self._files: dict[str, StoredFile] = {}
        self._file_counter = itertools.count(1)
        self._answered: set[str] = set()
        self._activity: asyncio.Event | None = None
        self._runner: web.AppRunner | None = None
        self._closing = False
        self._handlers: dict[str, tuple[str, Handler]] = {}
        for name, handler in (
            ("getMe", self._get_me),
            ("getUpdates", self._get_updates),
            ("setWebhook", self._set_webhook),
            ("deleteWebhook", self._delete_webhook),
            ("getWebhookInfo", self._get_webhook_info),
            ("setMyCommands", self._set_my_commands),
            ("getMyCommands", self._get_my_commands),
            ("deleteMyCommands", self._delete_my_commands),
            ("setMyDescription", self._set_my_description),
            ("getMyDescription", self._get_my_description),
            ("setMyShortDescription", self._set_my_short_description),
            ("getMyShortDescription", self._get_my_short_description),
            ("sendMessage", self._send_message),
            ("editMessageText", self._edit_message_text),
            ("editMessageCaption", self._edit_message_caption),
            ("editMessageReplyMarkup", self._edit_message_reply_markup),
            ("deleteMessage", self._delete_message),
            ("answerCallbackQuery", self._answer_callback_query),
            ("sendPhoto", self._send_photo),
            ("sendDocument", self._send_document),
            ("sendVoice", self._send_voice),
            ("sendChatAction", self._send_chat_action),
            ("getFile", self._get_file),
            ("close", self._close),
            ("logOut", self._log_out),
        ):
            self._handlers[name.lower()] = (name, handler)

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        self._activity = asyncio.Event()
        self._closing = False
        app = web.Application(client_max_size=MAX_UPLOAD + 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.*}", self._handle_file)
        self._runner = web.AppRunner(app, shutdown_timeout=1.0, access_log=None)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()
        self.base_url = f"http://127.0.0.1:{self.port}/bot"
        self.base_file_url = f"http://127.0.0.1:{self.port}/file/bot"

    async def stop(self) -> None:
        self._closing = True
        for poller in self._pollers:
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

    # ------------------------------------------------------------------ the user side

    def _user(
        self, user_id: int, first_name: str | None = None, language_code: str | None = None
    ) -> JSON:
        user = self.users.get(user_id)
        if user is None:
            user = {"id": user_id, "is_bot": False, "first_name": first_name or "Ana"}
            if language_code:
                user["language_code"] = language_code
            self.users[user_id] = user
        else:
            if first_name is not None:
                user["first_name"] = first_name
            if language_code is not None:
                user["language_code"] = language_code
        return dict(user)

    def _chat_for(self, chat_id: int, chat_type: str, user: JSON) -> JSON:
        chat = self.chats.get(chat_id)
        if chat is None:
            if chat_type == "private":
                chat = {"id": chat_id, "type": "private", "first_name": user["first_name"]}
            else:
                chat = {"id": chat_id, "type": chat_type, "title": f"Test {chat_type} {chat_id}"}
            self.chats[chat_id] = chat
        return dict(chat)

    def _next_message_id(self, chat_id: int) -> int:
        self._message_ids[chat_id] = self._message_ids.get(chat_id, 0) + 1
        return self._message_ids[chat_id]

    def next_update_id(self) -> int:
        """A fresh, increasing update_id (skipping ids used by raw ``enqueue`` calls)."""
        self._last_update_id += 1
        while self._last_update_id in self._seen_update_ids:
            self._last_update_id += 1
        return self._last_update_id

    def _user_message(self, message: JSON) -> None:
        chat_id = int(message["chat"]["id"])
        text = str(message.get("text", message.get("caption", "")))
        self._messages.setdefault(chat_id, {})[int(message["message_id"])] = SentMessage(
            chat_id=chat_id,
            message_id=int(message["message_id"]),
            text=text,
            html=None,
            parse_mode=None,
            entities=list(message.get("entities", [])),
            reply_markup=None,
            data=message,
            from_bot=False,
        )

    def _new_user_message(
        self,
        user_id: int,
        chat_id: int | None,
        chat_type: str,
        first_name: str | None,
        language_code: str | None,
        content: JSON,
    ) -> JSON:
        user = self._user(user_id, first_name, language_code)
        chat = self._chat_for(user_id if chat_id is None else chat_id, chat_type, user)
        message: JSON = {
            "message_id": self._next_message_id(chat["id"]),
            "from": user,
            "chat": chat,
            "date": int(time.time()),
            **content,
        }
        self._user_message(message)
        return message

    def send_text(
        self,
        text: str,
        *,
        user_id: int = 1001,
        chat_id: int | None = None,
        first_name: str = "Ana",
        chat_type: str = "private",
        language_code: str = "en",
    ) -> JSON:
        """Enqueue a text message from a user; a leading /command gets a bot_command entity."""
        content: JSON = {"text": text}
        entities = _command_entities(text)
        if entities:
            content["entities"] = entities
        message = self._new_user_message(
            user_id, chat_id, chat_type, first_name, language_code, content
        )
        update = {"update_id": self.next_update_id(), "message": message}
        self.enqueue(update)
        return update

    def send_location(
        self, lat: float, lon: float, *, user_id: int = 1001, chat_id: int | None = None
    ) -> JSON:
        content: JSON = {"location": {"latitude": lat, "longitude": lon}}
        message = self._new_user_message(user_id, chat_id, "private", None, None, content)
        update = {"update_id": self.next_update_id(), "message": message}
        self.enqueue(update)
        return update

    def press(
        self,
        message: SentMessage | int,
        data: str,
        *,
        user_id: int = 1001,
        check: bool = True,
    ) -> JSON:
        """Enqueue a callback_query for a bot message (object, or message_id in the user's chat).

        With ``check`` the message must exist, not be deleted and carry a button with ``data``
        (a real user can only press buttons that are there)."""
        if isinstance(message, SentMessage):
            chat_id, message_id = message.chat_id, message.message_id
        else:
            chat_id, message_id = user_id, message
        stored = self._messages.get(chat_id, {}).get(message_id)
        if check:
            if stored is None or not stored.from_bot:
                raise AssertionError(f"no bot message {message_id} in chat {chat_id}")
            if stored.deleted:
                raise AssertionError(f"message {message_id} in chat {chat_id} was deleted")
            pressable = [cb for row in stored.buttons() for _, cb in row if cb is not None]
            if data not in pressable:
                raise AssertionError(
                    f"message {message_id} has no button with callback_data {data!r}; "
                    f"buttons: {stored.buttons()}"
                )
        message_data: JSON
        if stored is not None:
            message_data = dict(stored.data)
        else:
            chat = self.chats.get(chat_id, {"id": chat_id, "type": "private", "first_name": "Ana"})
            message_data = {"message_id": message_id, "chat": chat, "date": 0}
        query_id = str(secrets.randbits(63))
        query: JSON = {
            "id": query_id,
            "from": self._user(user_id),
            "message": message_data,
            "chat_instance": str(abs(hash(("chat_instance", chat_id))) % 10**18),
            "data": data,
        }
        self.callback_queries[query_id] = query
        update = {"update_id": self.next_update_id(), "callback_query": query}
        self.enqueue(update)
        return update

    def edit_user_message(self, update: JSON, new_text: str) -> JSON:
        """Enqueue an edited_message update for a message the user sent earlier."""
        original = update.get("message") or update.get("edited_message")
        if not original:
            raise ValueError("the update has no message to edit")
        edited = {k: v for k, v in original.items() if k != "entities"}
        edited["text"] = new_text
        edited["edit_date"] = int(time.time())
        entities = _command_entities(new_text)
        if entities:
            edited["entities"] = entities
        self._user_message(edited)
        new_update = {"update_id": self.next_update_id(), "edited_message": edited}
        self.enqueue(new_update)
        return new_update

    def enqueue(self, update: JSON) -> None:
        """Queue a raw update for getUpdates (an update_id is added if missing).

        Enqueueing an update again is a redelivery: it is handed out once more. An offset only
        confirms updates that were already handed out, so raw updates with any id (a redelivery
        below the offset, or a far higher id) never make others disappear unseen."""
        if "update_id" not in update:
            update["update_id"] = self.next_update_id()
        self._seen_update_ids.add(int(update["update_id"]))
        self._register(update)
        self._queue.append(_Queued(update))
        for poller in self._pollers:
            poller.event.set()
        self._notify()

    def _register(self, update: JSON) -> None:
        """Learn chats/users/messages from an update, like Telegram knows who wrote to the bot."""
        for key in ("message", "edited_message", "channel_post", "edited_channel_post"):
            message = update.get(key)
            if isinstance(message, dict):
                self._register_message(message)
        query = update.get("callback_query")
        if isinstance(query, dict):
            if isinstance(query.get("from"), dict):
                self.users.setdefault(int(query["from"]["id"]), query["from"])
            if isinstance(query.get("message"), dict) and "chat" in query["message"]:
                chat = query["message"]["chat"]
                self.chats.setdefault(int(chat["id"]), chat)
            self.callback_queries.setdefault(str(query["id"]), query)
        for key in ("my_chat_member", "chat_member"):
            member = update.get(key)
            if isinstance(member, dict) and "chat" in member:
                self.chats.setdefault(int(member["chat"]["id"]), member["chat"])

    def _register_message(self, message: JSON) -> None:
        chat = message.get("chat")
        if not isinstance(chat, dict):
            return
        chat_id = int(chat["id"])
        self.chats.setdefault(chat_id, chat)
        sender = message.get("from")
        if isinstance(sender, dict):
            self.users.setdefault(int(sender["id"]), sender)
        message_id = int(message.get("message_id", 0))
        if message_id > self._message_ids.get(chat_id, 0):
            self._message_ids[chat_id] = message_id
        if message_id not in self._messages.get(chat_id, {}):
            self._user_message(message)

    async def deliver_webhook(self, url: str, update: JSON, secret: str | None) -> int:
        """POST an update to the bot's webhook like Telegram; return the HTTP status."""
        self._register(update)
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        timeout = aiohttp.ClientTimeout(total=30)
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.post(url, data=json.dumps(update), headers=headers) as response,
        ):
            await response.read()
            status = response.status
        update_id = int(update.get("update_id", 0))
        self.webhook_deliveries.append((update_id, status))
        if 200 <= status < 300:
            self._queue = [q for q in self._queue if q.update_id != update_id]
        return status

    # ------------------------------------------------------------------ what the bot did

    def messages(self, chat_id: int = 1001) -> list[SentMessage]:
        """The bot's messages in a chat, in order, as they are now (deleted ones included)."""
        return [m for m in self._messages.get(chat_id, {}).values() if m.from_bot]

    def bot_messages_everywhere(self) -> list[SentMessage]:
        """Every message the bot sent, in every chat (for checks over all replies)."""
        return [m for chat in self._messages.values() for m in chat.values() if m.from_bot]

    def all_messages(self, chat_id: int = 1001) -> list[SentMessage]:
        """User and bot messages in a chat, in message_id order."""
        return sorted(self._messages.get(chat_id, {}).values(), key=lambda m: m.message_id)

    def last(self, chat_id: int = 1001) -> SentMessage:
        sent = self.messages(chat_id)
        if not sent:
            raise AssertionError(f"the bot sent nothing to chat {chat_id}; {self._summary()}")
        return sent[-1]

    @property
    def commands(self) -> list[JSON]:
        """Commands set with setMyCommands for the default scope and no language."""
        return self._commands.get(("default", ""), [])

    def commands_for(self, scope: JSON | None = None, language_code: str = "") -> list[JSON]:
        return self._commands.get((_scope_key(scope), language_code), [])

    @property
    def faults(self) -> list[Request]:
        return [r for r in self.requests if r.injected]

    @property
    def pending_updates(self) -> list[JSON]:
        return [q.update for q in self._queue]

    def calls(self, method: str) -> list[Request]:
        return [r for r in self.requests if r.method.lower() == method.lower()]

    async def wait_for_messages(
        self,
        count: int,
        chat_id: int = 1001,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> list[SentMessage]:
        """Wait until the bot has sent at least ``count`` messages to the chat."""

        def ready() -> list[SentMessage] | None:
            sent = self.messages(chat_id)
            return sent if len(sent) >= count else None

        try:
            return await self._wait(ready, timeout)
        except TimeoutError:
            raise AssertionError(
                f"expected {count} bot message(s) in chat {chat_id} within {timeout}s; "
                f"{self._summary(chat_id)}"
            ) from None

    async def wait_for_request(
        self,
        method: str,
        timeout: float = 5.0,  # noqa: ASYNC109
        predicate: Callable[[Request], bool] | None = None,
        *,
        since: int = 0,
    ) -> Request:
        """The first call to ``method`` (from index ``since`` of ``requests``) that matches
        ``predicate``; waits for it if needed. Calls are listed when they arrive, so a long poll
        (or a call slowed by ``delay``) can be returned while in flight (``done`` is False);
        every other call is answered before the test can see it."""

        def ready() -> Request | None:
            for request in self.requests[since:]:
                if request.method.lower() == method.lower() and (
                    predicate is None or predicate(request)
                ):
                    return request
            return None

        try:
            return await self._wait(ready, timeout)
        except TimeoutError:
            raise AssertionError(
                f"no matching {method} call within {timeout}s; {self._summary()}"
            ) from None

    async def _wait(self, ready: Callable[[], _T | None], timeout: float) -> _T:  # noqa: ASYNC109
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            value = ready()
            if value is not None:
                return value
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError
            event = self._activity or asyncio.Event()
            self._activity = event
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), min(remaining, 0.25))

    def _notify(self) -> None:
        if self._activity is not None:
            self._activity.set()
        self._activity = asyncio.Event()

    def _summary(self, chat_id: int | None = None) -> str:
        parts = []
        if chat_id is not None:
            texts = [m.text for m in self.messages(chat_id)]
            parts.append(f"bot messages in chat {chat_id}: {texts!r}")
        calls = [
            f"{r.method}:{r.status or 'pending'}" for r in self.requests if r.method != "getUpdates"
        ]
        parts.append(f"calls: {calls}")
        if self.errors:
            parts.append(f"errors: {[(r.method, r.description) for r in self.errors]}")
        return "; ".join(parts)

    # ------------------------------------------------------------------ faults

    def fail(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int | None = None,
        times: int = 1,
        description: str | None = None,
    ) -> None:
        """The next ``times`` calls to ``method`` ("*" for any) answer with this error."""
        if status == 429 and retry_after is None:
            retry_after = 1
        if description is None:
            if status == 429:
                description = f"Too Many Requests: retry after {retry_after}"
            else:
                description = _status_description(status)
        fault = _Fault(status, description, retry_after, times)
        self._faults.setdefault(method.lower(), []).append(fault)

    def forbid_voice(self, chat_id: int) -> None:
        """The user's privacy settings refuse voice messages (Telegram answers sendVoice with
        VOICE_MESSAGES_FORBIDDEN for them)."""
        self._no_voice.add(chat_id)

    def flood_control(self, rate: float | None = 30, *, per_chat_burst: int | None = None) -> None:
        """Answer 429 the way Telegram's flood control does: when a message would make more
        than ``rate`` accepted messages in any one-second window (None turns it off), or, with
        ``per_chat_burst``, when a chat got that many at once and then more than one a second.
        Chat actions are not messages and are not counted."""
        self._flood_rate = rate
        self._chat_burst = per_chat_burst
        self._flood_window.clear()
        self._chat_tat.clear()

    def _flooded(self, name: str, chat_id: Any, now: float) -> bool:
        """Whether a message that arrived at `now` is over the limits (if not, it counts)."""
        if not name.startswith("send") or name == "sendChatAction":
            return False
        if self._chat_burst is not None and isinstance(chat_id, int):
            tat = max(self._chat_tat.get(chat_id, 0.0), now)
            if tat - now > self._chat_burst - 1:
                return True
        if self._flood_rate is not None:
            window = self._flood_window
            while window and window[0] <= now - 1.0:
                window.popleft()
            if len(window) >= self._flood_rate:
                return True
            window.append(now)
        if self._chat_burst is not None and isinstance(chat_id, int):
            self._chat_tat[chat_id] = max(self._chat_tat.get(chat_id, 0.0), now) + 1.0
        return False

    def sends(self) -> list[Request]:
        """Messages the server accepted (any send* but chat actions), in arrival order."""
        return [
            r
            for r in self.requests
            if r.method.startswith("send") and r.method != "sendChatAction" and r.ok
        ]

    def busiest_second(self) -> int:
        """The most accepted messages that arrived within any one-second window."""
        times = sorted(r.at for r in self.sends())
        most, first = 0, 0
        for last, at in enumerate(times):
            while at - times[first] >= 1.0:
                first += 1
            most = max(most, last - first + 1)
        return most

    def block(self, chat_id: int) -> None:
        """Calls targeting this chat answer 403 "Forbidden: bot was blocked by the user"."""
        self._blocked.add(chat_id)

    def unblock(self, chat_id: int) -> None:
        self._blocked.discard(chat_id)

    def delay(self, method: str, seconds: float) -> None:
        """Answer calls to ``method`` ("*" for any) only after ``seconds``; 0 removes the delay.
        The call still takes effect, like a slow Telegram after the client gave up."""
        if seconds <= 0:
            self._delays.pop(method.lower(), None)
        else:
            self._delays[method.lower()] = seconds

    def slow_answers(
        self, fraction: float, seconds: float, seed: int = 0, chats: set[int] | None = None
    ) -> None:
        """A share of the calls aimed at a chat (any chat, or only ``chats``) answer only after
        ``seconds``; fraction 0 stops it. Chats that got a slow answer are in ``slowed_chats``."""
        self._slow = (fraction, seconds, random.Random(seed), chats) if fraction > 0 else None

    async def _maybe_slow(self, method: str, chat_id: Any) -> None:
        if self._slow is None or method == "getUpdates" or not isinstance(chat_id, int):
            return
        fraction, seconds, rng, chats = self._slow
        if chats is not None and chat_id not in chats:
            return
        if rng.random() < fraction:
            self.slowed_chats.add(chat_id)
            await asyncio.sleep(seconds)

    def _take_fault(self, method: str) -> _Fault | None:
        for key in (method.lower(), "*"):
            faults = self._faults.get(key)
            if faults:
                fault = faults[0]
                fault.times -= 1
                if fault.times <= 0:
                    faults.pop(0)
                return fault
        return None

    # ------------------------------------------------------------------ HTTP

    async def _handle(self, http: web.Request) -> web.Response:
        token = http.match_info["token"]
        raw_method = http.match_info["method"]
        name, handler = self._handlers.get(raw_method.lower(), (raw_method, None))
        record = Request(method=name, params={}, token=token)
        decode_error: ApiError | None = None
        try:
            record.params, record.files, record.filenames = await self._decode(http)
        except ApiError as error:
            decode_error = error
        except Exception as exc:  # a malformed body
            decode_error = _bad(f"Bad Request: can't parse request: {exc}")
        # Listed as soon as it arrives (status 0 while in flight: a long poll or a delay()).
        self.requests.append(record)
        self._notify()
        try:
            if decode_error is not None:
                raise decode_error
            if token != self.token:
                raise ApiError(401, "Unauthorized")
            delay = self._delays.get(name.lower(), self._delays.get("*"))
            if delay:
                await asyncio.sleep(delay)
            await self._maybe_slow(name, record.params.get("chat_id"))
            fault = self._take_fault(name)
            if fault is not None:
                record.injected = True
                raise ApiError(fault.status, fault.description, retry_after=fault.retry_after)
            chat_id = record.params.get("chat_id")
            if isinstance(chat_id, int) and chat_id in self._blocked:
                record.injected = True
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            if (self._flood_rate is not None or self._chat_burst is not None) and self._flooded(
                name, chat_id, record.at
            ):
                record.injected = True
                self.flood_answers += 1
                raise ApiError(429, "Too Many Requests: retry after 1", retry_after=1)
            if handler is None:
                raise ApiError(404, "Not Found")
            result = await handler(record.params, record, http)
            body: JSON = {"ok": True, "result": result}
            description = record.response.pop("_description", None)
            if description:
                body["description"] = description
            status = 200
        except ApiError as error:
            body = error.body()
            status = error.status
            if not error.recorded:
                record.injected = True
        record.response = body
        record.status = status
        if status >= 400 and not record.injected:
            self.errors.append(record)
        self._notify()
        return web.json_response(body, status=status)

    async def _handle_file(self, http: web.Request) -> web.Response:
        if http.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        path = http.match_info["path"]
        for stored in self._files.values():
            if stored.file_path == path and stored.content is not None:
                return web.Response(body=stored.content)
        return web.json_response(
            {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
        )

    async def _decode(self, http: web.Request) -> tuple[JSON, dict[str, bytes], dict[str, str]]:
        raw: dict[str, Any] = dict(http.query)
        files: dict[str, bytes] = {}
        filenames: dict[str, str] = {}
        mimes: dict[str, str] = {}
        content_type = http.content_type
        if content_type == "application/json":
            body = await http.read()
            if body:
                loaded = json.loads(body)
                if not isinstance(loaded, dict):
                    raise _bad("Bad Request: the request body must be a JSON object")
                raw.update(loaded)
        elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await http.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    files[key] = value.file.read()
                    filenames[key] = value.filename
                    mimes[key] = value.content_type
                else:
                    raw[key] = value if isinstance(value, str) else bytes(value).decode()
        params = {key: _normalize(key, value) for key, value in raw.items()}
        if mimes:
            params["_mime_types"] = mimes
        return params, files, filenames

    # ------------------------------------------------------------------ helpers for methods

    def _chat(self, params: JSON) -> JSON:
        chat_id = params.get("chat_id")
        if chat_id is None or chat_id == "":
            raise _bad("Bad Request: chat_id is empty")
        if isinstance(chat_id, str):
            username = chat_id.removeprefix("@").lower()
            for chat in self.chats.values():
                if str(chat.get("username", "")).lower() == username:
                    return dict(chat)
            raise _bad(CHAT_NOT_FOUND)
        chat = self.chats.get(chat_id)
        if chat is None:
            raise _bad(CHAT_NOT_FOUND)
        return dict(chat)

    def _format(
        self, raw: Any, params: JSON, *, caption: bool
    ) -> tuple[str, list[JSON], str | None]:
        text = "" if raw is None else str(raw)
        entities_key = "caption_entities" if caption else "entities"
        parse_mode = params.get("parse_mode") or None
        given = params.get(entities_key)
        if given is not None:
            if not isinstance(given, list) or not all(isinstance(e, dict) for e in given):
                raise _bad("Bad Request: can't parse entities JSON object")
            plain, entities = text, [dict(e) for e in given]
        else:
            try:
                plain, entities = parse_text(text, parse_mode)
            except EntityParseError as exc:
                raise _bad(f"Bad Request: can't parse entities: {exc}") from exc
            except ValueError as exc:
                raise _bad(str(exc)) from exc
        plain, entities = trim(plain, entities)
        if caption:
            if utf16_len(plain) > MAX_CAPTION:
                raise _bad("Bad Request: message caption is too long")
        else:
            if not plain:
                raise _bad("Bad Request: message text is empty")
            if utf16_len(plain) > MAX_TEXT:
                raise _bad("Bad Request: message is too long")
        return plain, entities, parse_mode

    def _reply_to(self, chat_id: int, params: JSON) -> JSON | None:
        reply = params.get("reply_parameters")
        message_id: Any = params.get("reply_to_message_id")
        allow = bool(params.get("allow_sending_without_reply"))
        if isinstance(reply, dict):
            message_id = reply.get("message_id")
            allow = allow or bool(reply.get("allow_sending_without_reply"))
            if reply.get("chat_id") not in (None, chat_id):
                raise _bad("Bad Request: message to be replied not found")
        elif reply is not None:
            raise _bad("Bad Request: can't parse reply parameters JSON object")
        if message_id is None:
            return None
        target = self._messages.get(chat_id, {}).get(int(message_id))
        if target is None or target.deleted:
            if allow:
                return None
            raise _bad("Bad Request: message to be replied not found")
        return {k: v for k, v in target.data.items() if k != "reply_to_message"}

    def _store_bot_message(
        self,
        chat: JSON,
        params: JSON,
        content: JSON,
        markup: JSON | None,
        *,
        text: str,
        html: str | None,
        parse_mode: str | None,
        entities: list[JSON],
    ) -> SentMessage:
        chat_id = int(chat["id"])
        data: JSON = {
            "message_id": self._next_message_id(chat_id),
            "from": dict(self.bot_user),
            "chat": chat,
            "date": int(time.time()),
        }
        reply_to = self._reply_to(chat_id, params)
        if reply_to is not None:
            data["reply_to_message"] = reply_to
        data.update(content)
        if _is_inline(markup):
            data["reply_markup"] = markup
        message = SentMessage(
            chat_id=chat_id,
            message_id=data["message_id"],
            text=text,
            html=html,
            parse_mode=parse_mode,
            entities=entities,
            reply_markup=markup,
            data=data,
        )
        self._messages.setdefault(chat_id, {})[message.message_id] = message
        return message

    def _target(self, params: JSON, *, verb: str = "edit") -> SentMessage:
        if params.get("inline_message_id"):
            raise _bad("Bad Request: MESSAGE_ID_INVALID")
        chat = self._chat(params)
        message_id = params.get("message_id")
        if not isinstance(message_id, int) or message_id <= 0:
            raise _bad("Bad Request: message identifier is not specified")
        message = self._messages.get(int(chat["id"]), {}).get(message_id)
        if message is None or message.deleted:
            raise _bad(f"Bad Request: message to {verb} not found")
        if verb == "edit" and not message.from_bot:
            raise _bad("Bad Request: message can't be edited")
        return message

    def _edited(self, message: SentMessage, markup: JSON | None) -> JSON:
        message.edits += 1
        message.data["edit_date"] = int(time.time())
        message.data.pop("reply_markup", None)
        if _is_inline(markup):
            message.data["reply_markup"] = markup
        if markup is not None or _is_inline(message.reply_markup):
            message.reply_markup = markup
        return dict(message.data)

    def _store_file(self, content: bytes | None, folder: str, extension: str) -> StoredFile:
        number = next(self._file_counter)
        stored = StoredFile(
            file_id=f"AgAC{number:06d}{secrets.token_urlsafe(24)}",
            file_unique_id=f"AQAD{number:06d}{secrets.token_hex(3)}",
            content=content,
            file_path=f"{folder}/file_{number}{extension}",
        )
        self._files[stored.file_id] = stored
        return stored

    def _input_file(self, params: JSON, request: Request, name: str) -> tuple[bytes | None, str]:
        """The uploaded content of ``name`` (or of an attach://, file_id or URL reference)."""
        if name in request.files:
            return request.files[name], request.filenames.get(name, name)
        value = params.get(name)
        if isinstance(value, str) and value:
            if value.startswith("attach://") and value[len("attach://") :] in request.files:
                part = value[len("attach://") :]
                return request.files[part], request.filenames.get(part, part)
            if value in self._files:
                stored = self._files[value]
                return stored.content, stored.file_path.rsplit("/", 1)[-1]
            if value.startswith(("http://", "https://")):
                return None, value.rsplit("/", 1)[-1] or "file"
            raise _bad("Bad Request: wrong file identifier/HTTP URL specified")
        raise _bad(f"Bad Request: there is no {name} in the request")

    # ------------------------------------------------------------------ methods

    async def _get_me(self, params: JSON, request: Request, http: web.Request) -> JSON:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _get_updates(self, params: JSON, request: Request, http: web.Request) -> list[JSON]:
        if self.webhook is not None:
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
        for other in self._pollers:  # Telegram ends the older request with a conflict
            other.superseded = True
            other.event.set()
        poller = _Poller()
        self._pollers.append(poller)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        try:
            while True:
                if poller.superseded:
                    gone = await _client_gone(http)
                    raise ApiError(
                        409,
                        "Conflict: terminated by other getUpdates request; "
                        "make sure that only one bot instance is running",
                        recorded=not gone,
                    )
                batch = self._take(limit, allowed)
                remaining = deadline - loop.time()
                if batch or self._closing or remaining <= 0:
                    return batch
                poller.event.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(poller.event.wait(), remaining)
        finally:
            self._pollers.remove(poller)

    def _confirm(self, offset: int) -> None:
        if offset < 0:
            self._queue = self._queue[offset:]
        elif offset > 0:
            self._queue = [q for q in self._queue if not (q.delivered and q.update_id < offset)]

    def _take(self, limit: int, allowed: Any) -> list[JSON]:
        if isinstance(allowed, list) and allowed:  # Telegram drops the other kinds
            self._queue = [q for q in self._queue if any(key in q.update for key in allowed)]
        batch = sorted(self._queue[:limit], key=lambda q: q.update_id)
        for q in batch:
            q.delivered = True
        return [q.update for q in batch]

    async def _set_webhook(self, params: JSON, request: Request, http: web.Request) -> bool:
        url = str(params.get("url") or "")
        if not url:
            return await self._delete_webhook(params, request, http)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise _bad(
                "Bad Request: bad webhook: Failed to resolve host: Name or service not known"
            )
        if self.require_https_webhook:
            if parts.scheme != "https":
                raise _bad("Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
            if (parts.port or 443) not in (80, 88, 443, 8443):
                raise _bad(
                    "Bad Request: bad webhook: Webhook can be set up only on ports 80, 88, 443 "
                    "or 8443"
                )
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            raise _bad("Bad Request: secret token contains unallowed characters")
        if params.get("drop_pending_updates"):
            self._queue.clear()
        already = self.webhook is not None and self.webhook.get("url") == url
        self.webhook = {
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
            self._queue.clear()
        request.response["_description"] = (
            "Webhook was deleted" if self.webhook is not None else "Webhook is already deleted"
        )
        self.webhook = None
        return True

    async def _get_webhook_info(self, params: JSON, request: Request, http: web.Request) -> JSON:
        info: JSON = {
            "url": "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._queue),
        }
        if self.webhook is not None:
            info["url"] = self.webhook["url"]
            info["max_connections"] = self.webhook["max_connections"]
            if self.webhook.get("ip_address"):
                info["ip_address"] = self.webhook["ip_address"]
            if self.webhook.get("allowed_updates"):
                info["allowed_updates"] = self.webhook["allowed_updates"]
        return info

    async def _set_my_commands(self, params: JSON, request: Request, http: web.Request) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise _bad("Bad Request: can't parse commands JSON object")
        if len(commands) > 100:
            raise _bad("Bad Request: BOT_COMMANDS_TOO_MUCH")
        cleaned: list[JSON] = []
        for command in commands:
            if not isinstance(command, dict):
                raise _bad("Bad Request: can't parse BotCommand: BotCommand must be an Object")
            for key in ("command", "description"):
                if not isinstance(command.get(key), str):
                    raise _bad(
                        f'Bad Request: can\'t parse BotCommand: Field "{key}" must be of type '
                        "String"
                    )
            name = str(command["command"]).removeprefix("/")
            if not _COMMAND_RE.match(name):
                raise _bad("Bad Request: BOT_COMMAND_INVALID")
            description = str(command["description"]).strip()
            if not 1 <= len(description) <= 256:
                raise _bad("Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
            cleaned.append({"command": name, "description": description})
        key = (_scope_key(params.get("scope")), str(params.get("language_code") or ""))
        self._commands[key] = cleaned
        return True

    async def _get_my_commands(
        self, params: JSON, request: Request, http: web.Request
    ) -> list[JSON]:
        key = (_scope_key(params.get("scope")), str(params.get("language_code") or ""))
        return list(self._commands.get(key, []))

    async def _delete_my_commands(self, params: JSON, request: Request, http: web.Request) -> bool:
        key = (_scope_key(params.get("scope")), str(params.get("language_code") or ""))
        self._commands.pop(key, None)
        return True

    async def _set_my_description(self, params: JSON, request: Request, http: web.Request) -> bool:
        _set_profile_text(self.descriptions, params, "description", MAX_DESCRIPTION)
        return True

    async def _get_my_description(self, params: JSON, request: Request, http: web.Request) -> JSON:
        text = _profile_text(self.descriptions, params)
        return {"description": text}

    async def _set_my_short_description(
        self, params: JSON, request: Request, http: web.Request
    ) -> bool:
        _set_profile_text(self.short_descriptions, params, "short_description", MAX_SHORT_DESC)
        return True

    async def _get_my_short_description(
        self, params: JSON, request: Request, http: web.Request
    ) -> JSON:
        return {"short_description": _profile_text(self.short_descriptions, params)}

    async def _send_message(self, params: JSON, request: Request, http: web.Request) -> JSON:
        chat = self._chat(params)
        text, entities, parse_mode = self._format(params.get("text"), params, caption=False)
        markup = check_reply_markup(params.get("reply_markup"))
        content: JSON = {"text": text}
        if entities:
            content["entities"] = entities
        if isinstance(params.get("link_preview_options"), dict):
            content["link_preview_options"] = params["link_preview_options"]
        message = self._store_bot_message(
            chat,
            params,
            content,
            markup,
            text=text,
            html=_str_or_none(params.get("text")),
            parse_mode=parse_mode,
            entities=entities,
        )
        return dict(message.data)

    async def _edit_message_text(self, params: JSON, request: Request, http: web.Request) -> JSON:
        message = self._target(params)
        if not message.has_text:
            raise _bad("Bad Request: there is no text in the message to edit")
        text, entities, parse_mode = self._format(params.get("text"), params, caption=False)
        markup = check_reply_markup(params.get("reply_markup"), inline_only=True)
        current = message.reply_markup if _is_inline(message.reply_markup) else None
        if text == message.text and entities == message.entities and markup == current:
            raise _bad(NOT_MODIFIED)
        message.history.append(message.text)
        message.text, message.entities = text, entities
        message.html, message.parse_mode = _str_or_none(params.get("text")), parse_mode
        message.data["text"] = text
        message.data.pop("entities", None)
        if entities:
            message.data["entities"] = entities
        return self._edited(message, markup)

    async def _edit_message_caption(
        self, params: JSON, request: Request, http: web.Request
    ) -> JSON:
        message = self._target(params)
        if message.has_text:
            raise _bad("Bad Request: there is no caption in the message to edit")
        caption, entities, parse_mode = self._format(params.get("caption"), params, caption=True)
        markup = check_reply_markup(params.get("reply_markup"), inline_only=True)
        current = message.reply_markup if _is_inline(message.reply_markup) else None
        if caption == message.text and entities == message.entities and markup == current:
            raise _bad(NOT_MODIFIED)
        message.history.append(message.text)
        message.text, message.entities = caption, entities
        message.html, message.parse_mode = _str_or_none(params.get("caption")), parse_mode
        for key in ("caption", "caption_entities"):
            message.data.pop(key, None)
        if caption:
            message.data["caption"] = caption
        if entities:
            message.data["caption_entities"] = entities
        return self._edited(message, markup)

    async def _edit_message_reply_markup(
        self, params: JSON, request: Request, http: web.Request
    ) -> JSON:
        message = self._target(params)
        markup = check_reply_markup(params.get("reply_markup"), inline_only=True)
        current = message.reply_markup if _is_inline(message.reply_markup) else None
        if markup == current:
            raise _bad(NOT_MODIFIED)
        return self._edited(message, markup)

    async def _delete_message(self, params: JSON, request: Request, http: web.Request) -> bool:
        message = self._target(params, verb="delete")
        message.deleted = True
        return True

    async def _answer_callback_query(
        self, params: JSON, request: Request, http: web.Request
    ) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        if query_id not in self.callback_queries or query_id in self._answered:
            raise _bad(
                "Bad Request: query is too old and response timeout expired or query ID is invalid"
            )
        text = params.get("text")
        if isinstance(text, str) and len(text) > 200:
            raise _bad("Bad Request: MESSAGE_TOO_LONG")
        self._answered.add(query_id)
        answer = {k: v for k, v in params.items() if not k.startswith("_")}
        answer["callback_query_id"] = query_id
        self.callback_answers.append(answer)
        return True

    async def _send_photo(self, params: JSON, request: Request, http: web.Request) -> JSON:
        chat = self._chat(params)
        content, filename = self._input_file(params, request, "photo")
        width, height = 800, 600
        if content is not None:
            if not content:
                raise _bad("Bad Request: file must be non-empty")
            size = image_size(content)
            if size is None:
                raise _bad("Bad Request: IMAGE_PROCESS_FAILED")
            width, height = size
            if width + height > 10_000 or max(width, height) > 20 * min(width, height):
                raise _bad("Bad Request: PHOTO_INVALID_DIMENSIONS")
        caption, entities, parse_mode = self._format(params.get("caption"), params, caption=True)
        markup = check_reply_markup(params.get("reply_markup"))
        extension = ".png" if content is not None and content.startswith(_PNG) else ".jpg"
        sizes = []
        for w, h in photo_sizes(width, height):
            stored = self._store_file(content, "photos", extension)
            entry: JSON = {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "width": w,
                "height": h,
            }
            if content is not None:
                entry["file_size"] = max(1, len(content) * w * h // (width * height))
            sizes.append(entry)
        data: JSON = {"photo": sizes}
        message = self._store_captioned(chat, params, data, markup, caption, entities, parse_mode)
        message.photo = content
        message.filename = filename
        return dict(message.data)

    def _store_captioned(
        self,
        chat: JSON,
        params: JSON,
        data: JSON,
        markup: JSON | None,
        caption: str,
        entities: list[JSON],
        parse_mode: str | None,
    ) -> SentMessage:
        """A photo or document message with its optional caption, stored like Telegram does."""
        if caption:
            data["caption"] = caption
        if entities:
            data["caption_entities"] = entities
        return self._store_bot_message(
            chat,
            params,
            data,
            markup,
            text=caption,
            html=_str_or_none(params.get("caption")),
            parse_mode=parse_mode,
            entities=entities,
        )

    async def _send_document(self, params: JSON, request: Request, http: web.Request) -> JSON:
        chat = self._chat(params)
        content, filename = self._input_file(params, request, "document")
        if content is not None and not content:
            raise _bad("Bad Request: file must be non-empty")
        caption, entities, parse_mode = self._format(params.get("caption"), params, caption=True)
        markup = check_reply_markup(params.get("reply_markup"))
        mimes = params.get("_mime_types") or {}
        mime = mimes.get("document") or mimetypes.guess_type(filename)[0]
        mime = mime or "application/octet-stream"
        extension = "." + filename.rsplit(".", 1)[-1] if "." in filename else ""
        stored = self._store_file(content, "documents", extension)
        document: JSON = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": filename,
            "mime_type": mime,
        }
        if content is not None:
            document["file_size"] = len(content)
        data: JSON = {"document": document}
        message = self._store_captioned(chat, params, data, markup, caption, entities, parse_mode)
        message.document = content
        message.filename = filename
        message.mime_type = mime
        return dict(message.data)

    async def _send_voice(self, params: JSON, request: Request, http: web.Request) -> JSON:
        """A voice message: Telegram plays OGG/Opus (also MP3 and M4A) as voice; other
        files are refused here rather than silently sent as something else."""
        chat = self._chat(params)
        if int(chat["id"]) in self._no_voice:
            raise _bad("Bad Request: VOICE_MESSAGES_FORBIDDEN")
        content, filename = self._input_file(params, request, "voice")
        duration = params.get("duration")
        if duration is not None and (not isinstance(duration, int) or duration < 0):
            raise _bad("Bad Request: invalid duration specified")
        mime = "audio/ogg"
        if content is not None:
            if not content:
                raise _bad("Bad Request: file must be non-empty")
            if len(content) > MAX_UPLOAD:
                raise _bad("Request Entity Too Large")
            mime, measured = voice_format(content)
            if mime is None:
                raise _bad("Bad Request: VOICE_FILE_INVALID: not an OGG/Opus, MP3 or M4A file")
            if duration is None and measured is not None:
                duration = round(measured)
        caption, entities, parse_mode = self._format(params.get("caption"), params, caption=True)
        markup = check_reply_markup(params.get("reply_markup"))
        stored = self._store_file(content, "voice", ".oga" if mime == "audio/ogg" else "")
        voice: JSON = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "duration": int(duration or 0),
            "mime_type": mime,
        }
        if content is not None:
            voice["file_size"] = len(content)
        data: JSON = {"voice": voice}
        message = self._store_captioned(chat, params, data, markup, caption, entities, parse_mode)
        message.voice = content
        message.filename = filename
        message.mime_type = mime
        return dict(message.data)

    async def _send_chat_action(self, params: JSON, request: Request, http: web.Request) -> bool:
        chat = self._chat(params)
        action = params.get("action")
        if action not in CHAT_ACTIONS:
            raise _bad("Bad Request: wrong parameter action in request")
        self.chat_actions.append((int(chat["id"]), str(action)))
        return True

    async def _get_file(self, params: JSON, request: Request, http: web.Request) -> JSON:
        stored = self._files.get(str(params.get("file_id") or ""))
        if stored is None:
            raise _bad("Bad Request: invalid file_id")
        result: JSON = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_path": stored.file_path,
        }
        if stored.content is not None:
            result["file_size"] = len(stored.content)
        return result

    async def _close(self, params: JSON, request: Request, http: web.Request) -> bool:
        self.closed = True
        return True

    async def _log_out(self, params: JSON, request: Request, http: web.Request) -> bool:
        self.logged_out = True
        return True


# ---------------------------------------------------------------------- module helpers


async def _client_gone(http: web.Request, grace: float = 0.2) -> bool:
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


def _str_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


def _language(params: JSON) -> str:
    code = params.get("language_code")
    code = "" if code is None else str(code)
    if code and not _LANGUAGE_RE.match(code):
        raise _bad("Bad Request: LANGUAGE_CODE_INVALID")
    return code


def _set_profile_text(store: dict[str, str], params: JSON, key: str, limit: int) -> None:
    """setMyDescription / setMyShortDescription: 0-limit characters; empty removes the text
    dedicated to that language (the default one applies again)."""
    language = _language(params)
    value = params.get(key)
    text = "" if value is None else str(value).strip()
    if utf16_len(text) > limit:
        raise _bad(f"Bad Request: {key.upper()}_INVALID")
    if text:
        store[language] = text
    else:
        store.pop(language, None)


def _profile_text(store: dict[str, str], params: JSON) -> str:
    """The text for a language: its own, else the default one, else empty (like Telegram)."""
    language = _language(params)
    return store.get(language, store.get("", ""))


def _status_description(status: int) -> str:
    if status == 400:
        return "Bad Request"
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"Error {status}"


def _scope_key(scope: Any) -> str:
    if not isinstance(scope, dict) or scope.get("type") in (None, "default"):
        return "default"
    return json.dumps(scope, sort_keys=True)


def voice_format(content: bytes) -> tuple[str | None, float | None]:
    """(mime type, seconds) of an upload Telegram would play as voice, (None, None) if not.

    OGG must carry Opus (its first page holds OpusHead) and decode (libsndfile, through
    soundfile, an implementation independent of the bot's); MP3 and M4A are recognised by
    their headers only.
    """
    if content.startswith(b"OggS"):
        if len(content) < 36 or content[5] & 0x02 == 0 or content[28:36] != b"OpusHead":
            return None, None
        import soundfile

        try:
            info = soundfile.info(io.BytesIO(content))
        except (RuntimeError, soundfile.LibsndfileError):
            return None, None
        if info.subtype != "OPUS":
            return None, None
        return "audio/ogg", float(info.duration)
    if content.startswith(b"ID3") or (
        len(content) > 1 and content[0] == 0xFF and content[1] >= 0xE0
    ):
        return "audio/mpeg", None
    if content[4:8] == b"ftyp":
        return "audio/mp4", None
    return None, None


def _normalize(name: str, value: Any) -> Any:
    """Turn a form value (always a string) into what Telegram would read for that parameter."""
    if name in _JSON_PARAMS:
        if isinstance(value, str):
            try:
                return json.loads(value)
            except json.JSONDecodeError as exc:
                if name == "reply_markup":
                    raise _bad(MARKUP_JSON) from exc
                raise _bad(f"Bad Request: can't parse {name} JSON object") from exc
        return value
    if name in _CHAT_PARAMS:
        if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
            return int(value)
        return value
    if name in _INT_PARAMS:
        if isinstance(value, str):
            try:
                return int(value)
            except ValueError as exc:
                raise _bad(f"Bad Request: invalid {name} specified") from exc
        return value
    if name in _BOOL_PARAMS and isinstance(value, str):
        return value.strip().lower() in ("true", "1")
    return value


def _command_entities(text: str) -> list[JSON]:
    match = _LEADING_COMMAND_RE.match(text)
    if not match:
        return []
    return [{"type": "bot_command", "offset": 0, "length": utf16_len(match.group(0))}]


def _is_inline(markup: Any) -> bool:
    return isinstance(markup, dict) and "inline_keyboard" in markup


def check_reply_markup(value: Any, *, inline_only: bool = False) -> JSON | None:
    """Validate a reply_markup like Telegram; return it (a dict) or None."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            raise _bad(MARKUP_JSON) from exc
    if not isinstance(value, dict):
        raise _bad(MARKUP_JSON)
    if "inline_keyboard" in value:
        _check_inline_keyboard(value["inline_keyboard"])
        return value
    if inline_only:
        raise _bad("Bad Request: inline keyboard expected")
    if "keyboard" in value:
        _check_keyboard(value)
        return value
    if "remove_keyboard" in value:
        if value["remove_keyboard"] is not True:
            raise _bad(MARKUP_JSON)
        return value
    if "force_reply" in value:
        if value["force_reply"] is not True:
            raise _bad(MARKUP_JSON)
        placeholder = value.get("input_field_placeholder")
        if placeholder is not None and not 1 <= len(str(placeholder)) <= 64:
            raise _bad("Bad Request: can't parse input field placeholder")
        return value
    raise _bad(MARKUP_JSON)


def _check_inline_keyboard(rows: Any) -> None:
    if not isinstance(rows, list):
        raise _bad(
            'Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup must be an Array'
        )
    total = 0
    for row in rows:
        if not isinstance(row, list):
            raise _bad(
                'Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup must be an Array '
                "of Arrays"
            )
        for button in row:
            total += 1
            if not isinstance(button, dict):
                raise _bad(BUTTON_PREFIX + "InlineKeyboardButton must be an Object")
            if not isinstance(button.get("text"), str):
                raise _bad(BUTTON_PREFIX + 'Field "text" must be of type String')
            if not button["text"].strip():
                raise _bad("Bad Request: BUTTON_TEXT_INVALID")
            actions = [key for key in INLINE_ACTIONS if key in button]
            if not actions:
                raise _bad(BUTTON_PREFIX + "Text buttons are unallowed in the inline keyboard")
            if len(actions) > 1:
                raise _bad(
                    BUTTON_PREFIX
                    + f"exactly one of the optional fields must be used, got {actions}"
                )
            if "callback_data" in button:
                data = button["callback_data"]
                if not isinstance(data, str) or not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA:
                    raise _bad("Bad Request: BUTTON_DATA_INVALID")
            if "url" in button:
                _check_button_url(button["url"])
    if total > 100:
        raise _bad("Bad Request: reply markup is too long")


def _check_button_url(url: Any) -> None:
    if not isinstance(url, str) or not url:
        raise _bad("Bad Request: BUTTON_URL_INVALID")
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https", "tg", "ton"):
        raise _bad(
            f"Bad Request: inline keyboard button URL '{url}' is invalid: Unsupported URL protocol"
        )
    if parts.scheme.lower() in ("http", "https") and not parts.hostname:
        raise _bad(f"Bad Request: inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")


def _check_keyboard(markup: JSON) -> None:
    rows = markup["keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise _bad(
            'Bad Request: field "keyboard" of the ReplyKeyboardMarkup must be an Array of Arrays'
        )
    for row in rows:
        for button in row:
            if isinstance(button, str):
                continue
            if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                raise _bad(
                    'Bad Request: can\'t parse keyboard button: Field "text" must be of type String'
                )
            actions = [key for key in REPLY_ACTIONS if key in button]
            if len(actions) > 1:
                raise _bad(f"Bad Request: can't parse keyboard button: too many actions {actions}")
    for flag in ("resize_keyboard", "one_time_keyboard", "is_persistent", "selective"):
        if flag in markup and not isinstance(markup[flag], bool):
            raise _bad(f'Bad Request: field "{flag}" must be of type Boolean')
    placeholder = markup.get("input_field_placeholder")
    if placeholder is not None and not 1 <= len(str(placeholder)) <= 64:
        raise _bad("Bad Request: can't parse input field placeholder")


def image_size(content: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG or JPEG, or None if it is neither."""
    if content.startswith(_PNG) and len(content) >= 24 and content[12:16] == b"IHDR":
        width = int.from_bytes(content[16:20], "big")
        height = int.from_bytes(content[20:24], "big")
        return (width, height) if width and height else None
    if content.startswith(_JPEG):
        i = 2
        while i + 9 < len(content):
            if content[i] != 0xFF:
                return None
            marker = content[i + 1]
            if marker == 0xFF:
                i += 1
                continue
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height = int.from_bytes(content[i + 5 : i + 7], "big")
                width = int.from_bytes(content[i + 7 : i + 9], "big")
                return (width, height) if width and height else None
            if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
                i += 2
                continue
            i += 2 + int.from_bytes(content[i + 2 : i + 4], "big")
    return None


def photo_sizes(width: int, height: int) -> list[tuple[int, int]]:
    """The PhotoSize dimensions Telegram generates: thumbnails up to 90/320/800/1280 px and
    the largest (at most 2560 px on the long side)."""
    longest = max(width, height)
    sizes = []
    for bound in (90, 320, 800, 1280, 2560):
        scale = min(1.0, bound / longest)
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        if size not in sizes:
            sizes.append(size)
        if longest <= bound:
            break
    return sizes
