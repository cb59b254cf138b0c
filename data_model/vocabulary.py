"""Words every layer shares: workstream paths, statuses and RAG.

A workstream is stored as a path from the top level down ("Crisis response › Night sitting"). Which
top-level workstream a row lies in decides three things that must never disagree: which stored row it
matches, which rows a file may remove, and whether a lead may load it. All three use ``workstream_key``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

RAGS = ("red", "amber", "green")
MILESTONE_STATUSES = ("not_started", "in_progress", "complete", "delayed", "on_hold", "cancelled")
RISK_STATUSES = ("open", "closed")
RAID_TYPES = ("risk", "issue", "assumption", "dependency", "action", "decision")  # what a RAID log's rows can be
# A risk's score against its previous assessment. A higher score is a worse risk, and "Up" alone left a member to
# guess which way is bad, so every table (Risks page, board pack, What changed) says it from here.
RISK_TREND_WORDS = {"up": "Up (worse)", "down": "Down (better)", "same": "Same"}

PATH_SEP = " › "
_SEP_CHAR = "›"

_FOLD = re.compile(r"[^\w£%]+")


def fold(value: str) -> str:
    """A value reduced for comparing: case, spaces and punctuation ignored."""
    return " ".join(_FOLD.sub(" ", value.lower()).split())


def path_segment(name: str) -> str:
    """A workstream name fit to be one level of a path: it can never hold the separator itself."""
    return " ".join(name.replace(_SEP_CHAR, "-").split())


def join_path(parts: Iterable[str]) -> str:
    return PATH_SEP.join(parts)


def split_path(path: str | None) -> tuple[str, ...]:
    return tuple(path.split(PATH_SEP)) if path else ()


def top_level(path: str | None) -> str:
    """The top-level workstream of a stored path ("" for a row with none)."""
    return split_path(path)[0] if path else ""


def workstream_key(name: str | None) -> str:
    """The one identity of a top-level workstream: "Children & Young People" and "children, young people" are
    the same workstream to the store, to the match keys and to the permission check."""
    return fold(top_level(name)) if name else ""


def within(path: str | None, granted: Iterable[str]) -> bool:
    """Whether a row's workstream path lies inside one of the granted top-level workstreams."""
    key = workstream_key(path)
    return bool(key) and key in {workstream_key(g) for g in granted}


def risk_trend(score: float, previous: float) -> str:
    """A risk's score against its previous one, in words (``RISK_TREND_WORDS``)."""
    return RISK_TREND_WORDS["up" if score > previous else "down" if score < previous else "same"]
