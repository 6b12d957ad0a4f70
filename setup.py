"""Copies content/ and migrations/ into the package (bot/_data/) when a wheel is built.

The metadata lives in pyproject.toml; this only extends build_py, because setuptools has no
declarative way to ship top-level folders as data of a package that lives elsewhere.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

DATA = ("content", "migrations")


class BuildWithData(build_py):  # type: ignore[misc]
    def run(self) -> None:
        super().run()
        here = Path(__file__).resolve().parent
        for name in DATA:
            target = Path(self.build_lib) / "bot" / "_data" / name
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(
                here / name, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
            )


setup(cmdclass={"build_py": BuildWithData})
