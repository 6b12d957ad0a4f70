"""Spoken cue words, only where a speech engine (espeak-ng or espeak) is installed.

The tones carry every cue on their own; a word after the tone ("back", "rest", ...) is a
bonus for people who have not learnt the tones yet. No engine, a failing engine or a slow
one: no words, and the guide is exactly the same otherwise. numpy and soundfile are
imported here only when a word is made.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from bot.coach.guide import Cue

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

ENGINES: tuple[str, ...] = ("espeak-ng", "espeak")
TIMEOUT_S = 10
MAX_WORD_S = 1.2
PEAK = 0.6
WORDS: dict[Cue, str] = {
    Cue.BACK: "back",
    Cue.FORWARD: "forward",
    Cue.REST: "rest",
    Cue.HALFWAY: "halfway",
    Cue.TEN_LEFT: "ten seconds",
}


def engine() -> str | None:
    """The path of the first speech engine on PATH, or None."""
    for name in ENGINES:
        found = shutil.which(name)
        if found:
            return found
    return None


def spoken(path: str, text: str, rate: int) -> npt.NDArray[np.float32] | None:
    """``text`` said by the engine at ``path``, as mono samples at ``rate``; None on failure."""
    import numpy as np
    import soundfile as sf

    with tempfile.TemporaryDirectory() as folder:
        wav = Path(folder) / "word.wav"
        try:
            subprocess.run(
                [path, "-w", str(wav), "-s", "165", text],
                capture_output=True,
                timeout=TIMEOUT_S,
                check=True,
            )
            samples, source_rate = sf.read(wav, dtype="float32", always_2d=True)
        except (OSError, subprocess.SubprocessError, RuntimeError):
            return None
    mono = samples.mean(axis=1)
    loud = np.flatnonzero(np.abs(mono) > 0.01)
    if not len(loud):
        return None
    mono = mono[loud[0] : loud[-1] + 1]
    n = round(len(mono) * rate / source_rate)
    if n == 0 or n > MAX_WORD_S * rate:
        return None
    out = np.interp(np.arange(n) * (source_rate / rate), np.arange(len(mono)), mono)
    scaled: npt.NDArray[np.float32] = (out * (PEAK / float(np.max(np.abs(out))))).astype(np.float32)
    return scaled
