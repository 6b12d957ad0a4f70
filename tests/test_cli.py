"""`python -m bot` as an operator meets it: guidance without a token, one line per bad setting."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import SettingsError, load_settings

ROOT = Path(__file__).resolve().parents[1]
GOOD_TOKEN = "123456:ABCdefGHIjklMNOpqrSTUvwxYZ0123456789"


def run_bot(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run the CLI in an empty folder (no .env) with only the given settings."""
    clean = {k: v for k, v in os.environ.items() if k.upper() not in _SETTINGS}
    clean.update(env)
    clean["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=tmp_path,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


_SETTINGS = {
    "BOT_TOKEN",
    "DATABASE_URL",
    "TELEGRAM_BASE_URL",
    "WEBHOOK_URL",
    "WEBHOOK_SECRET",
    "DEFAULT_TIMEZONE",
    "LOG_LEVEL",
    "CONTENT_DIR",
    "WEBHOOK_PORT",
    "UPDATE_MODE",
    "DB_GRACE_S",
}


def test_no_token_explains_botfather_and_console(tmp_path: Path) -> None:
    result = run_bot(tmp_path)
    assert result.returncode == 2
    assert "BotFather" in result.stderr
    assert "python -m bot console" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"BOT_TOKEN": "not-a-token"}, "BOT_TOKEN"),
        ({"BOT_TOKEN": GOOD_TOKEN, "DATABASE_URL": "mysql://x/y"}, "DATABASE_URL"),
        ({"BOT_TOKEN": GOOD_TOKEN, "DEFAULT_TIMEZONE": "Mars/Olympus"}, "DEFAULT_TIMEZONE"),
        ({"BOT_TOKEN": GOOD_TOKEN, "LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
        ({"BOT_TOKEN": GOOD_TOKEN, "TELEGRAM_BASE_URL": "ftp://x/bot"}, "TELEGRAM_BASE_URL"),
        (
            {
                "BOT_TOKEN": GOOD_TOKEN,
                "UPDATE_MODE": "webhook",
                "WEBHOOK_URL": "https://example.org/hook",
            },
            "WEBHOOK_SECRET",
        ),
        ({"BOT_TOKEN": GOOD_TOKEN, "WEBHOOK_URL": "https://example.org/hook"}, "UPDATE_MODE"),
        ({"BOT_TOKEN": GOOD_TOKEN, "UPDATE_MODE": "webhook"}, "WEBHOOK_URL"),
        ({"BOT_TOKEN": GOOD_TOKEN, "UPDATE_MODE": "push"}, "UPDATE_MODE"),
        ({"BOT_TOKEN": GOOD_TOKEN, "WEBHOOK_PORT": "99999"}, "WEBHOOK_PORT"),
    ],
)
def test_bad_setting_is_one_line_naming_it(tmp_path: Path, env: dict[str, str], named: str) -> None:
    result = run_bot(tmp_path, **env)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert named in lines[0]
    assert "Traceback" not in result.stderr
    assert GOOD_TOKEN not in result.stderr


def test_settings_defaults_and_driver_choice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in _SETTINGS:
        monkeypatch.delenv(name, raising=False)
    settings = load_settings()
    assert settings.database_url == "sqlite+aiosqlite:///./data/coach.db"
    assert (tmp_path / "data").is_dir()
    assert settings.telegram_base_url == "https://api.telegram.org/bot"
    pg = load_settings(database_url="postgres://u:p@db:5432/coach")
    assert pg.database_url == "postgresql+asyncpg://u:p@db:5432/coach"
    local = load_settings(telegram_base_url="http://127.0.0.1:8081/bot/")
    assert local.telegram_base_url == "http://127.0.0.1:8081/bot"


def test_the_bot_api_url_comes_from_its_variable_and_an_old_file_url_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """TELEGRAM_BASE_FILE_URL is gone (the bot downloads no files); an .env that still sets
    it must keep starting."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TELEGRAM_BASE_URL", "http://127.0.0.1:8081/bot")
    monkeypatch.setenv("TELEGRAM_BASE_FILE_URL", "http://127.0.0.1:8081/file/bot")
    settings = load_settings()
    assert settings.telegram_base_url == "http://127.0.0.1:8081/bot"
    assert "file" not in repr(settings)


def test_token_is_secret_in_repr() -> None:
    settings = load_settings(bot_token=GOOD_TOKEN)
    assert GOOD_TOKEN not in repr(settings)
    with pytest.raises(SettingsError, match="BOT_TOKEN"):
        load_settings(bot_token="12:short")


def test_migrate_command_creates_the_schema(tmp_path: Path) -> None:
    result = run_bot(tmp_path, "migrate", DATABASE_URL="sqlite:///./data/x.db")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "data" / "x.db").stat().st_size > 0
    assert "up to date" in result.stdout


def test_check_content_passes_on_the_shipped_content(tmp_path: Path) -> None:
    result = run_bot(tmp_path, "check-content")
    assert result.returncode == 0, result.stderr
    assert "tracks" in result.stdout and "tips" in result.stdout


def test_a_broken_content_file_stops_start_up_with_one_line(tmp_path: Path) -> None:
    import shutil

    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    plan = content / "plan" / "beginner.md"
    plan.write_text(plan.read_text().replace("kind: plan", "kind: planz", 1))
    for args in (("check-content",), ()):
        result = run_bot(tmp_path, *args, CONTENT_DIR=str(content), BOT_TOKEN=GOOD_TOKEN)
        assert result.returncode == 2
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1, result.stderr
        assert "beginner.md" in lines[0] and "kind" in lines[0]
