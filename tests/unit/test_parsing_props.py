"""Properties the parser keeps for any input: it never raises and never builds a bad LogDraft."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.coach.parsing import (
    MAX_DISTANCE_M,
    MAX_DURATION_S,
    looks_like_log,
    parse_log,
)
from bot.coach.types import BODY_PARTS, LogDraft, ParseError
from tests.props import examples

SETTINGS = settings(max_examples=examples(300), deadline=None)

# Words the parser reacts to, so generated text hits its rules and not just noise.
VOCAB = [
    "3", "0", "-2", "12", "1.5", "2,5", "999", "1:30", "0:45", "1:05:00", "x", "6x30s", "min",
    "mins", "m", "km", "mi", "s", "sec", "h", "hours", "half", "an", "a", "and", "hour",
    "minute", "twenty", "five", "knee", "knees", "back", "lower", "my", "pain", "no", "free",
    "sore", "calves", "sharp", "swollen", "fell", "dizzy", "chest", "tight", "great", "not",
    "bad", "hard", "didn't", "feel", "ok", "fine", "grass", "track", "rest", "at", "pace", "/",
    "total", "💪", "😅", "?", ",", ".", "привет", "跑", "\n",
]  # fmt: skip

vocab_text = st.lists(st.sampled_from(VOCAB), max_size=40).map(" ".join)
any_text = st.one_of(st.text(), st.text(min_size=400, max_size=3000), vocab_text)


def _valid(draft: LogDraft) -> None:
    # backward work, or only forward work and a question about it
    backward = draft.duration_s is not None or draft.distance_m is not None
    forward = draft.forward_s is not None or draft.forward_m is not None
    assert backward or (forward and "forward_only" in draft.questions)
    if draft.duration_s is not None:
        assert isinstance(draft.duration_s, int)
        assert 0 < draft.duration_s <= MAX_DURATION_S
    if draft.distance_m is not None:
        assert 0 < draft.distance_m <= MAX_DISTANCE_M
    for parts in (draft.body_parts, draft.sore_parts):
        assert set(parts) <= set(BODY_PARTS)
        assert list(parts) == sorted(set(parts))
    if draft.red_flags:
        assert draft.pain
    assert len(set(draft.red_flags)) == len(draft.red_flags)
    if draft.reps is not None:
        assert draft.reps > 0
    if draft.rep_s is not None:
        assert draft.rep_s > 0 and draft.reps is not None


@SETTINGS
@given(any_text)
def test_never_raises_and_drafts_are_valid(text: str) -> None:
    result = parse_log(text)
    assert isinstance(result, LogDraft | ParseError)
    if isinstance(result, LogDraft):
        _valid(result)
        assert result.text == text.strip()


@SETTINGS
@given(any_text)
def test_looks_like_log_never_raises(text: str) -> None:
    assert isinstance(looks_like_log(text), bool)


@SETTINGS
@given(any_text)
def test_looks_like_log_agrees_with_parse_log(text: str) -> None:
    """What chat treats as a log parses, or fails only because the amount is out of range."""
    if looks_like_log(text):
        result = parse_log(text)
        assert isinstance(result, LogDraft) or result.code in ("not_positive", "absurd")


@SETTINGS
@given(
    st.integers(min_value=1, max_value=240),
    st.sampled_from(["min", "mins", "minutes", " min", " minute"]),
    st.sampled_from(["", "did ", "today "]),
    st.sampled_from(["", " backwards", ", felt great", " 💪"]),
)
def test_minutes_parse(n: int, unit: str, prefix: str, suffix: str) -> None:
    unit = unit if unit.startswith(" ") or n % 2 else " " + unit
    result = parse_log(f"{prefix}{n}{unit}{suffix}")
    assert isinstance(result, LogDraft)
    assert result.duration_s == n * 60


@SETTINGS
@given(st.integers(min_value=0, max_value=239), st.integers(min_value=0, max_value=59))
def test_m_ss_parses_exactly(minutes: int, seconds: int) -> None:
    result = parse_log(f"{minutes}:{seconds:02d}")
    if minutes == seconds == 0:
        assert isinstance(result, ParseError) and result.code == "not_positive"
    else:
        assert isinstance(result, LogDraft)
        assert result.duration_s == minutes * 60 + seconds


@SETTINGS
@given(st.integers(min_value=1, max_value=50), st.integers(min_value=1, max_value=120))
def test_intervals_multiply(reps: int, rep_s: int) -> None:
    result = parse_log(f"{reps}x{rep_s}s")
    if reps * rep_s > MAX_DURATION_S:
        assert isinstance(result, ParseError) and result.code == "absurd"
    else:
        assert isinstance(result, LogDraft)
        # one repetition is not a repeat: reps stay empty, as in the export
        want = (reps, rep_s) if reps > 1 else (None, None)
        assert (result.reps, result.rep_s, result.duration_s) == (*want, reps * rep_s)


@SETTINGS
@given(st.integers(min_value=1, max_value=50_000))
def test_metres_parse(n: int) -> None:
    result = parse_log(f"{n}m")
    assert isinstance(result, LogDraft)
    assert result.distance_m == n
