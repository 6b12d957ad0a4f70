"""The voice file itself: valid OGG/Opus, the right length, each cue audible where it belongs
(found in the decoded samples by tests/audio.py)."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import numpy as np
import pytest
import soundfile as sf

from bot import guide_audio, ogg
from bot.coach.guide import COUNT_IN_S, CUE_S, Cue, build_guide
from bot.coach.sessions import Block, Direction, Mode, Part
from bot.content import load_content
from tests.audio import Heard, as_heard, decode, listen

CONTENT = load_content()
RATE = 48_000
B, F = Direction.BACKWARD, Direction.FORWARD
RUNNER_5 = (Block((Part(B, Mode.RUN, 60), Part(F, Mode.RUN, 120)), rounds=5),)
TEAM_SPEED = (
    Block((Part(B, Mode.SPRINT, 3, 10),), rounds=8),
    Block((Part(B, Mode.RUN, 9, 15),), rounds=8),
)


def test_libsndfile_writes_ogg_opus() -> None:
    assert "OPUS" in sf.available_subtypes("OGG")
    data = guide_audio.encode_opus(np.zeros(RATE // 10, dtype=np.float32))
    assert data.startswith(b"OggS") and data[28:36] == b"OpusHead"
    assert sf.info(io.BytesIO(data)).subtype == "OPUS"


def _crc_by_the_book(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc ^= byte << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7) if crc & 0x80000000 else crc << 1
            crc &= 0xFFFFFFFF
    return crc


def test_ogg_checksum_is_the_one_in_the_spec() -> None:
    for data in (b"", b"OggS", os.urandom(1), os.urandom(999)):
        assert ogg.ogg_crc(data) == _crc_by_the_book(data)
    # and libsndfile's own pages verify with it
    written = guide_audio.encode_opus(np.zeros(RATE, dtype=np.float32))
    assert len(list(ogg.read_pages(written))) >= 3


def test_a_corrupted_page_is_refused() -> None:
    data = bytearray(guide_audio.encode_opus(np.zeros(RATE, dtype=np.float32)))
    data[-5] ^= 0xFF
    with pytest.raises(ogg.OggError):
        ogg.read_packets(bytes(data))


def heard_vs_planned(blocks: tuple[Block, ...]) -> tuple[list[Heard], list[tuple[Cue, float]]]:
    g = build_guide(blocks)
    made = guide_audio.voice(g)
    samples, rate = decode(made.data)
    assert rate == RATE
    assert abs(len(samples) / rate - g.total_s) < 0.01
    assert made.duration_s == int(np.ceil(g.total_s))
    return listen(samples, rate), [(as_heard(s.cue), s.at_s) for s in g.sounds]


def test_runner_intervals_sound_where_the_structure_says() -> None:
    """5 x (1 min back, 2 min forward): worked out here from the structure alone."""
    heard, _ = heard_vs_planned(RUNNER_5)
    c = COUNT_IN_S
    expected = [(Cue.READY, 0.0), (Cue.PIP, c - 3), (Cue.PIP, c - 2), (Cue.PIP, c - 1)]
    for k in range(5):
        t = c + 180 * k
        expected += [(Cue.BACK, t), (Cue.TEN_LEFT, t + 50)]
        expected += [(Cue.FORWARD, t + 60), (Cue.TEN_LEFT, t + 170)]
    expected += [(Cue.HALFWAY, c + 450), (Cue.DONE, c + 900)]  # 7 min 30 s into 15 min
    expected.sort(key=lambda x: x[1])
    assert [h.cue for h in heard] == [cue for cue, _ in expected]
    for h, (cue, at) in zip(heard, expected, strict=True):
        assert abs(h.at_s - at) < 0.03, (cue, h.at_s, at)
    # the file lasts the count-in and the workout, to a second (the final chord rings out)
    samples, rate = decode(guide_audio.voice(build_guide(RUNNER_5)).data)
    assert abs(len(samples) / rate - (c + 900)) < 1.0


def test_team_sprints_sound_where_the_structure_says() -> None:
    """Team sprints: every cue the timeline plans is heard, in order, within 30 ms."""
    heard, planned = heard_vs_planned(TEAM_SPEED)
    assert [h.cue for h in heard] == [cue for cue, _ in planned]
    for h, (cue, at) in zip(heard, planned, strict=True):
        assert abs(h.at_s - at) < 0.03, (cue, h.at_s, at)
    # the first sprint: go at 15 s, rest 3 s later, pips into the second at 40, 41, 42 s
    assert [(h.cue, round(h.at_s)) for h in heard[4:9]] == [
        (Cue.BACK, 15),
        (Cue.FORWARD, 18),
        (Cue.TEN_LEFT, 33),
        (Cue.PIP, 40),
        (Cue.PIP, 41),
    ]


def test_cues_are_told_apart_by_pitch_and_length() -> None:
    """Every cue kind once, far apart: each is named right and lasts as long as it should."""
    g = build_guide([Block((Part(B, Mode.RUN, 40), Part(F, Mode.RUN, 40)))])
    samples, rate = decode(guide_audio.voice(g).data)
    heard = listen(samples, rate)
    assert {h.cue for h in heard} == set(Cue) - {Cue.REST}
    lengths = {h.cue: h.length_s for h in heard}
    assert lengths[Cue.PIP] < 0.2 < lengths[Cue.TEN_LEFT] < lengths[Cue.BACK] < lengths[Cue.DONE]
    peak = float(np.max(np.abs(samples)))
    assert 0.4 < peak < 1.0  # loud enough for a pocket, not clipped


def test_the_longest_plan_guide_is_small_and_exact() -> None:
    longest = max(
        (w for t in CONTENT.tracks.values() for w in t.weeks),
        key=lambda w: build_guide(w.blocks).total_s,
    )
    g = build_guide(longest.blocks)
    made = guide_audio.voice(g)
    assert len(made.data) < 2 * 1024 * 1024  # Telegram takes 50 MB; this is far below
    pages = list(ogg.read_pages(made.data))
    assert pages[0].flags & ogg.FLAG_BOS and pages[-1].flags & ogg.FLAG_EOS
    assert ogg.read_packets(made.data)[0].startswith(ogg.OPUS_HEAD)
    info = sf.info(io.BytesIO(made.data))
    assert info.format == "OGG" and info.subtype == "OPUS" and info.channels == 1
    assert abs(info.duration - g.total_s) < 0.01


def test_same_structure_is_built_once() -> None:
    g = build_guide([Block((Part(B, Mode.RUN, 33),), 2)])
    assert guide_audio.voice(g) is guide_audio.voice(build_guide(g.blocks))


def test_starting_the_bot_loads_no_audio_library() -> None:
    code = (
        "import sys, bot.app, bot.handlers.guide; "
        "print(sorted(m for m in ('numpy', 'soundfile') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "soundfile" not in out.stdout, out.stdout


@pytest.mark.parametrize("cue", list(Cue))
def test_each_sound_fills_exactly_its_slot(cue: Cue) -> None:
    notes = guide_audio.NOTES[cue]
    assert sum(seconds + gap for _, seconds, gap in notes) == pytest.approx(CUE_S[cue])
    assert len(guide_audio.cue_samples(cue)) == round(CUE_S[cue] * RATE)


def test_the_joins_between_spliced_packets_are_silent() -> None:
    """No click where a cue's packets meet the silence: outside each cue (plus the codec's
    short tail) the decoded file is digital silence."""
    g = build_guide(TEAM_SPEED)
    samples, rate = decode(guide_audio.voice(g).data)
    quiet = np.ones(len(samples), dtype=bool)
    for s in g.sounds:
        start = max(0, round((s.at_s - 0.01) * rate))
        quiet[start : round((s.at_s + CUE_S[s.cue] + 0.06) * rate)] = False
    assert float(np.max(np.abs(samples[quiet]))) < 1e-3


def test_ogg_pages_carry_any_packet_size_and_trim_the_end() -> None:
    """Packets of 1 to 700 bytes (lacing values of 255 continue a packet) over many pages;
    the last page's granule trims the stream to the stated length."""
    head = guide_audio.kit().head
    tags = guide_audio.kit().tags
    packets = [bytes([0xF8]) + os.urandom(size) for size in range(0, 700, 7)] * 3
    samples = len(packets) * 960 - 500
    data = ogg.write_opus(head, tags, packets, samples)
    assert ogg.read_packets(data) == [head, tags, *packets]
    pages = list(ogg.read_pages(data))
    assert len(pages) > 3 and all(len(p.lacing) <= 255 for p in pages)
    assert [p.sequence for p in pages] == list(range(len(pages)))
    pre_skip = ogg.opus_header(head).pre_skip
    assert pages[-1].granule == pre_skip + samples and pages[-1].flags & ogg.FLAG_EOS
    granules = [p.granule for p in pages[2:]]
    assert granules == sorted(granules)
    with pytest.raises(ogg.OggError):
        ogg.write_opus(head, tags, packets, len(packets) * 960)  # longer than the packets
