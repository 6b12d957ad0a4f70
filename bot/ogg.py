"""Ogg framing for Opus audio (RFC 3533 pages, RFC 7845 Opus mapping), without any codec.

libsndfile (through soundfile) does the Opus encoding, but encoding a 20-minute guide that is
almost all silence takes several seconds of libopus time on this machine. The audio guide
therefore encodes each cue sound and one frame of silence once, and this module re-frames
those ready Opus packets into a new Ogg stream: reading packets out of a stream and writing
packets into pages with the right granule positions and checksums. No library on PyPI that
we already depend on does Ogg page writing; the format is small and fully specified.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

CAPTURE = b"OggS"
OPUS_HEAD = b"OpusHead"
OPUS_TAGS = b"OpusTags"
OPUS_RATE = 48_000  # Opus granule positions always count 48 kHz samples
MAX_SEGMENTS = 255
_HEADER = struct.Struct("<4sBBqIIIB")  # capture, version, flags, granule, serial, seq, crc, n

FLAG_CONTINUED = 0x01
FLAG_BOS = 0x02
FLAG_EOS = 0x04


# Ogg's CRC-32 is zlib's polynomial without the bit reflection and the pre/post inversion, so
# zlib (in C) computes it over bit-reversed bytes, and the result is reversed back.
_REVERSED = bytes(int(f"{i:08b}"[::-1], 2) for i in range(256))


def ogg_crc(data: bytes) -> int:
    """Ogg's CRC-32 (polynomial 0x04C11DB7, not reflected, initial value 0, no final xor)."""
    reflected = zlib.crc32(data.translate(_REVERSED), 0xFFFFFFFF) ^ 0xFFFFFFFF
    return int(f"{reflected:032b}"[::-1], 2)


@dataclass(frozen=True)
class Page:
    flags: int
    granule: int
    serial: int
    sequence: int
    lacing: bytes
    body: bytes


class OggError(ValueError):
    """The bytes are not a well-formed Ogg stream."""


def read_pages(data: bytes) -> Iterator[Page]:
    """Every page of a single-stream Ogg file, checksums verified."""
    i = 0
    while i < len(data):
        if len(data) - i < _HEADER.size:
            raise OggError("truncated page header")
        capture, version, flags, granule, serial, seq, crc, n = _HEADER.unpack_from(data, i)
        if capture != CAPTURE or version != 0:
            raise OggError(f"no Ogg page at byte {i}")
        lacing = data[i + _HEADER.size : i + _HEADER.size + n]
        start = i + _HEADER.size + n
        end = start + sum(lacing)
        if len(lacing) != n or end > len(data):
            raise OggError("truncated page")
        raw = bytearray(data[i:end])
        raw[22:26] = b"\0\0\0\0"
        if ogg_crc(bytes(raw)) != crc:
            raise OggError(f"bad checksum in page {seq}")
        yield Page(flags, granule, serial, seq, bytes(lacing), data[start:end])
        i = end


def read_packets(data: bytes) -> list[bytes]:
    """The packets of a stream, in order (headers included)."""
    packets: list[bytes] = []
    current = bytearray()
    for page in read_pages(data):
        offset = 0
        for size in page.lacing:
            current += page.body[offset : offset + size]
            offset += size
            if size < MAX_SEGMENTS:
                packets.append(bytes(current))
                current = bytearray()
    if current:
        raise OggError("the last packet is unfinished")
    return packets


_FRAME_48K = (480, 960, 1920, 2880)  # SILK-only configurations: 10, 20, 40, 60 ms
_HYBRID_48K = (480, 960)
_CELT_48K = (120, 240, 480, 960)


def opus_samples(packet: bytes) -> int:
    """How many 48 kHz samples one Opus packet decodes to (RFC 6716, section 3.1)."""
    if not packet:
        raise OggError("empty Opus packet")
    toc = packet[0]
    config = toc >> 3
    if config < 12:
        frame = _FRAME_48K[config % 4]
    elif config < 16:
        frame = _HYBRID_48K[config % 2]
    else:
        frame = _CELT_48K[config % 4]
    code = toc & 0x03
    if code == 0:
        frames = 1
    elif code in (1, 2):
        frames = 2
    else:
        if len(packet) < 2:
            raise OggError("Opus packet without a frame count")
        frames = packet[1] & 0x3F
    return frame * frames


@dataclass(frozen=True)
class OpusHeader:
    channels: int
    pre_skip: int
    input_rate: int


def opus_header(packet: bytes) -> OpusHeader:
    if not packet.startswith(OPUS_HEAD) or len(packet) < 19:
        raise OggError("not an OpusHead packet")
    channels = packet[9]
    pre_skip, rate = struct.unpack_from("<HI", packet, 10)
    return OpusHeader(channels, pre_skip, rate)


def _page(flags: int, granule: int, serial: int, seq: int, packets: Sequence[bytes]) -> bytes:
    lacing = bytearray()
    for packet in packets:
        full, rest = divmod(len(packet), MAX_SEGMENTS)
        lacing += bytes([MAX_SEGMENTS]) * full + bytes([rest])
    if len(lacing) > MAX_SEGMENTS:
        raise OggError("too many segments for one page")
    header = _HEADER.pack(CAPTURE, 0, flags, granule, serial, seq, 0, len(lacing))
    raw = header + bytes(lacing) + b"".join(packets)
    crc = ogg_crc(raw)
    return raw[:22] + struct.pack("<I", crc) + raw[26:]


def write_opus(
    head: bytes, tags: bytes, packets: Sequence[bytes], samples: int, serial: int = 0x52525243
) -> bytes:
    """An Ogg Opus file: header pages, then the audio packets in pages.

    ``samples`` is the playing length in 48 kHz samples after the pre-skip; the last page's
    granule position trims the final packet to exactly that length (RFC 7845, section 4.4).
    """
    pre_skip = opus_header(head).pre_skip
    total = pre_skip + samples
    out = [_page(FLAG_BOS, 0, serial, 0, [head]), _page(0, 0, serial, 1, [tags])]
    seq = 2
    position = 0
    page: list[bytes] = []
    segments = 0
    for i, packet in enumerate(packets):
        need = len(packet) // MAX_SEGMENTS + 1
        if page and segments + need > MAX_SEGMENTS:
            out.append(_page(0, min(position, total), serial, seq, page))
            seq, page, segments = seq + 1, [], 0
        page.append(packet)
        segments += need
        position += opus_samples(packet)
        if i == len(packets) - 1:
            if position < total:
                raise OggError("the packets are shorter than the stated length")
            out.append(_page(FLAG_EOS, total, serial, seq, page))
    return b"".join(out)
