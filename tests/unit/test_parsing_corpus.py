"""Real-looking log phrasings and what the parser must read from them.

Fields not named in a row are checked against their "nothing found" default for the amounts,
pain, body parts, red flags and intervals, so a stray match fails loudly; feeling, surface,
soreness and notes are only checked where a row names them.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.coach.parsing import MAX_TEXT, looks_like_log, parse_log
from bot.coach.types import Feeling, LogDraft, ParseError
from bot.render.sessions import notes_text

GREAT, GOOD, OK, HARD = Feeling.GREAT, Feeling.GOOD, Feeling.OK, Feeling.HARD

STRICT_DEFAULTS: dict[str, Any] = {
    "duration_s": None,
    "distance_m": None,
    "pain": False,
    "body_parts": (),
    "red_flags": (),
    "reps": None,
    "rep_s": None,
}

CORPUS: list[tuple[str, dict[str, Any]]] = [
    # --- durations
    ("3 min", {"duration_s": 180}),
    ("3 mins", {"duration_s": 180}),
    ("3 minutes", {"duration_s": 180}),
    ("5min", {"duration_s": 300}),
    ("90 seconds", {"duration_s": 90}),
    ("90s", {"duration_s": 90}),
    ("45 sec", {"duration_s": 45}),
    ("1:30", {"duration_s": 90}),
    ("12:00", {"duration_s": 720}),
    ("1 min 30 s", {"duration_s": 90}),
    ("1m30s", {"duration_s": 90}),
    ("2min30", {"duration_s": 150}),
    ("2.5 min", {"duration_s": 150}),
    ("1h", {"duration_s": 3600}),
    ("1 hour 5 min", {"duration_s": 3900}),
    ("1:05:00", {"duration_s": 3900}),
    ("three minutes", {"duration_s": 180}),
    ("twenty five minutes", {"duration_s": 1500}),
    ("twenty-five minutes", {"duration_s": 1500}),
    ("half a minute", {"duration_s": 30}),
    ("a minute and a half", {"duration_s": 90}),
    ("a minute", {"duration_s": 60}),
    ("an hour", {"duration_s": 3600}),
    ("half an hour", {"duration_s": 1800}),
    ("2 mins 30 secs", {"duration_s": 150}),
    ("one and a half minutes", {"duration_s": 90}),
    ("an hour and a half", {"duration_s": 5400}),
    ("a couple of minutes", {"duration_s": 120}),
    ("ten seconds", {"duration_s": 10}),
    ("1h30", {"duration_s": 5400}),
    ("1h 30m", {"duration_s": 5400}),
    ("1 hr 15 min", {"duration_s": 4500}),
    ("3'30\"", {"duration_s": 210}),
    (".5 min", {"duration_s": 30}),
    ("1½ min", {"duration_s": 90}),
    ("240 min", {"duration_s": 14400}),
    ("4:00:00", {"duration_s": 14400}),
    ("１０ min", {"duration_s": 600}),  # full-width digits
    # --- intervals
    ("6x30s", {"duration_s": 180, "reps": 6, "rep_s": 30}),
    ("8 x 30 sec", {"duration_s": 240, "reps": 8, "rep_s": 30}),
    ("10 x 20s back", {"duration_s": 200, "reps": 10, "rep_s": 20}),
    ("5x1min", {"duration_s": 300, "reps": 5, "rep_s": 60}),
    ("6×30s", {"duration_s": 180, "reps": 6, "rep_s": 30}),
    ("30s x 6", {"duration_s": 180, "reps": 6, "rep_s": 30}),
    ("4 sets of 2 min", {"duration_s": 480, "reps": 4, "rep_s": 120}),
    ("6x1:00", {"duration_s": 360, "reps": 6, "rep_s": 60}),
    ("six x 30s", {"duration_s": 180, "reps": 6, "rep_s": 30}),
    ("6x30s with 60s rest", {"duration_s": 180, "reps": 6, "rep_s": 30}),
    ("did 6 x 30s, 45s walk between", {"duration_s": 180, "reps": 6, "rep_s": 30}),
    ("6 x 100m", {"distance_m": 600.0, "reps": 6}),
    # --- distances
    ("400m", {"distance_m": 400.0}),
    ("400 m", {"distance_m": 400.0}),
    ("1.2 km", {"distance_m": 1200.0}),
    ("1 mile", {"distance_m": 1609.3}),
    ("0.5 mi", {"distance_m": 804.7}),
    ("800 metres", {"distance_m": 800.0}),
    ("800 meters", {"distance_m": 800.0}),
    ("100 yards", {"distance_m": 91.4}),
    ("2 miles", {"distance_m": 3218.7}),
    ("5m", {"distance_m": 5.0}),
    ("5k", {"distance_m": 5000.0}),
    ("2,5 km", {"distance_m": 2500.0}),
    ("1,000m", {"distance_m": 1000.0}),
    ("four hundred metres", {"distance_m": 400.0}),
    ("half a mile", {"distance_m": 804.7}),
    ("400m in 2:30", {"distance_m": 400.0, "duration_s": 150}),
    ("1km 8:45", {"distance_m": 1000.0, "duration_s": 525}),
    ("2 km 15:00", {"distance_m": 2000.0, "duration_s": 900}),
    # --- the brief's messy examples
    ("did 4 min backwards today, felt great 💪", {"duration_s": 240, "feeling": GREAT}),
    ("3 MINUTES!!! amazing", {"duration_s": 180, "feeling": GREAT}),
    (
        "Retro run 5min on the track, knees fine",
        {"duration_s": 300, "surface": "track", "feeling": None, "notes": "on a track"},
    ),
    (
        "three minutes on grass, ankle pain",
        {
            "duration_s": 180,
            "surface": "grass",
            "pain": True,
            "body_parts": ("ankle",),
            "notes": "on grass",
        },
    ),
    ("400m in 2:30 hard", {"distance_m": 400.0, "duration_s": 150, "feeling": HARD}),
    ("6x30s knees ok", {"duration_s": 180, "reps": 6, "rep_s": 30, "feeling": None}),
    # last feeling word wins
    ("1km 8:45 tough but good", {"distance_m": 1000.0, "duration_s": 525, "feeling": GOOD}),
    ("5 min good but tough", {"duration_s": 300, "feeling": HARD}),
    # --- feelings
    ("5 min brilliant", {"duration_s": 300, "feeling": GREAT}),
    ("5 min, loved it", {"duration_s": 300, "feeling": GREAT}),
    ("5 min felt strong", {"duration_s": 300, "feeling": GREAT}),
    ("5 min nice", {"duration_s": 300, "feeling": GOOD}),
    ("5 min, went well", {"duration_s": 300, "feeling": GOOD}),
    ("5 min solid", {"duration_s": 300, "feeling": GOOD}),
    ("5 min alright", {"duration_s": 300, "feeling": OK}),
    ("5 min so-so", {"duration_s": 300, "feeling": OK}),
    ("5 min meh", {"duration_s": 300, "feeling": OK}),
    ("5 min exhausted", {"duration_s": 300, "feeling": HARD}),
    ("5 min, struggled", {"duration_s": 300, "feeling": HARD}),
    ("5 min brutal", {"duration_s": 300, "feeling": HARD}),
    ("5 min not great", {"duration_s": 300, "feeling": OK}),
    ("5 min not good", {"duration_s": 300, "feeling": OK}),
    ("5 min not bad", {"duration_s": 300, "feeling": GOOD}),
    ("5 min wasn't too bad", {"duration_s": 300, "feeling": GOOD}),
    ("5 min not too hard", {"duration_s": 300, "feeling": OK}),
    ("5 min not hard", {"duration_s": 300, "feeling": OK}),
    ("5 min didn't feel good", {"duration_s": 300, "feeling": HARD}),
    ("5 min, did not feel great", {"duration_s": 300, "feeling": HARD}),
    ("5 min not easy", {"duration_s": 300, "feeling": HARD}),
    ("did 5 mins, it was ok, not great", {"duration_s": 300, "feeling": OK}),
    ("5 min 😅", {"duration_s": 300, "feeling": HARD}),
    ("5 min 🔥", {"duration_s": 300, "feeling": GREAT}),
    ("5 min felt good 😓", {"duration_s": 300, "feeling": GOOD}),  # words beat emoji
    ("did 5 min as well", {"duration_s": 300, "feeling": None}),
    ("good morning! 5 min today", {"duration_s": 300, "feeling": None}),
    # --- pain and body parts
    ("5 min knee pain", {"duration_s": 300, "pain": True, "body_parts": ("knee",)}),
    ("5 min my ankle hurts", {"duration_s": 300, "pain": True, "body_parts": ("ankle",)}),
    (
        "5 min sharp pain in hip",
        {
            "duration_s": 300,
            "pain": True,
            "body_parts": ("hip",),
            "red_flags": ("sharp pain",),
        },
    ),
    ("5 min achilles twinge", {"duration_s": 300, "pain": True, "body_parts": ("achilles",)}),
    ("5 min pain in my left knee", {"duration_s": 300, "pain": True, "body_parts": ("knee",)}),
    ("5 min hurt my back", {"duration_s": 300, "pain": True, "body_parts": ("back",)}),
    ("5 min ouch calf", {"duration_s": 300, "pain": True, "body_parts": ("calf",)}),
    ("5 min shin splints", {"duration_s": 300, "pain": True, "body_parts": ("shin",)}),
    ("5 min lower back pain", {"duration_s": 300, "pain": True, "body_parts": ("back",)}),
    ("5 min, plantar pain", {"duration_s": 300, "pain": True, "body_parts": ("foot",)}),
    ("5 min, heel hurts", {"duration_s": 300, "pain": True, "body_parts": ("foot",)}),
    ("5 min, both knees ache", {"duration_s": 300, "pain": True, "body_parts": ("knee",)}),
    ("5 min, hamstrings hurt", {"duration_s": 300, "pain": True, "body_parts": ("hamstring",)}),
    ("5 min, shins hurt", {"duration_s": 300, "pain": True, "body_parts": ("shin",)}),
    ("5 min, sole of my foot hurts", {"duration_s": 300, "pain": True, "body_parts": ("foot",)}),
    ("5 min, neck pain", {"duration_s": 300, "pain": True, "body_parts": ("neck",)}),
    ("5 min, pain afterwards", {"duration_s": 300, "pain": True, "body_parts": ()}),
    (
        "5 min, knee and hip pain",
        {"duration_s": 300, "pain": True, "body_parts": ("hip", "knee")},
    ),
    ("5 min, knee pain 3/10", {"duration_s": 300, "pain": True, "body_parts": ("knee",)}),
    ("5 min knees ok", {"duration_s": 300, "pain": False, "feeling": None}),
    ("5 min no pain", {"duration_s": 300}),
    ("5 min pain free", {"duration_s": 300}),
    ("5 min pain-free", {"duration_s": 300}),
    ("did 5 min, no knee pain", {"duration_s": 300}),
    ("5 min, knee pain 0/10", {"duration_s": 300}),
    ("5 min, didn't hurt at all", {"duration_s": 300}),
    (
        "5 min knee pain but felt great",
        {"duration_s": 300, "pain": True, "body_parts": ("knee",), "feeling": GREAT},
    ),
    (
        "5 min knees fine but ankle hurts",
        {"duration_s": 300, "pain": True, "body_parts": ("ankle",)},
    ),
    # --- red flags (always pain)
    (
        "5 min, knee swelling",
        {"duration_s": 300, "pain": True, "body_parts": ("knee",), "red_flags": ("swelling",)},
    ),
    (
        "5 min, swollen ankle",
        {"duration_s": 300, "pain": True, "body_parts": ("ankle",), "red_flags": ("swelling",)},
    ),
    (
        "5 min, knee gave way",
        {"duration_s": 300, "pain": True, "body_parts": ("knee",), "red_flags": ("giving way",)},
    ),
    (
        "5 min, knee buckled",
        {"duration_s": 300, "pain": True, "body_parts": ("knee",), "red_flags": ("giving way",)},
    ),
    ("5 min, tripped and fell", {"duration_s": 300, "pain": True, "red_flags": ("fall",)}),
    ("had a fall after 3 min", {"duration_s": 180, "pain": True, "red_flags": ("fall",)}),
    ("5 min, felt dizzy", {"duration_s": 300, "pain": True, "red_flags": ("dizziness",)}),
    ("5 min lightheaded", {"duration_s": 300, "pain": True, "red_flags": ("dizziness",)}),
    ("5 min, chest pain", {"duration_s": 300, "pain": True, "red_flags": ("chest pain",)}),
    (
        "5 min, chest tight",
        {"duration_s": 300, "pain": True, "red_flags": ("chest pain",), "notes": ""},
    ),
    ("5 min, couldn't breathe", {"duration_s": 300, "pain": True, "red_flags": ("breathless",)}),
    ("5 min, very breathless", {"duration_s": 300, "pain": True, "red_flags": ("breathless",)}),
    (
        "2 min then dizzy and fell",
        {"duration_s": 120, "pain": True, "red_flags": ("fall", "dizziness")},
    ),
    ("5 min, no swelling", {"duration_s": 300}),
    ("5 min, nearly fell", {"duration_s": 300}),
    ("5 min, out of breath", {"duration_s": 300}),  # ordinary effort, not a red flag
    ("5 min, fell asleep after", {"duration_s": 300}),
    # --- soreness (not pain)
    (
        "5 min sore calves",
        {"duration_s": 300, "sore_parts": ("calf",), "notes": "sore calves"},
    ),
    (
        "5 min calves are sore",
        {"duration_s": 300, "sore_parts": ("calf",), "notes": "sore calves"},
    ),
    (
        "5 min quads a bit sore",
        {"duration_s": 300, "sore_parts": ("quad",), "notes": "sore quads"},
    ),
    (
        "5 min stiff hamstrings",
        {"duration_s": 300, "sore_parts": ("hamstring",), "notes": "stiff hamstrings"},
    ),
    ("5 min DOMS", {"duration_s": 300, "sore_parts": (), "notes": "soreness"}),
    ("5 min DOMS in calves", {"duration_s": 300, "sore_parts": ("calf",)}),
    (
        "5 min, quadriceps sore",
        {"duration_s": 300, "sore_parts": ("quad",), "notes": "sore quads"},
    ),
    ("5 min, not sore at all", {"duration_s": 300, "sore_parts": (), "notes": ""}),
    (
        "3 min, my left knee hurts a bit and sore calves",
        {
            "duration_s": 180,
            "pain": True,
            "body_parts": ("knee",),
            "sore_parts": ("calf",),
            "notes": "sore calves",
        },
    ),
    # --- surfaces and notes
    (
        "5 min on grass, sore calves and quads",
        {
            "duration_s": 300,
            "surface": "grass",
            "sore_parts": ("calf", "quad"),
            "notes": "on grass; sore calves and quads",
        },
    ),
    ("10 min on the treadmill", {"duration_s": 600, "surface": "treadmill"}),
    ("5 min on the road", {"duration_s": 300, "surface": "road", "notes": "on road"}),
    ("5 min on the sand at the beach", {"duration_s": 300, "surface": "sand"}),
    ("5 min at the beach", {"duration_s": 300, "surface": "beach"}),
    ("5 min trail", {"duration_s": 300, "surface": "trail"}),
    ("5 min up a hill", {"duration_s": 300, "surface": "hill", "notes": "on a hill"}),
    ("5 min treadmill incline", {"duration_s": 300, "surface": "treadmill"}),
    ("10 min in the park on grass", {"duration_s": 600, "surface": "grass"}),
    ("5 min in the park", {"duration_s": 300, "surface": "park", "notes": "in a park"}),
    ("10 min in the gym, legs tired", {"duration_s": 600, "surface": "gym", "feeling": HARD}),
    ("5 min on the football field", {"duration_s": 300, "surface": "field"}),
    ("back on track, 5 min", {"duration_s": 300, "surface": None, "notes": ""}),
    # --- sums, totals and things that are not backward time
    ("2 min on grass and 3 min on track", {"duration_s": 300, "surface": "grass"}),
    ("3min+2min", {"duration_s": 300}),
    ("6x30s, 4 min total", {"duration_s": 240, "reps": 6, "rep_s": 30}),
    ("5 min warm up, then 3 min backwards", {"duration_s": 180}),
    ("forward 10 min, backward 3 min", {"duration_s": 180}),
    ("ran 2 mins backward then 2 mins forward", {"duration_s": 120}),
    ("5 min with 1 min break", {"duration_s": 300}),
    ("at 7:30 did 5 min", {"duration_s": 300}),
    ("6:45 am, 4 min", {"duration_s": 240}),
    ("pace 5:30, 2 km", {"distance_m": 2000.0}),
    ("5:30/km for 2 km", {"distance_m": 2000.0}),
    ("treadmill 5 km/h for 10 min", {"duration_s": 600, "surface": "treadmill"}),
    ("3-4 min", {"duration_s": 240}),  # a range counts the number next to the unit
    # --- other scripts, emoji, noise
    ("сегодня 5 min назад, отлично", {"duration_s": 300}),
    ("今天 3:00 倒着跑 😀", {"duration_s": 180, "feeling": GREAT}),
    ("今天5min，感觉great", {"duration_s": 300, "feeling": GREAT}),
    ("бег спиной 400m за 2:10 💪", {"distance_m": 400.0, "duration_s": 130, "feeling": GREAT}),
    ("6х30s", {"duration_s": 180, "reps": 6, "rep_s": 30}),  # Cyrillic "х"
    (
        "REVERSE RUNNING!!! 10 MIN 🔥🔥 knees FINE",
        {"duration_s": 600, "feeling": GREAT},
    ),
    ("~~ did 2min30 backwards :) ~~", {"duration_s": 150}),
    ("300 m backwards, 1:45, hard work 🔥", {"distance_m": 300.0, "duration_s": 105}),
]

ERRORS: list[tuple[str, str]] = [
    ("", "empty"),
    ("   ", "empty"),
    ("\n\t ", "empty"),
    ("felt good", "no_amount"),
    ("hello 🙂", "no_amount"),
    ("what is this bot", "no_amount"),
    ("999 hours", "absurd"),
    ("241 min", "absurd"),
    ("4:00:01", "absurd"),
    ("100 km", "absurd"),
    ("60 miles", "absurd"),
    ("1000x30s", "absurd"),
    ("0 min", "not_positive"),
    ("-3 min", "not_positive"),
    ("0:00", "not_positive"),
    ("0 m", "not_positive"),
    ("0x30s", "not_positive"),
    ("a" * (MAX_TEXT + 1), "too_long"),
]


def _check(draft: LogDraft | ParseError, expected: dict[str, Any]) -> None:
    assert isinstance(draft, LogDraft), draft
    for name, want in {**STRICT_DEFAULTS, **expected}.items():
        got = notes_text(draft.notes) if name == "notes" else getattr(draft, name)
        assert got == want, f"{name}: {got!r} != {want!r}"


@pytest.mark.parametrize(("text", "expected"), CORPUS, ids=[t for t, _ in CORPUS])
def test_corpus(text: str, expected: dict[str, Any]) -> None:
    _check(parse_log(text), expected)


@pytest.mark.parametrize(("text", "code"), ERRORS, ids=[t[:30] or "<empty>" for t, _ in ERRORS])
def test_errors(text: str, code: str) -> None:
    result = parse_log(text)
    assert isinstance(result, ParseError), result
    assert result.code == code


def test_corpus_is_big_enough() -> None:
    assert len(CORPUS) >= 90


def test_text_is_kept_raw_and_stripped() -> None:
    draft = parse_log("  Did 3 MIN 💪  \n")
    assert isinstance(draft, LogDraft)
    assert draft.text == "Did 3 MIN 💪"


def test_exactly_max_text_is_allowed() -> None:
    text = "5 min " + "x" * (MAX_TEXT - 6)
    assert len(text) == MAX_TEXT
    assert isinstance(parse_log(text), LogDraft)


def test_error_detail_names_the_fragment() -> None:
    assert parse_log("did 999 hours lol") == ParseError("absurd", "999 hours")
    assert parse_log("-3 min") == ParseError("not_positive", "-3 min")
    assert parse_log("0 min today") == ParseError("not_positive", "0 min")


@pytest.mark.parametrize(
    "text",
    [
        "did 4 min backwards today, felt great",
        "3 min",
        "6x30s knees ok",
        "400m in 2:30 hard",
        "Retro run 5min on the track",
        "999 hours",  # an amount, even if absurd: the reply explains the limit
    ],
)
def test_looks_like_log(text: str) -> None:
    assert looks_like_log(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "hello",
        "what is this bot",
        "how do I start?",
        "is 5 min enough",
        "should I do 3 min or 5 min",
        "5 mins?",
        "can I run 10 min today",
        "thanks 🙂",
        "x" * (MAX_TEXT + 1) + " 5 min",
    ],
)
def test_not_a_log(text: str) -> None:
    assert not looks_like_log(text)


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("3 min, landed on my heels and my neck hurt", ("neck",)),
        ("4 min running on my toes, knee pain", ("knee",)),
        ("5 min heel pain", ("foot",)),
    ],
)
def test_where_the_foot_landed_is_not_where_it_hurts(text: str, parts: tuple[str, ...]) -> None:
    draft = parse_log(text)
    assert isinstance(draft, LogDraft)
    assert draft.pain and draft.body_parts == parts
