"""The compiled copy of content/ (bot/content_cache.py): a start reads it only while it holds
exactly what parsing content/ would give; anything else parses afresh and never fails the
start because of the copy."""

from __future__ import annotations

import shutil
import stat
import tempfile
from pathlib import Path

import pytest

from bot import content_cache, profile
from bot.content import DEFAULT_ROOT, ContentError, load_content


@pytest.fixture
def root(tmp_path: Path) -> Path:
    copy = tmp_path / "content"
    shutil.copytree(DEFAULT_ROOT, copy)
    return copy


def _no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(_root: Path) -> None:
        raise AssertionError("content/ was parsed although its compiled copy is current")

    monkeypatch.setattr(content_cache, "load_content", refuse)
    monkeypatch.setattr(content_cache, "load_profile", refuse)


def test_a_second_start_reads_the_copy_and_serves_the_same_content(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    parsed, texts = content_cache.load(root, cache)
    assert (cache / content_cache.FILE).is_file()
    _no_parsing(monkeypatch)
    kept, kept_texts = content_cache.load(root, cache)
    assert kept.tips == parsed.tips == load_content(root).tips
    assert kept.tracks == parsed.tracks
    assert kept_texts == texts == profile.load(root)
    heel = kept.search("heal striking").best
    assert heel is not None and heel.id == parsed.search("heel striking").best.id  # type: ignore[union-attr]
    week = kept.tracks["runner"].week(3)
    assert week.blocks == parsed.tracks["runner"].week(3).blocks and week.blocks


def test_an_edited_tip_or_profile_is_served_as_edited(root: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    content_cache.load(root, cache)
    [tip_file] = [p for p in root.rglob("*.md") if "id: heel-striking" in p.read_text()]
    tip_file.write_text(tip_file.read_text().replace("\n---\n", "\n---\nLand on the balls.\n", 1))
    edited = (root / "profile.yaml").read_text().replace("Hi! I'm", "Hello, I'm")
    (root / "profile.yaml").write_text(edited)
    content, texts = content_cache.load(root, cache)
    assert "Land on the balls." in content.tips["heel-striking"].html
    assert texts.description.startswith("Hello, I'm")


def test_a_broken_edit_stops_the_start_although_a_good_copy_is_kept(
    root: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    content_cache.load(root, cache)
    (root / "plan" / "rehab.md").unlink()
    with pytest.raises(ContentError, match="missing plan for track 'rehab'"):
        content_cache.load(root, cache)


@pytest.mark.parametrize("damage", [b"", b"{not json", b'{"key": "x", "tips": 3}'])
def test_a_damaged_copy_is_parsed_over(root: Path, tmp_path: Path, damage: bytes) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / content_cache.FILE).write_bytes(damage)
    content, _texts = content_cache.load(root, cache)
    assert content.tips == load_content(root).tips
    assert content_cache.Compiled.model_validate_json((cache / content_cache.FILE).read_bytes())


def test_a_cache_folder_that_cannot_be_made_costs_only_the_parse(
    root: Path, tmp_path: Path
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    content, texts = content_cache.load(root, blocked / "cache")
    assert content.tips == load_content(root).tips and texts == profile.load(root)


def test_the_copy_is_readable_by_everyone_like_content(root: Path, tmp_path: Path) -> None:
    """An image compiles content/ as root at build time and runs the bot as another user."""
    cache = tmp_path / "cache"
    content_cache.load(root, cache)
    mode = (cache / content_cache.FILE).stat().st_mode
    assert mode & stat.S_IROTH and not mode & stat.S_IWOTH
    assert [p.name for p in cache.iterdir()] == [content_cache.FILE]  # no temporary left


def test_check_content_keeps_the_copy_the_bot_then_starts_from(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.__main__ import main

    cache = tmp_path / "cache"
    monkeypatch.setenv("CONTENT_DIR", str(root))
    monkeypatch.setenv("CACHE_DIR", str(cache))
    assert main(["check-content"]) == 0
    assert "compiled" in capsys.readouterr().out
    _no_parsing(monkeypatch)
    content, _texts = content_cache.load(root, cache)
    assert "heel-striking" in content.tips


def test_another_version_of_a_parser_library_parses_afresh(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cached HTML is what today's markdown-it would render: its version is in the key."""
    shipped = content_cache._library_files()
    assert [p.parent.name for p in shipped] == ["markdown_it", "yaml", "frontmatter"]
    assert all(p.is_file() for p in shipped)
    fake = tmp_path / "markdown_it" / "__init__.py"
    fake.parent.mkdir()
    fake.write_text('__version__ = "4.3.0"\n')
    monkeypatch.setattr(content_cache, "_library_files", lambda: [fake, *shipped[1:]])
    before = content_cache.key_of(root)
    fake.write_text('__version__ = "5.0.0"\n')
    assert content_cache.key_of(root) != before


def test_the_default_folder_follows_xdg_then_home_then_the_temporary_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert content_cache.default_dir() == tmp_path / "xdg" / "reverse-running-coach"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")  # not absolute: ignored
    monkeypatch.setenv("HOME", str(tmp_path / "me"))
    assert content_cache.default_dir() == tmp_path / "me" / ".cache" / "reverse-running-coach"
    monkeypatch.setenv("HOME", "/")  # a user without a home of its own
    assert content_cache.default_dir().parent == Path(tempfile.gettempdir())


def test_a_copy_that_cannot_be_finished_leaves_nothing_behind(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(_src: str, _dst: object) -> None:
        raise OSError(28, "No space left on device")

    cache = tmp_path / "cache"
    monkeypatch.setattr(content_cache.os, "replace", disk_full)
    content, _texts = content_cache.load(root, cache)
    assert "heel-striking" in content.tips
    assert list(cache.iterdir()) == []
