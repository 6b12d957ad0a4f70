"""Button payloads: every action round-trips, and anything we did not make is refused."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import get_type_hints

import pytest

from bot import actions
from bot.actions import MAX_BYTES, Action, Guide, ReminderDone, SetAmount, Undo, parse

SAMPLES = {int: 4096, str: "great", date: date(2026, 12, 2)}


def _sample(shape: type[actions.Payload]) -> actions.Payload:
    hints = get_type_hints(shape)
    values = {f.name: SAMPLES.get(hints[f.name], "x") for f in dataclasses.fields(shape)}
    return shape(**values)


@pytest.mark.parametrize("action", list(Action), ids=lambda a: a.name)
def test_every_action_has_one_payload_that_round_trips(action: Action) -> None:
    shape = actions._SHAPES[action]
    pressed = _sample(shape)
    data = pressed.data()
    assert data.startswith(f"v1:{action.value}")
    assert len(data.encode()) <= MAX_BYTES
    assert parse(data) == pressed


def test_the_wire_codes_stay_what_buttons_in_chats_carry() -> None:
    assert Undo(12).data() == "v1:un:12"
    assert SetAmount(12, 180).data() == "v1:es:12:180"
    assert ReminderDone(date(2026, 6, 1)).data() == "v1:rd:20260601"
    assert Guide().data() == "v1:ag" and Guide("anyway").data() == "v1:ag:anyway"


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        "v2:un:12",  # another version
        "v1:zz:12",  # no such action
        "v1:un",  # a field missing
        "v1:un:12:13",  # one too many
        "v1:un:twelve",  # not a number
        "v1:un:-3",
        "v1:un:1234567890123",  # longer than any id we make
        "v1:rd:20261340",  # not a date
        "v1:es:12",
        "v1:" + "x" * 70,
        "v1:u1:12",
    ],
)
def test_forged_or_outdated_data_is_refused(data: str | None) -> None:
    assert parse(data) is None


def test_a_payload_too_long_for_telegram_cannot_be_made() -> None:
    with pytest.raises(ValueError, match="64 bytes"):
        actions.Tip("t" * 80).data()


def test_an_action_has_one_payload() -> None:
    with pytest.raises(ValueError, match="already has a payload"):

        class Again(actions.Payload, action=Action.UNDO):
            workout_id: int
