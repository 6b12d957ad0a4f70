"""Session totals: backward and forward never mix; rounds multiply; reps count repeated work."""

from __future__ import annotations

import pytest

from bot.coach.sessions import Block, Direction, Mode, Part, Totals, totals
from bot.content import load_content

BACK, FWD = Direction.BACKWARD, Direction.FORWARD


@pytest.mark.parametrize(
    ("blocks", "expected"),
    [
        ((Block((Part(BACK, Mode.RUN, 180),)),), Totals(180, 0, 0, 0, None, "run")),
        (
            (Block((Part(BACK, Mode.RUN, 90), Part(FWD, Mode.RUN, 90)), rounds=5),),
            Totals(450, 0, 450, 0, 5, "run"),
        ),
        (
            (Block((Part(BACK, Mode.SPRINT, None, 20),), rounds=10),),
            Totals(0, 200, 0, 0, 10, "sprint"),
        ),
        (
            (Block((Part(FWD, Mode.RUN, None, 6000),)), Block((Part(BACK, Mode.RUN, 240),))),
            Totals(240, 0, 0, 6000, None, "run"),
        ),
        (
            (Block((Part(BACK, Mode.WALK, 60), Part(BACK, Mode.RUN, 60)), rounds=3),),
            Totals(360, 0, 0, 0, 6, "mixed"),
        ),
        ((Block((Part(FWD, Mode.RUN, None, 10_000),)),), Totals(0, 0, 0, 10_000, None, None)),
    ],
)
def test_totals(blocks: tuple[Block, ...], expected: Totals) -> None:
    assert totals(blocks) == expected


def test_every_plan_week_is_inside_its_own_range() -> None:
    for track in load_content().tracks.values():
        for week in track.weeks:
            got = totals(week.blocks).backward_s
            assert week.min_s <= got <= week.max_s, (track.id, week.week, got)
