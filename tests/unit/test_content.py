"""The shipped content loads and renders safely; broken files fail with one clear line."""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest

from bot.coach.types import TRACKS
from bot.content import (
    DEFAULT_ROOT,
    MAX_TIP_HTML,
    Content,
    ContentError,
    check_content,
    load_content,
    main,
    markdown_to_html,
)

SEED_DIR = Path(__file__).parents[2].parent / "shared" / "seed"
ALLOWED_TAGS = {"b", "i", "a", "code"}
BANNED = ("80%", "10% rule", "30% more calories", "40-50%", "40–50%", "50% of your")


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content()


def _content_files() -> list[Path]:
    return sorted(p for p in DEFAULT_ROOT.rglob("*.md") if p.name.lower() != "readme.md")


class _TagChecker(HTMLParser):
    """Collects tags and checks they nest and close, as Telegram's parser demands."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, f"unbalanced </{tag}>"
        self.stack.pop()


def _assert_telegram_html(text: str) -> None:
    checker = _TagChecker()
    checker.feed(text)
    checker.close()
    assert checker.tags <= ALLOWED_TAGS, checker.tags
    assert not checker.stack, checker.stack
    assert len(text) <= 4096


# --- the shipped content ---------------------------------------------------------------------


def test_shipped_content_loads(content: Content) -> None:
    assert tuple(content.tracks) == TRACKS
    assert len(content.tips) >= 20
    assert {tip.kind for tip in content.tips.values()} == {
        "technique",
        "safety",
        "mistake",
        "benefit",
    }
    assert content.safety_html().startswith("<b>Safety rules</b>\n\n")


def test_every_tip_is_valid_telegram_html(content: Content) -> None:
    for tip in content.tips.values():
        _assert_telegram_html(tip.html)
        assert len(tip.html) <= MAX_TIP_HTML
        assert tip.html.startswith(f"<b>{tip.title}</b>\n\n")
        assert "\n\n\n" not in tip.html
    for track in content.tracks.values():
        _assert_telegram_html(track.html)
    _assert_telegram_html(content.topics_html())


def test_every_track_has_weeks_1_to_8(content: Content) -> None:
    for track in content.tracks.values():
        assert [w.week for w in track.weeks] == list(range(1, 9)), track.id
        assert len(track.button) <= 20
        for week in track.weeks:
            assert week.sessions >= 1
            assert 0 < week.min_s <= week.max_s, (track.id, week.week)
            assert week.workout and week.phase and week.focus
        assert track.week(0) == track.weeks[0]
        assert track.week(99) == track.weeks[-1]


def test_weekly_volume_grows_gently(content: Content) -> None:
    """The low end of each week stays within ~30% of the top end of the week before."""
    for track in content.tracks.values():
        for before, after in zip(track.weeks, track.weeks[1:], strict=False):
            low = after.sessions * after.min_s
            high = before.sessions * before.max_s
            assert low <= 1.3 * high, (track.id, after.week, low, high)


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9%]+", text.lower())


def test_no_eight_word_run_copied_from_the_seed_guide() -> None:
    if not SEED_DIR.is_dir():
        pytest.skip(f"{SEED_DIR} not present")
    seed: set[tuple[str, ...]] = set()
    for path in SEED_DIR.glob("*.txt"):
        words = _words(path.read_text(encoding="utf-8"))
        seed.update(tuple(words[i : i + 8]) for i in range(len(words) - 7))
    copied = []
    for path in sorted(DEFAULT_ROOT.rglob("*.md")):
        words = _words(path.read_text(encoding="utf-8"))
        for i in range(len(words) - 7):
            if tuple(words[i : i + 8]) in seed:
                copied.append(f"{path.name}: {' '.join(words[i : i + 8])}")
    assert not copied, copied


def test_no_marketing_figures() -> None:
    for path in _content_files():
        text = path.read_text(encoding="utf-8").lower()
        for banned in BANNED:
            assert banned not in text, f"{path.name}: {banned}"


def test_summaries_are_single_short_lines(content: Content) -> None:
    for tip in content.tips.values():
        assert "\n" not in tip.summary and len(tip.summary) <= 200
        if tip.kind == "mistake":
            assert tip.log_words, tip.id
        if tip.log_words:  # the log reply shows the summary
            assert tip.summary, tip.id


def test_check_content_summarises_without_warnings() -> None:
    lines = check_content()
    assert lines[0] == f"5 tracks: {', '.join(TRACKS)}"
    assert re.match(r"\d+ tips: \d+ technique, \d+ safety, \d+ mistake, \d+ benefit", lines[1])
    assert not [line for line in lines if line.startswith("warning")]


def test_main_prints_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main() == 0
    assert "5 tracks" in capsys.readouterr().out


def test_loading_is_fast() -> None:
    load_content()  # warm imports and caches
    started = time.perf_counter()
    load_content()
    assert time.perf_counter() - started < 0.5


# --- markdown rendering ----------------------------------------------------------------------


def test_markdown_renders_only_telegram_tags() -> None:
    md = (
        "# Head\n\nA **bold** and *soft* line\nwrapped, with `code` & <script>.\n\n"
        "- one\n- two\n  - nested\n\n1. first\n2. second\n\n"
        '[link](https://example.com/?a=1&b="2")\n\n```\nx < y\n```\n\n---\n'
    )
    out = markdown_to_html(md)
    _assert_telegram_html(out)
    assert out.split("\n\n")[0] == "<b>Head</b>"
    assert (
        "A <b>bold</b> and <i>soft</i> line wrapped, with <code>code</code> &amp; &lt;script&gt;."
        in out
    )
    assert "• one\n• two\n  • nested" in out
    assert "1. first\n2. second" in out
    assert '<a href="https://example.com/?a=1&amp;b=%222%22">link</a>' in out
    assert "<code>x &lt; y</code>" in out
    for tag in ("<p>", "<ul>", "<li>", "<br"):
        assert tag not in out


# --- broken files ----------------------------------------------------------------------------

Edit = Callable[[str], str]


def _replace(old: str, new: str, count: int = 1) -> Edit:
    def edit(text: str) -> str:
        assert old in text, f"fixture out of sync: {old!r} not found"
        return text.replace(old, new, count)

    return edit


def _drop_week(number: int) -> Edit:
    def edit(text: str) -> str:
        pattern = rf"  - week: {number}\n(?:    .*\n)+"
        assert re.search(pattern, text), "fixture out of sync"
        return re.sub(pattern, "", text, count=1)

    return edit


def _drop_week_field(number: int, field: str) -> Edit:
    def edit(text: str) -> str:
        block = re.search(rf"  - week: {number}\n(?:    .*\n)+", text)
        assert block, "fixture out of sync"
        cut = re.sub(rf"    {field}: .*\n", "", block.group(0), count=1)
        return text.replace(block.group(0), cut)

    return edit


def _body(new_body: str) -> Edit:
    def edit(text: str) -> str:
        head, sep, _ = text.partition("\n---\n")
        assert sep, "fixture out of sync"
        return head + sep + new_body

    return edit


BROKEN: dict[str, tuple[str, Edit, str]] = {
    "bad front matter": (
        "technique/posture.md",
        _replace("title: Posture", "title: [Posture"),
        "front matter is not valid YAML at line",
    ),
    "no front matter": (
        "technique/arms.md",
        lambda text: text.split("\n---\n", 1)[1],
        "no front matter",
    ),
    "front matter not a mapping": (
        "technique/arms.md",
        lambda text: "---\n- just\n- a list\n---\nBody.\n",
        "front matter must be a mapping",
    ),
    "unknown kind": (
        "technique/pace.md",
        _replace("kind: technique", "kind: trick"),
        "unknown kind 'trick'",
    ),
    "missing field": (
        "safety/shoes.md",
        _replace("title: Shoes and clothing\n", ""),
        "field 'title': Field required",
    ),
    "wrong type": (
        "mistakes/heel-striking.md",
        _replace("aliases: [", "aliases: 7\nx_aliases: ["),
        "field 'aliases': Input should be a valid list",
    ),
    "unknown field": (
        "benefits/knee.md",
        _replace("tags: [", "tagz: [x]\ntags: ["),
        "field 'tagz': unknown field",
    ),
    "bad id": (
        "benefits/knee.md",
        _replace("id: knee-load", "id: Knee Load"),
        "field 'id': must be kebab-case",
    ),
    "duplicate id": (
        "technique/posture.md",
        _replace("id: posture", "id: arms"),
        "duplicate id 'arms' (also in content/technique/arms.md)",
    ),
    "duplicate alias": (
        "technique/posture.md",
        _replace("aliases: [posture,", "aliases: [heels, posture,"),
        "alias 'heels' is also used by content/mistakes/heel-striking.md",
    ),
    "plan week missing": (
        "plan/beginner.md",
        _drop_week(5),
        "week 5 is missing",
    ),
    "plan week twice": (
        "plan/runner.md",
        _replace("  - week: 2\n", "  - week: 1\n"),
        "week 1 is listed more than once",
    ),
    "week missing a field": (
        "plan/team.md",
        _drop_week_field(3, "max_s"),
        "week 3: field 'max_s': Field required",
    ),
    "week field wrong type": (
        "plan/rehab.md",
        _replace("    sessions: 3\n", "    sessions: three\n"),
        "week 1: field 'sessions': Input should be a valid integer",
    ),
    "min above max": (
        "plan/beginner.md",
        _replace("    min_s: 60\n", "    min_s: 600\n"),
        "week 1: min_s (600) is above max_s (90)",
    ),
    "no sessions": (
        "plan/general.md",
        _replace("    sessions: 1\n", "    sessions: 0\n"),
        "week 1: field 'sessions': Input should be greater than or equal to 1",
    ),
    "button too long": (
        "plan/general.md",
        _replace("button: General fitness", "button: General fitness for everyone"),
        "field 'button': String should have at most 20 characters",
    ),
    "unknown track": (
        "plan/runner.md",
        _replace("id: runner", "id: runners"),
        "unknown track id 'runners'",
    ),
    "body too long": (
        "mistakes/neck-strain.md",
        lambda text: text + "\n" + "Keep looking over alternate shoulders. " * 120,
        "body too long:",
    ),
    "empty body": (
        "benefits/fitness.md",
        _body("\n   \n"),
        "empty body",
    ),
    "empty plan body": (
        "plan/team.md",
        _body(""),
        "empty body",
    ),
}


def _break(tmp_path: Path, rel: str, edit: Edit) -> Path:
    root = tmp_path / "content"
    shutil.copytree(DEFAULT_ROOT, root)
    target = root / rel
    target.write_text(edit(target.read_text(encoding="utf-8")), encoding="utf-8")
    return root


@pytest.mark.parametrize("case", list(BROKEN))
def test_broken_file_names_file_and_problem(tmp_path: Path, case: str) -> None:
    rel, edit, problem = BROKEN[case]
    root = _break(tmp_path, rel, edit)
    with pytest.raises(ContentError) as caught:
        load_content(root)
    message = str(caught.value)
    assert message.startswith(f"content/{rel}: "), message
    assert problem in message, message
    assert "\n" not in message
    assert caught.value.path == root / rel
    assert problem in caught.value.problem
    with pytest.raises(ContentError):
        check_content(root)


@pytest.mark.parametrize(
    ("rel", "problem"),
    [
        ("plan/general.md", "content/plan/general.md: missing plan for track 'general'"),
        ("safety/rules.md", "content/safety/rules.md: missing the /safety tip (id 'safety-rules')"),
    ],
)
def test_missing_file_is_named(tmp_path: Path, rel: str, problem: str) -> None:
    root = _break(tmp_path, rel, lambda text: text)
    (root / rel).unlink()
    with pytest.raises(ContentError, match=re.escape(problem)):
        load_content(root)


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match="content folder not found"):
        load_content(tmp_path / "nowhere")
