"""The RAG a lead states in their tracker, kept beside the one the board's rule gives.

Milestone RAG comes from dates and status, and a scored risk's from its score, so a lead's own RAG cell does not
move what the views colour. It is kept as stated (``reported_rag``) and shown beside the rule's wherever they differ.
"""

from __future__ import annotations

import pandas as pd

from presentation.rag_view import WORDS

LEAD = "Lead's RAG"
RULE = "RAG (rule)"


def with_stated(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with ``rag`` in words and ``reported_rag`` the lead's RAG in words where it differs from the rule's,
    blank (None) where it agrees or the lead stated none."""
    reported = _reported(frame)
    return frame.assign(rag=frame["rag"].map(WORDS).fillna(WORDS["unrated"]),
                        reported_rag=reported.map(WORDS).where(_differs(frame), None))


def differing(frame: pd.DataFrame) -> int:
    """How many rows state a RAG other than the rule's."""
    return int(_differs(frame).sum())


def _reported(frame: pd.DataFrame) -> pd.Series:
    return frame["reported_rag"] if "reported_rag" in frame else pd.Series(None, index=frame.index, dtype=object)


def _differs(frame: pd.DataFrame) -> pd.Series:
    """Rows whose lead stated a RAG, and not the rule's: the one test both the column and its count use."""
    reported = _reported(frame)
    return reported.notna() & (reported != frame["rag"])


def differing_note(n: int, noun: str, rule: str) -> str:
    """The caption under a table with a Lead's RAG column: why the two can differ."""
    items = f"{n} {noun}{'s' if n != 1 else ''}"
    return (f"On {items} the lead's RAG in the tracker differs from the one the board's rule gives ({rule}). The "
            f"views colour by the rule; \"{LEAD}\" shows what the lead stated, where it differs.")
