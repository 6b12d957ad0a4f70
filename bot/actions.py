"""Button payloads: small, versioned, and parsed strictly so forged data is just refused."""

from __future__ import annotations

from dataclasses import dataclass

VERSION = "v1"
MAX_BYTES = 64


@dataclass(frozen=True)
class Press:
    action: str
    args: tuple[str, ...]

    def int_arg(self, i: int) -> int | None:
        """Argument i as a positive int, or None when absent or not a number."""
        if i >= len(self.args) or not self.args[i].isdigit() or len(self.args[i]) > 12:
            return None
        return int(self.args[i])


def cb(action: str, *args: object) -> str:
    data = ":".join((VERSION, action, *(str(a) for a in args)))
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data


def parse(data: str | None) -> Press | None:
    """None for anything we did not make: other versions, junk, oversize payloads."""
    if not data or len(data.encode()) > MAX_BYTES:
        return None
    parts = data.split(":")
    if len(parts) < 2 or parts[0] != VERSION or not parts[1].isalpha():
        return None
    return Press(parts[1], tuple(parts[2:]))
