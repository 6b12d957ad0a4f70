"""The Bot API methods the fake implements (the ones the bot calls), by canonical name.

A method gets the parameters as validation.py read them, the call's record (for uploads and an
optional description) and the HTTP request (a long poll watches whether its client left).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from aiohttp import web

from .messages import Messages
from .profile import Profile
from .records import JSON, Request
from .state import World
from .updates import Updates

Handler = Callable[[JSON, Request, web.Request], Awaitable[Any]]


def methods(world: World) -> Mapping[str, Handler]:
    """Every implemented method's handler, acting on ``world``."""
    return {
        **Updates(world).handlers,
        **Profile(world).handlers,
        **Messages(world).handlers,
    }
