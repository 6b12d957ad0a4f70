"""Reach: questions people ask, in the voices of the five kinds of users, each with the tip it
must reach (the first answer or one of the offered choices). Passes at 95% or better, and
every voice on its own at 90%, so no kind of user is left behind."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from bot.content import load_content

TABLE = Path(__file__).with_name("tip_reach.tsv")
VOICES = {"beginner", "runner", "team", "rehab", "general"}


def _rows() -> list[tuple[str, str, str]]:
    rows = []
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            voice, question, tip = line.split("\t")
            rows.append((voice, question, tip))
    return rows


def test_the_table_is_wide_and_names_real_tips() -> None:
    content = load_content()
    rows = _rows()
    assert len(rows) >= 120
    assert {voice for voice, _, _ in rows} == VOICES
    for voice in VOICES:
        assert sum(v == voice for v, _, _ in rows) >= 20, voice
    assert len({q for _, q, _ in rows}) == len(rows), "a question is listed twice"
    assert {tip for _, _, tip in rows} <= set(content.tips)


def test_questions_reach_their_tip() -> None:
    content = load_content()
    missed: dict[str, list[str]] = defaultdict(list)
    rows = _rows()
    for voice, question, tip in rows:
        found = content.search(question)
        offered = [found.best.id] if found.best else [t.id for t in found.choices]
        if tip not in offered:
            missed[voice].append(f"{question!r} -> {offered or 'nothing'} (wanted {tip})")
    misses = sum(len(m) for m in missed.values())
    assert misses <= 0.05 * len(rows), dict(missed)
    for voice in VOICES:
        total = sum(v == voice for v, _, _ in rows)
        assert len(missed[voice]) <= 0.10 * total, (voice, missed[voice])
