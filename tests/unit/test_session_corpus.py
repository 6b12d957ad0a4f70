"""How the five kinds of users text a coach, and what the parser must read from each message.

Every row is checked on every field: backward and forward totals, reps, mode, the day, feeling,
pain and its body parts, soreness, red flags and the questions the coach must ask. A field a
row does not name must have its "nothing found" value, so a stray reading fails loudly.
Today is Tuesday 1 December 2026 for every row (weekdays resolve against it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pytest

from bot.coach.parsing import parse_log
from bot.coach.types import Feeling, LogDraft

TODAY = date(2026, 12, 1)  # a Tuesday
GREAT, GOOD, OK, HARD = Feeling.GREAT, Feeling.GOOD, Feeling.OK, Feeling.HARD


@dataclass(frozen=True)
class C:
    text: str
    back_s: int | None = None
    back_m: float | None = None
    fwd_s: int | None = None
    fwd_m: float | None = None
    reps: int | None = None
    mode: str | None = "run"
    day: int = 0
    feeling: Feeling | None = None
    pain: tuple[str, ...] | bool = False  # True: pain without a body part; a tuple: where
    sore: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    ask: tuple[str, ...] = ()
    who: str = field(default="", compare=False)


def beginner(text: str, **kw: object) -> C:
    return C(text, who="beginner", **kw)  # type: ignore[arg-type]


def runner(text: str, **kw: object) -> C:
    return C(text, who="runner", **kw)  # type: ignore[arg-type]


def team(text: str, **kw: object) -> C:
    return C(text, who="team", **kw)  # type: ignore[arg-type]


def rehab(text: str, **kw: object) -> C:
    return C(text, who="rehab", **kw)  # type: ignore[arg-type]


def general(text: str, **kw: object) -> C:
    return C(text, who="general", **kw)  # type: ignore[arg-type]


B, R, T, H, G = beginner, runner, team, rehab, general

CORPUS: list[C] = [
    # ------------------------------------------------------------------ beginner
    B("did my first ever backwards walk!! 2 mins, a bit scary", back_s=120, mode="walk"),
    B("1 min backward, so wobbly lol", back_s=60),
    B("managed 90 seconds walking backwards in the hallway", back_s=90, mode="walk"),
    B("tried it for a minute and a half, felt weird but ok", back_s=90, feeling=OK),
    B("2 min backwards walk, nearly tripped but fine", back_s=120, mode="walk", feeling=OK),
    B("just did my very first go!! maybe a minute?", back_s=60),
    B("yesterday i walked backwards for 3 minutes in the park", back_s=180, mode="walk", day=1),
    B("3 minites backwards, scared of falling", back_s=180),
    B("did 2 minuts, no pain whatsoever", back_s=120),
    B("four mins backwords on grass, felt good", back_s=240, feeling=GOOD),
    B("walked backwards 5 min round the garden 🙂", back_s=300, mode="walk", feeling=GOOD),
    B("1:30 backwards, looked over my shoulder like you said", back_s=90),
    B("did a couple of minutes backwards this morning", back_s=120),
    B("roughly a minute, then i got nervous", back_s=60),
    B("about five and a half min backwards", back_s=330),
    B("two an a half minutes walking backward", back_s=150, mode="walk"),
    B("last night 3 min", back_s=180, day=1),
    B("yesterday: 4 min", back_s=240, day=1),
    B("on sunday did 5 min", back_s=300, day=2),
    B("3 days ago i did 2 minutes", back_s=120, day=3),
    B("this morning 90s backwards, felt amazing", back_s=90, feeling=GREAT),
    B("2 min backward walk with my sister holding my hand haha", back_s=120, mode="walk"),
    B("did it! 1 min 45 backwards", back_s=105),
    B("2 mins, fell for it completely, love this", back_s=120, feeling=GREAT),
    B("fell asleep after 3 min of backwards walking lol", back_s=180, mode="walk"),
    B("3 min backwards and i didn't fall once!", back_s=180),
    B("i fell after about a minute, grazed my hand", back_s=60, pain=True, flags=("fall",)),
    B("tripped on the kerb after 2 min, knee hurts", back_s=120, pain=("knee",), flags=("fall",)),
    B("1 minute of retro walking, zero soreness", back_s=60, mode="walk"),
    B("walked backward for 4 min. calves a bit sore", back_s=240, mode="walk", sore=("calf",)),
    B("90 secs backwards, bit dizzy after", back_s=90, pain=True, flags=("dizziness",)),
    B("did 3 min on the grass, easy", back_s=180, feeling=GOOD),
    B("2min backwards at the park 😅", back_s=120, feeling=HARD),
    B("back walking 3 mins", back_s=180, mode="walk"),
    B("half a minute backwards, that's all i could do", back_s=30),
    B("did ONE minute backwards!!!", back_s=60),
    B("60 seconds retro walk 👍", back_s=60, mode="walk", feeling=GOOD),
    B(
        "first go at reverse walking, 2 minutes, my neck got stiff from looking back",
        back_s=120,
        mode="walk",
        sore=("neck",),
    ),
    B(
        "5 minutes of backward walking on the track, felt great",
        back_s=300,
        mode="walk",
        feeling=GREAT,
    ),
    B("yday 2 mins backwards", back_s=120, day=1),
    B("today 3 min backwards", back_s=180),
    B("did 2 min yesterday morning, forgot to log", back_s=120, day=1),
    B("on saturday i did 4 minutes", back_s=240, day=3),
    B("friday 3 min backwards", back_s=180, day=4),
    B("2 minuites walking backwards", back_s=120, mode="walk"),
    B("3 minits", back_s=180),
    B("4 mins backwords", back_s=240),
    B("five minuts", back_s=300),
    B("a minute and a half backwards, wobbly but ok", back_s=90, feeling=OK),
    B("1 and a half minutes", back_s=90),
    B("did 2 min backwards, hips felt tight", back_s=120, sore=("hip",)),
    B("2 min retro, no falls no pain", back_s=120),
    B("three minutes backwards walk, tough", back_s=180, mode="walk", feeling=HARD),
    B("did 1 minute, knee pain has gone", back_s=60),
    B("did 6 min!! longest yet 🎉", back_s=360),
    B("2 min backwards in the living room 🤩", back_s=120, feeling=GREAT),
    B("backwards walk 15 min", back_s=900, mode="walk"),
    B("about 2 minutes", back_s=120),
    B("i did like 3 min", back_s=180),
    B("2.5 min backwards, was fine", back_s=150, feeling=OK),
    # ------------------------------------------------------------------ runner
    R("easy 6k forward, then 4 min backwards to finish", back_s=240, fwd_m=6000),
    R("45 min run incl. 5x1min backwards", back_s=300, fwd_s=2400, reps=5),
    R("warm-up jog then 3 min backward", back_s=180),
    R("90s back / 90s forward x5", back_s=450, fwd_s=450, reps=5),
    R("4 x (2 min back, 1 min fwd)", back_s=480, fwd_s=240, reps=4),
    R("6 rounds: 1 min backward, 1 min forward", back_s=360, fwd_s=360, reps=6),
    R("backward 30s, forward 30s, 12 times", back_s=360, fwd_s=360, reps=12),
    R("1 min back / 2 min forward x6", back_s=360, fwd_s=720, reps=6),
    R("10k easy then 5 min reverse", back_s=300, fwd_m=10000),
    R("ran 8k, cool-down 5 min backwards", back_s=300, fwd_m=8000),
    R("intervals: 6 x (1 min back, 2 min fwd)", back_s=360, fwd_s=720, reps=6),
    R("tempo 20 min then 2x2min backwards", back_s=240, fwd_s=1200, reps=2),
    R("jogged 10k this morning", fwd_m=10000, mode=None, ask=("forward_only",)),
    R("ran 5k in 28 min", fwd_s=1680, fwd_m=5000, mode=None, ask=("forward_only",)),
    R("parkrun 5k 26:30", fwd_s=1590, fwd_m=5000, mode=None, ask=("forward_only",)),
    R("long run 18k, legs tired", fwd_m=18000, mode=None, feeling=HARD, ask=("forward_only",)),
    R("5 min warm up", fwd_s=300, mode=None, ask=("forward_only",)),
    R("8k forward + 3 min backward", back_s=180, fwd_m=8000),
    R("3 min backwards after my 10k", back_s=180, fwd_m=10000),
    R("warm up 10 min, 4 min backwards, cool down 10 min", back_s=240, fwd_s=1200),
    R("did 4 min backward jogging in my warm-up", back_s=240),
    R("1 back 2 forward x 8, minutes", back_s=None, mode=None, ask=()),
    R("8 x 1 min backwards with 2 min jog between", back_s=480, reps=8),
    R("6x30s backwards, 60s rest", back_s=180, reps=6),
    R("5x200m backwards on the track", back_m=1000, reps=5),
    R("backwards 400m in 2:30", back_s=150, back_m=400),
    R("400m in 2:30 hard", back_s=150, back_m=400, feeling=HARD),
    R("retro 2x400m, 90s walk recovery", back_m=800, reps=2),
    R("12k easy incl 4 min backward at the end", back_s=240, fwd_m=12000),
    R("easy run 40 min, with 3x1 min backwards", back_s=180, fwd_s=2220, reps=3),
    R("30 min jog then 5 min backwards, felt strong", back_s=300, fwd_s=1800, feeling=GREAT),
    R("2 min back, 2 min fwd, 2 min back", back_s=240, fwd_s=120),
    R("backward 1 min forward 1 min x10", back_s=600, fwd_s=600, reps=10),
    R("did 3 min backwards as a cool down after intervals", back_s=180),
    R("reverse running 6 min total in 3 bits", back_s=360),
    R("3 laps of the track backwards", back_m=1200, reps=3),
    R("two laps backwards", back_m=800, reps=2),
    R("a lap backwards then 5k forward", back_m=400, fwd_m=5000),
    R("4 laps of 200m backwards", back_m=800, reps=4),
    R("15 min warm-up, then 6 x 30s backward, cool-down", back_s=180, fwd_s=900, reps=6),
    R(
        "8k tempo, achilles a bit tight after",
        fwd_m=8000,
        mode=None,
        sore=("achilles",),
        ask=("forward_only",),
    ),
    R("5 min backwards, shins ok", back_s=300),
    R(
        "did my 1-back/2-forward set: 5 rounds: 1 min back, 2 min forward",
        back_s=300,
        fwd_s=600,
        reps=5,
    ),
    R("yesterday 6k + 4 min backwards", back_s=240, fwd_m=6000, day=1),
    R("sunday long run 20k then 5 min backwards", back_s=300, fwd_m=20000, day=2),
    R("monday: 10 min backward drills", back_s=600, day=1),
    R("backwards 10 x 20s strides", back_s=200, reps=10, mode="sprint"),
    R("6 x 30 sec backwards, knees fine", back_s=180, reps=6),
    R("3 x 3 min backwards, 1 min jog between", back_s=540, reps=3),
    R("backwards 3 min, forwards 7 min, twice", back_s=360, fwd_s=840, reps=2),
    R("2k backwards, slow", back_m=2000),
    R("1 mile backwards lol", back_m=1609.3),
    R("retro 1.5km on the track", back_m=1500),
    R("did 2k today", back_m=2000, ask=("direction",)),
    R("5k this morning", back_m=5000, ask=("direction",)),
    R(
        "3 min backward after a 10k race, hamstrings sore",
        back_s=180,
        fwd_m=10000,
        sore=("hamstring",),
    ),
    R("last night 5k forward then 3 min backwards", back_s=180, fwd_m=5000, day=1),
    R("4 min backwords after my run", back_s=240),
    R("did 45 min run inc 6 min backward", back_s=360, fwd_s=2340),
    R("ran 6k with 4x1min backwards", back_s=240, fwd_m=6000, reps=4),
    R("20 min easy, 5 min retro", back_s=300, fwd_s=1200),
    R("backward 2 min then forward 8 min", back_s=120, fwd_s=480),
    R("1 min back, 1 min forward for 10 rounds", back_s=600, fwd_s=600, reps=10),
    R("4 rounds of 30s backward 30s forward", back_s=120, fwd_s=30, reps=4),
    R("3x (90s backward + 90s forward)", back_s=270, fwd_s=270, reps=3),
    R("(1 min back, 1 min fwd) x 4", back_s=240, fwd_s=240, reps=4),
    R("90 s back / 90 s fwd x 5, felt good", back_s=450, fwd_s=450, reps=5, feeling=GOOD),
    R("calf niggle after 4 min backwards", back_s=240, pain=("calf",)),
    R(
        "sharp pain in the hip after 3 min of backwards, stopped",
        back_s=180,
        pain=("hip",),
        flags=("sharp pain",),
    ),
    R("backward 5 min, felt faster than last time", back_s=300),
    R("6:00 backwards on the track", back_s=360),
    R("3' backward after 8k", back_s=180, fwd_m=8000),
    R("10k at 5:30/km then 3 min backwards", back_s=180, fwd_m=10000),
    R("jog 2 min, backward 1 min x 5", back_s=300, fwd_s=120, reps=5),
    # ------------------------------------------------------------------ team sport
    T("ten 20 m backpedals", back_m=200, reps=10, mode="sprint"),
    T("8 backward sprints of 15 m", back_m=120, reps=8, mode="sprint"),
    T("5x25m back", back_m=125, reps=5),
    T("12 reps, 10 metres each", back_m=120, reps=12),
    T("backpedal 6 x 20m, then 4 x 30m backward sprint", back_m=240, reps=10, mode="sprint"),
    T("10x10m backpedal", back_m=100, reps=10, mode="sprint"),
    T(
        "6 x 20m backwards sprints, hamstring tight",
        back_m=120,
        reps=6,
        mode="sprint",
        sore=("hamstring",),
    ),
    T("backpedals 8x15m then 8x15m forward sprints", back_m=120, fwd_m=120, reps=8, mode="sprint"),
    T("did 5 sets of 20m backpedal", back_m=100, reps=5, mode="sprint"),
    T("3 x 30m backward runs, felt quick", back_m=90, reps=3),
    T("backward shuttles 6x10m", back_m=60, reps=6, mode="sprint"),
    T("10 backpedals of 20m at training", back_m=200, reps=10, mode="sprint"),
    T("4 x 40m backwards, 30s rest", back_m=160, reps=4),
    T("backpedal 20 m x 10", back_m=200, reps=10, mode="sprint"),
    T("20m backpedal 10 times", back_m=200, reps=10, mode="sprint"),
    T("15 yard backpedals x 8", back_m=109.7, reps=8, mode="sprint"),
    T("backward sprints: 6 x 25 m", back_m=150, reps=6, mode="sprint"),
    T("12 x 10m backward, legs burning", back_m=120, reps=12),
    T("did my backpedal drills 8x20m yesterday", back_m=160, reps=8, mode="sprint", day=1),
    T("on saturday 10x15m backpedals before the match", back_m=150, reps=10, mode="sprint", day=3),
    T(
        "backpedal 5x20m, ankle rolled on the last one",
        back_m=100,
        reps=5,
        mode="sprint",
        pain=("ankle",),
    ),
    T("6 x 20 m backward sprint, quads sore", back_m=120, reps=6, mode="sprint", sore=("quad",)),
    T("backwards sprints 10 x 20m, nailed it", back_m=200, reps=10, mode="sprint", feeling=GREAT),
    T("8x30m backpedal 💪", back_m=240, reps=8, mode="sprint", feeling=GREAT),
    T("3x10m backpedal", back_m=30, reps=3, mode="sprint"),
    T("backpedal 10m x 6 then 2 min jog", back_m=60, fwd_s=120, reps=6, mode="sprint"),
    T("10 x 20m backpedal with walk back recovery", back_m=200, reps=10, mode="sprint"),
    T("backwards running 5 x 50 m on the pitch", back_m=250, reps=5),
    T("4 sets of 25m backwards", back_m=100, reps=4),
    T("did 6 reps of 20m backwards", back_m=120, reps=6),
    T("backpedals: 8 reps, 15 metres each", back_m=120, reps=8, mode="sprint"),
    T("10 reps x 20m backward", back_m=200, reps=10),
    T("backward 40m x 5, hip flexor tight", back_m=200, reps=5, sore=("hip",)),
    T(
        "5x20m back pedal, knee buckled on rep 4",
        back_m=100,
        reps=5,
        mode="sprint",
        pain=("knee",),
        flags=("giving way",),
    ),
    T("warm up jog 5 min, 10x20m backpedal", back_m=200, fwd_s=300, reps=10, mode="sprint"),
    T("backpedal 3x30m and 3x20m", back_m=150, reps=6, mode="sprint"),
    T("backwards 6 x 20m, no pain at all", back_m=120, reps=6),
    T(
        "backward sprints 8 x 15m, achilles sore",
        back_m=120,
        reps=8,
        mode="sprint",
        sore=("achilles",),
    ),
    T(
        "yesterday 10x10m backpedal, calves tight",
        back_m=100,
        reps=10,
        mode="sprint",
        day=1,
        sore=("calf",),
    ),
    T("8 backpedals of 20 metres, felt sharp", back_m=160, reps=8, mode="sprint"),
    T("2 laps backpedal around the pitch", back_m=800, reps=2, mode="sprint"),
    T("backwards 4 x 60m, tough", back_m=240, reps=4, feeling=HARD),
    T("6x15m backpedal + 6x15m forward", back_m=90, fwd_m=90, reps=6, mode="sprint"),
    T(
        "10 x 20m backward sprint, fell on the 9th",
        back_m=200,
        reps=10,
        mode="sprint",
        pain=True,
        flags=("fall",),
    ),
    T("backpedal 20m, 8 times", back_m=160, reps=8, mode="sprint"),
    T("did 5x30m backwards and my hamstring is fine", back_m=150, reps=5),
    T("backwards 20m x 12 😅", back_m=240, reps=12, feeling=HARD),
    T("6 × 20 m backpedals", back_m=120, reps=6, mode="sprint"),
    T(
        "backpedal 8x20m at practice, hammy a bit tight",
        back_m=160,
        reps=8,
        mode="sprint",
        sore=("hamstring",),
    ),
    T("twelve 10 m backward sprints", back_m=120, reps=12, mode="sprint"),
    T("five 30m backpedals", back_m=150, reps=5, mode="sprint"),
    T("eight 25 metre backpedals, felt great", back_m=200, reps=8, mode="sprint", feeling=GREAT),
    T("did 6 backpedals of 20m", back_m=120, reps=6, mode="sprint"),
    T("4 x 20 m backwards, 4 x 20 m forwards", back_m=80, fwd_m=80, reps=4),
    T("backward run 100m x 4", back_m=400, reps=4),
    T("backpedal 10m, 20m, 30m", back_m=60, mode="sprint"),
    T("3 days ago 8x20m backpedals", back_m=160, reps=8, mode="sprint", day=3),
    T("10 x 20m backpedal, good session", back_m=200, reps=10, mode="sprint", feeling=GOOD),
    T("backwards 5 x 20m on grass", back_m=100, reps=5),
    T("backpedal 30 m x 6, sprinted back forward", back_m=180, reps=6, mode="sprint"),
    T("did 8 x 25m backpedal, felt strong", back_m=200, reps=8, mode="sprint", feeling=GREAT),
    # ------------------------------------------------------------------ rehab
    H("retro walking on the treadmill at 2 mph for 12 min", back_s=720, mode="walk"),
    H("backward treadmill walking 10 min at 1.5 mph, physio ok'd it", back_s=600, mode="walk"),
    H("8 min backwards walk, knee pain has gone", back_s=480, mode="walk"),
    H("6 min retro walk, my knee started to hurt halfway", back_s=360, mode="walk", pain=("knee",)),
    H(
        "5 min backward walking, ankle is swollen",
        back_s=300,
        mode="walk",
        pain=("ankle",),
        flags=("swelling",),
    ),
    H("10 min backwards on the treadmill, no knee pain", back_s=600),
    H("backward walking 12 min incline 5%, knee felt good", back_s=720, mode="walk"),
    H("treadmill backwards 8 mins at 2.0mph, slight ache in left knee", back_s=480, pain=("knee",)),
    H("retro walk 15 min, pain 0/10", back_s=900, mode="walk"),
    H("backward walk 10 min, knee pain 3/10", back_s=600, mode="walk", pain=("knee",)),
    H("did my physio's backwards walking, 6 min", back_s=360, mode="walk"),
    H("backwards walking 4 min, hip twinge", back_s=240, mode="walk", pain=("hip",)),
    H("7 min backwards walk on treadmill, achilles fine", back_s=420, mode="walk"),
    H("10 min retro treadmill walk, calf tight after", back_s=600, mode="walk", sore=("calf",)),
    H(
        "5 min backward walk, sharp pain in the hip",
        back_s=300,
        mode="walk",
        pain=("hip",),
        flags=("sharp pain",),
    ),
    H(
        "backward walk 8 min, knee gave way once",
        back_s=480,
        mode="walk",
        pain=("knee",),
        flags=("giving way",),
    ),
    H("yesterday 10 min backward walking, no pain whatsoever", back_s=600, mode="walk", day=1),
    H("on monday 12 min retro walk, knee ok", back_s=720, mode="walk", day=1),
    H("6 minutes reverse walking, a bit stiff", back_s=360, mode="walk"),
    H("backwards walk 9 min, zero pain 🙌", back_s=540, mode="walk", feeling=GREAT),
    H("treadmill retro 10 min 1.8 mph, felt easy", back_s=600, feeling=GOOD),
    H("backwards walking for 5 mins, my lower back ached", back_s=300, mode="walk", pain=("back",)),
    H("retro walk 10 min, shin pain", back_s=600, mode="walk", pain=("shin",)),
    H("walked backwards 6 min, knee is a bit sore", back_s=360, mode="walk", sore=("knee",)),
    H("backward walking 15 minutes on the treadmill", back_s=900, mode="walk"),
    H("10 min backwards walking, nearly tripped but fine", back_s=600, mode="walk", feeling=OK),
    H("12 mins reverse treadmill walk, knee didn't hurt", back_s=720, mode="walk"),
    H("backwards walk 5 min then 10 min forward walk", back_s=300, fwd_s=600, mode="walk"),
    H(
        "8 min retro walking, ankle swelling is down",
        back_s=480,
        mode="walk",
        pain=("ankle",),
        flags=("swelling",),
    ),
    H("retro walking 10 min, foot pain afterwards", back_s=600, mode="walk", pain=("foot",)),
    H("backwards walk 7 mins, felt ok", back_s=420, mode="walk", feeling=OK),
    H("3 days ago 8 min backward walk", back_s=480, mode="walk", day=3),
    H("did 2 x 5 min backward walking", back_s=600, reps=2, mode="walk"),
    H("backward walk 4 x 2 min, 1 min rest", back_s=480, reps=4, mode="walk"),
    H("10 mins backwords on the treadmil", back_s=600),
    H("backward walking 10 minits, knee great", back_s=600, mode="walk"),
    H("retro walk 12 min, hamstring twinge", back_s=720, mode="walk", pain=("hamstring",)),
    H(
        "6 min backwards walk, knee swollen after",
        back_s=360,
        mode="walk",
        pain=("knee",),
        flags=("swelling",),
    ),
    H("backwards treadmill 10 min, felt dizzy", back_s=600, pain=True, flags=("dizziness",)),
    H("last night 8 minutes retro walking", back_s=480, mode="walk", day=1),
    H("backward walk 10 min, no swelling", back_s=600, mode="walk"),
    H("retro treadmill 15 min, pain free", back_s=900),
    H("walking backwards uphill on the treadmill 6 min", back_s=360, mode="walk"),
    H("10 min backwards walk. physio happy", back_s=600, mode="walk"),
    H("backwards walk 5 min, knees fine, calves sore", back_s=300, mode="walk", sore=("calf",)),
    H("backward walking 8 min, ankle pain 2/10", back_s=480, mode="walk", pain=("ankle",)),
    H("retro walk twenty minutes", back_s=1200, mode="walk"),
    H("backwards walk 1/2 hour", back_s=1800, mode="walk"),
    H("backwards walking half an hour, knee ok", back_s=1800, mode="walk"),
    H("12 min backwards walking on sunday", back_s=720, mode="walk", day=2),
    # ------------------------------------------------------------------ general fitness
    G("swapped my cardio for 15 min backwards today", back_s=900),
    G("20 minutes retro on the treadmill, sweaty but good", back_s=1200, feeling=GOOD),
    G("18 min reverse walk + jog, legs a bit sore", back_s=1080, mode="walk"),
    G("did 15 min backwards instead of the bike", back_s=900),
    G("backwards 20 min in the gym, knackered", back_s=1200, feeling=HARD),
    G("17 mins backward walking & jogging", back_s=1020, mode="walk"),
    G("15 min retro jog, loved it", back_s=900, feeling=GREAT),
    G("20 min backwards on the treadmill at 3.5 km/h", back_s=1200),
    G("16 minutes reverse running intervals, brutal", back_s=960, feeling=HARD),
    G("backwards 15 min walking, then 5 min backwards jogging", back_s=1200, mode="mixed"),
    G("did my weekly backward session: 20 min", back_s=1200),
    G("15 min backward walk, 5 min backward jog", back_s=1200, mode="mixed"),
    G("backwards cardio 18 min 🔥", back_s=1080, feeling=GREAT),
    G("20 mins backwards, quads on fire", back_s=1200),
    G("yesterday 15 min backwards in the park", back_s=900, day=1),
    G("last sunday 20 min backwards", back_s=1200, day=2),
    G("on thursday i did 16 min backwards", back_s=960, day=5),
    G("wednesday 15 min retro", back_s=900, day=6),
    G("last tuesday 20 min backwards", back_s=1200, day=7),
    G("2 days ago 18 min reverse", back_s=1080, day=2),
    G("the day before yesterday 15 min backwards", back_s=900, day=2),
    G("a week ago 20 min backwards", back_s=1200, day=7),
    G("20 min backwards tomorrow", back_s=1200, ask=("day",)),
    G("3 weeks ago 15 min backwards", back_s=900, ask=("day",)),
    G("20 days ago 15 min", back_s=900, ask=("day",)),
    G("next monday 15 min backwards", back_s=900, ask=("day",)),
    G("15 min backwards, 30 min bike", back_s=900),
    G("backward 15 min then 20 min forward jog", back_s=900, fwd_s=1200),
    G("15 min backwards on the elliptical lol", back_s=900),
    G("did 20 min retro, no soreness", back_s=1200),
    G("15 min reverse treadmill, tight calves", back_s=900, sore=("calf",)),
    G("20 min backwards, stiff lower back", back_s=1200, sore=("back",)),
    G(
        "15 min backward walking, chest felt tight",
        back_s=900,
        mode="walk",
        pain=True,
        flags=("chest pain",),
    ),
    G(
        "backwards 15 min, couldn't breathe at the end",
        back_s=900,
        pain=True,
        flags=("breathless",),
    ),
    G("did 1 hour backwards walking in the park", back_s=3600, mode="walk"),
    G("an hour of backwards walking", back_s=3600, mode="walk"),
    G("backwards 20 min, fun!", back_s=1200, feeling=GOOD),
    G("15 min backwards. meh", back_s=900, feeling=OK),
    G("20 min backwards walk, not great", back_s=1200, mode="walk", feeling=OK),
    G("18 min backwards, didn't feel good", back_s=1080, feeling=HARD),
    G("15min retro, good session", back_s=900, feeling=GOOD),
    G("backwards 20:00", back_s=1200),
    G("15-20 min backwards", back_s=1200),
    G("did 15 mins backwards on the beach", back_s=900),
    G("20 minutes backwards on sand, calves wrecked", back_s=1200),
    G("15 min backwards + core", back_s=900),
    G("swapped tuesday cardio for 20 min backwards", back_s=1200),
    G("a quarter of an hour backwards", back_s=900),
    G("15 minuts backwords", back_s=900),
    G("20 mintues retro walk", back_s=1200, mode="walk"),
    G("fiftteen min backwards", back_s=None, ask=()),
    G("15 min backwards, knees fine, feeling strong", back_s=900, feeling=GREAT),
    G("did 20 min reverse, my knee started to hurt near the end", back_s=1200, pain=("knee",)),
    G("20 min backwards, felt lightheaded", back_s=1200, pain=True, flags=("dizziness",)),
    G("backwards 15 min, took a tumble on the grass", back_s=900, pain=True, flags=("fall",)),
    G("walked backward 20 min, fell in love with it", back_s=1200, mode="walk"),
    G("15 minutes backward, fell behind on my podcast", back_s=900),
    G("20 min backwards, almost fell but didn't", back_s=1200),
    G("did 15 min backwards with no pain", back_s=900),
    G("20 minute backward jog around the block 👍", back_s=1200, feeling=GOOD),
    G("backwards 16 min, thighs sore", back_s=960),
    G("3 min backward walk and 2 min backward sprint", back_s=300, mode="mixed"),
    G("15 min backwards this evening", back_s=900),
    G("tonight 20 min backwards", back_s=1200),
    G("earlier today 15 mins backwards", back_s=900),
    G("15 min backwards at lunchtime", back_s=900),
    G("did 20 min backwards on friday", back_s=1200, day=4),
    G("20 min backwards on fri", back_s=1200, day=4),
    G("sat 15 min backwards", back_s=900),
]


def _pain(draft: LogDraft) -> tuple[str, ...] | bool:
    if not draft.pain:
        return False
    return draft.body_parts or True


def _reading(case: C) -> C:
    draft = parse_log(case.text, TODAY)
    assert isinstance(draft, LogDraft), draft
    return C(
        case.text,
        back_s=draft.duration_s,
        back_m=draft.distance_m,
        fwd_s=draft.forward_s,
        fwd_m=draft.forward_m,
        reps=draft.reps,
        mode=draft.mode,
        day=draft.days_ago,
        feeling=draft.feeling,
        pain=_pain(draft),
        sore=draft.sore_parts,
        flags=tuple(draft.red_flags),
        ask=draft.questions,
        who=case.who,
    )


READABLE = [c for c in CORPUS if c.back_s or c.back_m or c.fwd_s or c.fwd_m]
UNREADABLE = [c for c in CORPUS if c not in READABLE]


@pytest.mark.parametrize("case", READABLE, ids=[f"{c.who}: {c.text}" for c in READABLE])
def test_reading(case: C) -> None:
    assert _reading(case) == case


@pytest.mark.parametrize("case", UNREADABLE, ids=[c.text for c in UNREADABLE])
def test_no_amount_is_an_error_not_a_guess(case: C) -> None:
    result = parse_log(case.text, TODAY)
    assert not isinstance(result, LogDraft), result


def test_the_corpus_is_big_and_has_every_voice() -> None:
    assert len(CORPUS) >= 300
    assert len({c.text for c in CORPUS}) == len(CORPUS)
    counts = {
        who: sum(c.who == who for c in CORPUS)
        for who in ("beginner", "runner", "team", "rehab", "general")
    }
    assert min(counts.values()) >= 45, counts


def test_backward_totals_are_the_sum_of_backward_parts() -> None:
    from bot.coach.sessions import totals

    for case in READABLE:
        draft = parse_log(case.text, TODAY)
        assert isinstance(draft, LogDraft)
        sums = totals(draft.blocks)
        if "total" not in case.text:
            assert (round(sums.backward_s) or None) == draft.duration_s, case.text
        assert (round(sums.forward_s) or None) == draft.forward_s, case.text
