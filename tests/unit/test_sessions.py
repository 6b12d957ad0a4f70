"""Session totals: backward and forward never mix; rounds multiply; reps count repeated work."""

from __future__ import annotations

import pytest

from bot.coach.load import judge, of_blocks
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
    """The week's typical session is on its own target, in the track's units: backward
    running within [min_s, max_s], the whole session within the walking range where a track
    has one, and the rounds or reps within [min_count, max_count] where it counts them."""
    for track in load_content().tracks.values():
        for week in track.weeks:
            sums = totals(week.blocks)
            running = sum(
                p.seconds * b.rounds
                for b in week.blocks
                for p in b.parts
                if p.backward and p.seconds and p.mode is not Mode.WALK
            )
            if week.has_walk_range:
                assert week.walk_min_s <= sums.backward_s <= week.walk_max_s, (track.id, week.week)
                assert running <= week.max_s, (track.id, week.week, running)
            else:
                assert week.min_s <= sums.backward_s <= week.max_s, (track.id, week.week)
            if week.measure != "time":
                assert week.min_count <= (sums.reps or 0) <= week.max_count, (track.id, week.week)
            assert judge(of_blocks(week.blocks), week) == "on", (track.id, week.week)
