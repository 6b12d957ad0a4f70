"""The /privacy, /export and /deleteme messages and the deletion buttons."""

from __future__ import annotations

from bot.actions import DeleteNo, DeleteYes
from bot.render import Keyboard, e, keyboard

# What each database table holds and why, in the words /privacy uses. Keyed by table name so
# a test can hold this list to bot/db/models.py: a new table must be described here.
STORED: dict[str, tuple[str, str]] = {
    "users": (
        "Your profile: Telegram user and chat id, first name, when you started, chosen track, "
        "training days, reminder time and on/off, time zone, pause end date, plan week with "
        "the reason for it, when the next reminder or summary is due, recently shown tips, "
        "and whether I can still reach you.",
        "to coach you through the plan and send reminders at your local time.",
    ),
    "workouts": (
        "Each session you log: when (UTC time and your local date), duration, distance, "
        "feeling, pain with the body parts and warning signs you mentioned, notes, the text "
        "you wrote, the plan week and day, and how it was logged.",
        "for feedback, your plan's progression, /history, /progress and /export.",
    ),
    "conversations": (
        "The step of a half-finished guided question (logging, editing, setup) and your "
        "answers so far; cleared when you finish or /cancel.",
        "so a step survives a restart of the bot.",
    ),
    "deliveries": (
        "Each reminder and weekly summary: date, kind, its text and buttons until it is sent, "
        "status, message number; forgotten after a week.",
        "so a reminder reaches you once, even if the bot restarts, and never twice.",
    ),
    "plan_changes": (
        "Each weekly plan decision: the week it applied from, old and new plan week, and why.",
        "to explain your plan in /plan and judge past weeks in /progress.",
    ),
    "processed_updates": (
        "Each Telegram update as it arrives (your message or button press) until it is "
        "handled, usually within a second; after that only its number and the time.",
        "so nothing you send is lost if the bot restarts, and a message Telegram delivers "
        "twice is acted on once.",
    ),
    "send_budget": (
        "When the bot may send its next message; nothing about you.",
        "so the bot keeps within Telegram's sending limits.",
    ),
}


def privacy_text() -> str:
    lines = ["🔒 <b>Your data and privacy</b>", "", "<b>What I store, and why</b>"]
    for what, why in STORED.values():
        lines.append(f"• {e(what)} <i>Why: {e(why)}</i>")
    lines += [
        "",
        "<b>What I don't store</b>",
        "• Chat messages that aren't sessions. Text that reads like a session is kept only "
        "while I ask whether to log it.",
        "• Your location: a shared location only picks your time zone; the coordinates are "
        "not saved.",
        "• Message text in the bot's logs.",
        "",
        "<b>Your choices</b>",
        "• /export sends all your sessions as a CSV file.",
        "• /deleteme deletes everything above that is about you, after you confirm. "
        "Messages in this chat stay in Telegram until you delete the chat.",
        "",
        "<i>This bot is self-hosted: whoever runs it can read its database.</i>",
    ]
    return "\n".join(lines)


# --- /export -----------------------------------------------------------------------------------
def export_empty() -> str:
    return (
        "There's nothing to export yet: you haven't logged a session. "
        "Log one with <code>/log 2 min felt good</code>."
    )


def export_caption(sessions: int) -> str:
    what = "your one session" if sessions == 1 else f"all {sessions} of your sessions"
    return f"📄 Here's {what}, one row each (UTF-8 CSV). Opens in any spreadsheet app."


def export_filename(day: str) -> str:
    return f"reverse-running-sessions-{day}.csv"


# --- /deleteme ---------------------------------------------------------------------------------
def delete_nothing_stored() -> str:
    return "I have nothing stored about you, so there's nothing to delete."


def delete_confirm(sessions: int) -> str:
    noun = "session" if sessions == 1 else "sessions"
    return (
        "🗑 <b>Delete everything I store about you?</b>\n\n"
        f"That's your {sessions} logged {noun}, your plan position and history, reminder "
        "schedule and settings. It can't be undone. "
        "Want a copy first? Send /export before you confirm."
    )


def delete_buttons(token: str) -> Keyboard:
    return keyboard(
        [
            [
                ("🗑 Yes, delete everything", DeleteYes(token).data()),
                ("Keep my data", DeleteNo(token).data()),
            ]
        ]
    )


def deleted() -> str:
    return (
        "🗑 <b>Done: everything I stored about you is deleted</b> (sessions, plan, "
        "reminders, settings). You won't hear from me again unless you write.\n"
        "Send /start any time to begin fresh."
    )


def delete_kept() -> str:
    return "👍 Nothing was deleted. Your sessions and plan are just as they were."


def delete_stale() -> str:
    return (
        "That delete button is no longer valid, so I deleted nothing. "
        "To delete your data, send /deleteme again."
    )
