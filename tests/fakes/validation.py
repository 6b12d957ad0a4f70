"""Every request checked against the published Bot API (``spec/api.json.gz``, see its README).

The method must exist, its required parameters be present, every parameter be one it declares,
and every value have a declared type, down to the fields of nested objects (an
InlineKeyboardButton inside reply_markup, a BotCommand inside commands, ...), where unknown
fields are refused too. That is stricter than Telegram, which ignores unknown names: a misspelt
``reply_markpu`` would silently drop a keyboard there; here it fails the test.

Form and multipart bodies carry every value as a string, the way PTB sends them: integers and
booleans as text, objects and arrays JSON-serialised; a JSON body carries them typed.
``check_call`` answers the parameters as Telegram reads them (ints, bools, dicts, lists), or
raises a 400 whose description names what is wrong.

Limits the spec states only in prose (text lengths, callback_data bytes, one action per
button, ...) are checked where the fake implements the method (messages.py, markup.py, ...).
"""

from __future__ import annotations

import functools
import gzip
import json
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ApiError, bad

SPEC_FILE = Path(__file__).resolve().with_name("spec") / "api.json.gz"
MARKUP_JSON = "Bad Request: can't parse reply keyboard markup JSON object"
ATTACH = "attach://"
_INTEGER = re.compile(r"-?\d+")
_CONSTANT = re.compile(r"(?:must be|always) [\"“]?([a-z_]+)[\"”]?")
_DISCRIMINATORS = ("type", "source", "status")
_SCALARS = frozenset({"Integer", "Float", "String", "Boolean", "True", "InputFile"})
_TRUE_WORDS = {"true": True, "1": True, "false": False, "0": False}


@dataclass(frozen=True)
class Field:
    name: str
    types: tuple[str, ...]  # as the spec spells them: "Integer", "Array of BotCommand", ...
    required: bool
    constant: str | None = None  # a discriminator's one allowed value ("type": "default")


@dataclass(frozen=True)
class Shape:
    """A method's parameters, or an object type's fields (or its subtypes, for a union)."""

    name: str
    fields: Mapping[str, Field]
    subtypes: tuple[str, ...] = ()

    @property
    def required(self) -> list[str]:
        return [f.name for f in self.fields.values() if f.required]


@dataclass(frozen=True)
class Spec:
    version: str
    methods: Mapping[str, Shape]  # by lower-case name: Telegram reads method names so
    types: Mapping[str, Shape]

    def method(self, name: str) -> Shape | None:
        return self.methods.get(name.lower())


def _field(raw: Mapping[str, Any]) -> Field:
    constant = None
    if raw["name"] in _DISCRIMINATORS and raw["types"] == ["String"]:
        match = _CONSTANT.search(str(raw.get("description", "")))
        constant = match.group(1) if match else None
    return Field(str(raw["name"]), tuple(raw["types"]), bool(raw["required"]), constant)


def _shape(name: str, raw: Mapping[str, Any]) -> Shape:
    fields = {f["name"]: _field(f) for f in raw.get("fields", [])}
    return Shape(name, fields, tuple(raw.get("subtypes", ())))


@functools.cache
def spec() -> Spec:
    """The spec, read once per process."""
    with gzip.open(SPEC_FILE, "rt", encoding="utf-8") as file:
        raw = json.load(file)
    return Spec(
        version=str(raw["version"]),
        methods={name.lower(): _shape(name, m) for name, m in raw["methods"].items()},
        types={name: _shape(name, t) for name, t in raw["types"].items()},
    )


class _Mismatch(Exception):
    """The value is not of this type; ``expected`` says what it should be ("an Array")."""

    def __init__(self, expected: str) -> None:
        super().__init__(expected)
        self.expected = expected


class _Invalid(Exception):
    """A nested object is wrong; ``str()`` is the description without "Bad Request: "."""


class _NoVariant(Exception):
    """An object that has the required fields of none of a union's members."""


def check_call(method: Shape, raw: Mapping[str, Any], files: Collection[str]) -> dict[str, Any]:
    """The parameters of a call to ``method`` as Telegram reads them; 400 if the spec refuses.

    ``files`` are the multipart parts that carry an upload: a part is a parameter of type
    InputFile, or one that another parameter names as ``attach://<part>``."""
    attached = {
        value[len(ATTACH) :]
        for value in raw.values()
        if isinstance(value, str) and value.startswith(ATTACH)
    }
    for part in files:
        declared = method.fields.get(part)
        if part not in attached and (declared is None or "InputFile" not in declared.types):
            raise _unknown(part, method)
    params: dict[str, Any] = {}
    for name, value in raw.items():
        declared = method.fields.get(name)
        if declared is None:
            raise _unknown(name, method)
        params[name] = _parameter(declared, value, files)
    for name in method.required:
        if name not in params and name not in files:
            raise bad(f'Bad Request: parameter "{name}" is required for {method.name}')
    return params


def _unknown(name: str, method: Shape) -> ApiError:
    return bad(f'Bad Request: parameter "{name}" is unknown for {method.name}')


def _parameter(declared: Field, value: Any, files: Collection[str]) -> Any:
    """A top-level value: a string in form bodies, typed in JSON ones."""
    scalars = [t for t in declared.types if t in _SCALARS]
    compound = [t for t in declared.types if t not in _SCALARS]
    for kind in scalars:
        try:
            return _form_scalar(kind, value, files)
        except _Mismatch:
            continue
    if compound:
        parsed = value
        if isinstance(value, str):
            try:
                parsed = json.loads(value)
            except json.JSONDecodeError:
                raise _unparsable(declared.name) from None
        try:
            return _one_of(compound, parsed)
        except _NoVariant:
            raise _unparsable(declared.name) from None
        except _Mismatch as mismatch:
            if not any(kind.startswith("Array of ") for kind in compound):
                raise _unparsable(declared.name) from None  # JSON, but not an object
            expected = mismatch.expected
        except _Invalid as invalid:
            raise bad(f"Bad Request: {invalid}") from None
    else:
        expected = " or ".join(f"of type {t}" for t in scalars)
    raise bad(f"Bad Request: invalid {declared.name} specified: must be {expected}")


def _unparsable(name: str) -> ApiError:
    if name == "reply_markup":
        return bad(MARKUP_JSON)
    return bad(f"Bad Request: can't parse {name} JSON object")


def _form_scalar(kind: str, value: Any, files: Collection[str]) -> Any:
    """A top-level scalar; form bodies send numbers and booleans as text."""
    if isinstance(value, str):
        if kind in ("String", "InputFile"):
            if kind == "InputFile" and value.removeprefix(ATTACH) not in files:
                raise _Mismatch(f"of type {kind}")
            return value
        if kind == "Integer" and _INTEGER.fullmatch(value.strip()):
            return int(value)
        if kind == "Float":
            try:
                return float(value)
            except ValueError:
                raise _Mismatch(f"of type {kind}") from None
        word = _TRUE_WORDS.get(value.strip().lower())
        if kind == "Boolean" and word is not None:
            return word
        if kind == "True" and word is True:
            return True
        raise _Mismatch(f"of type {kind}")
    return _scalar(kind, value)


def _scalar(kind: str, value: Any) -> Any:
    """A scalar inside a JSON value: typed, no strings for numbers."""
    if kind in ("String", "InputFile"):
        ok = isinstance(value, str)
    elif kind == "Integer":
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif kind == "Float":
        ok = isinstance(value, int | float) and not isinstance(value, bool)
    elif kind == "Boolean":
        ok = isinstance(value, bool)
    else:  # "True"
        ok = value is True
    if not ok:
        raise _Mismatch(f"of type {kind}")
    return value


def _value(kind: str, value: Any) -> Any:
    """A JSON value of one declared type."""
    if kind.startswith("Array of "):
        inner = kind[len("Array of ") :]
        if not isinstance(value, list):
            raise _Mismatch("an Array")
        try:
            return [_value(inner, item) for item in value]
        except _Mismatch:
            plural = "Arrays" if inner.startswith("Array of ") else inner
            raise _Mismatch(f"an Array of {plural}") from None
    if kind in _SCALARS:
        return _scalar(kind, value)
    return _object(kind, value)


def _one_of(kinds: list[str], value: Any) -> Any:
    """A value of one of several declared types; objects are told apart by required fields."""
    objects = [k for k in kinds if not k.startswith("Array of ") and k not in _SCALARS]
    others = [k for k in kinds if k not in objects]
    mismatch: _Mismatch | None = None
    for kind in others:
        try:
            return _value(kind, value)
        except _Mismatch as error:
            mismatch = mismatch or error
    if len(objects) == 1:
        return _object(objects[0], value)
    if objects:
        if not isinstance(value, dict):
            raise mismatch or _Mismatch("an Object")
        return _variant(objects, value)
    assert mismatch is not None
    raise mismatch


def _leaves(names: list[str]) -> list[Shape]:
    types = spec().types
    shapes: list[Shape] = []
    for name in names:
        shape = types[name]
        shapes.extend(_leaves(list(shape.subtypes)) if shape.subtypes else [shape])
    return shapes


def _variant(names: list[str], value: dict[str, Any]) -> dict[str, Any]:
    """The object checked as a member of a union: the one its discriminator names ("type":
    "chat"), or, for members without one, the first whose required fields it has; _NoVariant
    if none fits."""
    leaves = _leaves(names)
    tagged = [s for s in leaves if any(f.constant for f in s.fields.values())]
    if tagged:
        candidates = [
            shape
            for shape in tagged
            if all(
                f.constant is None or value.get(f.name) == f.constant for f in shape.fields.values()
            )
        ]
    else:
        candidates = [s for s in leaves if all(name in value for name in s.required)]
    if not candidates:
        raise _NoVariant
    first: _Invalid | None = None
    for shape in candidates:
        try:
            return _fields(shape, value)
        except _Invalid as error:
            first = first or error
    assert first is not None
    raise first


def _object(name: str, value: Any) -> dict[str, Any]:
    shape = spec().types[name]
    if not isinstance(value, dict):
        raise _Mismatch("an Object")
    if shape.subtypes:
        return _variant([name], value)
    return _fields(shape, value)


def _fields(shape: Shape, value: dict[str, Any]) -> dict[str, Any]:
    checked: dict[str, Any] = {}
    for key, item in value.items():
        declared = shape.fields.get(key)
        if declared is None:
            raise _Invalid(f'field "{key}" of the {shape.name} is unknown')
        try:
            checked[key] = _one_of(list(declared.types), item)
        except _Mismatch as mismatch:
            raise _Invalid(
                f'field "{key}" of the {shape.name} must be {mismatch.expected}'
            ) from None
        except _NoVariant:
            raise _Invalid(
                f'field "{key}" of the {shape.name} must be one of {", ".join(declared.types)}'
            ) from None
        if declared.constant is not None and item != declared.constant:
            raise _Invalid(f'field "{key}" of the {shape.name} must be "{declared.constant}"')
    for key in shape.required:
        if key not in value:
            raise _Invalid(f'field "{key}" of the {shape.name} is required')
    return checked
