"""The package as an operator installs it: a wheel with content/ and migrations/ inside, a
console script that works from any folder, and the repository layout still working."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from bot import paths

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow

_SKIP = shutil.ignore_patterns(
    ".venv", ".git", "dist", "build", "*.egg-info", "__pycache__", ".*_cache", ".env"
)


def skip(folder: str, names: list[str]) -> set[str]:
    """What not to copy; data/ (the SQLite folder) only at the top, bot/data/ is package data."""
    skipped = set(_SKIP(folder, names))
    return skipped | {"data"} if Path(folder) == ROOT and "data" in names else skipped


def clean_env() -> dict[str, str]:
    """No PYTHONPATH and no bot settings: only what was installed can be imported."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    for name in ("DATABASE_URL", "CONTENT_DIR", "BOT_TOKEN", "HEALTH_PORT", "LOG_FORMAT"):
        env.pop(name, None)
    return env


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the wheel from a copy of the source tree (the build leaves nothing in the repo)."""
    src = tmp_path_factory.mktemp("src") / "project"
    shutil.copytree(ROOT, src, ignore=skip)
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(src)],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    [built] = out.glob("reverse_running_coach-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtualenv with only the wheel installed in it; the dependencies come from this
    test run's site-packages through a .pth file, so nothing is downloaded."""
    target = tmp_path_factory.mktemp("venv") / "env"
    base = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base, "-m", "venv", "--without-pip", str(target)], check=True, timeout=120)
    python = target / "bin" / "python"
    pip = [sys.executable, "-m", "pip", "--python", str(python), "install", "-q"]
    subprocess.run(
        [*pip, "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(site) / "shared-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return target


def test_the_wheel_carries_content_migrations_and_a_console_script(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        entry_points = next(n for n in names if n.endswith("entry_points.txt"))
        scripts = archive.read(entry_points).decode()
    assert "reverse-coach = bot.__main__:main" in scripts
    for plan in (ROOT / "content" / "plan").glob("*.md"):
        assert f"bot/_data/content/plan/{plan.name}" in names
    assert "bot/_data/content/profile.yaml" in names
    assert "bot/_data/migrations/env.py" in names
    for migration in (ROOT / "migrations" / "versions").glob("*.py"):
        assert f"bot/_data/migrations/versions/{migration.name}" in names
    assert not any("__pycache__" in n for n in names)


def test_installed_script_checks_content_and_migrates_from_an_empty_folder(
    venv: Path, tmp_path: Path
) -> None:
    script = venv / "bin" / "reverse-coach"
    empty = tmp_path / "anywhere"
    empty.mkdir()
    where = subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-c",
            "import bot.paths as p; print(p.CONTENT, p.MIGRATIONS)",
        ],
        cwd=empty,
        env=clean_env(),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert all(str(venv) in w and "_data" in w for w in where), where

    checked = subprocess.run(
        [str(script), "check-content"], cwd=empty, env=clean_env(), capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stderr
    assert "5 tracks" in checked.stdout and "profile: description" in checked.stdout

    migrated = subprocess.run(
        [str(script), "migrate"], cwd=empty, env=clean_env(), capture_output=True, text=True
    )
    assert migrated.returncode == 0, migrated.stderr
    assert "up to date" in migrated.stdout
    with sqlite3.connect(empty / "data" / "coach.db") as conn:
        [(version,)] = conn.execute("SELECT version_num FROM alembic_version").fetchall()
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    heads = {p.name.split("_", 1)[0] for p in (ROOT / "migrations" / "versions").glob("0*.py")}
    assert version == max(heads)
    assert {"users", "workouts", "deliveries"} <= tables

    bad = subprocess.run(
        [str(script), "migrate"],
        cwd=empty,
        env={**clean_env(), "LOG_LEVEL": "LOUD"},
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2 and "LOG_LEVEL" in bad.stderr


def test_the_repository_uses_its_own_top_level_folders() -> None:
    assert paths.CONTENT == ROOT / "content"
    assert paths.MIGRATIONS == ROOT / "migrations"
    assert not (ROOT / "bot" / "_data").exists()


def test_the_installed_package_finds_places_from_any_folder(
    wheel: Path, venv: Path, tmp_path: Path
) -> None:
    with zipfile.ZipFile(wheel) as archive:
        assert "bot/data/cities.tsv.gz" in archive.namelist()
    found = subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-c",
            "from bot.coach.timezones import resolve_zone as r; "
            "print(r('london, ontario').name, r('paris texas').name)",
        ],
        cwd=tmp_path,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert found.stdout.split() == ["America/Toronto", "America/Chicago"], found.stderr
