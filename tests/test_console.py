"""`python -m bot console`: the same handlers and database, typed into a terminal, no token."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def chat(tmp_path: Path, lines: list[str]) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "DATABASE_URL")}
    env["PYTHONPATH"] = str(ROOT)
    result = subprocess.run(
        [sys.executable, "-m", "bot", "console"],
        input="\n".join(lines) + "\n",
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_a_newcomer_can_onboard_log_and_see_history_in_the_terminal(tmp_path: Path) -> None:
    out = chat(
        tmp_path,
        ["/start", "2", "/log 3 min felt good", "/log", "2", "good", "sore calves", "/history"],
    )
    assert "which plan suits you" in out.lower()
    assert "[2] Runner" in out
    assert "Which days will you train" in out  # pressing [2] chose a track and moved on
    assert "Logged for" in out and "3 min backward" in out
    assert "How long did you go backward" in out
    assert "Your last 2 sessions" in out
    db = sqlite3.connect(tmp_path / "data" / "coach.db")
    try:
        rows = db.execute("SELECT duration_s, notes FROM workouts ORDER BY id").fetchall()
        track = db.execute("SELECT track FROM users").fetchone()
    finally:
        db.close()
    assert track == ("runner",)
    assert [r[0] for r in rows] == [180, 120]
    assert "sore calves" in rows[1][1]


def test_files_are_saved_and_unknown_numbers_are_just_text(tmp_path: Path) -> None:
    out = chat(tmp_path, ["/log 5 min good", "/export", "99", ":quit"])
    assert "file saved:" in out
    csv_files = list((tmp_path / "data" / "console").glob("*.csv"))
    assert len(csv_files) == 1 and "logged_at" in csv_files[0].read_text()
    assert "Bye!" in out


def test_the_audio_guide_and_calendar_are_saved_as_files(tmp_path: Path) -> None:
    out = chat(tmp_path, ["/go 4x20s", "/calendar", ":quit"])
    assert "4 × 20 s back, 20 s rest between" in out
    saved = tmp_path / "data" / "console"
    [voice] = saved.glob("*.ogg")
    assert voice.read_bytes()[28:36] == b"OpusHead"
    [ics] = saved.glob("*.ics")
    assert ics.read_text().startswith("BEGIN:VCALENDAR")
