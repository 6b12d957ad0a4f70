"""What Telegram knows and what the bot did: chats, users, messages, the queue of updates, and
the calls that arrived. The user side (``send_text``, ``press``, ...) writes to it; tests read
it (``messages``, ``last``, ``calls``, ``wait_for_*``)."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import aiohttp

from .records import JSON, Request, SentMessage, StoredFile
from .telegram_html import utf16_len


def busiest(times: list[float], seconds: float = 1.0) -> int:
    """The most of `times` within any window of `seconds` (a start `seconds` before is out)."""
    times = sorted(times)
    most, first = 0, 0
    for last, at in enumerate(times):
        while at - times[first] >= seconds:
            first += 1
        most = max(most, last - first + 1)
    return most


_T = TypeVar("_T")
_LEADING_COMMAND_RE = re.compile(r"^/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{1,64})?(?=\s|$)")


@dataclass
class Queued:
    """An update waiting for getUpdates; ``delivered`` once handed out (an offset confirms it)."""

    update: JSON
    delivered: bool = False

    @property
    def update_id(self) -> int:
        return int(self.update["update_id"])


@dataclass
class Poller:
    """A getUpdates call waiting for updates; a newer call supersedes it."""

    event: asyncio.Event = field(default_factory=asyncio.Event)
    superseded: bool = False


class World:
    """Telegram's side of the conversation; see the module docstring."""

    def __init__(self, bot_user: JSON) -> None:
        self.bot_user = bot_user
        self.requests: list[Request] = []
        self.errors: list[Request] = []
        self.callback_answers: list[JSON] = []
        self.callback_queries: dict[str, JSON] = {}
        self.chat_actions: list[tuple[int, str]] = []
        self.webhook: JSON | None = None
        self.chats: dict[int, JSON] = {}
        self.users: dict[int, JSON] = {}
        self.command_lists: dict[tuple[str, str], list[JSON]] = {}  # (scope, language) -> list
        # language_code ("" for everyone without a dedicated one) -> text
        self.descriptions: dict[str, str] = {}
        self.short_descriptions: dict[str, str] = {}
        self.chat_messages: dict[int, dict[int, SentMessage]] = {}
        self._message_ids: dict[int, int] = {}
        self._last_update_id = 10_000
        self._seen_update_ids: set[int] = set()
        self.queue: list[Queued] = []
        self.pollers: list[Poller] = []
        self.no_voice: set[int] = set()  # users who accept no voice messages
        self.files: dict[str, StoredFile] = {}
        self._file_counter = itertools.count(1)
        self.answered: set[str] = set()
        self._activity: asyncio.Event | None = None
        self.closing = False

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

    def next_message_id(self, chat_id: int) -> int:
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
        self.chat_messages.setdefault(chat_id, {})[int(message["message_id"])] = SentMessage(
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
            "message_id": self.next_message_id(chat["id"]),
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
        entities = command_entities(text)
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
        stored = self.chat_messages.get(chat_id, {}).get(message_id)
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
        entities = command_entities(new_text)
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
        self.queue.append(Queued(update))
        for poller in self.pollers:
            poller.event.set()
        self.notify()

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
        if message_id not in self.chat_messages.get(chat_id, {}):
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
        if 200 <= status < 300:
            self.queue = [q for q in self.queue if q.update_id != update_id]
        return status

    def add_bot_message(self, message: SentMessage) -> None:
        """A message the bot sent, now in its chat (a benchmark counts replies here)."""
        self.chat_messages.setdefault(message.chat_id, {})[message.message_id] = message

    def forbid_voice(self, chat_id: int) -> None:
        """The user's privacy settings refuse voice messages (Telegram answers sendVoice with
        VOICE_MESSAGES_FORBIDDEN for them)."""
        self.no_voice.add(chat_id)

    def store_file(self, content: bytes | None, folder: str, extension: str) -> StoredFile:
        number = next(self._file_counter)
        stored = StoredFile(
            file_id=f"AgAC{number:06d}{secrets.token_urlsafe(24)}",
            file_unique_id=f"AQAD{number:06d}{secrets.token_hex(3)}",
            content=content,
            file_path=f"{folder}/file_{number}{extension}",
        )
        self.files[stored.file_id] = stored
        return stored

    # ------------------------------------------------------------------ what the bot did

    def messages(self, chat_id: int = 1001) -> list[SentMessage]:
        """The bot's messages in a chat, in order, as they are now (deleted ones included)."""
        return [m for m in self.chat_messages.get(chat_id, {}).values() if m.from_bot]

    def bot_messages_everywhere(self) -> list[SentMessage]:
        """Every message the bot sent, in every chat (for checks over all replies)."""
        return [m for chat in self.chat_messages.values() for m in chat.values() if m.from_bot]

    def all_messages(self, chat_id: int = 1001) -> list[SentMessage]:
        """User and bot messages in a chat, in message_id order."""
        return sorted(self.chat_messages.get(chat_id, {}).values(), key=lambda m: m.message_id)

    def last(self, chat_id: int = 1001) -> SentMessage:
        sent = self.messages(chat_id)
        if not sent:
            raise AssertionError(f"the bot sent nothing to chat {chat_id}; {self._summary()}")
        return sent[-1]

    @property
    def commands(self) -> list[JSON]:
        """Commands set with setMyCommands for the default scope and no language."""
        return self.command_lists.get(("default", ""), [])

    @property
    def faults(self) -> list[Request]:
        return [r for r in self.requests if r.injected]

    @property
    def pending_updates(self) -> list[JSON]:
        return [q.update for q in self.queue]

    def calls(self, method: str) -> list[Request]:
        return [r for r in self.requests if r.method.lower() == method.lower()]

    def sends(self) -> list[Request]:
        """Messages the server accepted (any send* but chat actions), in arrival order."""
        return [
            r
            for r in self.requests
            if r.method.startswith("send") and r.method != "sendChatAction" and r.ok
        ]

    def busiest_second(self) -> int:
        """The most accepted messages that arrived within any one-second window."""
        return busiest([r.at for r in self.sends()])

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

    def notify(self) -> None:
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


def command_entities(text: str) -> list[JSON]:
    """The bot_command entity Telegram adds to a text that starts with /command."""
    match = _LEADING_COMMAND_RE.match(text)
    if not match:
        return []
    return [{"type": "bot_command", "offset": 0, "length": utf16_len(match.group(0))}]


def scope_key(scope: Any) -> str:
    """BotCommandScope as a key: the default scope, or the scope object itself."""
    if not isinstance(scope, dict) or scope.get("type") in (None, "default"):
        return "default"
    return json.dumps(scope, sort_keys=True)
