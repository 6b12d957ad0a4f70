"""Messages the bot sends and edits, stored like Telegram does, refusing what Telegram refuses
beyond the spec's types: unknown chats, bad HTML, texts too long, edits that change nothing,
files it cannot play; and the answers to button presses."""

from __future__ import annotations

import mimetypes
import time
from typing import Any

from aiohttp import web

from .errors import bad
from .markup import check_reply_markup, is_inline
from .media import MAX_UPLOAD, PNG, image_size, photo_sizes, voice_format
from .records import JSON, Request, SentMessage
from .state import World
from .telegram_html import EntityParseError, parse_text, trim, utf16_len

MAX_TEXT = 4096
MAX_CAPTION = 1024
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
CHAT_NOT_FOUND = "Bad Request: chat not found"
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


class Messages:
    def __init__(self, world: World) -> None:
        self.world = world
        self.handlers = {
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "answerCallbackQuery": self._answer_callback_query,
            "sendPhoto": self._send_photo,
            "sendDocument": self._send_document,
            "sendVoice": self._send_voice,
            "sendChatAction": self._send_chat_action,
        }

    # ------------------------------------------------------------------ helpers for methods

    def _chat(self, params: JSON) -> JSON:
        chat_id = params.get("chat_id")
        if chat_id is None or chat_id == "":
            raise bad("Bad Request: chat_id is empty")
        if isinstance(chat_id, str):
            username = chat_id.removeprefix("@").lower()
            for known in self.world.chats.values():
                if str(known.get("username", "")).lower() == username:
                    return dict(known)
            raise bad(CHAT_NOT_FOUND)
        chat = self.world.chats.get(chat_id)
        if chat is None:
            raise bad(CHAT_NOT_FOUND)
        return dict(chat)

    def _format(
        self, raw: Any, params: JSON, *, caption: bool
    ) -> tuple[str, list[JSON], str | None]:
        text = "" if raw is None else str(raw)
        entities_key = "caption_entities" if caption else "entities"
        parse_mode = params.get("parse_mode") or None
        given = params.get(entities_key)
        if given is not None:
            plain, entities = text, [dict(e) for e in given]
        else:
            try:
                plain, entities = parse_text(text, parse_mode)
            except EntityParseError as exc:
                raise bad(f"Bad Request: can't parse entities: {exc}") from exc
            except ValueError as exc:
                raise bad(str(exc)) from exc
        plain, entities = trim(plain, entities)
        if caption:
            if utf16_len(plain) > MAX_CAPTION:
                raise bad("Bad Request: message caption is too long")
        else:
            if not plain:
                raise bad("Bad Request: message text is empty")
            if utf16_len(plain) > MAX_TEXT:
                raise bad("Bad Request: message is too long")
        return plain, entities, parse_mode

    def _reply_to(self, chat_id: int, params: JSON) -> JSON | None:
        """The message that ``reply_parameters`` names, as Telegram quotes it in the reply."""
        reply = params.get("reply_parameters")
        if reply is None:
            return None
        if reply.get("chat_id") not in (None, chat_id):
            raise bad("Bad Request: message to be replied not found")
        target = self.world.chat_messages.get(chat_id, {}).get(reply["message_id"])
        if target is None or target.deleted:
            if reply.get("allow_sending_without_reply"):
                return None
            raise bad("Bad Request: message to be replied not found")
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
            "message_id": self.world.next_message_id(chat_id),
            "from": dict(self.world.bot_user),
            "chat": chat,
            "date": int(time.time()),
        }
        reply_to = self._reply_to(chat_id, params)
        if reply_to is not None:
            data["reply_to_message"] = reply_to
        data.update(content)
        if is_inline(markup):
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
        self.world.add_bot_message(message)
        return message

    def _target(self, params: JSON) -> SentMessage:
        if params.get("inline_message_id"):
            raise bad("Bad Request: MESSAGE_ID_INVALID")
        chat = self._chat(params)
        message_id = params.get("message_id")
        if not isinstance(message_id, int) or message_id <= 0:
            raise bad("Bad Request: message identifier is not specified")
        message = self.world.chat_messages.get(int(chat["id"]), {}).get(message_id)
        if message is None or message.deleted:
            raise bad("Bad Request: message to edit not found")
        if not message.from_bot:
            raise bad("Bad Request: message can't be edited")
        return message

    def _edited(self, message: SentMessage, markup: JSON | None) -> JSON:
        message.edits += 1
        message.data["edit_date"] = int(time.time())
        message.data.pop("reply_markup", None)
        if is_inline(markup):
            message.data["reply_markup"] = markup
        if markup is not None or is_inline(message.reply_markup):
            message.reply_markup = markup
        return dict(message.data)

    def _input_file(self, params: JSON, request: Request, name: str) -> tuple[bytes | None, str]:
        """The uploaded content of ``name`` (or of an attach://, file_id or URL reference)."""
        if name in request.files:
            return request.files[name], request.filenames.get(name, name)
        value = params.get(name)
        if isinstance(value, str) and value:
            if value.startswith("attach://") and value[len("attach://") :] in request.files:
                part = value[len("attach://") :]
                return request.files[part], request.filenames.get(part, part)
            if value in self.world.files:
                stored = self.world.files[value]
                return stored.content, stored.file_path.rsplit("/", 1)[-1]
            if value.startswith(("http://", "https://")):
                return None, value.rsplit("/", 1)[-1] or "file"
            raise bad("Bad Request: wrong file identifier/HTTP URL specified")
        raise bad(f"Bad Request: there is no {name} in the request")

    async def _send_message(self, params: JSON, request: Request, http: web.Request) -> JSON:
        chat = self._chat(params)
        text, entities, parse_mode = self._format(params.get("text"), params, caption=False)
        markup = check_reply_markup(params.get("reply_markup"))
        content: JSON = {"text": text}
        if entities:
            content["entities"] = entities
        if "link_preview_options" in params:
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
            raise bad("Bad Request: there is no text in the message to edit")
        text, entities, parse_mode = self._format(params.get("text"), params, caption=False)
        markup = check_reply_markup(params.get("reply_markup"))
        current = message.reply_markup if is_inline(message.reply_markup) else None
        if text == message.text and entities == message.entities and markup == current:
            raise bad(NOT_MODIFIED)
        message.history.append(message.text)
        message.text, message.entities = text, entities
        message.html, message.parse_mode = _str_or_none(params.get("text")), parse_mode
        message.data["text"] = text
        message.data.pop("entities", None)
        if entities:
            message.data["entities"] = entities
        return self._edited(message, markup)

    async def _edit_message_reply_markup(
        self, params: JSON, request: Request, http: web.Request
    ) -> JSON:
        message = self._target(params)
        markup = check_reply_markup(params.get("reply_markup"))
        current = message.reply_markup if is_inline(message.reply_markup) else None
        if markup == current:
            raise bad(NOT_MODIFIED)
        return self._edited(message, markup)

    async def _answer_callback_query(
        self, params: JSON, request: Request, http: web.Request
    ) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        if query_id not in self.world.callback_queries or query_id in self.world.answered:
            raise bad(
                "Bad Request: query is too old and response timeout expired or query ID is invalid"
            )
        text = params.get("text")
        if isinstance(text, str) and len(text) > 200:
            raise bad("Bad Request: MESSAGE_TOO_LONG")
        self.world.answered.add(query_id)
        answer = {k: v for k, v in params.items() if not k.startswith("_")}
        answer["callback_query_id"] = query_id
        self.world.callback_answers.append(answer)
        return True

    async def _send_photo(self, params: JSON, request: Request, http: web.Request) -> JSON:
        chat = self._chat(params)
        content, filename = self._input_file(params, request, "photo")
        width, height = 800, 600
        if content is not None:
            if not content:
                raise bad("Bad Request: file must be non-empty")
            size = image_size(content)
            if size is None:
                raise bad("Bad Request: IMAGE_PROCESS_FAILED")
            width, height = size
            if width + height > 10_000 or max(width, height) > 20 * min(width, height):
                raise bad("Bad Request: PHOTO_INVALID_DIMENSIONS")
        caption, entities, parse_mode = self._format(params.get("caption"), params, caption=True)
        markup = check_reply_markup(params.get("reply_markup"))
        extension = ".png" if content is not None and content.startswith(PNG) else ".jpg"
        sizes = []
        for w, h in photo_sizes(width, height):
            stored = self.world.store_file(content, "photos", extension)
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
            raise bad("Bad Request: file must be non-empty")
        caption, entities, parse_mode = self._format(params.get("caption"), params, caption=True)
        markup = check_reply_markup(params.get("reply_markup"))
        mimes = request.mime_types
        mime = mimes.get("document") or mimetypes.guess_type(filename)[0]
        mime = mime or "application/octet-stream"
        extension = "." + filename.rsplit(".", 1)[-1] if "." in filename else ""
        stored = self.world.store_file(content, "documents", extension)
        data: JSON = {"document": stored.in_message(file_name=filename, mime_type=mime)}
        message = self._store_captioned(chat, params, data, markup, caption, entities, parse_mode)
        message.document = content
        message.filename = filename
        message.mime_type = mime
        return dict(message.data)

    async def _send_voice(self, params: JSON, request: Request, http: web.Request) -> JSON:
        """A voice message: Telegram plays OGG/Opus (also MP3 and M4A) as voice; other
        files are refused here rather than silently sent as something else."""
        chat = self._chat(params)
        if int(chat["id"]) in self.world.no_voice:
            raise bad("Bad Request: VOICE_MESSAGES_FORBIDDEN")
        content, filename = self._input_file(params, request, "voice")
        duration = params.get("duration")
        if duration is not None and (not isinstance(duration, int) or duration < 0):
            raise bad("Bad Request: invalid duration specified")
        mime = "audio/ogg"
        if content is not None:
            if not content:
                raise bad("Bad Request: file must be non-empty")
            if len(content) > MAX_UPLOAD:
                raise bad("Request Entity Too Large")
            played, measured = voice_format(content)
            if played is None:
                raise bad("Bad Request: VOICE_FILE_INVALID: not an OGG/Opus, MP3 or M4A file")
            mime = played
            if duration is None and measured is not None:
                duration = round(measured)
        caption, entities, parse_mode = self._format(params.get("caption"), params, caption=True)
        markup = check_reply_markup(params.get("reply_markup"))
        stored = self.world.store_file(content, "voice", ".oga" if mime == "audio/ogg" else "")
        data: JSON = {"voice": stored.in_message(duration=int(duration or 0), mime_type=mime)}
        message = self._store_captioned(chat, params, data, markup, caption, entities, parse_mode)
        message.voice = content
        message.filename = filename
        message.mime_type = mime
        return dict(message.data)

    async def _send_chat_action(self, params: JSON, request: Request, http: web.Request) -> bool:
        chat = self._chat(params)
        action = params.get("action")
        if action not in CHAT_ACTIONS:
            raise bad("Bad Request: wrong parameter action in request")
        self.world.chat_actions.append((int(chat["id"]), str(action)))
        return True


def _str_or_none(value: Any) -> str | None:
    return None if value is None else str(value)
