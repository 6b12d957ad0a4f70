"""The /progress chart: a readable PNG, rendered off the event loop."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Sequence
from datetime import date, timedelta

import pytest
from PIL import Image

from bot import charts
from bot.charts import progress_chart_png, render_progress_chart, week_label
from bot.coach.types import WeekStat

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MONDAY = date(2026, 10, 5)


def plan_weeks() -> list[WeekStat]:
    """Eight plan weeks with a pain week, an empty week and growing targets."""
    specs = [
        # sessions, backward_s, pain_sessions, target sessions, min_s, max_s
        (3, 240, 0, 3, 60, 120),
        (3, 330, 0, 3, 60, 120),
        (4, 720, 0, 3, 180, 300),
        (2, 420, 1, 3, 180, 300),
        (0, 0, 0, 4, 180, 300),
        (4, 1080, 0, 4, 180, 300),
        (3, 1500, 1, 3, 600, 900),
        (3, 2100, 0, 3, 600, 900),
    ]
    return [
        WeekStat(
            week_start=MONDAY + timedelta(weeks=i),
            sessions=s,
            backward_s=b,
            pain_sessions=p,
            target_sessions=ts,
            target_min_s=lo,
            target_max_s=hi,
        )
        for i, (s, b, p, ts, lo, hi) in enumerate(specs)
    ]


def image_of(png: bytes) -> Image.Image:
    img = Image.open(io.BytesIO(png))
    img.load()
    return img


def test_png_signature_and_phone_friendly_size() -> None:
    png = progress_chart_png(plan_weeks())
    assert png.startswith(PNG_SIGNATURE)
    img = image_of(png)
    assert img.format == "PNG"
    assert img.size == (1200, 900)


def test_sample_saved_for_a_look() -> None:
    png = progress_chart_png(plan_weeks())
    with open("/tmp/progress_sample.png", "wb") as f:
        f.write(png)
    assert image_of(png).size == (1200, 900)


@pytest.mark.parametrize(
    "weeks",
    [
        pytest.param([], id="no-weeks"),
        pytest.param(
            [WeekStat(week_start=MONDAY, sessions=0, backward_s=0)],
            id="one-empty-week",
        ),
        pytest.param(
            [
                WeekStat(week_start=MONDAY + timedelta(weeks=i), sessions=0, backward_s=0)
                for i in range(4)
            ],
            id="all-empty-no-target",
        ),
        pytest.param(
            [
                WeekStat(week_start=MONDAY, sessions=2, backward_s=300, pain_sessions=2),
                WeekStat(
                    week_start=MONDAY + timedelta(weeks=1), sessions=0, backward_s=0, paused=True
                ),
            ],
            id="pain-and-paused",
        ),
        pytest.param(
            [
                WeekStat(
                    week_start=MONDAY + timedelta(weeks=i),
                    sessions=i % 4,
                    backward_s=(i % 4) * 200,
                    pain_sessions=int(i == 3),
                    target_sessions=3 if i > 5 else 0,
                    target_min_s=120,
                    target_max_s=240,
                )
                for i in range(30)
            ],
            id="many-weeks",
        ),
    ],
)
def test_edge_cases_render(weeks: Sequence[WeekStat]) -> None:
    png = progress_chart_png(weeks)
    assert png.startswith(PNG_SIGNATURE)
    assert image_of(png).size == (1200, 900)


def test_pain_week_changes_the_picture() -> None:
    """A pain week is drawn differently (hatched, orange) from the same week without pain."""
    base = WeekStat(week_start=MONDAY, sessions=3, backward_s=600)
    painful = WeekStat(week_start=MONDAY, sessions=3, backward_s=600, pain_sessions=1)
    assert progress_chart_png([base]) != progress_chart_png([painful])


def test_custom_title_renders() -> None:
    assert progress_chart_png(plan_weeks()[:2], title="Ваши минуты назад").startswith(PNG_SIGNATURE)


def test_week_label_is_day_and_short_month() -> None:
    assert week_label(date(2026, 11, 24)) == "24 Nov"
    assert week_label(date(2027, 1, 4)) == "4 Jan"


def test_render_is_fast_enough() -> None:
    progress_chart_png(plan_weeks())  # warm-up: fonts and caches
    start = time.perf_counter()
    progress_chart_png(plan_weeks())
    # The budget is ~300 ms; the assertion leaves room for a slow CI machine.
    assert time.perf_counter() - start < 1.5


async def test_async_wrapper_runs_in_a_worker_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []

    def fake(weeks: Sequence[WeekStat], title: str = "") -> bytes:
        seen.append(threading.get_ident())
        return b"png"

    monkeypatch.setattr(charts, "progress_chart_png", fake)
    assert await render_progress_chart(plan_weeks()) == b"png"
    assert seen and seen[0] != threading.get_ident()


async def test_async_wrapper_returns_real_png() -> None:
    png = await render_progress_chart(plan_weeks())
    assert image_of(png).size == (1200, 900)
