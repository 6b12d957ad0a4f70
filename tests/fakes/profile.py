"""The bot's profile: its command list and its descriptions, per scope and language."""

from __future__ import annotations

import re

from aiohttp import web

from .errors import bad
from .records import JSON, Request
from .state import World, scope_key
from .telegram_html import utf16_len

MAX_DESCRIPTION = 512
MAX_SHORT_DESC = 120
_LANGUAGE_RE = re.compile(r"^[a-z]{2}$")
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")


class Profile:
    def __init__(self, world: World) -> None:
        self.world = world
        self.handlers = {
            "setMyCommands": self._set_my_commands,
            "setMyDescription": self._set_my_description,
            "getMyDescription": self._get_my_description,
            "setMyShortDescription": self._set_my_short_description,
            "getMyShortDescription": self._get_my_short_description,
        }

    async def _set_my_commands(self, params: JSON, request: Request, http: web.Request) -> bool:
        commands: list[JSON] = params["commands"]
        if len(commands) > 100:
            raise bad("Bad Request: BOT_COMMANDS_TOO_MUCH")
        cleaned: list[JSON] = []
        for command in commands:
            name = command["command"].removeprefix("/")
            if not _COMMAND_RE.match(name):
                raise bad("Bad Request: BOT_COMMAND_INVALID")
            description = command["description"].strip()
            if not 1 <= len(description) <= 256:
                raise bad("Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
            cleaned.append({"command": name, "description": description})
        key = (scope_key(params.get("scope")), str(params.get("language_code") or ""))
        self.world.command_lists[key] = cleaned
        return True

    async def _set_my_description(self, params: JSON, request: Request, http: web.Request) -> bool:
        _set_profile_text(self.world.descriptions, params, "description", MAX_DESCRIPTION)
        return True

    async def _get_my_description(self, params: JSON, request: Request, http: web.Request) -> JSON:
        text = _profile_text(self.world.descriptions, params)
        return {"description": text}

    async def _set_my_short_description(
        self, params: JSON, request: Request, http: web.Request
    ) -> bool:
        _set_profile_text(
            self.world.short_descriptions, params, "short_description", MAX_SHORT_DESC
        )
        return True

    async def _get_my_short_description(
        self, params: JSON, request: Request, http: web.Request
    ) -> JSON:
        return {"short_description": _profile_text(self.world.short_descriptions, params)}


def _language(params: JSON) -> str:
    code = params.get("language_code")
    code = "" if code is None else str(code)
    if code and not _LANGUAGE_RE.match(code):
        raise bad("Bad Request: LANGUAGE_CODE_INVALID")
    return code


def _set_profile_text(store: dict[str, str], params: JSON, key: str, limit: int) -> None:
    """setMyDescription / setMyShortDescription: 0-limit characters; empty removes the text
    dedicated to that language (the default one applies again)."""
    language = _language(params)
    value = params.get(key)
    text = "" if value is None else str(value).strip()
    if utf16_len(text) > limit:
        raise bad(f"Bad Request: {key.upper()}_INVALID")
    if text:
        store[language] = text
    else:
        store.pop(language, None)


def _profile_text(store: dict[str, str], params: JSON) -> str:
    """The text for a language: its own, else the default one, else empty (like Telegram)."""
    language = _language(params)
    return store.get(language, store.get("", ""))
