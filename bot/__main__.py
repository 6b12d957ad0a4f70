"""python -m bot [run | console | migrate | check-content | delete-webhook]"""

from __future__ import annotations

import argparse
import asyncio
import sys

from bot.config import Settings, SettingsError, load_settings
from bot.content import ContentError

NO_TOKEN = """\
BOT_TOKEN is not set, so I can't talk to Telegram yet.

To get a token: open Telegram, message @BotFather, send /newbot and follow the steps.
Then put the token in a .env file in this folder (see .env.example):
    BOT_TOKEN=123456789:AAE...
and run this command again.

To try the coach right now without Telegram, chat with it in the terminal:
    .venv/bin/python -m bot console      (or: make console)
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Reverse Running Coach")
    parser.add_argument(
        "command",
        nargs="?",
        default="run",
        choices=["run", "console", "migrate", "check-content", "delete-webhook"],
        help="run the bot (default), chat in the terminal, apply migrations, check content/, "
        "or remove a webhook before switching to polling",
    )
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
        if args.command == "check-content":
            return _check_content(settings)
        if args.command == "migrate":
            return asyncio.run(_migrate(settings))
        if args.command == "console":
            from bot.console import run_console

            return asyncio.run(run_console(settings))
        if settings.bot_token is None:
            print(NO_TOKEN, file=sys.stderr)
            return 2
        if args.command == "delete-webhook":
            from bot.runner import delete_webhook

            return asyncio.run(delete_webhook(settings))
        from bot.runner import serve

        return asyncio.run(serve(settings))
    except SettingsError as err:
        print(err, file=sys.stderr)
        return 2
    except ContentError as err:
        print(f"Content error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _check_content(settings: Settings) -> int:
    from bot.content import DEFAULT_ROOT, check_content

    for line in check_content(settings.content_dir or DEFAULT_ROOT):
        print(line)
    return 0


async def _migrate(settings: Settings) -> int:
    from bot.db import migrate
    from bot.db.session import make_engine

    engine = make_engine(settings.database_url)
    try:
        await migrate.upgrade(engine)
    finally:
        await engine.dispose()
    print("Database is up to date.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
