"""The layout keeps its promises: handlers and the dispatcher pass data to bot/render/, which
alone builds keyboards, button payloads, reply text and user-facing dates; module names don't
collide between bot/ and bot/handlers/."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import bot.actions

BOT = Path(__file__).resolve().parents[1] / "bot"
EDGE = sorted([*(BOT / "handlers").glob("*.py"), BOT / "dispatcher.py"])
KEYBOARD_TYPES = {
    "InlineKeyboardButton",
    "InlineKeyboardMarkup",
    "ReplyKeyboardMarkup",
    "ReplyKeyboardRemove",
    "KeyboardButton",
    "ForceReply",
}
BUILDERS = {"keyboard", "cb", "encode"}  # bot/render/ and bot/actions.py helpers
FORMATS = {"strftime"}  # dates a person reads
PAYLOADS = {
    name
    for name, value in vars(bot.actions).items()
    if isinstance(value, type) and issubclass(value, bot.actions.Payload)
}
# calls and the position of the argument (or text=/caption=) the person reads
SENDS = {
    "say": 2,
    "send_message": 1,
    "edit_message_text": 0,
    "reply_text": 0,
    "reply_html": 0,
    "answer": 0,
    "send_document": -1,
    "send_photo": -1,
    "send_voice": -1,
}
TEXT_KEYWORDS = {"text", "caption"}


def _is_text(node: ast.expr) -> bool:
    """Text written here: a string literal, an f-string, or a sum with either in it."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return True
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _is_text(node.left) or _is_text(node.right)
    return False


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def problems(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        where = f"{path.relative_to(BOT.parent)}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Name | ast.Attribute) and _name(node) in KEYBOARD_TYPES:
            found.append(f"{where}: {_name(node)} outside bot/render/")
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.name in KEYBOARD_TYPES:
                    found.append(f"{where}: imports {alias.name}")
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        called_by_name = isinstance(node.func, ast.Name) or (
            isinstance(node.func, ast.Attribute) and _name(node.func.value) == "render"
        )
        if (name in BUILDERS and called_by_name) or name in FORMATS:
            found.append(f"{where}: {name}() builds what bot/render/ should")
        if name in PAYLOADS or (name == "data" and not node.args):
            found.append(f"{where}: a button payload made outside bot/render/")
        if name in SENDS:
            at = SENDS[name]
            texts = [
                *node.args[at : at + 1],
                *(k.value for k in node.keywords if k.arg in TEXT_KEYWORDS),
            ]
            if at < 0:
                texts = texts[1:] if node.args[at:] else texts
            if any(_is_text(t) for t in texts):
                found.append(f"{where}: reply text written outside bot/render/")
    return found


@pytest.mark.parametrize("path", EDGE, ids=lambda p: p.name)
def test_the_edge_only_passes_data_to_render(path: Path) -> None:
    assert problems(path) == []


def test_the_checker_sees_what_it_forbids(tmp_path: Path) -> None:
    sample = BOT / "handlers" / "_sample_for_layout_test.py"
    sample.write_text(
        "from telegram import InlineKeyboardButton\n"
        "async def f(update, context, day):\n"
        "    await say(update, context, 'Logged ' + str(day))\n"
        "    await context.bot.send_message(1, f'hi {day}')\n"
        "    keyboard([[('x', cb('un', 1))]])\n"
        "    Undo(3).data()\n"
        "    day.strftime('%d %b')\n",
        encoding="utf-8",
    )
    try:
        found = problems(sample)
    finally:
        sample.unlink()
    assert len(found) == 8, found


def test_no_module_name_is_used_twice_across_bot_and_handlers() -> None:
    top = {p.stem for p in BOT.glob("*.py")} | {p.name for p in BOT.iterdir() if p.is_dir()}
    handlers = {p.stem for p in (BOT / "handlers").glob("*.py")} - {"__init__"}
    assert top & handlers == set()


def test_every_button_action_reaches_one_handler() -> None:
    from bot.app import register_buttons
    from bot.handlers.buttons import ROUTES

    register_buttons()
    assert set(ROUTES) == {bot.actions._SHAPES[a] for a in bot.actions.Action}
