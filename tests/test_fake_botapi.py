"""The fake Bot API behaves like Telegram for a real PTB client, over real HTTP."""

from __future__ import annotations

import asyncio
import datetime as dtm
import struct
import warnings
import zlib
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from telegram import (
    Bot,
    BotCommand,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ChatAction, ParseMode
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes
from telegram.request import HTTPXRequest

from tests.fakes import FakeBotAPI
from tests.fakes.media import image_size, photo_sizes
from tests.fakes.telegram_html import EntityParseError, parse_html

CHAT = 1001


def png(width: int = 4, height: int = 3) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def jpeg_header(width: int, height: int) -> bytes:
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof0 = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof0 + b"\xff\xd9"


@pytest.fixture
async def server() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as fake:
        yield fake


@pytest.fixture
async def bot(server: FakeBotAPI) -> AsyncIterator[Bot]:
    async with Bot(
        server.token, base_url=server.base_url, base_file_url=server.base_file_url
    ) as client:
        yield client


@pytest.fixture
def chat(server: FakeBotAPI) -> int:
    """A private chat the fake knows because the user wrote to the bot."""
    server.send_text("hello")
    return CHAT


def last_error(server: FakeBotAPI) -> str:
    assert server.errors, "expected a rejected call"
    description = server.errors[-1].description
    assert description is not None
    return description


# ---------------------------------------------------------------------------- basics


async def test_get_me(server: FakeBotAPI, bot: Bot) -> None:
    me = await bot.get_me()
    assert me.username == "ReverseCoachBot"
    assert me.is_bot
    assert me.id == 123456
    assert server.requests[0].method == "getMe"
    assert server.errors == []


async def test_base_urls_point_at_the_local_server(server: FakeBotAPI) -> None:
    assert server.base_url == f"http://127.0.0.1:{server.port}/bot"
    assert server.base_file_url == f"http://127.0.0.1:{server.port}/file/bot"


async def test_wrong_token_is_rejected(server: FakeBotAPI) -> None:
    other = Bot(
        "654321:WRONG-token-abcdefghijklmnopqrstuvwxy",
        base_url=server.base_url,
        base_file_url=server.base_file_url,
    )
    try:
        with pytest.raises(InvalidToken):
            await other.initialize()
    finally:
        await other.shutdown()
    assert server.errors[-1].status == 401
    assert server.errors[-1].response == {
        "ok": False,
        "error_code": 401,
        "description": "Unauthorized",
    }


async def test_unknown_method_is_not_found_and_recorded(server: FakeBotAPI, bot: Bot) -> None:
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendHologram", api_kwargs={"chat_id": CHAT})
    assert server.errors[-1].method == "sendHologram"
    assert server.errors[-1].response["error_code"] == 404
    assert last_error(server) == "Not Found"


async def test_method_names_are_case_insensitive(server: FakeBotAPI) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{server.base_url}{server.token}/GETME") as response,
    ):
        body = await response.json()
    assert body["ok"] is True
    assert server.requests[-1].method == "getMe"


async def test_json_body_is_accepted(server: FakeBotAPI, chat: int) -> None:
    url = f"{server.base_url}{server.token}/sendMessage"
    payload = {"chat_id": chat, "text": "<b>json</b>", "parse_mode": "HTML"}
    async with aiohttp.ClientSession() as session, session.post(url, json=payload) as response:
        body = await response.json()
    assert response.status == 200
    assert body["result"]["text"] == "json"
    assert body["result"]["entities"] == [{"type": "bold", "offset": 0, "length": 4}]


# ---------------------------------------------------------------------------- sendMessage


async def test_send_message_with_good_html(server: FakeBotAPI, bot: Bot, chat: int) -> None:
    html = (
        '<b>Run</b> &amp; <i>walk</i> <a href="https://example.com/?a=1&amp;b=2">back</a> '
        '<tg-spoiler>wow</tg-spoiler> <pre><code class="language-python">x = 1</code></pre> '
        "&lt;3 &#128512; <blockquote expandable>q</blockquote>"
    )
    sent = await bot.send_message(chat, html, parse_mode=ParseMode.HTML)

    assert sent.text == "Run & walk back wow x = 1 <3 😀 q"
    assert sent.from_user is not None and sent.from_user.username == "ReverseCoachBot"
    assert sent.chat.id == chat
    kinds = [(e.type, e.offset, e.length) for e in sent.entities]
    assert kinds[0] == ("bold", 0, 3)
    link = next(e for e in sent.entities if e.type == "text_link")
    assert link.url == "https://example.com/?a=1&b=2"
    pre = next(e for e in sent.entities if e.type == "pre")
    assert pre.language == "python"
    assert any(e.type == "expandable_blockquote" for e in sent.entities)

    stored = server.last(chat)
    assert stored.message_id == sent.message_id
    assert stored.text == sent.text
    assert stored.html == html
    assert stored.parse_mode == "HTML"
    assert stored.reply_markup is None
    assert server.errors == []


async def test_message_ids_are_shared_by_user_and_bot(
    server: FakeBotAPI, bot: Bot, chat: int
) -> None:
    first = server.all_messages(chat)[0]
    reply = await bot.send_message(chat, "hi", reply_to_message_id=first.message_id)
    second = server.send_text("again")
    assert (first.message_id, reply.message_id, second["message"]["message_id"]) == (1, 2, 3)
    assert reply.reply_to_message is not None
    assert reply.reply_to_message.text == "hello"
    assert [m.message_id for m in server.messages(chat)] == [2]


async def test_update_ids_increase(server: FakeBotAPI) -> None:
    ids = [server.send_text(str(i))["update_id"] for i in range(3)]
    ids.append(server.press(1, "x", check=False)["update_id"])
    assert ids == sorted(ids) and len(set(ids)) == 4


@pytest.mark.parametrize(
    ("text", "description"),
    [
        (
            "<p>hi</p>",
            'Bad Request: can\'t parse entities: Unsupported start tag "p" at byte offset 0',
        ),
        (
            "<b>hi",
            "Bad Request: can't parse entities: "
            'Can\'t find end tag corresponding to start tag "b"',
        ),
        (
            "<b><i>x</b></i>",
            "Bad Request: can't parse entities: Unmatched end tag at byte offset 7, "
            'expected "</i>", found "</b>"',
        ),
        ("x</b>", "Bad Request: can't parse entities: Unexpected end tag at byte offset 1"),
        ("1 < 2", 'Bad Request: can\'t parse entities: Unsupported start tag "" at byte offset 2'),
        ("é<3", "Bad Request: can't parse entities: Unclosed start tag at byte offset 2"),
        (
            '<span class="x">a</span>',
            'Bad Request: can\'t parse entities: Tag "span" must have '
            'class "tg-spoiler" at byte offset 0',
        ),
        (
            "Q&A",
            'Bad Request: can\'t parse entities: Unescaped "&" at byte offset 1: '
            'use "&amp;" for a literal ampersand',
        ),
        ("a" * 4097, "Bad Request: message is too long"),
        ("😀" * 2049, "Bad Request: message is too long"),
        ("", "Bad Request: message text is empty"),
        ("  \n ", "Bad Request: message text is empty"),
        ("<b></b>", "Bad Request: message text is empty"),
    ],
    ids=[
        "unsupported-tag",
        "unclosed-tag",
        "misnested",
        "stray-end-tag",
        "raw-lt",
        "raw-lt-utf8-offset",
        "span-without-spoiler",
        "raw-amp",
        "4097-chars",
        "2049-emoji-utf16",
        "empty",
        "whitespace",
        "empty-after-tags",
    ],
)
async def test_send_message_rejections(
    server: FakeBotAPI, bot: Bot, chat: int, text: str, description: str
) -> None:
    with pytest.raises(BadRequest):
        await bot.send_message(chat, text, parse_mode=ParseMode.HTML)
    assert last_error(server) == description
    assert server.errors[-1].status == 400
    assert server.errors[-1].response["error_code"] == 400
    assert server.messages(chat) == []


async def test_limits_are_counted_after_parsing_in_utf16(bot: Bot, chat: int) -> None:
    sent = await bot.send_message(chat, "<b>" + "a" * 4096 + "</b>", parse_mode=ParseMode.HTML)
    assert len(sent.text) == 4096
    sent = await bot.send_message(chat, "😀" * 2048)
    assert len(sent.text) == 2048


async def test_plain_text_needs_no_escaping(bot: Bot, chat: int, server: FakeBotAPI) -> None:
    sent = await bot.send_message(chat, "1 < 2 & <p>")
    assert sent.text == "1 < 2 & <p>"
    assert server.errors == []


async def test_unknown_chat_is_rejected(server: FakeBotAPI, bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(4242, "hi")
    assert last_error(server) == "Bad Request: chat not found"


# ---------------------------------------------------------------------------- reply_markup


async def test_inline_keyboard_is_stored_and_echoed(
    server: FakeBotAPI, bot: Bot, chat: int
) -> None:
    markup = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Yes", callback_data="yes"),
                InlineKeyboardButton("No", callback_data="no"),
            ],
            [InlineKeyboardButton("Docs", url="https://example.com")],
        ]
    )
    sent = await bot.send_message(chat, "Sure?", reply_markup=markup)
    assert sent.reply_markup == markup
    assert server.last(chat).buttons() == [[("Yes", "yes"), ("No", "no")], [("Docs", None)]]
    assert server.requests[-1].params["reply_markup"]["inline_keyboard"][0][0]["text"] == "Yes"


@pytest.mark.parametrize(
    ("markup", "description"),
    [
        (
            {"inline_keyboard": [[{"text": "x", "callback_data": "é" * 33}]]},
            "Bad Request: BUTTON_DATA_INVALID",
        ),
        (
            {"inline_keyboard": [[{"text": "x", "callback_data": ""}]]},
            "Bad Request: BUTTON_DATA_INVALID",
        ),
        (
            {"inline_keyboard": [[{"text": "x"}]]},
            "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the "
            "inline keyboard",
        ),
        (
            {"inline_keyboard": {"text": "x"}},
            'Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup must be an Array',
        ),
        (
            {"inline_keyboard": [[{"text": "x", "url": "ftp://example.com"}]]},
            "Bad Request: inline keyboard button URL 'ftp://example.com' is invalid: "
            "Unsupported URL protocol",
        ),
        ({"nothing": True}, "Bad Request: can't parse reply keyboard markup JSON object"),
    ],
    ids=[
        "callback-data-66-bytes",
        "callback-data-empty",
        "no-action",
        "not-rows",
        "bad-url",
        "unknown",
    ],
)
async def test_bad_reply_markup_is_rejected(
    server: FakeBotAPI, bot: Bot, chat: int, markup: dict[str, Any], description: str
) -> None:
    with pytest.raises(BadRequest):
        await bot.send_message(chat, "hi", reply_markup=markup)  # type: ignore[arg-type]
    assert last_error(server) == description


async def test_callback_data_of_65_bytes_is_rejected(
    server: FakeBotAPI, bot: Bot, chat: int
) -> None:
    ok = InlineKeyboardMarkup([[InlineKeyboardButton("ok", callback_data="a" * 64)]])
    await bot.send_message(chat, "fits", reply_markup=ok)
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("no", callback_data="a" * 65)]])
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await bot.send_message(chat, "too long", reply_markup=too_long)
    assert [e.description for e in server.errors] == ["Bad Request: BUTTON_DATA_INVALID"]


async def test_reply_keyboards_are_accepted(server: FakeBotAPI, bot: Bot, chat: int) -> None:
    keyboard = ReplyKeyboardMarkup(
        [[KeyboardButton("Share location", request_location=True)], ["Skip"]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )
    sent = await bot.send_message(chat, "Where are you?", reply_markup=keyboard)
    assert sent.reply_markup is None  # Telegram echoes only inline keyboards
    assert server.last(chat).buttons() == [[("Share location", None)], [("Skip", None)]]
    assert server.last(chat).reply_markup == keyboard.to_dict()
    await bot.send_message(chat, "Thanks", reply_markup=ReplyKeyboardRemove())
    await bot.send_message(chat, "Name?", reply_markup=ForceReply(input_field_placeholder="Ana"))
    assert server.errors == []


# ---------------------------------------------------------------------------- edits, deletes


async def test_edit_message_text_changes_state(server: FakeBotAPI, bot: Bot, chat: int) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data="go")]])
    sent = await bot.send_message(chat, "one", reply_markup=keyboard)
    edited = await bot.edit_message_text(
        "<b>two</b>", chat_id=chat, message_id=sent.message_id, parse_mode=ParseMode.HTML
    )
    assert isinstance(edited, type(sent))
    assert edited.text == "two"
    assert edited.edit_date is not None
    stored = server.last(chat)
    assert (stored.text, stored.html, stored.edits, stored.history) == (
        "two",
        "<b>two</b>",
        1,
        ["one"],
    )
    assert stored.reply_markup is None  # an edit without reply_markup removes the keyboard
    assert len(server.messages(chat)) == 1
    assert server.errors == []


async def test_edit_to_identical_content_is_not_modified(
    server: FakeBotAPI, bot: Bot, chat: int
) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data="go")]])
    sent = await bot.send_message(chat, "same", reply_markup=keyboard)
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text(
            "same", chat_id=chat, message_id=sent.message_id, reply_markup=keyboard
        )
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_reply_markup(chat, sent.message_id, reply_markup=keyboard)
    assert last_error(server).startswith("Bad Request: message is not modified: ")
    # a different keyboard is a modification
    other = InlineKeyboardMarkup([[InlineKeyboardButton("Stop", callback_data="stop")]])
    await bot.edit_message_reply_markup(chat, sent.message_id, reply_markup=other)
    assert server.last(chat).buttons() == [[("Stop", "stop")]]
    assert server.last(chat).edits == 1


async def test_edit_missing_message(server: FakeBotAPI, bot: Bot, chat: int) -> None:
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", chat_id=chat, message_id=999)
    assert last_error(server) == "Bad Request: message to edit not found"
    with pytest.raises(BadRequest, match=r"(?i)can't be edited"):
        await bot.edit_message_text("x", chat_id=chat, message_id=1)  # the user's message


# ---------------------------------------------------------------------------- media


async def test_send_photo_stores_bytes(server: FakeBotAPI, bot: Bot, chat: int) -> None:
    content = png(1600, 900)
    sent = await bot.send_photo(chat, content, caption="<i>Route</i>", parse_mode=ParseMode.HTML)
    assert sent.caption == "Route"
    assert [(p.width, p.height) for p in sent.photo] == [
        (90, 51),
        (320, 180),
        (800, 450),
        (1280, 720),
        (1600, 900),
    ]
    assert all(p.file_id and p.file_unique_id for p in sent.photo)
    stored = server.last(chat)
    assert stored.photo == content
    assert stored.kind == "photo"
    assert stored.text == "Route"
    assert server.requests[-1].files["photo"] == content
    # a file_id can be re-sent
    again = await bot.send_photo(chat, sent.photo[-1].file_id)
    assert server.last(chat).photo == content
    assert again.photo[-1].width == 1600


async def test_send_photo_rejects_non_images_and_long_captions(
    server: FakeBotAPI, bot: Bot, chat: int
) -> None:
    with pytest.raises(BadRequest, match=r"(?i)image_process_failed"):
        await bot.send_photo(chat, b"GIF89a not a png", filename="x.png")
    await bot.send_photo(chat, png(), caption="c" * 1024)
    with pytest.raises(BadRequest, match=r"(?i)caption is too long"):
        await bot.send_photo(chat, png(), caption="c" * 1025)
    assert [e.description for e in server.errors] == [
        "Bad Request: IMAGE_PROCESS_FAILED",
        "Bad Request: message caption is too long",
    ]


async def test_send_document_stores_bytes(server: FakeBotAPI, bot: Bot, chat: int) -> None:
    content = b"date,km\n2024-01-01,3\n"
    sent = await bot.send_document(chat, content, filename="runs.csv", caption="Your runs")
    assert sent.document is not None
    assert (sent.document.file_name, sent.document.mime_type, sent.document.file_size) == (
        "runs.csv",
        "text/csv",
        len(content),
    )
    stored = server.last(chat)
    assert (stored.document, stored.filename, stored.text) == (content, "runs.csv", "Your runs")
    assert server.errors == []


def test_image_size_and_photo_sizes() -> None:
    assert image_size(png(7, 5)) == (7, 5)
    assert image_size(jpeg_header(640, 480)) == (640, 480)
    assert image_size(b"not an image") is None
    assert photo_sizes(50, 40) == [(50, 40)]
    assert photo_sizes(4000, 3000)[-1] == (2560, 1920)


# ---------------------------------------------------------------------------- faults


async def test_429_surfaces_as_retry_after(server: FakeBotAPI, bot: Bot, chat: int) -> None:
    server.fail("sendMessage", retry_after=7)
    with warnings.catch_warnings():  # PTB 22 warns about int vs timedelta retry_after
        warnings.simplefilter("ignore")
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(chat, "hi")
        retry_after = caught.value.retry_after
    seconds = retry_after.total_seconds() if isinstance(retry_after, dtm.timedelta) else retry_after
    assert seconds == 7
    assert server.faults[-1].response == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 7",
        "parameters": {"retry_after": 7},
    }
    assert server.errors == []  # injected faults are not the bot's mistakes
    await bot.send_message(chat, "hi")  # only the next call failed
    assert len(server.messages(chat)) == 1


async def test_fail_times_and_any_method(server: FakeBotAPI, bot: Bot, chat: int) -> None:
    server.fail("*", status=502, times=2)
    for _ in range(2):
        with pytest.raises(NetworkError):
            await bot.get_me()
    await bot.get_me()


async def test_blocked_chat_is_forbidden(server: FakeBotAPI, bot: Bot, chat: int) -> None:
    server.block(chat)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(chat, "hi")
    with pytest.raises(Forbidden):
        await bot.send_chat_action(chat, ChatAction.TYPING)
    assert server.faults[-1].status == 403
    assert server.errors == []
    server.unblock(chat)
    await bot.send_message(chat, "hi")


async def test_500_is_a_network_error(server: FakeBotAPI, bot: Bot, chat: int) -> None:
    server.fail("sendMessage", status=500)
    with pytest.raises(NetworkError) as caught:
        await bot.send_message(chat, "hi")
    assert not isinstance(caught.value, BadRequest)
    assert server.faults[-1].response["description"] == "Internal Server Error"


async def test_delay_makes_the_client_time_out_but_the_call_still_lands(
    server: FakeBotAPI, chat: int
) -> None:
    server.delay("sendMessage", 0.5)
    request = HTTPXRequest(read_timeout=0.1)
    async with Bot(server.token, base_url=server.base_url, request=request) as slow:
        with pytest.raises(TimedOut):
            await slow.send_message(chat, "late")
    message = await server.wait_for_messages(1, chat)
    assert message[0].text == "late"


# ---------------------------------------------------------------------------- updates


async def test_long_poll_returns_an_update_enqueued_while_waiting(
    server: FakeBotAPI, bot: Bot
) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.3)
    assert not poll.done()
    server.send_text("/start@ReverseCoachBot now")
    updates = await poll
    assert loop.time() - started < 3
    assert len(updates) == 1
    message = updates[0].message
    assert message is not None and message.text == "/start@ReverseCoachBot now"
    assert message.entities[0].type == "bot_command"
    assert message.entities[0].length == len("/start@ReverseCoachBot")
    assert message.from_user is not None and message.from_user.first_name == "Ana"
    assert message.chat.type == "private" and message.chat.id == CHAT


async def test_long_poll_times_out_with_no_updates(bot: Bot) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    assert await bot.get_updates(timeout=1) == ()
    assert 0.9 < loop.time() - started < 3


async def test_offset_confirms_updates(server: FakeBotAPI, bot: Bot) -> None:
    first = server.send_text("a")
    server.send_text("b", user_id=1002, first_name="Bo")
    server.send_location(51.5, -0.12)
    updates = await bot.get_updates()
    assert [u.update_id for u in updates] == sorted(u.update_id for u in updates)
    assert len(updates) == 3
    assert updates[2].message is not None and updates[2].message.location is not None
    assert len(await bot.get_updates(limit=2)) == 2  # not confirmed yet: delivered again
    assert await bot.get_updates(offset=updates[-1].update_id + 1) == ()
    assert server.pending_updates == []
    # a redelivery of an already confirmed update reaches the bot once more
    server.enqueue(first)
    again = await bot.get_updates(offset=updates[-1].update_id + 1)
    assert [u.update_id for u in again] == [first["update_id"]]
    assert await bot.get_updates(offset=updates[-1].update_id + 1) == ()


async def test_raw_updates_with_any_id_never_hide_others(server: FakeBotAPI, bot: Bot) -> None:
    server.enqueue({"update_id": 9_000_000_000, "message": server.send_text("x")["message"]})
    first = await bot.get_updates()
    assert [u.update_id for u in first][-1] == 9_000_000_000
    after = server.send_text("after")
    assert after["update_id"] < 9_000_000_000
    updates = await bot.get_updates(offset=9_000_000_001)
    assert [u.message.text for u in updates if u.message] == ["after"]


async def test_wait_for_request_sees_a_long_poll_in_flight(server: FakeBotAPI, bot: Bot) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    request = await server.wait_for_request("getUpdates", timeout=2)
    assert not request.done
    server.send_text("wake up")
    assert len(await poll) == 1
    assert request.done and request.ok


async def test_negative_offset_keeps_the_last_updates(server: FakeBotAPI, bot: Bot) -> None:
    for text in "abc":
        server.send_text(text)
    updates = await bot.get_updates(offset=-1)
    assert [u.message.text for u in updates if u.message] == ["c"]


async def test_second_bot_instance_polling_conflicts(server: FakeBotAPI, bot: Bot) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.2)
    async with Bot(server.token, base_url=server.base_url) as twin:
        assert await twin.get_updates(timeout=1) == ()
    with pytest.raises(Conflict, match="terminated by other getUpdates request"):
        await first
    assert server.errors[-1].status == 409


async def test_press_and_answer_callback_query(server: FakeBotAPI, bot: Bot, chat: int) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data="go")]])
    sent = await bot.send_message(chat, "Ready?", reply_markup=keyboard)
    update = server.press(server.last(chat), "go")
    with pytest.raises(AssertionError, match="no button"):
        server.press(sent.message_id, "nope")
    *_, received = await bot.get_updates()  # after the chat fixture's "hello"
    query = received.callback_query
    assert query is not None and query.data == "go"
    assert query.id == update["callback_query"]["id"]
    assert query.message is not None and query.message.message_id == sent.message_id
    assert await bot.answer_callback_query(query.id, text="Going")
    assert server.callback_answers == [{"callback_query_id": query.id, "text": "Going"}]
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(query.id)
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query("12345")


async def test_edit_user_message(server: FakeBotAPI, bot: Bot) -> None:
    original = server.send_text("5 km")
    server.edit_user_message(original, "6 km")
    first, edited = await bot.get_updates()
    assert edited.edited_message is not None
    assert edited.edited_message.message_id == original["message"]["message_id"]
    assert edited.edited_message.text == "6 km"
    assert first.message is not None and first.message.text == "5 km"


# ---------------------------------------------------------------------------- bot settings


async def test_commands(server: FakeBotAPI, bot: Bot) -> None:
    commands = [BotCommand("start", "Begin"), BotCommand("log_run", "Log a backward run")]
    assert await bot.set_my_commands(commands)
    assert server.commands == [
        {"command": "start", "description": "Begin"},
        {"command": "log_run", "description": "Log a backward run"},
    ]
    with pytest.raises(BadRequest, match=r"(?i)bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Start", "Begin")])


async def test_chat_action(server: FakeBotAPI, bot: Bot, chat: int) -> None:
    assert await bot.send_chat_action(chat, ChatAction.UPLOAD_PHOTO)
    assert server.chat_actions == [(chat, "upload_photo")]
    with pytest.raises(BadRequest, match=r"(?i)wrong parameter action"):
        await bot.send_chat_action(chat, "dancing")


async def test_webhook_store_conflict_and_delivery(server: FakeBotAPI, bot: Bot) -> None:
    received: list[tuple[str | None, dict[str, Any]]] = []

    async def hook(request: web.Request) -> web.Response:
        received.append(
            (request.headers.get("X-Telegram-Bot-Api-Secret-Token"), await request.json())
        )
        return web.Response()

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        port = runner.addresses[0][1]
        url = f"http://127.0.0.1:{port}/hook"
        assert await bot.set_webhook(url, secret_token="s3cret", allowed_updates=["message"])
        assert server.webhook is not None
        assert server.webhook["url"] == url
        assert server.webhook["secret_token"] == "s3cret"
        update = server.send_text("via webhook")
        info = await bot.get_webhook_info()
        assert (info.url, info.pending_update_count) == (url, 1)
        with pytest.raises(Conflict, match=r"(?i)webhook is active"):
            await bot.get_updates()

        assert await server.deliver_webhook(url, update, "s3cret") == 200
        assert received == [("s3cret", update)]
        assert Update.de_json(received[0][1], bot).message is not None
        assert server.pending_updates == []

        assert await bot.delete_webhook()
        assert server.webhook is None
        assert (await bot.get_webhook_info()).url == ""
    finally:
        await runner.cleanup()


# ---------------------------------------------------------------------------- waiting helpers


async def test_wait_for_messages_reports_what_arrived(
    server: FakeBotAPI, bot: Bot, chat: int
) -> None:
    await bot.send_message(chat, "only one")
    with pytest.raises(AssertionError, match="only one"):
        await server.wait_for_messages(2, chat, timeout=0.2)


async def test_wait_for_request(server: FakeBotAPI, bot: Bot, chat: int) -> None:
    waiter = asyncio.create_task(
        server.wait_for_request("sendMessage", predicate=lambda r: r.params.get("text") == "b")
    )
    await bot.send_message(chat, "a")
    await bot.send_message(chat, "b")
    request = await waiter
    assert request.params == {"chat_id": chat, "text": "b"}
    assert request.result["text"] == "b"


# ---------------------------------------------------------------------------- a real Application


async def test_real_application_polling_round_trip(server: FakeBotAPI) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        keyboard = InlineKeyboardMarkup(
            [[InlineKeyboardButton("Run backwards", callback_data="run")]]
        )
        await update.effective_message.reply_html(
            "<b>Welcome</b>, coach here.", reply_markup=keyboard
        )

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer("Off you go")
        await query.edit_message_text("Look over your shoulder!")

    app = (
        Application.builder()
        .token(server.token)
        .base_url(server.base_url)
        .base_file_url(server.base_file_url)
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(pressed))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=dtm.timedelta(seconds=1))
        try:
            server.send_text("/start")
            (welcome,) = await server.wait_for_messages(1)
            assert welcome.text == "Welcome, coach here."
            assert welcome.message_id == 2
            server.press(welcome, "run")
            await server.wait_for_request("editMessageText")
            assert server.last().text == "Look over your shoulder!"
            assert server.last().edits == 1
            assert server.callback_answers[0]["text"] == "Off you go"
        finally:
            await app.updater.stop()
            await app.stop()
    assert server.errors == []


# ---------------------------------------------------------------------------- the parsers directly


def test_parse_html_entities_use_utf16_offsets() -> None:
    text, entities = parse_html("😀 <b>bold</b> <code>x&lt;y</code>")
    assert text == "😀 bold x<y"
    assert entities == [
        {"type": "bold", "offset": 3, "length": 4},
        {"type": "code", "offset": 8, "length": 3},
    ]


def test_parse_html_is_case_insensitive_for_start_tags_only() -> None:
    assert parse_html("<B>x</b>")[0] == "x"
    with pytest.raises(EntityParseError, match="Unmatched end tag"):
        parse_html("<B>x</B>")


# ---------------------------------------------------------------------------- voice messages
def _encoded(subtype: str, seconds: float = 1.5) -> bytes:
    import io

    import numpy as np
    import soundfile as sf

    t = np.arange(int(48_000 * seconds)) / 48_000
    buffer = io.BytesIO()
    fmt = "WAV" if subtype == "PCM_16" else "OGG"
    sf.write(buffer, 0.3 * np.sin(2 * np.pi * 440 * t), 48_000, format=fmt, subtype=subtype)
    return buffer.getvalue()


async def test_send_voice_takes_an_ogg_opus_upload(server: FakeBotAPI, bot: Bot, chat: int) -> None:
    content = _encoded("OPUS")
    sent = await bot.send_voice(chat, content, caption="<b>Go</b>", parse_mode=ParseMode.HTML)
    assert sent.voice is not None
    assert (sent.voice.mime_type, sent.voice.file_size) == ("audio/ogg", len(content))
    stored = server.last(chat)
    assert stored.data["voice"]["duration"] == 2  # measured from the file: 1.5 s
    assert (stored.kind, stored.voice, stored.text) == ("voice", content, "Go")
    [call] = server.calls("sendVoice")
    assert call.files["voice"] == content  # a multipart upload, like a real client's

    await bot.send_voice(chat, content, duration=7)
    assert server.last(chat).data["voice"]["duration"] == 7  # as the sender says
    assert server.errors == []


@pytest.mark.parametrize(
    ("content", "what"),
    [
        (b"RIFF....WAVEfmt ", "wav header"),
        (b"OggS" + bytes(40), "ogg without opus"),
        (b"just text", "text"),
    ],
)
async def test_send_voice_refuses_what_telegram_cannot_play(
    server: FakeBotAPI, bot: Bot, chat: int, content: bytes, what: str
) -> None:
    with pytest.raises(BadRequest, match=r"(?i)voice_file_invalid"):
        await bot.send_voice(chat, content)
    assert len(server.errors) == 1, what


async def test_send_voice_refuses_wav_and_ogg_vorbis(
    server: FakeBotAPI, bot: Bot, chat: int
) -> None:
    for subtype in ("PCM_16", "VORBIS"):
        with pytest.raises(BadRequest, match=r"(?i)voice_file_invalid"):
            await bot.send_voice(chat, _encoded(subtype))
    with pytest.raises(BadRequest, match=r"(?i)invalid duration"):
        await bot.send_voice(chat, _encoded("OPUS"), api_kwargs={"duration": "soon"})
    assert len(server.errors) == 3


def test_send_voice_matches_the_published_api() -> None:
    """The parameters the fake reads and the Voice it returns, as the published API has them."""
    import gzip
    import json

    from tests.fakes.validation import SPEC_FILE

    api = json.loads(gzip.decompress(SPEC_FILE.read_bytes()))
    fields = {f["name"]: f for f in api["methods"]["sendVoice"]["fields"]}
    assert fields["voice"]["required"] and fields["voice"]["types"] == ["InputFile", "String"]
    assert fields["duration"]["types"] == ["Integer"]
    assert "0-1024 characters" in fields["caption"]["description"]
    assert "OGG file encoded with OPUS" in api["methods"]["sendVoice"]["description"][0]
    assert "50 MB" in api["methods"]["sendVoice"]["description"][0]
    voice = {f["name"]: f["required"] for f in api["types"]["Voice"]["fields"]}
    assert voice == {
        "file_id": True,
        "file_unique_id": True,
        "duration": True,
        "mime_type": False,
        "file_size": False,
    }
    assert api["methods"]["sendVoice"]["returns"] == ["Message"]
