"""Where the bundled content and migrations are, in the repository and in an installed package.

The repository keeps them at the top level (content/, migrations/); a wheel carries copies as
package data under bot/_data/ (see setup.py). The packaged copy wins when it exists, so an
installed bot never reads a stray folder next to site-packages.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
PACKAGED_DATA = PACKAGE / "_data"
REPO_ROOT = PACKAGE.parent


def bundled(name: str) -> Path:
    """The folder `name` (content or migrations) from the package, else from the repository."""
    packaged = PACKAGED_DATA / name
    return packaged if packaged.is_dir() else REPO_ROOT / name


CONTENT = bundled("content")
MIGRATIONS = bundled("migrations")
