"""What Telegram reads from an upload: an image's size and the thumbnails it makes, and whether a
voice file is one it plays."""

from __future__ import annotations

import io

PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"
MAX_UPLOAD = 50 * 1024 * 1024


def voice_format(content: bytes) -> tuple[str | None, float | None]:
    """(mime type, seconds) of an upload Telegram would play as voice, (None, None) if not.

    OGG must carry Opus (its first page holds OpusHead) and decode (libsndfile, through
    soundfile, an implementation independent of the bot's); MP3 and M4A are recognised by
    their headers only.
    """
    if content.startswith(b"OggS"):
        if len(content) < 36 or content[5] & 0x02 == 0 or content[28:36] != b"OpusHead":
            return None, None
        import soundfile

        try:
            info = soundfile.info(io.BytesIO(content))
        except (RuntimeError, soundfile.LibsndfileError):
            return None, None
        if info.subtype != "OPUS":
            return None, None
        return "audio/ogg", float(info.duration)
    if content.startswith(b"ID3") or (
        len(content) > 1 and content[0] == 0xFF and content[1] >= 0xE0
    ):
        return "audio/mpeg", None
    if content[4:8] == b"ftyp":
        return "audio/mp4", None
    return None, None


def image_size(content: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG or JPEG, or None if it is neither."""
    if content.startswith(PNG) and len(content) >= 24 and content[12:16] == b"IHDR":
        width = int.from_bytes(content[16:20], "big")
        height = int.from_bytes(content[20:24], "big")
        return (width, height) if width and height else None
    if content.startswith(_JPEG):
        i = 2
        while i + 9 < len(content):
            if content[i] != 0xFF:
                return None
            marker = content[i + 1]
            if marker == 0xFF:
                i += 1
                continue
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height = int.from_bytes(content[i + 5 : i + 7], "big")
                width = int.from_bytes(content[i + 7 : i + 9], "big")
                return (width, height) if width and height else None
            if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
                i += 2
                continue
            i += 2 + int.from_bytes(content[i + 2 : i + 4], "big")
    return None


def photo_sizes(width: int, height: int) -> list[tuple[int, int]]:
    """The PhotoSize dimensions Telegram generates: thumbnails up to 90/320/800/1280 px and
    the largest (at most 2560 px on the long side)."""
    longest = max(width, height)
    sizes = []
    for bound in (90, 320, 800, 1280, 2560):
        scale = min(1.0, bound / longest)
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        if size not in sizes:
            sizes.append(size)
        if longest <= bound:
            break
    return sizes
