"""The bot's profile texts (description, short description) from content/profile.yaml.

Telegram shows the description in an empty chat with the bot and the short description on its
profile page. They are set at start-up only when they differ from what Telegram already has, so
N replicas starting together read twice each and write at most once between them.
"""

from __future__ import annotations

import logging
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from telegram import Bot
from telegram.error import TelegramError

from bot.content import ContentError

log = logging.getLogger(__name__)

FILE = "profile.yaml"
MAX_DESCRIPTION = 512  # Bot API limits (setMyDescription, setMyShortDescription)
MAX_SHORT_DESCRIPTION = 120


class Profile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    description: str = Field(min_length=1, max_length=MAX_DESCRIPTION)
    short_description: str = Field(min_length=1, max_length=MAX_SHORT_DESCRIPTION)


def load(root: Path) -> Profile:
    """Read and validate <root>/profile.yaml; a problem raises ContentError naming the file."""
    import yaml  # only when parsing: a start from the compiled copy never loads it

    path = Path(root) / FILE
    shown = f"{Path(root).name}/{FILE}"
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise ContentError(path, f"cannot read file: {err.strerror}", shown=shown) from err
    except yaml.YAMLError as err:
        problem = " ".join(str(err).split())
        raise ContentError(path, f"not valid YAML: {problem}", shown=shown) from err
    if not isinstance(raw, dict):
        raise ContentError(path, "expected description and short_description", shown=shown)
    try:
        return Profile(**raw)
    except ValidationError as err:
        first = err.errors()[0]
        field = ".".join(str(x) for x in first.get("loc", ()))
        raise ContentError(path, f"field '{field}': {first['msg']}", shown=shown) from None


async def sync(bot: Bot, profile: Profile) -> list[str]:
    """Set what differs from Telegram's copy; returns what was set. A failure is logged, never
    fatal: the bot works without a description, and the next start tries again."""
    changed: list[str] = []
    try:
        current = await bot.get_my_description()
        if current.description != profile.description:
            await bot.set_my_description(profile.description)
            changed.append("description")
        current_short = await bot.get_my_short_description()
        if current_short.short_description != profile.short_description:
            await bot.set_my_short_description(profile.short_description)
            changed.append("short description")
    except TelegramError as err:
        log.warning("Could not update the bot's description: %s", err.message)
        return changed
    if changed:
        log.info("Updated the bot's %s", " and ".join(changed))
    return changed
