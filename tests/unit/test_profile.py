"""content/profile.yaml: validated like the rest of the content, one line naming the problem."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot import profile
from bot.content import DEFAULT_ROOT, ContentError


def test_the_shipped_profile_fits_telegrams_limits() -> None:
    texts = profile.load(DEFAULT_ROOT)
    assert 0 < len(texts.description) <= profile.MAX_DESCRIPTION
    assert 0 < len(texts.short_description) <= profile.MAX_SHORT_DESCRIPTION
    assert "backward" in texts.description.lower() and "\n" not in texts.short_description


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("description: hi\n", "short_description"),
        ("description: hi\nshort_description: " + "x" * 121 + "\n", "short_description"),
        ("description: " + "x" * 513 + "\nshort_description: hi\n", "description"),
        ("description: hi\nshort_description: hi\nlogo: x\n", "logo"),
        ("description: [unclosed\n", "not valid YAML"),
        ("- just a list\n", "expected description"),
    ],
)
def test_a_bad_profile_is_one_line_naming_file_and_field(
    tmp_path: Path, text: str, problem: str
) -> None:
    root = tmp_path / "content"
    shutil.copytree(DEFAULT_ROOT, root)
    (root / "profile.yaml").write_text(text)
    with pytest.raises(ContentError) as caught:
        profile.load(root)
    message = str(caught.value)
    assert message.startswith("content/profile.yaml: ") and problem in message
    assert "\n" not in message


def test_a_missing_profile_is_named(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match=r"profile\.yaml: cannot read file"):
        profile.load(tmp_path)
