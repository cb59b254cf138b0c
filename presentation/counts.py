"""How a table says what it left out ("and 12 more risks red or rising — the Risks page lists every risk."), worded
once for the pages and the board pack."""

from __future__ import annotations

PLURALS = {"milestones": "milestone", "risks": "risk", "lines": "line", "metrics": "metric", "changes": "change",
           "items": "item", "warnings": "warning", "charts": "chart", "errors": "error"}


def one(noun: str) -> str:
    """The noun for one row: "1 more milestone", "1 more budget line off plan" (the first plural word made
    singular)."""
    words = noun.split(" ")
    for i, word in enumerate(words):
        if word in PLURALS:
            return " ".join([*words[:i], PLURALS[word], *words[i + 1:]])
    return noun


def numbered(n: int, noun: str) -> str:
    """"1 milestone", "3 milestones", "1 budget line": ``noun`` plural, made singular for one."""
    return f"{n:,} {noun if n != 1 else one(noun)}"


def more_words(left: int, noun: str, where: str = "", detail: str = "") -> str:
    """The sentence under a table cut short: how many more ``noun`` (plural; made singular for one), what they are
    (``detail``, such as " rated green") and ``where`` every row can be read."""
    return f"and {left:,} more {noun if left != 1 else one(noun)}{detail}" + (f" — {where}." if where else ".")
