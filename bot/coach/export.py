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

EXPORT_COLUMNS: tuple[str, ...] = (
    "logged_at",
    "local_date",
    "duration_s",
    "distance_m",
    "feeling",
    "pain",
    "body_parts",
    "notes",
    "text",
    "plan_week",
    "source",
)


@dataclass(frozen=True)
class ExportRow:
    """One stored session as the export sees it."""

    logged_at: datetime  # timezone-aware
    local_date: date
    duration_s: int | None
    distance_m: float | None
    feeling: Feeling | None
    pain: bool
    body_parts: tuple[str, ...]
    notes: str
    text: str
    plan_week: int | None
    source: str


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
        "" if row.feeling is None else Feeling(row.feeling).value,
        "true" if row.pain else "false",
        ";".join(row.body_parts),
        row.notes,
        row.text,
        _optional_int(row.plan_week),
        row.source,
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
