"""Audio guide figures: python -m benchmarks.guide (or python benchmarks/guide.py). Asserts nothing.

Side by side for a 20-minute interval guide (20 x 30 s back / 30 s forward) and the longest
plan week: the first build in a fresh process (numpy and soundfile imported, the cue sounds
encoded), a build once those are ready, a cache hit, and the peer: libsndfile encoding the
same timeline as one 20-minute signal, which is what splicing the ready packets avoids.
"""

from __future__ import annotations

import io
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot import guide_audio, speech  # noqa: E402
from bot.coach.guide import Guide, build_guide  # noqa: E402
from bot.coach.sessions import Block, Direction, Mode, Part  # noqa: E402
from bot.content import load_content  # noqa: E402


def twenty_minutes() -> Guide:
    back = Part(Direction.BACKWARD, Mode.RUN, 30)
    forward = Part(Direction.FORWARD, Mode.RUN, 30)
    return build_guide([Block((back, forward), rounds=20)])


def timed(fn: object) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()  # type: ignore[operator]
    return time.perf_counter() - start, result


def whole_signal(guide: Guide) -> bytes:
    """The peer: every sample of the guide built in numpy and encoded by libsndfile."""
    import numpy as np

    samples = np.zeros(round(guide.total_s * guide_audio.RATE), dtype=np.float32)
    for sound in guide.sounds:
        cue = guide_audio.cue_samples(sound.cue)
        at = round(sound.at_s * guide_audio.RATE)
        samples[at : at + len(cue)] += cue[: len(samples) - at]
    return guide_audio.encode_opus(samples)


def main() -> None:
    guide = twenty_minutes()
    weeks = [w for t in load_content().tracks.values() for w in t.weeks]
    longest = max((build_guide(w.blocks) for w in weeks), key=lambda g: g.total_s)

    cold, made = timed(lambda: guide_audio.voice(guide))
    warm, other = timed(lambda: guide_audio.render(longest))
    hit, _ = timed(lambda: guide_audio.voice(guide))
    peer, peer_data = timed(lambda: whole_signal(guide))
    assert isinstance(made, guide_audio.Voice) and isinstance(other, bytes)
    assert isinstance(peer_data, bytes)

    import soundfile as sf

    length = sf.info(io.BytesIO(made.data)).duration
    rows = [
        ("first build (imports numpy/soundfile, encodes the cues)", f"{cold * 1000:.1f} ms"),
        (
            f"spliced build, longest plan week ({longest.total_s / 60:.1f} min)",
            f"{warm * 1000:.1f} ms",
        ),
        ("cache hit", f"{hit * 1000:.3f} ms"),
        ("peer: libsndfile encodes the whole signal", f"{peer * 1000:.1f} ms"),
        ("file size, spliced / peer", f"{len(made.data) // 1024} / {len(peer_data) // 1024} KiB"),
        ("Telegram's limit for a bot's voice message", "50 MiB"),
        ("spoken words (speech engine)", speech.engine() or "none: tones only"),
    ]
    print(f"audio guide, {guide.workout_s / 60:.0f}-minute workout ({length:.1f} s file):")
    for label, value in rows:
        print(f"  {label:<58} {value:>12}")


if __name__ == "__main__":
    main()
