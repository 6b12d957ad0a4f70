"""What the coach says after a log: comparison, safety, soreness, milestones."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import pytest

from bot.coach.feedback import (
    MAX_LINES,
    MILESTONE_FIRST_FULL_WEEK,
    MILESTONE_FIRST_SESSION,
    MILESTONE_FIRST_TEN_MIN,
    Feedback,
    TipRef,
    coach_feedback,
    format_duration,
    format_range,
)
from bot.coach.types import Feeling, LogDraft, RedFlag, SessionFact, WeekTarget

WEEK1 = WeekTarget(
    week=1,
    phase="Familiarization",
    sessions=3,
    min_s=60,
    max_s=120,
    workout="1–2 min backward on a flat track",
    focus="get used to it",
)
WEEK4 = WeekTarget(
    week=4,
    phase="Build duration",
    sessions=3,
    min_s=180,
    max_s=300,
    workout="3–5 min backward",
    focus="duration",
)
WEEK7 = WeekTarget(
    week=7,
    phase="Advanced practice",
    sessions=3,
    min_s=600,
    max_s=900,
    workout="10+ min continuous",
    focus="continuous",
)
TODAY = date(2026, 11, 25)  # a Wednesday
MONDAY = date(2026, 11, 23)

# A user well past the start: 8 earlier sessions spread over earlier weeks, 2 per week.
SEASONED = tuple(
    SessionFact(local_date=MONDAY - timedelta(weeks=w, days=d), duration_s=240)
    for w in range(1, 5)
    for d in (0, 2)
)


def feedback(
    draft: LogDraft,
    *,
    target: WeekTarget | None = WEEK1,
    training_day: bool = True,
    week_before: Sequence[SessionFact] = (),
    last_week_backward_s: int = 0,
    history_before: Sequence[SessionFact] = SEASONED,
    tip: TipRef | None = None,
    caution: str | None = None,
) -> Feedback:
    return coach_feedback(
        draft,
        target=target,
        training_day=training_day,
        week_before=week_before,
        last_week_backward_s=last_week_backward_s,
        history_before=history_before,
        tip=tip,
        caution=caution,
    )


def text_of(fb: Feedback) -> str:
    return " ".join(fb.lines).lower()


def log(duration_s: int | None = 90, **kw: object) -> LogDraft:
    return LogDraft(text="test log", duration_s=duration_s, **kw)  # type: ignore[arg-type]


# --- comparison ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("draft", "target", "training_day", "expected", "words"),
    [
        (log(30), WEEK1, True, "under", ["30 s", "1–2 min", "under"]),
        (log(59), WEEK1, True, "under", ["under"]),
        (log(60), WEEK1, True, "on", ["1 min", "right on"]),
        (log(120), WEEK1, True, "on", ["2 min", "right on"]),
        (log(121), WEEK1, True, "over", ["above"]),
        (log(240), WEEK4, True, "on", ["4 min", "3–5 min"]),
        (log(600), WEEK4, True, "over", ["10 min", "above", "3–5 min"]),
        (log(300), WEEK1, False, "rest_day", ["rest day", "rest days matter"]),
        (log(None, distance_m=400.0), WEEK1, True, "no_target", ["400 m", "add a time"]),
        (log(None, distance_m=1500.0), None, True, "no_target", ["1.5 km"]),
        (log(300), None, True, "no_target", ["5 min", "logged"]),
        (log(180, reps=6, rep_s=30), WEEK4, True, "on", ["6×30 s (3 min)"]),
        (log(150, distance_m=400.0), WEEK1, True, "over", ["400 m in 2 min 30 s"]),
    ],
    ids=[
        "under",
        "just-under",
        "on-low-edge",
        "on-high-edge",
        "just-over",
        "on-week4",
        "over-week4",
        "rest-day",
        "distance-only",
        "distance-km-no-plan",
        "no-plan",
        "intervals",
        "distance-and-time",
    ],
)
def test_comparison(
    draft: LogDraft,
    target: WeekTarget | None,
    training_day: bool,
    expected: str,
    words: list[str],
) -> None:
    fb = feedback(draft, target=target, training_day=training_day)
    assert fb.comparison == expected
    assert not fb.stop
    for word in words:
        assert word.lower() in text_of(fb), (word, fb.lines)


def test_distance_only_on_rest_day_still_mentions_rest() -> None:
    fb = feedback(log(None, distance_m=400.0), training_day=False)
    assert fb.comparison == "no_target"
    assert "rest days matter" in text_of(fb)


def test_no_rest_reminder_on_a_training_day() -> None:
    assert "rest day" not in text_of(feedback(log(90)))


# --- hard sessions ------------------------------------------------------------------------


@pytest.mark.parametrize("duration_s", [90, 200], ids=["on", "over"])
def test_hard_on_or_over_target_suggests_talking_pace(duration_s: int) -> None:
    fb = feedback(log(duration_s, feeling=Feeling.HARD))
    assert fb.comparison in ("on", "over")
    assert "talk" in text_of(fb)
    assert "slow" in text_of(fb)


@pytest.mark.parametrize("feeling", [Feeling.GREAT, Feeling.GOOD, Feeling.OK, None])
def test_easy_sessions_get_no_pace_advice(feeling: Feeling | None) -> None:
    assert "talk" not in text_of(feedback(log(90, feeling=feeling)))


# --- pain and red flags -------------------------------------------------------------------


def test_knee_pain_names_the_knee_says_stop_and_plan_holds() -> None:
    fb = feedback(log(90, pain=True, body_parts=("knee",)))
    text = text_of(fb)
    assert fb.stop
    assert "your knee" in text
    assert "stop" in text
    assert "rest" in text
    assert "physio or doctor" in text
    assert "plan holds" in text
    assert "nice work" not in text  # no praise next to pain


def test_pain_in_several_parts_names_them_all() -> None:
    fb = feedback(log(90, pain=True, body_parts=("ankle", "achilles", "knee")))
    assert "your ankle, Achilles and knee" in " ".join(fb.lines)


def test_pain_without_a_named_part_reads_well() -> None:
    fb = feedback(log(90, pain=True))
    assert fb.stop
    assert fb.lines[0].startswith("Sorry about the pain:")


def test_body_part_without_pain_flag_is_still_treated_as_pain() -> None:
    assert feedback(log(90, body_parts=("hip",))).stop


@pytest.mark.parametrize(
    ("flags", "words"),
    [
        (("dizziness",), ["dizziness", "stop now", "seek medical help", "emergency"]),
        (("chest pain",), ["chest pain", "stop now", "seek medical help", "emergency"]),
        (("breathless",), ["breathlessness", "seek medical help"]),
        (("sharp pain",), ["sharp pain", "stop now", "checked today", "doctor or physio"]),
        (("swelling",), ["swelling", "stop now", "checked today"]),
        (("giving way",), ["giving way", "stop now", "checked today"]),
        (("fall",), ["a fall", "stop now", "checked today"]),
    ],
    ids=lambda v: "-".join(v) if isinstance(v, tuple) else None,
)
def test_red_flags_say_stop_and_get_help(flags: tuple[RedFlag, ...], words: list[str]) -> None:
    fb = feedback(log(90, pain=True, red_flags=flags), history_before=())
    text = text_of(fb)
    assert fb.stop
    for word in words:
        assert word in text, (word, fb.lines)
    assert "plan holds" in text
    assert fb.milestones == ()  # a safety reply celebrates nothing


def test_chest_pain_wins_over_ordinary_flags() -> None:
    fb = feedback(log(90, red_flags=("sharp pain", "chest pain"), body_parts=("knee",)))
    assert "chest pain" in fb.lines[0].lower()
    assert "seek medical help" in fb.lines[0].lower()
    assert "your knee" in text_of(fb)


def test_red_flag_with_body_part_says_rest_it() -> None:
    fb = feedback(log(90, pain=True, body_parts=("ankle",), red_flags=("swelling",)))
    assert "rest your ankle" in text_of(fb)


# --- soreness -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sore", "word"),
    [(("calf",), "calves"), (("quad",), "quads"), (("calf", "hamstring"), "calves and hamstrings")],
)
def test_early_muscle_soreness_is_expected_not_pain(sore: tuple[str, ...], word: str) -> None:
    fb = feedback(log(90, sore_parts=sore), target=WEEK1)
    text = text_of(fb)
    assert not fb.stop
    assert word in text
    assert "expected" in text
    assert "toe-first" in text
    for pain_words in ("physio", "doctor", "stop", "plan holds"):
        assert pain_words not in text


def test_new_user_soreness_is_expected_even_in_a_later_plan_week() -> None:
    fb = feedback(log(240, sore_parts=("calf",)), target=WEEK4, history_before=())
    assert "expected" in text_of(fb)


def test_later_soreness_is_normal_but_not_called_early() -> None:
    fb = feedback(log(240, sore_parts=("quad",)), target=WEEK4, history_before=SEASONED)
    text = text_of(fb)
    assert not fb.stop
    assert "normal" in text
    assert "first weeks" not in text


def test_sore_achilles_is_handled_with_care() -> None:
    fb = feedback(log(90, sore_parts=("achilles",)))
    assert not fb.stop
    assert "carefully" in text_of(fb)


# --- pass-through -------------------------------------------------------------------------


def test_caution_is_passed_through() -> None:
    caution = "That is a big jump from last week: grow by about 30% at most."
    fb = feedback(log(600), caution=caution)
    assert fb.caution == caution
    assert feedback(log(90)).caution is None


def test_tip_is_included() -> None:
    tip = TipRef(id="heels", title="Land on your toes", summary="Toe first, then heel.")
    assert feedback(log(90), tip=tip).tip == tip
    assert feedback(log(90)).tip is None


# --- milestones ---------------------------------------------------------------------------


def test_first_session_ever() -> None:
    fb = feedback(log(90), history_before=())
    assert MILESTONE_FIRST_SESSION in fb.milestones


def test_first_full_week_counts_this_session() -> None:
    week = [SessionFact(MONDAY, 90), SessionFact(MONDAY + timedelta(days=1), 90)]
    fb = feedback(log(90), week_before=week, history_before=week)
    assert fb.milestones == (MILESTONE_FIRST_FULL_WEEK,)


def test_full_week_not_first_when_an_earlier_week_was_full() -> None:
    earlier = [SessionFact(MONDAY - timedelta(days=7 - d), 90) for d in range(3)]
    week = [SessionFact(MONDAY, 90), SessionFact(MONDAY + timedelta(days=1), 90)]
    fb = feedback(log(90), week_before=week, history_before=[*earlier, *week])
    assert MILESTONE_FIRST_FULL_WEEK not in fb.milestones


def test_full_week_is_only_reached_once_within_the_week() -> None:
    week = [SessionFact(MONDAY + timedelta(days=d), 90) for d in range(3)]
    fb = feedback(log(90), week_before=week, history_before=week)
    assert MILESTONE_FIRST_FULL_WEEK not in fb.milestones


def test_first_ten_minute_session() -> None:
    fb = feedback(log(600), target=WEEK7)
    assert fb.milestones == (MILESTONE_FIRST_TEN_MIN,)
    assert MILESTONE_FIRST_TEN_MIN not in feedback(log(599), target=WEEK7).milestones


def test_one_session_week_target_gives_both_firsts_at_once() -> None:
    general = WeekTarget(
        week=1, phase="General", sessions=1, min_s=900, max_s=1200, workout="", focus=""
    )
    fb = feedback(log(900), target=general, history_before=())
    assert fb.milestones == (
        MILESTONE_FIRST_SESSION,
        MILESTONE_FIRST_FULL_WEEK,
        MILESTONE_FIRST_TEN_MIN,
    )


def test_no_milestone_repeats_on_the_second_session() -> None:
    general = WeekTarget(
        week=1, phase="General", sessions=1, min_s=900, max_s=1200, workout="", focus=""
    )
    first = feedback(log(900), target=general, history_before=())
    assert len(first.milestones) == 3
    done = SessionFact(local_date=TODAY - timedelta(days=7), duration_s=900)
    second = feedback(log(900), target=general, history_before=[done])
    assert second.milestones == ()
    same_week = feedback(log(900), target=general, week_before=[done], history_before=[done])
    assert same_week.milestones == ()


# --- shape --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "draft",
    [
        log(90, feeling=Feeling.HARD, sore_parts=("calf", "shin", "achilles")),
        log(90, pain=True, body_parts=("knee",), red_flags=("dizziness", "swelling", "fall")),
        log(None, distance_m=400.0, feeling=Feeling.HARD, sore_parts=("quad",)),
    ],
)
def test_lines_are_few_short_sentences(draft: LogDraft) -> None:
    week = [SessionFact(MONDAY, 90)]
    fb = feedback(draft, week_before=week, last_week_backward_s=300, training_day=False)
    assert 1 <= len(fb.lines) <= MAX_LINES
    for line in fb.lines:
        assert len(line) <= 120, line
        assert line.rstrip()[-1] in ".!", line
        assert "<" not in line and "&" not in line  # plain text, escaped by the renderer


def test_week_total_after_the_first_session_of_the_week() -> None:
    week = [SessionFact(MONDAY, 90)]
    fb = feedback(log(90), week_before=week, last_week_backward_s=300)
    assert "3 min backward this week (last week: 5 min)" in " ".join(fb.lines)


def test_no_figures_beyond_science() -> None:
    """Marketing numbers ('80% less knee impact') never appear in the coach's words."""
    drafts = [
        log(90),
        log(90, feeling=Feeling.HARD),
        log(90, sore_parts=("calf",)),
        log(90, pain=True, body_parts=("knee",)),
    ]
    for draft in drafts:
        assert "%" not in text_of(feedback(draft))


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [(0, "0 s"), (45, "45 s"), (60, "1 min"), (150, "2 min 30 s"), (600, "10 min")],
)
def test_format_duration(seconds: int, expected: str) -> None:
    assert format_duration(seconds) == expected


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [(60, 120, "1–2 min"), (30, 90, "30 s–1 min 30 s"), (600, 600, "10 min")],
)
def test_format_range(low: int, high: int, expected: str) -> None:
    assert format_range(low, high) == expected


def test_a_cautioned_session_is_not_praised_or_celebrated() -> None:
    week1 = WeekTarget(1, "Familiarization", 3, 60, 120, "1–2 min", "Get used to it")
    draft = LogDraft(text="12 min", duration_s=720)
    fb = coach_feedback(
        draft,
        target=week1,
        training_day=True,
        week_before=[],
        last_week_backward_s=0,
        history_before=[],
        tip=None,
        caution="That's far above this week's target: build up gently.",
    )
    assert fb.comparison == "over"
    assert "no need to do more" not in fb.lines[0] and "well above" in fb.lines[0]
    assert MILESTONE_FIRST_TEN_MIN not in fb.milestones
    assert fb.caution is not None
