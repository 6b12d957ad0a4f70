"""Libraries the bot does not need to serve are not imported at start-up (time and memory,
see benchmarks/startup.py), and are there once the feature that needs them is used."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAZY = ("rapidfuzz", "pythonjsonlogger", "matplotlib", "numpy")


def loaded_after(code: str, cwd: Path, lazy: tuple[str, ...] = LAZY, **env_vars: str) -> list[str]:
    """Which of `lazy` a fresh interpreter (in ``cwd``, no .env) has imported after ``code``."""
    probe = (
        f"{code}\nimport json, sys\nprint(json.dumps([m for m in {lazy!r} if sys.modules.get(m)]))"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), **env_vars}
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=cwd, env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    found: list[str] = json.loads(out.stdout.splitlines()[-1])
    return found


def test_starting_the_bot_imports_none_of_the_first_use_libraries(tmp_path: Path) -> None:
    code = (
        "import bot.__main__, bot.runner, bot.app\n"
        "from bot.config import load_settings\n"
        "from bot.content import load_content\n"
        "from bot.logs import setup_logging\n"
        "load_settings(); load_content(); setup_logging('INFO')"
    )
    assert loaded_after(code, tmp_path) == []


def test_a_typo_a_tip_search_and_json_logs_import_what_they_need(tmp_path: Path) -> None:
    code = (
        "from bot.coach.typos import correct_word\n"
        "assert correct_word('minutse') == 'minutes'\n"
        "from bot.content import load_content\n"
        "assert load_content().search('heal striking') is not None\n"
        "from bot.logs import setup_logging\n"
        "setup_logging('INFO', fmt='json')"
    )
    assert set(loaded_after(code, tmp_path)) == {"rapidfuzz", "pythonjsonlogger", "numpy"}


START_POLLING = (
    "from bot.__main__ import _without_web_server\n"
    "from bot.config import load_settings\n"
    "_without_web_server(load_settings())\n"
    "import bot.runner, bot.app, bot.startup\n"
    "import telegram.ext\n"
)


def test_a_poller_without_a_health_listener_never_loads_the_web_server(tmp_path: Path) -> None:
    code = (
        START_POLLING + "from telegram.ext import _updater\nassert not _updater.WEBHOOKS_AVAILABLE"
    )
    assert loaded_after(code, tmp_path, ("tornado",)) == []


def test_a_health_listener_or_a_webhook_loads_the_web_server(tmp_path: Path) -> None:
    code = START_POLLING + "import bot.health, bot.intake.webhook"
    assert loaded_after(code, tmp_path, ("tornado",), HEALTH_PORT="8099") == ["tornado"]
    webhook = {
        "UPDATE_MODE": "webhook",
        "WEBHOOK_URL": "https://coach.example.org/hook",
        "WEBHOOK_SECRET": "s3cret-for-the-hook",
        "BOT_TOKEN": "123456:" + "A" * 35,
    }
    assert loaded_after(code, tmp_path, ("tornado",), **webhook) == ["tornado"]


PARSERS = ("markdown_it", "yaml", "frontmatter")
OPEN_SERVICES = (
    "import asyncio\n"
    "from bot.config import load_settings\n"
    "from bot.startup import open_services\n"
    "async def main():\n"
    "    deps = await open_services(load_settings())\n"
    "    assert deps.content.tips and deps.profile.description\n"
    "    await deps.db.dispose()\n"
    "asyncio.run(main())\n"
)


def test_a_start_from_the_compiled_content_never_loads_the_parsers(tmp_path: Path) -> None:
    env = {
        "CACHE_DIR": str(tmp_path / "cache"),
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/c.db",
    }
    assert set(loaded_after(OPEN_SERVICES, tmp_path, PARSERS, **env)) == set(PARSERS)  # compiles
    assert loaded_after(OPEN_SERVICES, tmp_path, PARSERS, **env) == []
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    edited = content / "plan" / "rehab.md"
    edited.write_text(edited.read_text() + "\nOne more line.\n")
    env["CONTENT_DIR"] = str(content)
    assert set(loaded_after(OPEN_SERVICES, tmp_path, PARSERS, **env)) == set(PARSERS)  # edited
