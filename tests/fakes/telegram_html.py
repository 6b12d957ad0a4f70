"""Telegram's message formatting, parsed the way the Bot API server does it.

``parse_html`` is a port of tdlib's ``parse_html`` (td/telegram/MessageEntity.cpp): the same tag
set, the same attribute rules and the same error descriptions. Unlike the real server it is strict
about a raw ``&`` that does not start one of the supported entities (the Bot API documentation
requires escaping it; the real server silently keeps it).

The bot sends HTML only (its PTB Defaults set that parse mode), so the Markdown modes are
refused as unsupported rather than half-parsed.

The parser returns ``(plain_text, entities)`` where entity offsets and lengths are counted in
UTF-16 code units, like Telegram's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SUPPORTED_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "s",
        "strike",
        "del",
        "u",
        "ins",
        "tg-spoiler",
        "tg-emoji",
        "span",
        "pre",
        "code",
        "blockquote",
    }
)

_TAG_ENTITY = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "code": "code",
    "pre": "pre",
    "a": "text_link",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}

_SPACES = frozenset(" \t\r\n\v\0")
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
# Telegram trims these from both ends of a message text or caption.
TRIMMED = " \t\r\n\v\f"

Entity = dict[str, Any]


class EntityParseError(ValueError):
    """A formatting error; ``str(exc)`` is Telegram's description without the common prefix."""


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit Telegram counts text and entity offsets in."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _byte_offsets(text: str) -> list[int]:
    offsets = [0]
    for ch in text:
        offsets.append(offsets[-1] + len(ch.encode("utf-8", "surrogatepass")))
    return offsets


def _decode_entity(text: str, pos: int) -> tuple[str | None, int]:
    """tdlib's decode_html_entity: the character for the entity at ``pos`` and where it ends."""
    n = len(text)
    end = pos + 1
    if end < n and text[end] == "#":
        end += 1
        value = 0
        if end < n and text[end] == "x":
            end += 1
            while end < n and text[end] in "0123456789abcdefABCDEF":
                value = value * 16 + int(text[end], 16)
                end += 1
                if value >= 0x10FFFF:
                    return None, pos
        else:
            while end < n and text[end].isascii() and text[end].isdigit():
                value = value * 10 + int(text[end])
                end += 1
                if value >= 0x10FFFF:
                    return None, pos
        if value == 0 or end - pos >= 10 or 0xD800 <= value <= 0xDFFF:
            return None, pos
        char = chr(value)
    else:
        while end < n and text[end].isascii() and text[end].isalpha():
            end += 1
        named = _NAMED_ENTITIES.get(text[pos + 1 : end])
        if named is None:
            return None, pos
        char = named
    if end < n and text[end] == ";":
        end += 1
    return char, end


@dataclass
class _OpenTag:
    name: str
    argument: str
    offset: int  # UTF-16 offset in the output
    out_index: int  # index in the output list, to recover the inner text
    expandable: bool = False


def parse_html(text: str, *, strict_ampersand: bool = True) -> tuple[str, list[Entity]]:
    """Parse Telegram HTML; raise EntityParseError with Telegram's description on errors."""
    n = len(text)
    boff = _byte_offsets(text)
    out: list[str] = []
    u16 = 0
    stack: list[_OpenTag] = []
    entities: list[Entity] = []

    def at(i: int) -> str:
        return text[i] if i < n else "\0"

    i = 0
    while i < n:
        c = text[i]
        if c == "&":
            char, end = _decode_entity(text, i)
            if char is not None:
                out.append(char)
                u16 += utf16_len(char)
                i = end
                continue
            if strict_ampersand:
                raise EntityParseError(
                    f'Unescaped "&" at byte offset {boff[i]}: use "&amp;" for a literal ampersand'
                )
        if c != "<":
            out.append(c)
            u16 += utf16_len(c)
            i += 1
            continue

        begin = i
        i += 1
        if at(i) != "/":
            # A start tag.
            while at(i) not in _SPACES and at(i) != ">":
                i += 1
            if i >= n:
                raise EntityParseError(f"Unclosed start tag at byte offset {boff[begin]}")
            tag = text[begin + 1 : i].lower()
            if tag not in SUPPORTED_TAGS:
                raise EntityParseError(
                    f'Unsupported start tag "{tag}" at byte offset {boff[begin]}'
                )
            argument = ""
            expandable = False
            while at(i) != ">":
                while i < n and text[i] in _SPACES:
                    i += 1
                if at(i) == ">":
                    break
                attr_begin = i
                while i < n and text[i] not in _SPACES and text[i] not in "=>":
                    i += 1
                attr_name = text[attr_begin:i]
                if not attr_name:
                    raise EntityParseError(
                        f'Empty attribute name in the tag "{tag}" at byte offset {boff[begin]}'
                    )
                while i < n and text[i] in _SPACES:
                    i += 1
                if at(i) != "=":
                    if tag == "blockquote" and attr_name == "expandable":
                        expandable = True
                        continue
                    if i >= n:
                        raise EntityParseError(
                            f'Unclosed start tag "{tag}" at byte offset {boff[begin]}'
                        )
                    raise EntityParseError(
                        "Expected equal sign in declaration of an attribute of the tag "
                        f'"{tag}" at byte offset {boff[begin]}'
                    )
                i += 1
                while i < n and text[i] in _SPACES:
                    i += 1
                if i >= n:
                    raise EntityParseError(
                        f'Unclosed start tag "{tag}" at byte offset {boff[begin]}'
                    )
                if text[i] not in "'\"":
                    token_begin = i
                    while i < n and ((text[i].isascii() and text[i].isalnum()) or text[i] in ".-"):
                        i += 1
                    value = text[token_begin:i].lower()
                    if at(i) not in _SPACES and at(i) != ">":
                        raise EntityParseError(
                            f"Unexpected end of name token at byte offset {boff[token_begin]}"
                        )
                else:
                    quote = text[i]
                    i += 1
                    value_begin = i
                    parts: list[str] = []
                    while i < n and text[i] != quote:
                        if text[i] == "&":
                            char, end = _decode_entity(text, i)
                            if char is not None:
                                parts.append(char)
                                i = end
                                continue
                            if strict_ampersand:
                                raise EntityParseError(
                                    f'Unescaped "&" at byte offset {boff[i]}: '
                                    'use "&amp;" for a literal ampersand'
                                )
                        parts.append(text[i])
                        i += 1
                    value = "".join(parts)
                    if i < n:
                        i += 1  # the closing quote
                    if i >= n:
                        raise EntityParseError(
                            f"Unclosed start tag at byte offset {boff[value_begin]}"
                        )
                if tag == "a" and attr_name == "href":
                    argument = value
                elif tag == "code" and attr_name == "class" and value.startswith("language-"):
                    argument = value[len("language-") :]
                elif tag == "span" and attr_name == "class" and value.startswith("tg-"):
                    argument = value[len("tg-") :]
                elif tag == "tg-emoji" and attr_name == "emoji-id":
                    argument = value
                elif tag == "blockquote" and attr_name == "expandable":
                    expandable = True
            if tag == "span" and argument != "spoiler":
                raise EntityParseError(
                    f'Tag "span" must have class "tg-spoiler" at byte offset {boff[begin]}'
                )
            if tag == "tg-emoji" and not (argument.isascii() and argument.isdigit()):
                raise EntityParseError("Invalid custom emoji identifier specified")
            stack.append(_OpenTag(tag, argument, u16, len(out), expandable))
            i += 1  # the '>'
            continue

        # An end tag.
        if not stack:
            raise EntityParseError(f"Unexpected end tag at byte offset {boff[begin]}")
        while at(i) not in _SPACES and at(i) != ">":
            i += 1
        end_name = text[begin + 2 : i]
        while i < n and text[i] in _SPACES:
            i += 1
        if at(i) != ">":
            raise EntityParseError(f"Unclosed end tag at byte offset {boff[begin]}")
        opened = stack.pop()
        if end_name and end_name != opened.name:
            raise EntityParseError(
                f'Unmatched end tag at byte offset {boff[begin]}, expected "</{opened.name}>", '
                f'found "</{end_name}>"'
            )
        i += 1
        if u16 > opened.offset:
            entity = _make_entity(opened, u16, "".join(out[opened.out_index :]), stack, entities)
            if entity is not None:
                entities.append(entity)

    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    return "".join(out), sort_entities(entities)


def _make_entity(
    opened: _OpenTag, end: int, inner: str, stack: list[_OpenTag], entities: list[Entity]
) -> Entity | None:
    kind = _TAG_ENTITY[opened.name]
    entity: Entity = {"type": kind, "offset": opened.offset, "length": end - opened.offset}
    if opened.name == "a":
        entity["url"] = opened.argument or inner
    elif opened.name == "tg-emoji":
        entity["custom_emoji_id"] = opened.argument
    elif opened.name == "blockquote" and opened.expandable:
        entity["type"] = "expandable_blockquote"
    elif opened.name == "code" and opened.argument and stack and stack[-1].name == "pre":
        entity["language"] = opened.argument  # becomes the pre's language when pre closes
    elif opened.name == "pre" and entities:
        last = entities[-1]
        if (
            last["type"] == "code"
            and last["offset"] == entity["offset"]
            and last["length"] == entity["length"]
        ):
            entities.pop()
            if "language" in last:
                entity["language"] = last["language"]
    return entity


def sort_entities(entities: list[Entity]) -> list[Entity]:
    cleaned = []
    for entity in entities:
        if entity["type"] == "code":
            entity.pop("language", None)
        cleaned.append(entity)
    return sorted(cleaned, key=lambda e: (e["offset"], -e["length"]))


_MDV2_TYPES = {
    "*": "bold",
    "_": "italic",
    "__": "underline",
    "~": "strikethrough",
    "||": "spoiler",
    "[": "text_link",
}
_MDV2_NAMES = {
    "*": "Bold",
    "_": "Italic",
    "__": "Underline",
    "~": "Strikethrough",
    "||": "Spoiler",
    "[": "TextUrl",
}


def parse_text(text: str, parse_mode: str | None) -> tuple[str, list[Entity]]:
    """Dispatch on ``parse_mode`` (case-insensitive, like Telegram). ValueError if unsupported."""
    mode = (parse_mode or "").lower()
    if not mode:
        return text, []
    if mode == "html":
        return parse_html(text)
    raise ValueError("Bad Request: unsupported parse_mode")


def trim(text: str, entities: list[Entity]) -> tuple[str, list[Entity]]:
    """Strip leading/trailing whitespace like Telegram, moving or cutting entities to match."""
    stripped = text.strip(TRIMMED)
    if stripped == text:
        return text, entities
    lead = utf16_len(text[: len(text) - len(text.lstrip(TRIMMED))])
    total = utf16_len(stripped)
    kept: list[Entity] = []
    for entity in entities:
        start = max(entity["offset"] - lead, 0)
        end = min(entity["offset"] + entity["length"] - lead, total)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return stripped, kept
