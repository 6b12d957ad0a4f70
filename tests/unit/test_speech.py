"""Spoken cue words where a speech engine is installed: after the tone, only when they fit,
and never a change to when anything sounds. A stand-in engine (a script named espeak-ng that
writes a plain tone) makes the tests independent of the machine; the real engine is tried
too when it is there."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

from bot import guide_audio, speech
from bot.coach.guide import CUE_S, Cue, build_guide
from bot.coach.sessions import Block, Direction, Mode, Part
from tests.audio import decode, listen

B, F = Direction.BACKWARD, Direction.FORWARD
WORD_HZ = 300.0
ENGINE = """#!{python}
import sys
import numpy as np
import soundfile as sf
args = sys.argv[1:]
if {fail}:
    sys.exit(1)
out = args[args.index("-w") + 1]
t = np.arange(int(22050 * {seconds})) / 22050
sf.write(out, 0.5 * np.sin(2 * np.pi * {hz} * t), 22050)
"""


def stand_in(
    folder: Path, monkeypatch: pytest.MonkeyPatch, seconds: float = 0.4, fail: bool = False
) -> None:
    script = folder / "espeak-ng"
    script.write_text(ENGINE.format(python=sys.executable, fail=fail, seconds=seconds, hz=WORD_HZ))
    script.chmod(0o755)
    monkeypatch.setattr(speech, "ENGINES", (str(script),))


def energy_at(samples: np.ndarray, rate: int, start: float, end: float, hz: float) -> float:
    chunk = samples[round(start * rate) : round(end * rate)]
    spectrum = np.abs(np.fft.rfft(chunk * np.hanning(len(chunk))))
    freqs = np.fft.rfftfreq(len(chunk), 1 / rate)
    band = (freqs > hz * 0.9) & (freqs < hz * 1.1)
    return float(spectrum[band].max() / (spectrum.max() + 1e-12))


INTERVALS = [Block((Part(B, Mode.RUN, 40), Part(F, Mode.RUN, 40)), 2)]


def test_words_follow_their_tones_and_nothing_moves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    g = build_guide(INTERVALS)
    tones_only = guide_audio.voice(g).data
    stand_in(tmp_path, monkeypatch)
    spoken = guide_audio.voice(g).data
    assert spoken != tones_only
    samples, rate = decode(spoken)
    assert abs(len(samples) / rate - g.total_s) < 0.01
    heard = listen(samples, rate)
    assert [round(h.at_s, 1) for h in heard] == [round(s.at_s, 1) for s in g.sounds]
    ends = [s.at_s for s in g.sounds[1:]] + [g.total_s]
    worded = 0
    for h, s, next_at in zip(heard, g.sounds, ends, strict=True):
        after = s.at_s + CUE_S[s.cue] + guide_audio.WORD_GAP_S
        room = after + 0.35 <= len(samples) / rate
        said = room and energy_at(samples, rate, after, after + 0.35, WORD_HZ) > 0.5
        # pips, the bell and the chord have no word; a word that would run into the next
        # cue (here "back" at 1:35, where "halfway" follows it) is left out
        fits = after + 0.4 + 0.5 <= next_at
        assert said == (s.cue in speech.WORDS and fits), s
        if said:
            worded += 1
            assert h.length_s == pytest.approx(after + 0.4 - s.at_s, abs=0.05)
    assert worded == 8  # back at 0:15, forward x2, halfway, "10 s left" x4 (not back at 1:35)


def test_a_word_that_does_not_fit_before_the_next_cue_is_left_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    g = build_guide([Block((Part(B, Mode.RUN, 2), Part(F, Mode.RUN, 2)), 3)])
    tones_only = guide_audio.voice(g).data
    stand_in(tmp_path, monkeypatch, seconds=1.0)  # 0.6 + 0.1 + 1.0 s: no room in 2 s
    assert guide_audio.voice(g).data == tones_only


def test_a_failing_engine_leaves_the_tones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    g = build_guide(INTERVALS)
    tones_only = guide_audio.voice(g).data
    stand_in(tmp_path, monkeypatch, fail=True)
    assert guide_audio.kit().worded == {}
    assert guide_audio.voice(g).data == tones_only


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
def test_the_real_engine_speaks_after_the_tones(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(speech, "ENGINES", ("espeak-ng",))
    assert set(guide_audio.kit().worded) == set(speech.WORDS)
    g = build_guide(INTERVALS)
    samples, rate = decode(guide_audio.voice(g).data)
    heard = listen(samples, rate)
    assert [round(h.at_s, 1) for h in heard] == [round(s.at_s, 1) for s in g.sounds]
    back = next(h for h in heard if abs(h.at_s - 15.0) < 0.05)
    assert back.length_s > CUE_S[Cue.BACK] + 0.2  # the word "back" follows the tones
