"""Hearing an audio guide in tests: decode it and name each burst of sound by its pitch.

Nothing here reads the timeline a file was made from: a cue is a burst of sound after
silence, named by the note it starts and ends on (rising means backward, falling forward).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
import soundfile as sf

from bot.coach.guide import Cue

NOTES = (880.0, 988.0, 1109.0, 1175.0, 1319.0, 1568.0, 1760.0)
# (first note, last note) -> cue: rising means backward, falling forward.
PATTERNS = {
    (880.0, 1319.0): Cue.BACK,
    (1319.0, 880.0): Cue.FORWARD,  # or Cue.REST: the same tones
    (988.0, 988.0): Cue.PIP,
    (1175.0, 1175.0): Cue.HALFWAY,
    (1568.0, 1568.0): Cue.TEN_LEFT,
    (880.0, 1760.0): Cue.DONE,
    (880.0, 880.0): Cue.READY,
}


@dataclass(frozen=True)
class Heard:
    cue: Cue | None
    at_s: float
    length_s: float


def as_heard(cue: Cue) -> Cue:
    """What a planned cue sounds like: a rest starts with the forward tones."""
    return Cue.FORWARD if cue is Cue.REST else cue


def decode(data: bytes) -> tuple[np.ndarray, int]:
    """Samples and rate, decoded by libsndfile."""
    samples, rate = sf.read(io.BytesIO(data), dtype="float32")
    return samples, rate


def _note(chunk: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(chunk * np.hanning(len(chunk))))
    freq = float(np.fft.rfftfreq(len(chunk), 1 / rate)[int(np.argmax(spectrum))])
    return min(NOTES, key=lambda n: abs(n - freq))


def listen(samples: np.ndarray, rate: int, quiet_s: float = 0.3) -> list[Heard]:
    """Bursts of sound separated by at least quiet_s of silence, each named by its pitch."""
    hop = rate // 200  # 5 ms
    frames = len(samples) // hop
    energy = np.sqrt(np.mean(samples[: frames * hop].reshape(frames, hop) ** 2, axis=1))
    loud = np.flatnonzero(energy > 0.05)
    heard: list[Heard] = []
    if not len(loud):
        return heard
    splits = np.flatnonzero(np.diff(loud) * hop > quiet_s * rate) + 1
    for run in np.split(loud, splits):
        start, end = int(run[0]) * hop, (int(run[-1]) + 1) * hop
        window = int(0.04 * rate)
        first = _note(samples[start + hop : start + hop + window], rate)
        last = _note(samples[end - window - 4 * hop : end - 4 * hop], rate)
        heard.append(Heard(PATTERNS.get((first, last)), start / rate, (end - start) / rate))
    return heard
