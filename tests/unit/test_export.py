"""The /export CSV: the PRODUCT.md columns, exact round trips, no formula rewriting."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.coach.export import EXPORT_COLUMNS, ExportRow, format_distance, sessions_csv
from bot.coach.types import BODY_PARTS, Feeling

WHEN = datetime(2026, 11, 23, 18, 5, tzinfo=UTC)


def make_row(**overrides: object) -> ExportRow:
    values: dict[str, object] = {
        "logged_at": WHEN,
        "local_date": date(2026, 11, 23),
        "duration_s": 180,
        "distance_m": None,
        "feeling": Feeling.GOOD,
        "pain": False,
        "body_parts": (),
        "notes": "",
        "text": "3 min felt good",
        "forward_s": None,
        "forward_m": None,
        "reps": None,
        "mode": "run",
        "sore": (),
    }
    values.update(overrides)
    return ExportRow(**values)  # type: ignore[arg-type]


def read_back(data: bytes) -> list[dict[str, str]]:
    text = data.decode("utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_header_is_exactly_the_columns() -> None:
    data = sessions_csv([])
    assert data == (",".join(EXPORT_COLUMNS) + "\r\n").encode()
    reader = csv.reader(io.StringIO(data.decode(), newline=""))
    assert next(reader) == list(EXPORT_COLUMNS)


def test_columns_are_the_product_list() -> None:
    assert EXPORT_COLUMNS == (
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


def test_plain_utf8_without_bom() -> None:
    data = sessions_csv([make_row(notes="ü")])
    assert not data.startswith(b"\xef\xbb\xbf")
    data.decode("utf-8")


def test_cells_are_formatted_for_spreadsheets() -> None:
    rows = read_back(
        sessions_csv(
            [
                make_row(
                    distance_m=400.0,
                    pain=True,
                    body_parts=("knee", "ankle"),
                    feeling=Feeling.HARD,
                ),
                make_row(
                    duration_s=None,
                    distance_m=402.5,
                    feeling=None,
                    forward_s=240,
                    forward_m=6000.0,
                    reps=10,
                    mode="sprint",
                    sore=("calf", "quad"),
                ),
            ]
        )
    )
    first, second = rows
    assert first["logged_at"] == "2026-11-23T18:05:00+00:00"
    assert first["local_date"] == "2026-11-23"
    assert first["duration_s"] == "180"
    assert first["distance_m"] == "400"
    assert first["feeling"] == "hard"
    assert first["pain"] == "true"
    assert first["body_parts"] == "knee;ankle"
    assert (first["forward_s"], first["forward_m"], first["reps"]) == ("", "", "")
    assert (first["mode"], first["sore"]) == ("run", "")
    assert second["duration_s"] == ""
    assert second["distance_m"] == "402.5"
    assert second["feeling"] == ""
    assert second["pain"] == "false"
    assert second["body_parts"] == ""
    assert (second["forward_s"], second["forward_m"], second["reps"]) == ("240", "6000", "10")
    assert (second["mode"], second["sore"]) == ("sprint", "calf;quad")


def test_logged_at_is_written_in_utc_with_offset() -> None:
    berlin = timezone(timedelta(hours=1))
    local = datetime(2026, 11, 23, 19, 5, 30, 123456, tzinfo=berlin)
    [row] = read_back(sessions_csv([make_row(logged_at=local)]))
    assert row["logged_at"] == "2026-11-23T18:05:30+00:00"
    assert datetime.fromisoformat(row["logged_at"]) == local.replace(microsecond=0)


def test_naive_logged_at_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        sessions_csv([make_row(logged_at=datetime(2026, 11, 23, 18, 5))])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        (0.0, "0"),
        (400.0, "400"),
        (0.1, "0.1"),
        (1e16, "10000000000000000"),
        (1.5e-7, "0.00000015"),
        (float("nan"), ""),
        (float("inf"), ""),
    ],
)
def test_distance_is_a_plain_number(value: float | None, expected: str) -> None:
    assert format_distance(value) == expected


TRICKY = [
    "a, b, c",
    'she said "backwards!"',
    "line one\nline two\r\nline three\rend",
    "🏃‍♀️🔙 felt great 💪",
    "=1+1",
    "+SUM(A1:A2)",
    "-2+3",
    "@cmd",
    '=HYPERLINK("http://example.com","x")',
    "\t=tab first",
    "назад бег, 3 мин",
    "後ろ向きに走る",
    "الجري للخلف",
    "  leading and trailing spaces  ",
    "",
    '"',
    ",",
    "\x00nul",
    "'; DROP TABLE sessions; --",
]


@pytest.mark.parametrize("value", TRICKY)
def test_round_trip_of_tricky_text_is_exact(value: str) -> None:
    [row] = read_back(sessions_csv([make_row(notes=value, text=value)]))
    assert row["notes"] == value
    assert row["text"] == value
    assert list(row) == list(EXPORT_COLUMNS)


def test_many_rows_keep_their_order_and_count() -> None:
    rows = [make_row(text=f"{i} min", duration_s=60 * i) for i in range(1, 51)]
    back = read_back(sessions_csv(rows))
    assert [r["text"] for r in back] == [f"{i} min" for i in range(1, 51)]


any_text = st.text(alphabet=st.characters(codec="utf-8"), max_size=200)


@given(
    notes=any_text,
    text=any_text,
    parts=st.lists(st.sampled_from(BODY_PARTS), unique=True),
    feeling=st.none() | st.sampled_from(list(Feeling)),
)
def test_round_trip_property(
    notes: str, text: str, parts: list[str], feeling: Feeling | None
) -> None:
    row = make_row(
        notes=notes, text=text, body_parts=tuple(parts), feeling=feeling, pain=bool(parts)
    )
    rows = read_back(sessions_csv([row, row]))
    assert len(rows) == 2  # line breaks inside a cell never split a row
    back = rows[0]
    assert back["notes"] == notes
    assert back["text"] == text
    assert back["body_parts"] == ";".join(parts)
    assert tuple(p for p in back["body_parts"].split(";") if p) == tuple(parts)
    assert back["feeling"] == ("" if feeling is None else feeling.value)
    assert back["pain"] == ("true" if parts else "false")
