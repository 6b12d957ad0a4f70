"""The log's conversation state reads what earlier versions stored, and writes it back in the
same shape, so a guided /log, an edit or an offer in progress survives an upgrade."""

from __future__ import annotations

from typing import Any

import pytest

from bot.coach.answers import edit_expired, is_skip, presets_for, valid_answer, with_answer
from bot.coach.log_flows import EditState, GuidedLog, PendingSession, guided_draft
from bot.coach.types import Feeling, WeekTarget
from bot.content import load_content

# Shapes as the handlers stored them before the state was typed.
OLD_GUIDED: list[dict[str, Any]] = [
    {"said": []},
    {"duration_s": 120, "said": ["2 min"]},
    {"duration_s": 240, "feeling": "good", "said": ["4 min felt good"]},
]
OLD_PENDING: list[dict[str, Any]] = [
    {"text": "did 4 min back", "answers": {}, "source": "text", "nonce": "a1b2c3d4"},
    {
        "text": "did 4 back",
        "answers": {"unit": "min"},
        "source": "log",
        "nonce": "0f0f0f0f",
        "question": "direction",
    },
    {"text": "", "target": True, "answers": {}, "source": "text", "nonce": "12345678"},
]


@pytest.mark.parametrize("data", OLD_GUIDED)
def test_a_guided_log_stored_before_reads_and_writes_back_the_same(data: dict[str, Any]) -> None:
    assert GuidedLog.from_data(data).to_data() == data


@pytest.mark.parametrize("data", OLD_PENDING)
def test_a_pending_session_stored_before_reads_and_writes_back_the_same(
    data: dict[str, Any],
) -> None:
    assert PendingSession.from_data(data).to_data() == data


def test_a_skipped_feeling_stored_as_null_reads_as_no_feeling() -> None:
    state = GuidedLog.from_data({"duration_s": 60, "feeling": None, "said": ["1 min"]})
    assert state == GuidedLog(60, None, ("1 min",))


def test_odd_stored_values_fall_back_to_defaults() -> None:
    state = GuidedLog.from_data({"duration_s": "120", "feeling": 3, "said": "2 min"})
    assert state == GuidedLog()
    pending = PendingSession.from_data({"answers": {"unit": "m", "colour": "red"}, "target": 1})
    assert pending.answers == {"unit": "m"} and not pending.target and pending.nonce is None
    assert not pending.matches("")


def test_an_edit_without_its_start_time_has_expired() -> None:
    old = EditState.from_data({"id": 7, "since": 1_000})
    assert old == EditState(7, 1_000) and old.to_data() == {"id": 7, "since": 1_000}
    assert not edit_expired(old.since, 1_000 + 3600) and edit_expired(old.since, 1_000 + 3601)
    assert edit_expired(EditState.from_data({"id": 7}).since, 10_000)
    assert EditState.from_data({"id": "7"}).workout_id is None


def test_the_guided_answers_make_one_backward_session_read_for_pain() -> None:
    state = GuidedLog.picked(180).pressed("hard")
    draft = guided_draft(state, "left calf hurts")
    assert draft is not None
    assert draft.duration_s == 180 and draft.feeling is Feeling.HARD and draft.pain
    assert draft.text == "3 min, felt hard, left calf hurts"
    assert guided_draft(GuidedLog(), "") is None


def test_skip_words_and_answers() -> None:
    assert is_skip(" Nope! ") and is_skip("n/a") and not is_skip("no pain today")
    assert valid_answer("day", "14") and not valid_answer("day", "15")
    assert not valid_answer("colour", "red")
    assert with_answer({}, "forward_only", "backward") == {
        "forward_only": "backward",
        "direction": "backward",
    }


def test_the_amounts_offered_surround_this_weeks_target() -> None:
    target: WeekTarget = load_content().tracks["beginner"].week(1)
    presets = presets_for(target)
    assert len(presets) == 6 and presets == tuple(sorted(presets))
    assert {target.min_s, target.max_s} <= set(presets)
    assert presets_for(None) == (60, 120, 180, 300, 600, 900)
