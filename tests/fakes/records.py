"""What the fake saw and holds, in the shapes tests read: a call the bot made, a message in a
chat, a file it stored."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

JSON = dict[str, Any]


@dataclass
class Request:
    """One call the bot made."""

    method: str  # canonical spelling, e.g. "sendMessage"
    params: JSON  # as Telegram reads them: ints, bools, and JSON values as Python objects
    files: dict[str, bytes] = field(default_factory=dict)  # multipart part name -> content
    filenames: dict[str, str] = field(default_factory=dict)  # multipart part name -> filename
    mime_types: dict[str, str] = field(default_factory=dict)  # multipart part name -> type
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
class StoredFile:
    """An upload Telegram keeps: a file_id sent again resends the same content."""

    file_id: str
    file_unique_id: str
    content: bytes | None
    file_path: str

    def in_message(self, **fields: Any) -> JSON:
        """How a message describes this file: its ids, what its kind adds, and its size."""
        record: JSON = {"file_id": self.file_id, "file_unique_id": self.file_unique_id, **fields}
        if self.content is not None:
            record["file_size"] = len(self.content)
        return record
