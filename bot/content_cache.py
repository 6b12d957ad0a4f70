"""content/ as the bot last compiled it: start-up reads one JSON file instead of parsing markdown.

Parsing needs markdown-it, PyYAML and python-frontmatter: about a hundred modules and 2.5 MiB
that a running bot never uses again, and 50 ms of every start. So the validated content (tips,
plans, profile texts) is kept in the cache folder under a key made of every byte it came from:
the files of the content folder and the code that turns them into tips and plans. Any edit
changes the key and the next start parses afresh, so what the bot serves is always what
`load_content` would give today. A cache that cannot be read or written only costs the parse.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import tempfile
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from bot import paths
from bot.content import Content, Tip, TrackPlan, load_content
from bot.profile import Profile
from bot.profile import load as load_profile

log = logging.getLogger(__name__)

NAME = "reverse-running-coach"
FILE = "content.json"
# The code whose output is kept: a change to any of it makes earlier copies stale. Ours, and
# the file of each parser library that carries its version (found without importing it).
PARSERS = ("content.py", "profile.py", "content_cache.py", "coach")
LIBRARIES = (
    ("markdown_it", "__init__.py"),
    ("yaml", "__init__.py"),
    ("frontmatter", "default_handlers.py"),
)


class Compiled(BaseModel):
    model_config = ConfigDict(frozen=True)

    key: str
    tips: dict[str, Tip]
    tracks: dict[str, TrackPlan]
    profile: Profile


def default_dir() -> Path:
    """$XDG_CACHE_HOME/reverse-running-coach, else ~/.cache/reverse-running-coach; for a user
    without a home (a container run under a bare uid), the system's temporary folder."""
    xdg = Path(os.environ.get("XDG_CACHE_HOME") or ".")
    if xdg.is_absolute():  # the XDG spec ignores a relative path
        return xdg / NAME
    home = Path(os.path.expanduser("~"))
    if home.is_absolute() and home != Path("/"):
        return home / ".cache" / NAME
    return Path(tempfile.gettempdir()) / NAME


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def _library_files() -> list[Path]:
    found = []
    for package, name in LIBRARIES:
        spec = importlib.util.find_spec(package)
        for folder in (spec.submodule_search_locations or []) if spec else []:
            found.append(Path(folder) / name)
    return found


def key_of(root: Path) -> str:
    """A digest of every file under the content root and of the parsing code."""
    digest = hashlib.sha256()
    sources = [paths.PACKAGE / name for name in PARSERS]
    for base in (root, *sources, *_library_files()):
        for path in _files(base) if base.is_dir() else [base]:
            digest.update(path.relative_to(base.parent).as_posix().encode())
            digest.update(b"\0")
            digest.update(path.read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()


def _read(file: Path, key: str) -> Compiled | None:
    try:
        kept = Compiled.model_validate_json(file.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, ValidationError) as err:
        log.info("Compiled content in %s is unreadable (%s); parsing content/", file, err)
        return None
    return kept if kept.key == key else None


def _write(file: Path, compiled: Compiled) -> bool:
    """Atomically (replicas may start together): a reader sees the old file or the new one."""
    temporary: str | None = None
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "wb", dir=file.parent, prefix=f".{FILE}.", delete=False
        ) as out:
            temporary = out.name
            out.write(compiled.model_dump_json().encode())
        # Readable by all, as content/ is: an image compiles it as root, then runs as a user.
        os.chmod(temporary, 0o644)
        os.replace(temporary, file)
    except OSError as err:
        log.info("Cannot keep compiled content in %s (%s); each start parses content/", file, err)
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)  # a full disk: leave nothing half-written
        return False
    return True


def _key(root: Path) -> str:
    try:
        return key_of(root)
    except OSError:
        return ""  # unreadable: parsing says what is wrong


def compile_to(root: Path, cache_dir: Path | None = None) -> tuple[Content, Profile, Path | None]:
    """Parse the content under `root` (a problem raises ContentError, as load_content does)
    and keep it in the cache; returns the content, the profile and the file kept, if any."""
    return _compile(Path(root), cache_dir, _key(Path(root)))


def _compile(root: Path, cache_dir: Path | None, key: str) -> tuple[Content, Profile, Path | None]:
    content = load_content(root)
    profile = load_profile(root)
    file = (cache_dir or default_dir()) / FILE
    compiled = Compiled(key=key, tips=content.tips, tracks=content.tracks, profile=profile)
    return content, profile, file if key and _write(file, compiled) else None


def load(root: Path, cache_dir: Path | None = None) -> tuple[Content, Profile]:
    """The content and profile under `root`: from the cache when it holds this very content,
    else as compile_to gives them."""
    key = _key(Path(root))
    kept = _read((cache_dir or default_dir()) / FILE, key) if key else None
    if kept is not None:
        return Content(kept.tips, kept.tracks), kept.profile
    content, profile, _file = _compile(Path(root), cache_dir, key)
    return content, profile
