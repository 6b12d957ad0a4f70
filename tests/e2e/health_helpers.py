"""Talking to the health listener, reading /metrics, and a PostgreSQL cluster a test may stop."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import REQUIRE_PG

PG_VERSION_DIR = "/usr/lib/postgresql"


async def get(port: int, path: str) -> tuple[int, str, str]:
    """(status, content type, body) of GET http://127.0.0.1:<port><path>."""
    timeout = aiohttp.ClientTimeout(total=15)
    async with (
        aiohttp.ClientSession(timeout=timeout) as session,
        session.get(f"http://127.0.0.1:{port}{path}") as answer,
    ):
        return answer.status, answer.headers.get("Content-Type", ""), await answer.text()


async def get_json(port: int, path: str) -> tuple[int, Any]:
    status, _, body = await get(port, path)
    return status, json.loads(body)


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of a Prometheus text exposition, keyed by (name, labels)."""
    found: dict[tuple[str, frozenset[tuple[str, str]]], float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return found


def value(
    metrics: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str
) -> float:
    return metrics.get((name, frozenset(labels.items())), 0.0)


async def scrape(port: int) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    status, content_type, body = await get(port, "/metrics")
    assert status == 200 and content_type.startswith("text/plain"), (status, content_type)
    return samples(body)


async def wait_until_moved(
    port: int,
    before: dict[tuple[str, frozenset[tuple[str, str]]], float],
    name: str,
    by: float = 1,
    within: float = 10.0,
    **labels: str,
) -> None:
    """A handler's duration is recorded just after its reply goes out; wait for the count."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        moved = value(await scrape(port), name, **labels) - value(before, name, **labels)
        if moved >= by:
            assert moved == by, f"{name}{labels} moved by {moved}, expected {by}"
            return
        if loop.time() > deadline:
            raise AssertionError(f"{name}{labels} moved by {moved} within {within}s")
        await asyncio.sleep(0.05)


@dataclass
class Cluster:
    """A PostgreSQL cluster of this test's own (never the shared one), on its own port."""

    version: str
    name: str
    port: int

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    def _ctl(self, action: str) -> None:
        subprocess.run(
            ["pg_ctlcluster", self.version, self.name, action],
            check=True,
            capture_output=True,
            timeout=60,
        )

    def stop(self) -> None:
        self._ctl("stop")

    def start(self) -> None:
        self._ctl("start")


def own_cluster(port: int) -> Iterator[Cluster]:
    if shutil.which("pg_createcluster") is None or not os.path.isdir(PG_VERSION_DIR):
        if REQUIRE_PG:
            pytest.fail("pg_createcluster is needed for the database outage test")
        pytest.skip("pg_createcluster not installed")
    version = sorted(os.listdir(PG_VERSION_DIR))[-1]
    cluster = Cluster(version, f"rrc_health_{uuid.uuid4().hex[:8]}", port)
    create = ["pg_createcluster", version, cluster.name, "-p", str(port), "--start"]
    subprocess.run(
        [*create, "--", "--auth=trust"],
        check=True,
        capture_output=True,
        timeout=120,
    )
    try:
        yield cluster
    finally:
        subprocess.run(
            ["pg_dropcluster", "--stop", version, cluster.name], capture_output=True, timeout=60
        )
