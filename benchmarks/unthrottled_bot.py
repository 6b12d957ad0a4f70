"""`python -m bot` with the broadcast limiter off: replies the way a separate reply budget
will send them (the limiter paces every request at 30/s today, replies included)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import bot.app

_build = bot.app.build_application


def _without_limiter(deps, token, request=None, with_rate_limiter=True, *args, **kwargs):  # type: ignore[no-untyped-def]
    return _build(deps, token, request, False, *args, **kwargs)


bot.app.build_application = _without_limiter  # type: ignore[assignment]

from bot.__main__ import main  # noqa: E402

sys.exit(main([]))
