"""Hypothesis profiles: the full number of examples in CI (CI=true), a fifth of it locally.

tests/conftest.py loads one before any test module is imported; a test that asks for more than
the default 100 examples says how many it wants in CI through `examples()`.
"""

from __future__ import annotations

import os

from hypothesis import settings

FULL = 100  # hypothesis's own default: the CI profile
LOCAL = 20

settings.register_profile("ci", max_examples=FULL)
settings.register_profile("dev", max_examples=LOCAL)


def load() -> str:
    """HYPOTHESIS_PROFILE if set, else "ci" under CI=true, else "dev"; returns the name."""
    name = os.environ.get("HYPOTHESIS_PROFILE") or (
        "ci" if os.environ.get("CI", "").lower() == "true" else "dev"
    )
    settings.load_profile(name)
    return name


def examples(in_ci: int) -> int:
    """`in_ci` under the CI profile, scaled down like the default under the local one."""
    return max(1, in_ci * settings.default.max_examples // FULL)
