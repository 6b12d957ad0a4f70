"""The command table: /help prints it and start-up registers it as the Telegram menu."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    name: str
    summary: str  # <= 256 chars, shown in Telegram's menu
    example: str  # one example a person can copy


COMMANDS: tuple[Command, ...] = (
    Command("start", "Set up your plan, or say hello again", "/start"),
    Command("log", "Log a session in your own words", "/log 3 min felt good"),
    Command("undo", "Remove your last logged session", "/undo"),
    Command("history", "Your last sessions", "/history"),
    Command("plan", "Your week, today's workout and why", "/plan"),
    Command("go", "Today's workout as an audio guide (or one you type)", "/go 6x30s"),
    Command("calendar", "Your coming plan days as a calendar file", "/calendar"),
    Command("tip", "Tips: technique, safety, sprints, warm-ups, soreness", "/tip backpedal"),
    Command("safety", "The safety rules", "/safety"),
    Command("progress", "This week vs plan, streak and a chart", "/progress"),
    Command("remind", "Set reminder days and time", "/remind mon wed fri 07:30"),
    Command("timezone", "Set your time zone", "/timezone Europe/Berlin"),
    Command("pause", "Pause reminders (optionally for N days)", "/pause 7"),
    Command("resume", "Restart reminders", "/resume"),
    Command("settings", "Track, days, time, time zone", "/settings"),
    Command("export", "Download your sessions as CSV", "/export"),
    Command("privacy", "What is stored and why", "/privacy"),
    Command("deleteme", "Delete everything stored about you", "/deleteme"),
    Command("cancel", "Leave a guided step", "/cancel"),
    Command("help", "Every command with an example", "/help"),
)
