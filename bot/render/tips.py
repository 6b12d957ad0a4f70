"""Messages for /tip, /safety and /plan."""

from __future__ import annotations

from collections.abc import Sequence

from bot import actions
from bot.content import SearchResult, Tip
from bot.render import Keyboard, e, keyboard

ALL_TOPICS = "*"  # the tip button argument that lists every topic


def no_best_match(query: str, found: SearchResult, starters: Sequence[Tip]) -> tuple[str, Keyboard]:
    """The reply to a search without one clear tip, with its buttons: the close call's
    choices, else the closest topics, else where most people start."""
    asked = f"“{e(query[:80])}”"
    if found.choices:
        return f"A few tips could fit {asked}. Which one?", tip_buttons(found.choices)
    if found.near:
        text = f"Nothing on {asked} exactly. The closest I have:"
        return text, tip_buttons(found.near, all_topics=True)
    text = (
        f"I don't have a tip on {asked}. Most people start with one of these; "
        "or try other words (like <code>/tip heels</code>)."
    )
    return text, tip_buttons(starters, all_topics=True)


def all_topics(listing_html: str) -> str:
    return (
        "<b>Every topic</b> (tap a command, or type <code>/tip</code> and a few words)\n\n"
        + listing_html
    )


def tip_buttons(tips: Sequence[Tip], *, all_topics: bool = False) -> Keyboard:
    """One tip per row, titles in full; optionally a last row that lists every topic."""
    rows = [[(tip.title, actions.Tip(tip.id).data())] for tip in tips]
    if all_topics:
        rows.append([("📚 All topics", actions.Tip(ALL_TOPICS).data())])
    return keyboard(rows)


def related_buttons(tips: Sequence[Tip]) -> Keyboard:
    """After the stop signs: the tips on the body part that hurts."""
    return keyboard([[(f"More: {tip.title}", actions.Tip(tip.id).data())] for tip in tips])
