"""The fake Bot API's description methods behave like Telegram's, as the published API
(shared/botapi/api.json) describes them: parameters, limits, results, per-language texts."""

from __future__ import annotations

import gzip
import json
from collections.abc import AsyncIterator

import pytest
from telegram import Bot
from telegram.error import BadRequest

from tests.fakes import FakeBotAPI
from tests.fakes.profile import MAX_DESCRIPTION, MAX_SHORT_DESC
from tests.fakes.validation import SPEC_FILE

METHODS = ("setMyDescription", "getMyDescription", "setMyShortDescription", "getMyShortDescription")


@pytest.fixture
async def server() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as fake:
        yield fake


@pytest.fixture
async def bot(server: FakeBotAPI) -> AsyncIterator[Bot]:
    async with Bot(server.token, base_url=server.base_url) as client:
        yield client


def test_the_methods_and_limits_match_the_published_api() -> None:
    api = json.loads(gzip.decompress(SPEC_FILE.read_bytes()))
    for name in METHODS:
        method = api["methods"][name]
        fields = {f["name"] for f in method.get("fields", [])}
        assert "language_code" in fields
        assert not any(f["required"] for f in method.get("fields", []))
    [description] = [
        f for f in api["methods"]["setMyDescription"]["fields"] if f["name"] == "description"
    ]
    assert f"0-{MAX_DESCRIPTION} characters" in description["description"]
    [short] = [
        f
        for f in api["methods"]["setMyShortDescription"]["fields"]
        if f["name"] == "short_description"
    ]
    assert f"0-{MAX_SHORT_DESC} characters" in short["description"]
    assert api["methods"]["getMyDescription"]["returns"] == ["BotDescription"]
    assert api["methods"]["getMyShortDescription"]["returns"] == ["BotShortDescription"]
    assert [f["name"] for f in api["types"]["BotDescription"]["fields"]] == ["description"]
    assert [f["name"] for f in api["types"]["BotShortDescription"]["fields"]] == [
        "short_description"
    ]


async def test_descriptions_start_empty_then_hold_what_was_set(
    server: FakeBotAPI, bot: Bot
) -> None:
    assert (await bot.get_my_description()).description == ""
    assert (await bot.get_my_short_description()).short_description == ""
    assert await bot.set_my_description("Coach for backward running.")
    assert await bot.set_my_short_description("Backward running coach")
    assert (await bot.get_my_description()).description == "Coach for backward running."
    assert (await bot.get_my_short_description()).short_description == "Backward running coach"
    assert server.errors == []


async def test_a_language_falls_back_to_the_default_text_and_empty_removes_it(
    server: FakeBotAPI, bot: Bot
) -> None:
    await bot.set_my_description("default")
    await bot.set_my_description("auf Deutsch", language_code="de")
    assert (await bot.get_my_description(language_code="de")).description == "auf Deutsch"
    assert (await bot.get_my_description(language_code="fr")).description == "default"
    await bot.set_my_description("", language_code="de")
    assert (await bot.get_my_description(language_code="de")).description == "default"
    await bot.set_my_description("")
    assert (await bot.get_my_description()).description == ""


async def test_too_long_texts_and_bad_language_codes_are_refused(
    server: FakeBotAPI, bot: Bot
) -> None:
    assert await bot.set_my_description("é" * MAX_DESCRIPTION)
    with pytest.raises(BadRequest):
        await bot.set_my_description("x" * (MAX_DESCRIPTION + 1))
    assert await bot.set_my_short_description("x" * MAX_SHORT_DESC)
    with pytest.raises(BadRequest):
        await bot.set_my_short_description("x" * (MAX_SHORT_DESC + 1))
    with pytest.raises(BadRequest):
        await bot.get_my_description(language_code="english")
    assert len(server.errors) == 3
    assert (await bot.get_my_description()).description == "é" * MAX_DESCRIPTION
