"""Tip search figures: python benchmarks/tips.py (make bench runs it). Prints, asserts nothing.

Every question of the reach table (tests/unit/tip_reach.tsv) through Content.search, side by
side with a peer: one rapidfuzz extractOne over every title and alias, the least a search
could do. The target is under 5 ms per /tip query.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rapidfuzz import fuzz, process  # noqa: E402

from bot.content import Content, load_content  # noqa: E402

TABLE = ROOT / "tests" / "unit" / "tip_reach.tsv"


def questions() -> list[str]:
    lines = TABLE.read_text(encoding="utf-8").splitlines()
    return [line.split("\t")[1] for line in lines if line.strip() and not line.startswith("#")]


def timed(fn: Callable[[str], object], queries: Sequence[str], rounds: int) -> list[float]:
    """Microseconds per call, every query `rounds` times."""
    samples = []
    for _ in range(rounds):
        for query in queries:
            started = time.perf_counter()
            fn(query)
            samples.append((time.perf_counter() - started) * 1e6)
    return sorted(samples)


def line(name: str, samples: list[float]) -> str:
    med, p95, top = statistics.median(samples), samples[int(len(samples) * 0.95)], samples[-1]
    return (
        f"{name:<46} median {med / 1000:.2f} ms, p95 {p95 / 1000:.2f} ms, max {top / 1000:.2f} ms"
    )


def tip_figures(content: Content | None = None, rounds: int = 5) -> None:
    content = content or load_content()
    queries = [*questions(), "x" * 4096, "🙂" * 200, "pizza"]
    names = [n for tip in content.topics() for n in (tip.title, *tip.aliases)]
    content.search("warm up")  # warm caches
    print(line(f"tip search ({len(queries)} questions)", timed(content.search, queries, rounds)))
    peer = timed(lambda q: process.extractOne(q, names, scorer=fuzz.WRatio), queries, rounds)
    print(line(f"peer: rapidfuzz extractOne ({len(names)} names)", peer))


if __name__ == "__main__":
    tip_figures()
