"""The conversations a user can be in, by the name stored in `conversations.flow`.

One enum for every feature, so /log knows which flows are its own (and never ends someone
else's), and the chat router knows which flows wait for a typed answer. The values are the
names stored today: changing one would strand conversations already in the table.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Flow(StrEnum):
    LOG = "log"  # the guided /log: amount, feeling, note
    OFFER = "offer"  # a session read from chat, waiting for "Log it" or an answer
    EDIT = "edit"  # a typed new amount, feeling or note for a stored session
    ONBOARD = "onboard"  # /start: track, days, time, zone
    SETTINGS = "settings"  # /settings: one field


# The flows /log owns; /log <text> ends them, never another feature's.
LOG_FLOWS = frozenset({Flow.LOG, Flow.OFFER, Flow.EDIT})
# Flows whose answers are not sessions: a session told meanwhile is offered, then their
# question is asked again, and the offer rides in their data under PENDING.
WAITING_FLOWS = frozenset({Flow.ONBOARD, Flow.SETTINGS})
PENDING = "pending"


@dataclass(frozen=True)
class TypedAnswer:
    """A message typed while a flow waits: the step it answers, the flow's stored data (each
    flow reads it into its own typed state) and the text."""

    step: str
    data: Mapping[str, Any]
    text: str
