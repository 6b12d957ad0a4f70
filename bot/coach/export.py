"""The /export CSV: every session of one user, one row each. Pure: rows in, bytes out.

Formula injection: a cell such as ``=1+1`` or ``=HYPERLINK(...)`` is written exactly as the
user typed it, with no leading apostrophe or other escaping. The export is the user's own
data going back to that same user, its promise is an exact round trip (a CSV reader gets
back precisely what was written, which /privacy relies on), and a prefixed apostrophe would
corrupt text for every other consumer (scripts, pandas, re-import). The risk is the user's
own spreadsheet evaluating the user's own text; spreadsheet apps warn before running
external formulas. Callers must not mix other people's text into this file.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from bot.coach.types import Feeling

# The columns the product promises (PRODUCT.md), in this order. duration_s and distance_m
# are the backward totals; forward work has its own columns and is never counted in them.
EXPORT_COLUMNS: tuple[str, ...] = (
    "logged_at",
    "local_date",
    "duration_s",
    "distance_m",
    "forward_s",
    "forward_m",
    "reps",
    "mode",
    "feeling",
    "pain",
    "body_parts",
    "sore",
    "notes",
    "text",
)


@dataclass(frozen=True)
class ExportRow:
    """One stored session as the export sees it."""

    logged_at: datetime  # timezone-aware
    local_date: date  # the day the session happened
    duration_s: int | None  # backward
    distance_m: float | None  # backward
    feeling: Feeling | None
    pain: bool
    body_parts: tuple[str, ...]
    notes: str  # the note codes in words (the caller renders them)
    text: str
    forward_s: int | None = None
    forward_m: float | None = None
    reps: int | None = None
    mode: str | None = None
    sore: tuple[str, ...] = ()


def format_logged_at(value: datetime) -> str:
    """ISO 8601 in UTC with an explicit offset, so spreadsheets and scripts agree on the instant."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("logged_at must be timezone-aware")
    return value.astimezone(UTC).isoformat(timespec="seconds")


def format_distance(value: float | None) -> str:
    """A plain decimal (no exponent, no trailing .0), or empty when unknown or not finite."""
    if value is None or not math.isfinite(value):
        return ""
    if value.is_integer():
        return str(int(value))
    return format(Decimal(repr(value)), "f")


def _optional_int(value: int | None) -> str:
    return "" if value is None else str(int(value))


def row_values(row: ExportRow) -> tuple[str, ...]:
    """The row's cells in EXPORT_COLUMNS order, every one already a string."""
    return (
        format_logged_at(row.logged_at),
        row.local_date.isoformat(),
        _optional_int(row.duration_s),
        format_distance(row.distance_m),
        _optional_int(row.forward_s),
        format_distance(row.forward_m),
        _optional_int(row.reps),
        row.mode or "",
        "" if row.feeling is None else Feeling(row.feeling).value,
        "true" if row.pain else "false",
        ";".join(row.body_parts),
        ";".join(row.sore),
        row.notes,
        row.text,
    )


def sessions_csv(rows: Iterable[ExportRow]) -> bytes:
    """Header plus one row per session, UTF-8 without a BOM, CRLF line ends (RFC 4180).

    Text cells are exact (see the module docstring about formulas); the csv module quotes
    cells with commas, quotes or line breaks, so a csv reader round-trips them unchanged.
    """
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    for row in rows:
        writer.writerow(row_values(row))
    return buf.getvalue().encode("utf-8")
