"""Reminder outcomes and the backlog in the metrics, as the dispatcher records them."""

from __future__ import annotations

import time_machine
from prometheus_client import REGISTRY

from tests.e2e.harness import Harness
from tests.e2e.reminder_helpers import UID, dispatch_at, signup, utc


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def outcomes() -> dict[str, float]:
    return {
        o: sample("coach_reminders_total", outcome=o)
        for o in ("sent", "failed", "blocked", "unconfirmed")
    }


async def test_reminder_outcomes_are_counted_and_the_backlog_drains(
    coach: Harness, clock: time_machine.Traveller
) -> None:
    await signup(coach)
    start, backlog = outcomes(), sample("coach_reminder_backlog")

    assert await dispatch_at(coach, clock, utc(2026, 6, 10, 7, 30, 5)) == ["sent"]
    coach.server.fail("sendMessage", status=400, description="Bad Request: boom")
    assert await dispatch_at(coach, clock, utc(2026, 6, 11, 7, 30, 5)) == ["failed"]
    coach.server.block(UID)
    assert await dispatch_at(coach, clock, utc(2026, 6, 12, 7, 30, 5)) == ["blocked"]

    end = outcomes()
    assert {o: end[o] - start[o] for o in end} == {
        "sent": 1,
        "failed": 1,
        "blocked": 1,
        "unconfirmed": 0,
    }
    assert sample("coach_reminder_backlog") == backlog
