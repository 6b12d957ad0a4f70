"""python -m bot (or reverse-coach)
[run | console | migrate | check-content | healthcheck | delete-webhook]"""

from __future__ import annotations

import argparse
import asyncio
import os
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
    script = os.path.basename(sys.argv[0])
    prog = "python -m bot" if script in ("__main__.py", "-c", "") else script
    parser = argparse.ArgumentParser(prog=prog, description="Reverse Running Coach")
    parser.add_argument(
        "command",
        nargs="?",
        default="run",
        choices=["run", "console", "migrate", "check-content", "healthcheck", "delete-webhook"],
        help="run the bot (default), chat in the terminal, apply migrations, check content/, "
        "ask the running bot's /readyz (for a container HEALTHCHECK), "
        "or remove a webhook before switching to polling",
    )
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
        if args.command == "check-content":
            return _check_content(settings)
        if args.command == "healthcheck":
            return _healthcheck(settings)
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
        _without_web_server(settings)
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


def _without_web_server(settings: Settings) -> None:
    """A poller without a health listener serves no HTTP, yet python-telegram-bot imports
    tornado for webhooks whenever it is installed: 32 modules, about 4 MiB of the idle process.
    A None entry in sys.modules makes that import fail as it does without PTB's webhooks extra,
    which PTB expects (its own webhook server, never used here, is then unavailable)."""
    if settings.update_mode == "polling" and settings.health_port is None:
        sys.modules.setdefault("tornado", None)  # type: ignore[arg-type]


def _check_content(settings: Settings) -> int:
    from bot import content_cache, profile
    from bot.content import DEFAULT_ROOT, summary_lines

    root = settings.content_dir or DEFAULT_ROOT
    content, texts, kept = content_cache.compile_to(root, settings.cache_dir)
    for line in summary_lines(content):
        print(line)
    print(
        f"profile: description {len(texts.description)} of {profile.MAX_DESCRIPTION}, "
        f"short description {len(texts.short_description)} of "
        f"{profile.MAX_SHORT_DESCRIPTION} characters"
    )
    if kept is not None:
        print(f"compiled: kept in {kept}, so the bot starts without parsing it")
    else:
        print("compiled: no copy kept (the cache folder is not writable); each start parses it")
    return 0


def _healthcheck(settings: Settings) -> int:
    """Exit 0 when the bot on this host answers /readyz with 200; else say why and exit 1."""
    import urllib.error
    import urllib.request

    if settings.health_port is None:
        print("HEALTH_PORT is not set, so the bot has no health listener.", file=sys.stderr)
        return 1
    host = settings.health_listen
    host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    url = f"http://{'[' + host + ']' if ':' in host else host}:{settings.health_port}/readyz"
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            print(answer.read().decode())
            return 0
    except urllib.error.HTTPError as err:
        print(f"not ready: {err.read().decode()}", file=sys.stderr)
    except OSError as err:
        print(f"no answer from {url}: {err}", file=sys.stderr)
    return 1


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
