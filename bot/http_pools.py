"""The Bot API client: python-telegram-bot's HTTPXRequest, split into small connection pools.

httpcore walks every connection of its pool, asking the socket whether it is readable,
each time a request starts or ends, so a request costs time in proportion to the pool's
size: with the hundred-odd connections a fan-out at 1,000 msg/s keeps open, that walk was
over half of each send's CPU. Here requests go to the least busy of several small pools (a
new one opens only when every open one is full), so each walk is over a few connections,
and the total stays PTB's default of 256. Errors, timeouts and retries are PTB's own: each
request is an ordinary HTTPXRequest request.
"""

from __future__ import annotations

import ssl
from functools import cache
from typing import Any

from telegram.request import BaseRequest, HTTPXRequest, RequestData

CONNECTIONS = 256  # in all, as PTB's default pool
PER_POOL = 4  # connections per pool: each request's walk is over at most this many


@cache
def tls_context() -> ssl.SSLContext:
    """One TLS context for every client of the process: each httpx client would otherwise
    load the certificate bundle again (time, and about 0.7 MiB each)."""
    import certifi  # httpx's own certificate bundle

    return ssl.create_default_context(cafile=certifi.where())


def updates_request() -> HTTPXRequest:
    """getUpdates' own client, as PTB builds it (one connection), on the shared TLS context."""
    return HTTPXRequest(connection_pool_size=1, httpx_kwargs={"verify": tls_context()})


class PooledRequest(BaseRequest):
    """A BaseRequest over up to CONNECTIONS / PER_POOL HTTPXRequest pools."""

    def __init__(self, connections: int = CONNECTIONS, per_pool: int = PER_POOL) -> None:
        self._per_pool = per_pool
        self._max_pools = max(1, connections // per_pool)
        self._pools: list[HTTPXRequest] = []
        self._busy: list[int] = []
        self._open()

    def _open(self) -> int:
        tls = tls_context()
        self._pools.append(
            HTTPXRequest(connection_pool_size=self._per_pool, httpx_kwargs={"verify": tls})
        )
        self._busy.append(0)
        return len(self._pools) - 1

    def _pick(self) -> int:
        busy = self._busy
        best = min(range(len(busy)), key=busy.__getitem__)
        if busy[best] >= self._per_pool and len(self._pools) < self._max_pools:
            return self._open()
        return best

    @property
    def read_timeout(self) -> float | None:
        return self._pools[0].read_timeout

    async def initialize(self) -> None:
        for pool in self._pools:
            await pool.initialize()

    async def shutdown(self) -> None:
        for pool in self._pools:
            await pool.shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        k = self._pick()
        self._busy[k] += 1
        try:
            return await self._pools[k].do_request(
                url,
                method,
                request_data,
                read_timeout=read_timeout,
                write_timeout=write_timeout,
                connect_timeout=connect_timeout,
                pool_timeout=pool_timeout,
            )
        finally:
            self._busy[k] -= 1
