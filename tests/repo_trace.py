"""Checks the SQLite-only rule of tests/e2e/conftest.py: which Repo methods a test reaches.

    E2E_BOTH_BACKENDS=1 pytest -p tests.repo_trace tests -k postgresql

runs every e2e module on PostgreSQL (the rule is off), records each Repo call per module and
prints the methods that only SQLITE_ONLY modules reach there: that list should stay empty.
(Tests that start a `python -m bot` process are not seen; none of them is SQLite-only.)
"""

from __future__ import annotations

import functools
import inspect
from collections import defaultdict
from collections.abc import Callable, Coroutine
from typing import Any

import pytest

from bot.db.repo import Repo
from tests.e2e.conftest import SQLITE_ONLY

_module: list[str] = [""]
_reached: defaultdict[str, set[str]] = defaultdict(set)


def _recorded(name: str, method: Callable[..., Coroutine[Any, Any, Any]]) -> Any:
    @functools.wraps(method)
    async def call(self: Repo, *args: Any, **kwargs: Any) -> Any:
        if self.dialect == "postgresql":
            _reached[_module[0]].add(name)
        return await method(self, *args, **kwargs)

    return call


def pytest_configure(config: pytest.Config) -> None:
    for name, method in list(vars(Repo).items()):
        if inspect.iscoroutinefunction(method):
            setattr(Repo, name, _recorded(name, method))


def pytest_runtest_setup(item: pytest.Item) -> None:
    _module[0] = item.module.__name__.rpartition(".")[2] if item.module else ""


def pytest_terminal_summary(terminalreporter: Any) -> None:
    kept = set().union(*(m for name, m in _reached.items() if name not in SQLITE_ONLY))
    only = {
        name: sorted(methods - kept) for name, methods in _reached.items() if name in SQLITE_ONLY
    }
    missing = {name: methods for name, methods in only.items() if methods}
    terminalreporter.write_line(
        f"Repo methods reached on PostgreSQL: {len(kept | set().union(*_reached.values()))}; "
        f"reached only by SQLite-only modules: {missing or 'none'}"
    )
