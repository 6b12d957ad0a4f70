"""What a plain chat message that isn't a session is asking for: a small table, no model.

Patterns are tried in order on the normalised text; the first that fits wins. Anything that
fits none gets the pointer to /help. A session told in chat is recognised before this table
(parsing.looks_like_log), so "did it, 4 min" is an offer to log 4 min, not "did it".
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

Intent = Literal["today", "progress", "did_it", "thanks", "greeting"]
_FLAGS = re.VERBOSE | re.IGNORECASE

INTENTS: tuple[tuple[Intent, re.Pattern[str]], ...] = (
    (
        "did_it",
        re.compile(
            r"""^\W*(?:i\s+)?(?:did\s+it|done(?:\s+it)?|all\s+done|finished(?:\s+it)?|completed(?:\s+it)?
              | done\s+(?:and\s+dusted|for\s+today) | did\s+(?:today'?s|my)\s+(?:session|workout)
              | session\s+done | workout\s+done)\b[\W\s]*(?:today|for\s+today)?[\W\s]*$
              | ^\s*(?:✅|✔️?|☑️?)+\s*$""",
            _FLAGS,
        ),
    ),
    (
        "today",
        re.compile(
            r"""what'?s\s+(?:on|up|planned|the\s+plan)\b(?:\s+(?:for\s+)?(?:today|tonight))?
              | what(?:\s+do|\s+should|\s+shall)\s+i\s+do\b
              | anything\s+(?:on|planned|scheduled)\b
              | (?:today'?s|todays)\s+(?:workout|session|plan|training)
              | (?:workout|session|training|plan)\s+(?:for\s+)?today
              | what\s+(?:is|are)\s+(?:my|the)\s+(?:workout|session|training)s?
              | do\s+i\s+(?:train|run|have\s+(?:a\s+)?(?:session|workout))\s+today
              | is\s+(?:today|it)\s+a\s+(?:rest|training)\s+day""",
            _FLAGS,
        ),
    ),
    (
        "progress",
        re.compile(
            r"""how\s+(?:am\s+i|'?m\s+i|are\s+we)\s+(?:doing|getting\s+on|going)
              | how'?s\s+my\s+progress | my\s+progress | am\s+i\s+(?:improving|on\s+track)
              | how\s+far\s+(?:have\s+i|am\s+i)""",
            _FLAGS,
        ),
    ),
    (
        "thanks",
        re.compile(
            r"""^\W*(?:thanks?|thank\s+you|thx|ty|tysm|cheers|ta|much\s+appreciated|appreciate\s+it
              | great,?\s+thanks|nice\s+one|legend|perfect,?\s+thanks?)\b""",
            _FLAGS,
        ),
    ),
    (
        "greeting",
        re.compile(
            r"""^\W*(?:hi|hello|hey|hiya|heya|yo|howdy|hallo|hola|good\s+(?:morning|afternoon|evening)
              | morning|evening|sup|what'?s\s+up)\b""",
            _FLAGS,
        ),
    ),
)


def intent_of(text: str) -> Intent | None:
    """The first intent whose pattern fits, or None (the caller points to /help)."""
    norm = unicodedata.normalize("NFKC", text).strip().replace("’", "'")
    if not norm or len(norm) > 300:
        return None
    for intent, pattern in INTENTS:
        if pattern.search(norm):
            return intent
    return None
