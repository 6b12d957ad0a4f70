"""The coach's judgement after a log: one voice, targets in the track's units, load, safety.

Table-driven over the pure core (coach/feedback.py, coach/load.py) and its wording
(render/log.py), then each track's eight weeks walked as planned and overdone.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import date, timedelta

import pytest

from bot.coach import load
from bot.coach.feedback import DayContext, Feedback, TipRef, coach_feedback, ten_minute_day_before
from bot.coach.plan import PLAN_WEEKS, decide_progression, review_week
from bot.coach.sessions import Block, Direction, Mode, Part
from bot.coach.types import Feeling, LogDraft, SessionFact, WeekTarget
from bot.content import load_content
from bot.render.log import MAX_REPLY_LINES, logged_reply

CONTENT = load_content()
TRACKS = CONTENT.tracks
BACK, FWD = Direction.BACKWARD, Direction.FORWARD
TIP = TipRef("posture", "Posture", "Stay tall.")


def celebrates(fb: Feedback) -> bool:
    """Whether the reply praises (used to keep praise and warnings apart)."""
    return fb.milestone is not None or fb.primary == "on"


def week(track: str, n: int) -> WeekTarget:
    return TRACKS[track].week(n)


def ctx(target: WeekTarget | None, **kw: object) -> DayContext:
    base: dict[str, object] = dict(
        target=target,
        day_before=load.Amount(),
        logs_before_today=0,
        week_effort_before=0.0,
        last_week_effort=0.0,
        met_days_before=0,
        day_met_before=False,
        trained_day_before=False,
        pain_open=False,
        pain_this_week=False,
        first_log=False,
        full_week_before=True,
        ten_min_day_before=False,
    )
    base.update(kw)
    return DayContext(**base)  # type: ignore[arg-type]


def walk(seconds: float) -> Block:
    return Block((Part(BACK, Mode.WALK, seconds),))


def run(seconds: float) -> Block:
    return Block((Part(BACK, Mode.RUN, seconds),))


def reply(fb: Feedback) -> str:
    return logged_reply("<b>x</b>", date(2026, 6, 2), fb)


def assert_one_voice(fb: Feedback) -> None:
    text = reply(fb)
    assert len(text.splitlines()) <= MAX_REPLY_LINES + 2
    if fb.caution or fb.stop or "⚠️" in text or "⛔" in text:
        assert not celebrates(fb)
        for word in ("🏅", "🔥", "great job", "nice work", "👍"):
            assert word not in text, text


# --- targets in each track's own units -----------------------------------------------------


@pytest.mark.parametrize(
    ("track", "n", "draft", "primary"),
    [
        # general fitness: a 15-20 min backward walk is on target from week 1
        ("general", 1, LogDraft("20 min walk", 1200, blocks=(walk(1200),)), "on"),
        ("general", 1, LogDraft("15 min walk", 900, blocks=(walk(900),)), "on"),
        ("general", 1, LogDraft("20 min backward", 1200), "on"),  # mode unknown: walk
        ("general", 1, LogDraft("20 min run", 1200, blocks=(run(1200),)), "day_over"),
        ("general", 8, LogDraft("18 min run", 1080, blocks=(run(1080),)), "on"),
        ("general", 1, LogDraft("5 min walk", 300, blocks=(walk(300),)), "under"),
        # runner: 1 min back / 2 min forward x 5-6 rounds in week 5
        (
            "runner",
            5,
            LogDraft(
                "5 rounds",
                300,
                blocks=(Block((Part(BACK, Mode.RUN, 60), Part(FWD, Mode.RUN, 120)), 5),),
            ),
            "on",
        ),
        ("runner", 5, LogDraft("5x 1min back 2 min fwd", 300, reps=5), "on"),
        ("runner", 7, LogDraft("5 rounds", 300, reps=5), "under"),
        ("runner", 1, LogDraft("2 min backward in warm-up", 120), "on"),
        # team: reps, from the parser's count or from metres
        ("team", 1, LogDraft("6x15m backpedal", None, 90.0, reps=6), "on"),
        ("team", 3, LogDraft("8x10m sprints + 8x15m", None, 200.0, reps=16), "on"),
        ("team", 1, LogDraft("8 x 15 m", None, 120.0), "on"),  # metres -> 8 reps
        ("team", 1, LogDraft("30 reps", None, 450.0, reps=30), "day_over"),
        ("team", 1, LogDraft("3 reps", None, 45.0, reps=3), "under"),
        # rehab: backward walking minutes
        ("rehab", 1, LogDraft("4 min treadmill walk", 240, blocks=(walk(240),)), "on"),
        ("rehab", 1, LogDraft("16 min walk", 960, blocks=(walk(960),)), "day_over"),
        # beginner: walking has its own range, running ramps
        ("beginner", 1, LogDraft("1 min jog", 60, blocks=(run(60),)), "on"),
        ("beginner", 1, LogDraft("4 min walk + 1 min jog", 300, blocks=(walk(240), run(60))), "on"),
        ("beginner", 1, LogDraft("19.5 min", 1170), "day_over"),  # the first-day overload
    ],
)
def test_each_track_is_judged_in_its_own_units(
    track: str, n: int, draft: LogDraft, primary: str
) -> None:
    fb = coach_feedback(draft, ctx(week(track, n)), None)
    assert fb.primary == primary, (fb.primary, fb.verdict)
    assert_one_voice(fb)


def test_the_reply_speaks_the_tracks_units() -> None:
    team = coach_feedback(LogDraft("6x15m", None, 90.0, reps=6), ctx(week("team", 1)), None)
    assert "6 reps" in reply(team) and "6–8 reps" in reply(team)
    runner = coach_feedback(LogDraft("5 rounds", 300, reps=5), ctx(week("runner", 5)), None)
    assert "5 rounds" in reply(runner) and "5–6 rounds" in reply(runner)


# --- load from week one ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("week_before", "last_week", "seconds", "primary"),
    [
        (0.0, 0.0, 90, "on"),  # a first week within the plan
        (180.0, 0.0, 90, "on"),  # the plan's third session: still its own amount
        (640.0, 0.0, 90, "week_over"),  # first week: 30% over the plan's weekly amount
        (300.0, 600.0, 90, "on"),  # last week was bigger: room up to 30% over it
        (700.0, 600.0, 90, "week_over"),
    ],
)
def test_the_week_is_checked_from_week_one(
    week_before: float, last_week: float, seconds: int, primary: str
) -> None:
    target = week("beginner", 1)
    draft = LogDraft("jog", seconds, blocks=(run(seconds),))
    fb = coach_feedback(
        draft, ctx(target, week_effort_before=week_before, last_week_effort=last_week), None
    )
    assert fb.primary == primary
    assert_one_voice(fb)


def test_five_logs_on_one_day_are_one_session_and_one_day() -> None:
    target = week("beginner", 1)
    day = load.Amount()
    replies = []
    for i in range(5):
        draft = LogDraft("1 min jog", 60, blocks=(run(60),))
        fb = coach_feedback(
            draft,
            ctx(
                target,
                day_before=day,
                logs_before_today=i,
                week_effort_before=load.effort(day, target),
                day_met_before=load.met(day, target),
                met_days_before=2,
                full_week_before=False,
            ),
            None,
        )
        day = fb.day
        replies.append(fb)
        assert_one_voice(fb)
    assert [fb.milestone for fb in replies].count("first_full_week") == 1
    assert replies[0].milestone == "first_full_week"
    assert sum(1 for fb in replies if fb.caution) >= 1
    assert all(fb.milestone is None for fb in replies if fb.caution)


# --- one voice, safety in proportion --------------------------------------------------------


@pytest.mark.parametrize(
    ("draft", "primary", "must", "must_not"),
    [
        (
            LogDraft("3 min chest pain", 180, pain=True, red_flags=("chest pain",)),
            "urgent",
            "medical help",
            "physio",
        ),
        (
            LogDraft("5 min fell and hit my head", 300, pain=True, red_flags=("fall",)),
            "urgent",
            "medical help",
            "graze",
        ),
        (
            LogDraft("5 min fainted", 300, pain=True, red_flags=("dizziness",)),
            "urgent",
            "medical help",
            "graze",
        ),
        (
            LogDraft("5 min felt dizzy after", 300, pain=True, red_flags=("dizziness",)),
            "dizzy",
            "rest",
            "emergency",
        ),
        (
            LogDraft(
                "fell and grazed my knee", 300, pain=True, body_parts=("knee",), red_flags=("fall",)
            ),
            "fall_minor",
            "graze",
            "doctor",
        ),
        (
            LogDraft(
                "sharp pain knee", 300, pain=True, body_parts=("knee",), red_flags=("sharp pain",)
            ),
            "stop_sign",
            "physio or doctor",
            "emergency",
        ),
        (
            LogDraft("knee hurts", 300, pain=True, body_parts=("knee",)),
            "pain",
            "your knee",
            "emergency",
        ),
    ],
)
def test_safety_in_proportion(draft: LogDraft, primary: str, must: str, must_not: str) -> None:
    fb = coach_feedback(draft, ctx(week("beginner", 4), first_log=True), TIP)
    assert fb.primary == primary
    text = reply(fb)
    assert must in text and must_not not in text
    assert fb.milestone is None
    assert_one_voice(fb)


def test_soreness_is_expected_not_a_stop() -> None:
    fb = coach_feedback(
        LogDraft("2 min calves sore", 120, sore_parts=("calf",)), ctx(week("beginner", 1)), None
    )
    assert fb.primary in ("under", "on", "over")
    assert "expected" in reply(fb) and not fb.stop


def test_after_pain_the_next_log_asks_how_it_is() -> None:
    fb = coach_feedback(LogDraft("1 min", 60), ctx(week("beginner", 1), pain_open=True), TIP)
    assert fb.primary == "pain_check"
    text = reply(fb)
    assert "how is it" in text and "no need" not in text and "👍" not in text


@pytest.mark.parametrize(
    ("trained_before", "n", "sessions_left", "remark"),
    [
        (True, 2, False, True),  # consecutive days early in the plan
        (False, 2, False, False),
        (True, 6, False, False),  # later weeks: no nagging
    ],
)
def test_rest_day_remark_only_when_it_matters(
    trained_before: bool, n: int, sessions_left: bool, remark: bool
) -> None:
    target = week("beginner", n)
    draft = LogDraft("jog", target.min_s, blocks=tuple(target.blocks))
    fb = coach_feedback(draft, ctx(target, trained_day_before=trained_before), None)
    assert (fb.secondary == "rest_day") is remark


def test_one_day_a_week_user_is_not_told_to_rest_every_time() -> None:
    target = week("general", 3)
    fb = coach_feedback(LogDraft("15 min", 900, blocks=(walk(900),)), ctx(target), None)
    assert fb.secondary is None and "Rest" not in reply(fb)


def test_hard_feeling_gets_a_pace_hint_without_praise_beside_a_caution() -> None:
    fb = coach_feedback(
        LogDraft("20 min run hard", 1200, feeling=Feeling.HARD, blocks=(run(1200),)),
        ctx(week("general", 1), first_log=True),
        TIP,
    )
    assert fb.primary == "day_over" and fb.milestone is None
    assert_one_voice(fb)


# --- each track's eight weeks, as planned and overdone ------------------------------------


def _walk_plan(track: str, sessions_of: int, overdo: bool) -> tuple[list[Feedback], list[str]]:
    """Log each week as written (or five times on the first day too), then apply progression."""
    weeks = TRACKS[track].weeks
    plan_week = 1
    monday = date(2026, 6, 1)
    last_effort = 0.0
    replies: list[Feedback] = []
    decisions: list[str] = []
    for _ in range(PLAN_WEEKS):
        target = weeks[plan_week - 1]
        facts: list[SessionFact] = []
        session = load.of_blocks(target.blocks)
        typical = LogDraft("as written", round(session.seconds), blocks=target.blocks)
        for day_i in range(target.sessions):
            day = monday + timedelta(days=day_i * 2 if target.sessions <= 3 else day_i)
            repeats = 5 if overdo and day_i == 0 else 1
            day_amount = load.Amount()
            for i in range(repeats):
                days = load.days_of(facts)
                fb = coach_feedback(
                    typical,
                    ctx(
                        target,
                        day_before=day_amount,
                        logs_before_today=i,
                        week_effort_before=sum(load.effort(d.amount, target) for d in days),
                        last_week_effort=last_effort,
                        met_days_before=sum(
                            1 for d in days if d.local_date != day and load.met(d.amount, target)
                        ),
                        day_met_before=load.met(day_amount, target),
                    ),
                    None,
                )
                replies.append(fb)
                day_amount = fb.day
                facts.append(
                    SessionFact(
                        day,
                        typical.duration_s,
                        mode=("mixed" if session.walk_s else "run") if session.run_s else "walk",
                        reps=session.reps or None,
                    )
                )
        review = review_week(facts, plan_week, target, pain_open=False)
        decision = decide_progression(review)
        decisions.append(decision.decision)
        last_effort = sum(load.effort(d.amount, target) for d in load.days_of(facts))
        plan_week = decision.new_week
        monday += timedelta(weeks=1)
    return replies, decisions


@pytest.mark.parametrize("track", sorted(TRACKS))
def test_following_the_plan_exactly_never_cautions_and_advances_every_week(track: str) -> None:
    replies, decisions = _walk_plan(track, 0, overdo=False)
    assert [fb.primary for fb in replies if fb.caution] == []
    assert all(fb.primary == "on" for fb in replies), {fb.primary for fb in replies}
    assert decisions == ["advance"] * (PLAN_WEEKS - 1) + ["finish"]


@pytest.mark.parametrize("track", sorted(TRACKS))
def test_overdoing_never_advances_faster_and_is_cautioned(track: str) -> None:
    replies, decisions = _walk_plan(track, 0, overdo=True)
    assert decisions == ["advance"] * (PLAN_WEEKS - 1) + ["finish"]  # no faster
    cautioned_weeks = [fb for fb in replies if fb.caution]
    assert cautioned_weeks, "five sessions' worth on one day must be cautioned"
    for fb in replies:
        assert_one_voice(fb)


def test_plan_weeks_grow_within_the_load_rule() -> None:
    for track in TRACKS.values():
        efforts: Sequence[float] = [load.typical_week_effort(w) for w in track.weeks]
        for a, b in itertools.pairwise(efforts):
            assert b <= load.WEEK_GROWTH * a + 1e-6, (track.id, efforts)


@pytest.mark.parametrize(
    ("longest_day_s", "day_s", "another_day"),
    [
        (0, 0, False),  # no history
        (480, 240, False),  # short days only
        (599, 0, False),
        (600, 0, True),  # a ten-minute day, and not the logged one (it is under ten)
        (660, 300, True),
        (300, 300, False),  # the logged day is the longest, under ten minutes
        (720, 660, True),  # already past ten today: another day is longer still
        (660, 660, False),  # the logged day is the longest: it cannot cross again anyway
    ],
)
def test_ten_minute_day_before_from_the_longest_day(
    longest_day_s: int, day_s: int, another_day: bool
) -> None:
    assert ten_minute_day_before(longest_day_s, day_s) is another_day
