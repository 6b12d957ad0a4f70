"""`python -m bot console`: chat with the coach in a terminal, no Telegram and no token needed.

The real Application runs with a request object that answers the bot's Bot API calls locally
and prints what the bot sends, so every handler, the database and the renderer are the same
ones Telegram users meet. Buttons are numbered; type the number to press one.
"""

from __future__ import annotations

import asyncio
import getpass
import itertools
import json
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape, unescape
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.request import BaseRequest, RequestData

from bot import startup
from bot.config import Settings
from bot.context import CoachApp
from bot.logs import setup_logging

CONSOLE_TOKEN = "1:console-mode-token-not-for-telegram-000000"  # never sent anywhere
CONSOLE_USER_ID = 1
BOT_USER = {"id": 1, "is_bot": True, "first_name": "Coach", "username": "ReverseCoachBot"}
TAG = re.compile(r"<[^>]+>")

HELLO = """\
Reverse Running Coach, terminal mode. You are chatting with the real bot logic and database.
Type as you would in Telegram (try /start or /log 3 min felt good).
Buttons show as [1], [2], ...: type the number to press one.
Type :location LAT LON to share a location, :quit (or Ctrl-D) to leave.
"""


def html_to_text(html: str) -> str:
    return unescape(TAG.sub("", html))


@dataclass
class Button:
    label: str
    message_id: int
    data: str | None  # callback data; None for a reply-keyboard button that sends its label


@dataclass
class ConsoleChat(BaseRequest):
    """Plays Telegram's part: keeps the bot's messages and prints them."""

    out: Callable[[str], None]
    files_dir: Path
    buttons: dict[int, Button] = field(default_factory=dict)  # number shown -> button
    _numbers: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    messages: dict[int, dict[str, Any]] = field(default_factory=dict)

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    def next_id(self) -> int:
        return next(self._ids)

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        name = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        files = request_data.multipart_data if request_data else {}
        result = self._answer(name, params, files)
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def _answer(self, name: str, params: dict[str, Any], files: Any) -> Any:
        if name == "getMe":
            return BOT_USER
        if name in ("sendMessage", "sendPhoto", "sendDocument", "sendVoice"):
            return self._send(name, params, files)
        if name in ("editMessageText", "editMessageReplyMarkup", "editMessageCaption"):
            return self._edit(params)
        if name == "getMyDescription":
            return {"description": ""}
        if name == "getMyShortDescription":
            return {"short_description": ""}
        if name == "answerCallbackQuery" and params.get("text"):
            self.out(f"  ({params['text']})")
        return True

    def _message(self, chat_id: int, **extra: Any) -> dict[str, Any]:
        return {
            "message_id": self.next_id(),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": BOT_USER,
            **extra,
        }

    def _send(self, name: str, params: dict[str, Any], files: Any) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        text = str(params.get("text") or params.get("caption") or "")
        # Stored as the plain text Telegram would hold, so a later edit built from it is clean.
        plain = html_to_text(text)
        msg = self._message(chat_id, text=plain) if name == "sendMessage" else None
        if msg is None:
            saved = self._save_files(files)
            msg = self._message(chat_id, caption=text)
            if name == "sendPhoto":
                msg["photo"] = [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}]
            elif name == "sendVoice":
                duration = int(params.get("duration") or 0)
                msg["voice"] = {"file_id": "v", "file_unique_id": "v", "duration": duration}
            else:
                msg["document"] = {"file_id": "d", "file_unique_id": "d"}
            self.out(f"[file saved: {saved}]")
        self.messages[msg["message_id"]] = msg
        self._show(msg["message_id"], text, params.get("reply_markup"))
        return msg

    def _edit(self, params: dict[str, Any]) -> dict[str, Any]:
        mid = int(params["message_id"])
        msg = self.messages.get(mid) or self._message(int(params.get("chat_id", 0)))
        html = str(params.get("text", ""))
        if "text" in params:
            msg["text"] = html_to_text(html)
        self.buttons = {n: b for n, b in self.buttons.items() if b.message_id != mid}
        shown = html if "text" in params else escape(str(msg.get("text", "")), quote=False)
        self._show(mid, shown, params.get("reply_markup"), edited=True)
        return msg

    def _save_files(self, files: Any) -> str:
        self.files_dir.mkdir(parents=True, exist_ok=True)
        names = []
        for _part, value in (files or {}).items():
            filename, content = value[0], value[1]
            data = content if isinstance(content, bytes) else content.read()
            path = self.files_dir / str(filename or "file")
            path.write_bytes(data)
            names.append(str(path))
        return ", ".join(names)

    def _show(self, mid: int, html: str, markup: Any, edited: bool = False) -> None:
        prefix = "coach (edited)> " if edited else "coach> "
        body = html_to_text(html).replace("\n", "\n       ")
        self.out(prefix + body)
        rows = (markup or {}).get("inline_keyboard") or (markup or {}).get("keyboard") or []
        for row in rows:
            labels = []
            for btn in row:
                label = btn["text"] if isinstance(btn, dict) else str(btn)
                data = btn.get("callback_data") if isinstance(btn, dict) else None
                number = next(self._numbers)  # numbers are never reused, so old ones fail
                self.buttons[number] = Button(label, mid, data)
                labels.append(f"[{number}] {label}")
            self.out("       " + "   ".join(labels))


class ConsoleUser:
    """Turns what the person types into Telegram updates."""

    def __init__(self, chat: ConsoleChat, user_id: int, first_name: str) -> None:
        self.chat = chat
        self.user = {"id": user_id, "is_bot": False, "first_name": first_name}
        self._update_ids = itertools.count(int(time.time()))

    def _message(self, **fields: Any) -> dict[str, Any]:
        return {
            "message_id": self.chat.next_id(),
            "date": int(time.time()),
            "chat": {
                "id": self.user["id"],
                "type": "private",
                "first_name": self.user["first_name"],
            },
            "from": self.user,
            **fields,
        }

    def update_for(self, line: str) -> dict[str, Any] | None:
        uid = next(self._update_ids)
        if line.isdigit() and int(line) in self.chat.buttons:
            button = self.chat.buttons[int(line)]
            if button.data is None:
                return self._text_update(uid, button.label)
            return {
                "update_id": uid,
                "callback_query": {
                    "id": str(uid),
                    "from": self.user,
                    "chat_instance": "console",
                    "data": button.data,
                    "message": self.chat.messages.get(button.message_id) or self._message(text=""),
                },
            }
        if line.startswith(":location"):
            parts = line.split()
            try:
                lat, lon = float(parts[1]), float(parts[2])
            except (IndexError, ValueError):
                return None
            location = {"latitude": lat, "longitude": lon}
            return {"update_id": uid, "message": self._message(location=location)}
        return self._text_update(uid, line)

    def _text_update(self, uid: int, text: str) -> dict[str, Any]:
        fields: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            length = len(text.split()[0])
            fields["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return {"update_id": uid, "message": self._message(**fields)}


async def run_console(
    settings: Settings,
    read: Callable[[], str] | None = None,
    out: Callable[[str], None] = print,
) -> int:
    setup_logging("WARNING")
    chat = ConsoleChat(out=out, files_dir=Path("data") / "console")
    person = ConsoleUser(chat, CONSOLE_USER_ID, getpass.getuser() or "friend")
    reader = read or (lambda: input("you> "))
    async with startup.services(settings) as deps:
        out(HELLO)
        async with startup.running(
            deps, CONSOLE_TOKEN, request=chat, with_rate_limiter=False
        ) as app:
            await _chat(app, person, reader, out)
    out("Bye! Keep it slow and look over your shoulder.")
    sys.stdout.flush()
    return 0


async def _chat(
    app: CoachApp, person: ConsoleUser, reader: Callable[[], str], out: Callable[[str], None]
) -> None:
    """Each line typed becomes one update, handled before the next is read."""
    while True:
        try:
            line = (await asyncio.to_thread(reader)).strip()
        except EOFError:
            return
        if line in (":quit", ":q", "exit"):
            return
        if not line:
            continue
        data = person.update_for(line)
        if data is None:
            out("(use :location LAT LON, e.g. :location 52.52 13.40)")
            continue
        await app.process_update(Update.de_json(data, app.bot))
