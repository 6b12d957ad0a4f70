"""The catch-all replies: /help, /cancel, unknown commands, groups, edits and the apology."""

from __future__ import annotations

from bot.commands import COMMANDS
from bot.render import e


def help_text() -> str:
    lines = ["<b>What I can do</b>", ""]
    for c in COMMANDS:
        lines.append(f"/{c.name}: {e(c.summary)}\n    e.g. <code>{e(c.example)}</code>")
    lines += [
        "",
        "You can also just tell me about a session, like "
        "<i>did 4 min backwards, felt great</i>, and I'll offer to log it.",
    ]
    return "\n".join(lines)


def unknown_command(command: str) -> str:
    return f"I don't know {e(command[:64])}. Try /help for the list of commands."


def group_pointer() -> str:
    return (
        "I coach one person at a time, so I only work in a private chat. "
        "Tap my name and send me /start there."
    )


def edited_message() -> str:
    return (
        "I saw you edited a message. Edits don't change anything I stored: "
        "use /undo and log again, or /history to check."
    )


def apology() -> str:
    return (
        "Sorry, something went wrong on my side with that one. "
        "Check /history to see what I have, and try again in a moment."
    )


def cancelled(something: bool) -> str:
    if something:
        return "Okay, stopped there. Nothing was saved from that step."
    return "There was nothing to cancel. /help shows what I can do."
