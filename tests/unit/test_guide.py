"""The audio guide's timeline: stretches, rests, cue times and today's choice, as pure rules."""

from __future__ import annotations

import itertools
import math
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.coach.guide import (
    COUNT_IN_S,
    CUE_S,
    Cue,
    GuideError,
    Kind,
    PainMark,
    Today,
    build_guide,
    draft_blocks,
    rest_after_rep,
    todays_guide,
)
from bot.coach.parsing import parse_log
from bot.coach.sessions import Block, Direction, Mode, Part
from bot.coach.types import LogDraft, WeekTarget
from bot.content import load_content
from bot.render.guide import guide_caption, structure
from tests.props import examples

B, F = Direction.BACKWARD, Direction.FORWARD
CONTENT = load_content()


def times(guide_sounds: object, cue: Cue) -> list[float]:
    return [s.at_s for s in guide_sounds if s.cue is cue]  # type: ignore[attr-defined]


def week(track: str, n: int) -> WeekTarget:
    return CONTENT.tracks[track].weeks[n - 1]


# The shapes the plan uses (written out here, so a content edit doesn't move these tests).
RUNNER_INTERVALS = Block((Part(B, Mode.RUN, 60), Part(F, Mode.RUN, 120)), rounds=5)
TEAM_SPEED = (
    Block((Part(B, Mode.SPRINT, 3, 10),), rounds=8),
    Block((Part(B, Mode.RUN, 9, 15),), rounds=8),
)


def test_intervals_30_back_30_forward_cue_every_switch() -> None:
    """Beginner weeks 5-6 style: 10 rounds of 30 s back, 30 s forward."""
    block = Block((Part(B, Mode.RUN, 30), Part(F, Mode.RUN, 30)), rounds=10)
    g = build_guide([block])
    assert g.workout_s == 600
    assert g.total_s == COUNT_IN_S + 600 + CUE_S[Cue.DONE]
    c = COUNT_IN_S
    assert times(g.sounds, Cue.READY) == [0.0]
    assert times(g.sounds, Cue.PIP) == [c - 3, c - 2, c - 1]  # count-in only: no rests
    assert times(g.sounds, Cue.BACK) == [c + 60 * k for k in range(10)]
    assert times(g.sounds, Cue.FORWARD) == [c + 30 + 60 * k for k in range(10)]
    assert times(g.sounds, Cue.TEN_LEFT) == sorted(
        [c + 20 + 60 * k for k in range(10)] + [c + 50 + 60 * k for k in range(10)]
    )
    assert times(g.sounds, Cue.DONE) == [c + 600]
    # The middle (c + 300) is the start of round 6: "halfway" follows that cue.
    [half] = times(g.sounds, Cue.HALFWAY)
    assert c + 300 < half <= c + 300 + CUE_S[Cue.BACK] + 0.5


def test_runner_rounds_of_one_back_two_forward() -> None:
    g = build_guide([RUNNER_INTERVALS])  # 5 x (1 min back, 2 min forward)
    c = COUNT_IN_S
    assert g.workout_s == 15 * 60
    assert times(g.sounds, Cue.BACK) == [c + 180 * k for k in range(5)]
    assert times(g.sounds, Cue.FORWARD) == [c + 60 + 180 * k for k in range(5)]
    assert times(g.sounds, Cue.HALFWAY) == [c + 450]  # a quiet moment: right on the middle


def test_sprint_reps_get_rest_and_a_start_countdown() -> None:
    """Team speed weeks: 8 x 10 m sprints (3 s), then 8 x 15 m backpedal (9 s)."""
    g = build_guide(TEAM_SPEED)
    assert g.rests == (25.0, 20.0)
    kinds = [s.kind for s in g.stretches]
    assert kinds[:4] == [Kind.BACKWARD, Kind.REST, Kind.BACKWARD, Kind.REST]
    sprints = [s for s in g.stretches if s.mode is Mode.SPRINT]
    assert [s.start_s for s in sprints] == [28.0 * k for k in range(8)]  # 3 s + 25 s rest
    set_break = g.stretches[15]
    assert set_break.kind is Kind.REST and set_break.seconds == 90
    # Three pips lead into every rep after a rest (and the count-in).
    backs = times(g.sounds, Cue.BACK)
    pips = times(g.sounds, Cue.PIP)
    assert len(backs) == 16 and len(pips) == 3 * 16
    for start in backs:
        assert [start - 3, start - 2, start - 1] == [p for p in pips if start - 4 < p < start]
    assert g.workout_s == 8 * 3 + 7 * 25 + 90 + 8 * 9 + 7 * 20


@pytest.mark.parametrize(
    ("block", "rest"),
    [
        (Block((Part(B, Mode.SPRINT, 3, 10),), 8), 25.0),  # 8 x 3 s = 24 -> 25
        (Block((Part(B, Mode.SPRINT, 4.5, 20),), 10), 40.0),  # 36 -> 40
        (Block((Part(B, Mode.SPRINT, 10, 60),), 4), 60.0),  # capped at 60 s
        (Block((Part(B, Mode.RUN, 9, 15),), 8), 20.0),  # walk back 15 m: 12.5 + 5
        (Block((Part(B, Mode.RUN, 20),), 3), 20.0),  # as long as the rep
        (Block((Part(B, Mode.RUN, 5),), 3), 15.0),  # at least 15 s
        (Block((Part(B, Mode.SPRINT, metres=10),), 6), 25.0),  # 10 m at 3.5 m/s: 3 s
        (Block((Part(B, Mode.RUN, 60), Part(F, Mode.RUN, 120)), 5), 0.0),  # forward recovers
        (Block((Part(B, Mode.WALK, 60), Part(B, Mode.RUN, 30)), 4), 0.0),  # walk recovers
        (Block((Part(B, Mode.RUN, 90),), 1), 0.0),  # one round: nothing between
    ],
)
def test_rest_between_reps(block: Block, rest: float) -> None:
    assert rest_after_rep(block) == rest


def test_distances_become_estimated_times() -> None:
    g = build_guide([Block((Part(B, Mode.RUN, metres=400),))])
    assert g.workout_s == math.ceil(400 / 1.7)
    assert g.estimated
    assert "estimates" in guide_caption(g, "Your session")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("6x30s", Block((Part(B, Mode.RUN, 30.0),), 6)),
        ("6 x 30 sec knees ok", Block((Part(B, Mode.RUN, 30.0),), 6)),
        ("8x10s", Block((Part(B, Mode.SPRINT, 10.0),), 8)),
        ("8 x 10m sprints", Block((Part(B, Mode.SPRINT, None, 10.0),), 8)),
        ("20 min backward walk", Block((Part(B, Mode.RUN, 1200.0),))),
        ("400m", Block((Part(B, Mode.RUN, None, 400.0),))),
    ],
)
def test_typed_sessions_become_blocks(text: str, expected: Block) -> None:
    draft = parse_log(text)
    assert isinstance(draft, LogDraft)
    blocks = draft_blocks(draft) if not draft.blocks else draft.blocks
    if draft.blocks:  # a parser that fills blocks: they are used as they are
        assert draft_blocks(draft) == draft.blocks
    else:
        assert blocks == (expected,)
    assert build_guide(blocks).workout_s > 0


def test_6x30s_is_six_reps_with_recovery_between() -> None:
    draft = parse_log("6x30s")
    assert isinstance(draft, LogDraft)
    g = build_guide(draft_blocks(draft))
    backs = [s for s in g.stretches if s.kind is Kind.BACKWARD]
    assert [s.seconds for s in backs] == [30.0] * 6
    assert g.workout_s == 6 * 30 + 5 * 30
    assert "6 × 30 s back, 30 s rest between" in structure(g)


def test_blocks_from_the_parser_are_used_as_they_are() -> None:
    blocks = (Block((Part(B, Mode.RUN, 60), Part(F, Mode.RUN, 120)), 3),)
    draft = LogDraft(text="3 rounds", duration_s=180, reps=3, rep_s=60, blocks=blocks)
    assert draft_blocks(draft) == blocks


def test_nothing_to_time_and_far_too_long_are_refused() -> None:
    with pytest.raises(GuideError) as empty:
        build_guide([Block((Part(B, Mode.RUN),))])
    assert empty.value.code == "empty"
    with pytest.raises(GuideError) as long:
        build_guide([Block((Part(B, Mode.RUN, 600), Part(F, Mode.RUN, 600)), 10)])
    assert long.value.code == "too_long"


def test_every_plan_week_makes_a_guide_that_matches_its_blocks() -> None:
    for track in CONTENT.tracks.values():
        for target in track.weeks:
            g = build_guide(target.blocks)
            back = sum(s.seconds for s in g.stretches if s.kind is Kind.BACKWARD)
            planned = sum(
                (p.seconds or 0) * b.rounds for b in target.blocks for p in b.parts if p.backward
            )
            assert back == planned, (track.id, target.week)
            assert len(guide_caption(g, "Week 1 · x")) <= 1024


_parts = st.builds(
    Part,
    st.sampled_from(list(Direction)),
    st.sampled_from(list(Mode)),
    st.one_of(st.none(), st.integers(1, 300).map(float)),
    st.one_of(st.none(), st.integers(5, 400).map(float)),
)
_blocks = st.lists(
    st.builds(Block, st.lists(_parts, min_size=1, max_size=3).map(tuple), st.integers(1, 12)),
    min_size=1,
    max_size=3,
)


@settings(max_examples=examples(200), deadline=None)
@given(_blocks)
def test_cues_never_overlap_and_fit_the_file(blocks: list[Block]) -> None:
    try:
        g = build_guide(blocks)
    except GuideError:
        return
    sounds = list(g.sounds)
    assert sounds[0].cue is Cue.READY and sounds[0].at_s == 0
    assert sounds[-1].cue is Cue.DONE and sounds[-1].at_s == COUNT_IN_S + g.workout_s
    for a, b in itertools.pairwise(sounds):
        assert a.at_s + CUE_S[a.cue] < b.at_s, (a, b)
    assert g.total_s == pytest.approx(sounds[-1].at_s + CUE_S[Cue.DONE])
    starts = [COUNT_IN_S + s.start_s for s in g.stretches]
    assert [s.at_s for s in sounds if s.cue in (Cue.BACK, Cue.FORWARD, Cue.REST)] == starts


TODAY = date(2026, 6, 10)


def marks(*items: tuple[int, bool, bool]) -> list[PainMark]:
    """(days ago, pain, warning sign) per logged session."""
    return [PainMark(TODAY - timedelta(days=ago), pain, warn) for ago, pain, warn in items]


def test_today_follows_the_plan_and_the_pain_rule() -> None:
    w = week("runner", 5)
    session = todays_guide(w, w, TODAY, marks((1, False, False)))
    assert session.verdict is Today.SESSION and session.blocks == w.blocks

    rest = todays_guide(None, w, TODAY, [])
    assert rest.verdict is Today.REST_DAY and rest.blocks == ()
    anyway = todays_guide(None, w, TODAY, [], anyway=True)
    assert anyway.verdict is Today.SESSION and anyway.blocks == w.blocks

    easy_walk = (Block((Part(B, Mode.WALK, float(min(w.min_s, 300))),)),)
    for lately in (marks((1, True, False)), marks((9, True, False), (2, False, False))):
        easy = todays_guide(w, w, TODAY, lately)
        assert easy.verdict is Today.EASY and easy.blocks == easy_walk
    assert todays_guide(None, w, TODAY, marks((1, True, False))).verdict is Today.REST_DAY

    for stop_marks in (
        marks((0, True, False)),  # pain today
        marks((0, False, True)),  # a warning sign today
        marks((6, True, True)),  # a warning sign within the week
    ):
        stop = todays_guide(w, w, TODAY, stop_marks, anyway=True)
        assert stop.verdict is Today.STOP and stop.blocks == ()
    # a warning sign more than a week ago, in last week's sessions, holds the week: easy
    assert todays_guide(w, w, TODAY, marks((8, True, True))).verdict is Today.EASY
