"""Typos and speech-to-text slips in the words a session log depends on ("3 minites").

Only the vocabulary is corrected, never numbers: a word of five letters or more that is not
a known word and sits within one edit (two for long words) of a vocabulary word, with the same
first letter, becomes that word. rapidfuzz does the distance (optimal string alignment, so
swapped letters count as one edit); results are cached per word.
"""

from __future__ import annotations

import re
from functools import lru_cache

VOCABULARY: tuple[str, ...] = (
    "minutes",
    "minute",
    "seconds",
    "second",
    "backwards",
    "backward",
    "forwards",
    "forward",
    "yesterday",
    "metres",
    "meters",
    "kilometres",
    "kilometers",
    "sprints",
    "sprint",
    "backpedals",
    "backpedal",
    "walking",
    "treadmill",
    "morning",
    "couple",
    "roughly",
    "around",
    "about",
    "rounds",
    "intervals",
    "reverse",
)
_KNOWN = frozenset(VOCABULARY)
# Real words one edit away from a vocabulary word; left as they are.
_KEEP = frozenset(
    {
        "spring",
        "sprain",
        "sprains",
        "sprained",
        "strain",
        "stride",
        "sorted",
        "second",
        "splints",
        "splint",
        "springs",
        "sprang",
        "minus",
        "mines",
        "minds",
        "minded",
        "mined",
        "minuet",
        "minuets",
        "seconded",
        "mourning",
        "abouts",
        "backyard",
        "toward",
        "towards",
        "walkin",
        "rounded",
        "around",
        "abound",
        "rounder",
        "reversed",
        "reverses",
        "couples",
        "coupled",
        "meteor",
        "metro",
        "metric",
    }
)
_WORD = re.compile(r"[a-z]{5,}")


@lru_cache(maxsize=8192)
def correct_word(word: str) -> str:
    """The vocabulary word meant by `word`, or `word` itself."""
    if word in _KNOWN or word in _KEEP:
        return word
    from rapidfuzz import process  # loaded with the first unknown word, not at start-up
    from rapidfuzz.distance import OSA

    limit = 1 if len(word) <= 5 else 2
    found = process.extract(word, VOCABULARY, scorer=OSA.distance, score_cutoff=limit, limit=3)
    found = [f for f in found if f[0][0] == word[0]]
    if not found:
        return word
    best = min(f[1] for f in found)
    choices = {f[0] for f in found if f[1] == best}
    if best > 1 and len({c[:5] for c in choices}) > 1:
        return word  # two different words equally far: not sure enough to change it
    return sorted(choices, key=len, reverse=True)[0]


def correct(text: str) -> str:
    """Lower-case text with misspelled vocabulary words replaced (same length not kept)."""
    return _WORD.sub(lambda m: correct_word(m.group()), text)
