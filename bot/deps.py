"""What every handler needs, built once at start-up and kept in application.bot_data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.config import Settings
from bot.content import Content
from bot.db.session import Database

KEY = "deps"


@dataclass
class Deps:
    settings: Settings
    db: Database
    content: Content


def deps(bot_data: dict[Any, Any]) -> Deps:
    found = bot_data[KEY]
    assert isinstance(found, Deps)
    return found
