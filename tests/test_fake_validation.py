"""The fake Bot API refuses, like Telegram, what the published Bot API does not allow: unknown
methods and parameters, missing required ones, values of the wrong type down to nested objects."""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import Defaults, ExtBot

from tests.fakes import FakeBotAPI
from tests.fakes.validation import SPEC_FILE, check_call, spec

CHAT = 1001


@pytest.fixture
async def server() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as fake:
        fake.send_text("hello")  # the user wrote first: the fake knows chat 1001
        yield fake


@pytest.fixture
async def bot(server: FakeBotAPI) -> AsyncIterator[Bot]:
    async with Bot(server.token, base_url=server.base_url) as client:
        yield client


async def post(
    server: FakeBotAPI, method: str, *, json_body: Any = None, form: dict[str, str] | None = None
) -> tuple[int, dict[str, Any]]:
    """A raw call, as a client other than PTB could send it: (HTTP status, answer)."""
    url = f"{server.base_url}{server.token}/{method}"
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, json=json_body, data=form) as response,
    ):
        return response.status, await response.json()


def refused(description: str) -> dict[str, Any]:
    return {"ok": False, "error_code": 400, "description": description}


# ---------------------------------------------------------------------------- parameters


async def test_a_misspelled_parameter_is_refused(server: FakeBotAPI, bot: Bot) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data="go")]])
    with pytest.raises(BadRequest, match="reply_markpu"):
        await bot.send_message(CHAT, "hi", api_kwargs={"reply_markpu": keyboard.to_json()})
    [error] = server.errors
    assert error.status == 400
    assert error.response == refused(
        'Bad Request: parameter "reply_markpu" is unknown for sendMessage'
    )
    assert server.messages(CHAT) == []


async def test_a_parameter_of_another_method_is_refused(server: FakeBotAPI) -> None:
    status, answer = await post(
        server, "sendMessage", json_body={"chat_id": CHAT, "text": "hi", "show_alert": True}
    )
    assert (status, answer) == (
        400,
        refused('Bad Request: parameter "show_alert" is unknown for sendMessage'),
    )


async def test_a_missing_required_parameter_is_refused(server: FakeBotAPI) -> None:
    status, answer = await post(server, "sendMessage", form={"chat_id": str(CHAT)})
    assert (status, answer) == (
        400,
        refused('Bad Request: parameter "text" is required for sendMessage'),
    )
    status, answer = await post(server, "answerCallbackQuery", json_body={"text": "hi"})
    assert answer["description"] == (
        'Bad Request: parameter "callback_query_id" is required for answerCallbackQuery'
    )
    assert [e.method for e in server.errors] == ["sendMessage", "answerCallbackQuery"]


async def test_a_scalar_of_the_wrong_type_is_refused(server: FakeBotAPI) -> None:
    form = {"chat_id": str(CHAT), "text": "hi", "disable_notification": "maybe"}
    _, answer = await post(server, "sendMessage", form=form)
    assert answer == refused(
        "Bad Request: invalid disable_notification specified: must be of type Boolean"
    )
    _, answer = await post(server, "getUpdates", json_body={"timeout": "soon"})
    assert answer == refused("Bad Request: invalid timeout specified: must be of type Integer")
    _, answer = await post(server, "sendMessage", json_body={"chat_id": 1.5, "text": "hi"})
    assert answer == refused(
        "Bad Request: invalid chat_id specified: must be of type Integer or of type String"
    )


async def test_form_values_are_read_as_their_declared_types(server: FakeBotAPI) -> None:
    form = {
        "chat_id": str(CHAT),
        "text": "42",
        "disable_notification": "true",
        "reply_markup": json.dumps({"inline_keyboard": [[{"text": "Go", "callback_data": "g"}]]}),
    }
    status, answer = await post(server, "sendMessage", form=form)
    assert status == 200, answer
    params = server.requests[-1].params
    assert params["chat_id"] == CHAT and params["text"] == "42"
    assert params["disable_notification"] is True
    assert params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "g"


async def test_an_upload_under_an_unknown_name_is_refused(server: FakeBotAPI) -> None:
    form = aiohttp.FormData()
    form.add_field("chat_id", str(CHAT))
    form.add_field("phot", b"\x89PNG", filename="x.png")
    url = f"{server.base_url}{server.token}/sendPhoto"
    async with aiohttp.ClientSession() as session, session.post(url, data=form) as response:
        answer = await response.json()
    assert answer == refused('Bad Request: parameter "phot" is unknown for sendPhoto')


# ---------------------------------------------------------------------------- nested objects


@pytest.mark.parametrize(
    ("markup", "description"),
    [
        (
            {"inline_keyboard": [[{"callback_data": "go"}]]},
            'field "text" of the InlineKeyboardButton is required',
        ),
        (
            {"inline_keyboard": [[{"text": "Go", "callback_data": 7}]]},
            'field "callback_data" of the InlineKeyboardButton must be of type String',
        ),
        (
            {"inline_keyboard": [[{"text": "Go", "callbak_data": "go"}]]},
            'field "callbak_data" of the InlineKeyboardButton is unknown',
        ),
        (
            {"inline_keyboard": [{"text": "Go", "callback_data": "go"}]},
            'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays',
        ),
        (
            {"keyboard": [[{"text": "Here", "request_location": "yes"}]]},
            'field "request_location" of the KeyboardButton must be of type Boolean',
        ),
        (
            {"remove_keyboard": True, "selective": 1},
            'field "selective" of the ReplyKeyboardRemove must be of type Boolean',
        ),
        ("[1, 2]", "can't parse reply keyboard markup JSON object"),
        ("{not json", "can't parse reply keyboard markup JSON object"),
    ],
    ids=[
        "button-without-text",
        "callback-data-int",
        "misspelled-button-field",
        "row-not-an-array",
        "reply-button-flag-not-bool",
        "remove-keyboard-flag",
        "not-an-object",
        "not-json",
    ],
)
async def test_wrong_reply_markup_is_refused(
    server: FakeBotAPI, markup: Any, description: str
) -> None:
    serialised = markup if isinstance(markup, str) else json.dumps(markup)
    form = {"chat_id": str(CHAT), "text": "hi", "reply_markup": serialised}
    status, answer = await post(server, "sendMessage", form=form)
    assert (status, answer) == (400, refused(f"Bad Request: {description}"))
    assert server.messages(CHAT) == []


async def test_edits_take_only_inline_keyboards(server: FakeBotAPI) -> None:
    sent = await post(server, "sendMessage", json_body={"chat_id": CHAT, "text": "hi"})
    message_id = sent[1]["result"]["message_id"]
    keyboard = {"keyboard": [[{"text": "Yes"}]]}
    _, answer = await post(
        server,
        "editMessageReplyMarkup",
        json_body={"chat_id": CHAT, "message_id": message_id, "reply_markup": keyboard},
    )
    assert answer == refused('Bad Request: field "keyboard" of the InlineKeyboardMarkup is unknown')


async def test_ptb_defaults_add_a_parse_mode_edit_reply_markup_lacks(server: FakeBotAPI) -> None:
    """Why bot/intake/guard.py drops it: PTB's Defaults(parse_mode) reach every method that PTB
    sends through its message path, editMessageReplyMarkup included, which has no parse_mode."""
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data="go")]])
    defaults = Defaults(parse_mode=ParseMode.HTML)
    async with ExtBot(server.token, base_url=server.base_url, defaults=defaults) as bot:
        sent = await bot.send_message(CHAT, "<b>Ready?</b>", reply_markup=keyboard)
        with pytest.raises(BadRequest, match="parse_mode"):
            await bot.edit_message_reply_markup(CHAT, sent.message_id, reply_markup=None)
    assert server.errors[-1].response == refused(
        'Bad Request: parameter "parse_mode" is unknown for editMessageReplyMarkup'
    )


@pytest.mark.parametrize(
    ("method", "params", "description"),
    [
        (
            "sendMessage",
            {"chat_id": CHAT, "text": "hi", "link_preview_options": {"is_disabled": "yes"}},
            'field "is_disabled" of the LinkPreviewOptions must be of type Boolean',
        ),
        (
            "sendMessage",
            {"chat_id": CHAT, "text": "hi", "reply_parameters": {"chat_id": CHAT}},
            'field "message_id" of the ReplyParameters is required',
        ),
        (
            "sendMessage",
            {"chat_id": CHAT, "text": "hi", "entities": [{"type": "bold", "offset": 0}]},
            'field "length" of the MessageEntity is required',
        ),
        (
            "setMyCommands",
            {"commands": [{"command": "start", "description": 5}]},
            'field "description" of the BotCommand must be of type String',
        ),
        (
            "setMyCommands",
            {"commands": {"command": "start", "description": "Begin"}},
            "invalid commands specified: must be an Array",
        ),
        (
            "setMyCommands",
            {"commands": [], "scope": {"type": "chat"}},
            'field "chat_id" of the BotCommandScopeChat is required',
        ),
        (
            "setMyCommands",
            {"commands": [], "scope": {"type": "everyone"}},
            "can't parse scope JSON object",
        ),
        (
            "getUpdates",
            {"allowed_updates": ["message", 3]},
            "invalid allowed_updates specified: must be an Array of String",
        ),
    ],
    ids=[
        "link-preview-flag",
        "reply-without-message-id",
        "entity-without-length",
        "command-description-int",
        "commands-not-a-list",
        "chat-scope-without-chat",
        "unknown-scope-type",
        "allowed-updates-int",
    ],
)
async def test_wrong_nested_values_are_refused(
    server: FakeBotAPI, method: str, params: dict[str, Any], description: str
) -> None:
    status, answer = await post(server, method, json_body=params)
    assert (status, answer) == (400, refused(f"Bad Request: {description}"))


async def test_a_union_member_is_told_by_its_type(server: FakeBotAPI) -> None:
    scope = {"type": "chat", "chat_id": CHAT}
    commands = [{"command": "start", "description": "Begin"}]
    status, _ = await post(
        server, "setMyCommands", json_body={"commands": commands, "scope": scope}
    )
    assert status == 200
    assert server.errors == []


# ---------------------------------------------------------------------------- methods


async def test_an_unknown_method_is_not_found(server: FakeBotAPI) -> None:
    status, answer = await post(server, "sendMesage", json_body={"chat_id": CHAT, "text": "hi"})
    assert (status, answer) == (404, {"ok": False, "error_code": 404, "description": "Not Found"})
    assert server.errors[-1].method == "sendMesage"


async def test_a_method_the_fake_does_not_implement_is_an_error(server: FakeBotAPI) -> None:
    status, answer = await post(server, "getChat", json_body={"chat_id": CHAT})
    assert status == 501
    assert answer["description"] == "Not Implemented: the fake Bot API has no getChat"
    assert server.errors[-1].method == "getChat"


def test_every_method_the_fake_implements_is_in_the_spec() -> None:
    from tests.fakes.methods import methods
    from tests.fakes.state import World

    names = methods(World({}))
    assert [n for n in names if spec().method(n) is None] == []
    assert all(spec().method(n).name == n for n in names)  # type: ignore[union-attr]


# ---------------------------------------------------------------------------- the spec


def test_check_call_answers_typed_parameters() -> None:
    method = spec().method("sendVoice")
    assert method is not None
    params = check_call(
        method,
        {"chat_id": "-100123", "voice": "attach://v", "duration": "7", "caption": "12"},
        files={"v"},
    )
    assert params == {"chat_id": -100123, "voice": "attach://v", "duration": 7, "caption": "12"}
    assert check_call(method, {"chat_id": "@runners"}, files={"voice"}) == {"chat_id": "@runners"}


def test_the_spec_is_read_once() -> None:
    assert spec() is spec()
    assert spec().version == "Bot API 10.1"


def test_the_vendored_spec_is_the_shared_one() -> None:
    """spec/README.md names the file the vendored copy was made from; they must not drift."""
    shared = next(
        (
            up / "shared" / "botapi" / "api.json"
            for up in Path(__file__).resolve().parents
            if (up / "shared" / "botapi" / "api.json").exists()
        ),
        None,
    )
    vendored = gzip.decompress(SPEC_FILE.read_bytes())
    digest = hashlib.sha256(vendored).hexdigest()
    assert digest in (SPEC_FILE.parent / "README.md").read_text()
    if shared is None:
        pytest.skip("shared/botapi/api.json is not beside this checkout")
    assert vendored == shared.read_bytes()
