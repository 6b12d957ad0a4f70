"""The audio guide as a Telegram voice message: tones on a timeline, OGG/Opus.

Each cue is a short tone pattern built with numpy and encoded once per process by
libsndfile (soundfile) as Opus; one frame of encoded silence is kept too. A guide is then
spliced from those ready packets (bot/ogg.py does the framing), so a 20-minute guide costs
milliseconds instead of the seconds libopus needs to encode 20 minutes of mostly silence.
Every chunk starts and ends in digital silence, so the decoder sees clean joins. Where a
speech engine is installed (bot/speech.py), a cue is followed by its word when the word ends
before the next cue.

numpy and soundfile are imported only when the first guide is built: most processes never
build one, and both cost start-up time and memory.
"""

from __future__ import annotations

import asyncio
import io
import math
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot import ogg, speech
from bot.coach.guide import CUE_S, GAP_S, Cue, Guide

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

RATE = ogg.OPUS_RATE  # 48 kHz mono: Opus's native rate, so no resampling anywhere
PEAK = 0.7
CACHE_BYTES = 16 * 1024 * 1024  # the plan's guides are 10-600 KiB; typed ones up to ~2 MiB

# Each cue as notes: (frequency Hz, seconds, gap after in seconds). Rising = go backward,
# falling = forward/rest, so the two switches are told apart by direction, not memory.
NOTES: dict[Cue, tuple[tuple[float, float, float], ...]] = {
    Cue.READY: ((880.0, 0.8, 0.0),),  # one soft bell: it is playing
    Cue.PIP: ((988.0, 0.12, 0.0),),
    Cue.BACK: ((880.0, 0.2, 0.0), (1109.0, 0.2, 0.0), (1319.0, 0.2, 0.0)),
    Cue.FORWARD: ((1319.0, 0.2, 0.0), (1109.0, 0.2, 0.0), (880.0, 0.2, 0.0)),
    Cue.REST: ((1319.0, 0.2, 0.0), (1109.0, 0.2, 0.0), (880.0, 0.2, 0.0)),
    Cue.HALFWAY: ((1175.0, 0.15, 0.1), (1175.0, 0.15, 0.0)),
    Cue.TEN_LEFT: ((1568.0, 0.1, 0.075), (1568.0, 0.1, 0.075), (1568.0, 0.1, 0.0)),
    Cue.DONE: ((880.0, 0.1, 0.0), (1109.0, 0.1, 0.0), (1319.0, 0.1, 0.0), (1760.0, 0.6, 0.0)),
}


def cue_samples(cue: Cue) -> npt.NDArray[np.float32]:
    """One cue as float samples at RATE, exactly CUE_S[cue] long."""
    import numpy as np

    out = np.zeros(round(CUE_S[cue] * RATE), dtype=np.float32)
    at = 0
    for freq, seconds, gap in NOTES[cue]:
        n = round(seconds * RATE)
        t = np.arange(n, dtype=np.float64) / RATE
        tone = np.sin(2 * np.pi * freq * t) + 0.25 * np.sin(4 * np.pi * freq * t)
        attack = min(n, round(0.005 * RATE))
        release = min(n - attack, round(0.03 * RATE))
        env = np.ones(n)
        env[:attack] = np.linspace(0.0, 1.0, attack)
        if cue is Cue.READY or (cue is Cue.DONE and seconds > 0.5):
            env *= np.exp(-3.0 * t / seconds)  # a bell that fades
        env[n - release :] *= np.linspace(1.0, 0.0, release)
        out[at : at + n] = (PEAK / 1.25) * tone * env
        at += n + round(gap * RATE)
    return out


def encode_opus(samples: npt.NDArray[np.float32]) -> bytes:
    """An OGG/Opus file from mono samples at RATE (libsndfile's encoder)."""
    import soundfile as sf

    buffer = io.BytesIO()
    sf.write(buffer, samples, RATE, format="OGG", subtype="OPUS")
    return buffer.getvalue()


@dataclass(frozen=True)
class Kit:
    head: bytes
    tags: bytes
    pre_skip: int
    silence: bytes  # one 20 ms packet of digital silence
    cues: dict[Cue, tuple[bytes, ...]]
    # With a speech engine: the tone, a breath, then the word; and how long that lasts.
    worded: dict[Cue, tuple[tuple[bytes, ...], float]]


WORD_GAP_S = 0.1
_kits: dict[str | None, Kit] = {}
_kit_lock = threading.Lock()


def _audio_packets(data: bytes) -> tuple[bytes, bytes, list[bytes]]:
    packets = ogg.read_packets(data)
    if len(packets) < 3 or not packets[1].startswith(ogg.OPUS_TAGS):
        raise ogg.OggError("libsndfile wrote no Opus audio")
    return packets[0], packets[1], packets[2:]


def kit() -> Kit:
    """The encoded sounds, made on first use and shared by every guide afterwards (one kit
    per speech engine found: none, usually)."""
    path = speech.engine()
    with _kit_lock:
        made = _kits.get(path)
        if made is None:
            made = _kits[path] = _make_kit(path)
        return made


def _make_kit(path: str | None) -> Kit:
    import numpy as np

    head, tags, quiet = _audio_packets(encode_opus(np.zeros(RATE, dtype=np.float32)))
    silence = max(set(quiet), key=quiet.count)
    if ogg.opus_samples(silence) != 960:
        raise ogg.OggError("unexpected Opus frame size for silence")
    pre_skip = ogg.opus_header(head).pre_skip

    def packets_of(samples: npt.NDArray[np.float32]) -> tuple[bytes, ...]:
        chunk_head, _, packets = _audio_packets(encode_opus(samples))
        if ogg.opus_header(chunk_head).pre_skip != pre_skip:
            raise ogg.OggError("the encoder changed its pre-skip")
        return tuple(packets)

    cues = {cue: packets_of(cue_samples(cue)) for cue in Cue}
    worded: dict[Cue, tuple[tuple[bytes, ...], float]] = {}
    for cue, text in speech.WORDS.items() if path else ():
        word = speech.spoken(path, text, RATE) if path else None
        if word is not None:
            gap = np.zeros(round(WORD_GAP_S * RATE), dtype=np.float32)
            sound = np.concatenate([cue_samples(cue), gap, word])
            worded[cue] = (packets_of(sound), len(sound) / RATE)
    return Kit(head, tags, pre_skip, silence, cues, worded)


def render(guide: Guide) -> bytes:
    """The guide as OGG/Opus bytes, exactly guide.total_s long (to 1/48000 s)."""
    k = kit()
    total = round(guide.total_s * RATE)
    packets: list[bytes] = []
    position = 0  # 48 kHz samples emitted, before the pre-skip is taken off
    silence_n = ogg.opus_samples(k.silence)
    ends = [s.at_s for s in guide.sounds[1:]] + [guide.total_s]
    for sound, next_at in zip(guide.sounds, ends, strict=True):
        chunk = k.cues[sound.cue]
        worded = k.worded.get(sound.cue)
        if worded is not None and sound.at_s + worded[1] + GAP_S <= next_at:
            chunk = worded[0]  # the word fits before the next cue: say it
        start = round(sound.at_s * RATE)
        # A chunk's own encoder delay equals the stream's pre-skip, so a cue whose packets
        # begin at `position` is heard at `position` once the pre-skip is trimmed.
        while position + silence_n // 2 <= start:
            packets.append(k.silence)
            position += silence_n
        for packet in chunk:
            packets.append(packet)
            position += ogg.opus_samples(packet)
    while position < total + k.pre_skip:
        packets.append(k.silence)
        position += silence_n
    return ogg.write_opus(k.head, k.tags, packets, total)


@dataclass(frozen=True)
class Voice:
    data: bytes
    duration_s: int  # whole seconds, as sendVoice takes it


_cache: OrderedDict[tuple[str | None, Guide], Voice] = OrderedDict()
_cache_lock = threading.Lock()


def voice(guide: Guide) -> Voice:
    """The voice message for a guide, from a cache keyed by its structure (CACHE_BYTES at
    most, least recently used out first)."""
    key = (speech.engine(), guide)
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return hit
    made = Voice(render(guide), math.ceil(guide.total_s))
    with _cache_lock:
        _cache[key] = made
        while sum(len(v.data) for v in _cache.values()) > CACHE_BYTES and len(_cache) > 1:
            _cache.popitem(last=False)
    return made


# Telegram's file_id for a guide already uploaded, per Bot API endpoint (base URL with token):
# the plan's weekly sessions are the same for everyone in a week, so most are sent by id.
_uploaded: OrderedDict[tuple[str, Guide], str] = OrderedDict()
UPLOADED_MAX = 256


def uploaded(endpoint: str, guide: Guide) -> str | None:
    return _uploaded.get((endpoint, guide))


def remember_upload(endpoint: str, guide: Guide, file_id: str | None) -> None:
    key = (endpoint, guide)
    if file_id is None:
        _uploaded.pop(key, None)
        return
    _uploaded[key] = file_id
    _uploaded.move_to_end(key)
    while len(_uploaded) > UPLOADED_MAX:
        _uploaded.popitem(last=False)


async def build_voice(guide: Guide) -> Voice:
    """voice() in a worker thread, so the event loop keeps answering other users."""
    return await asyncio.to_thread(voice, guide)
