"""Reply markup rules the Bot API states only in prose, checked after the spec's types (so the
shapes here are known): one action per inline button, callback_data of 1-64 bytes, button URLs
Telegram opens, at most 100 buttons, placeholders of 1-64 characters."""

from __future__ import annotations

import functools
from urllib.parse import urlsplit

from .errors import bad
from .records import JSON
from .validation import spec

MAX_CALLBACK_DATA = 64
BUTTON_PREFIX = "Bad Request: can't parse inline keyboard button: "
# Not actions: the spec says exactly one of the other fields of a button is used.
_DECORATION = frozenset({"text", "icon_custom_emoji_id", "style"})


@functools.cache
def _actions(button_type: str) -> tuple[str, ...]:
    return tuple(name for name in spec().types[button_type].fields if name not in _DECORATION)


def is_inline(markup: JSON | None) -> bool:
    return markup is not None and "inline_keyboard" in markup


def check_reply_markup(markup: JSON | None) -> JSON | None:
    """The markup (already of a type the spec allows here) if Telegram would take it."""
    if markup is None:
        return None
    if "inline_keyboard" in markup:
        _check_inline_keyboard(markup["inline_keyboard"])
    elif "keyboard" in markup:
        _check_keyboard(markup["keyboard"])
    elif (
        markup.get("remove_keyboard", True) is not True
        or markup.get("force_reply", True) is not True
    ):
        raise bad("Bad Request: can't parse reply keyboard markup JSON object")
    placeholder = markup.get("input_field_placeholder")
    if placeholder is not None and not 1 <= len(placeholder) <= 64:
        raise bad("Bad Request: can't parse input field placeholder")
    return markup


def _check_inline_keyboard(rows: list[list[JSON]]) -> None:
    buttons = [button for row in rows for button in row]
    if len(buttons) > 100:
        raise bad("Bad Request: reply markup is too long")
    for button in buttons:
        if not button["text"].strip():
            raise bad("Bad Request: BUTTON_TEXT_INVALID")
        actions = [key for key in _actions("InlineKeyboardButton") if key in button]
        if not actions:
            raise bad(BUTTON_PREFIX + "Text buttons are unallowed in the inline keyboard")
        if len(actions) > 1:
            raise bad(
                BUTTON_PREFIX + f"exactly one of the optional fields must be used, got {actions}"
            )
        data = button.get("callback_data")
        if data is not None and not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA:
            raise bad("Bad Request: BUTTON_DATA_INVALID")
        if "url" in button:
            _check_button_url(button["url"])


def _check_button_url(url: str) -> None:
    if not url:
        raise bad("Bad Request: BUTTON_URL_INVALID")
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https", "tg", "ton"):
        raise bad(
            f"Bad Request: inline keyboard button URL '{url}' is invalid: Unsupported URL protocol"
        )
    if parts.scheme.lower() in ("http", "https") and not parts.hostname:
        raise bad(f"Bad Request: inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")


def _check_keyboard(rows: list[list[JSON]]) -> None:
    for row in rows:
        for button in row:
            actions = [key for key in _actions("KeyboardButton") if key in button]
            if len(actions) > 1:
                raise bad(f"Bad Request: can't parse keyboard button: too many actions {actions}")
