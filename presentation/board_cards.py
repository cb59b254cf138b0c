"""A board's RAG on its home-page card: how many milestones and open risks are red, amber and green, in words."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from presentation.counts import numbered

BADGE = {"red": "red", "amber": "orange", "green": "green"}  # Streamlit's badge colours; the words carry the meaning


@dataclass(frozen=True)
class RagTally:
    """The RAG of one kind of item on one board, counted."""

    red: int = 0
    amber: int = 0
    green: int = 0
    unrated: int = 0

    @classmethod
    def of(cls, counts: pd.DataFrame) -> RagTally:
        """From a data_model.rollups count frame (a ``rag`` and a ``count`` column, any grouping). Summed in plain
        Python: the frame has a few rows, and the home page counts two per board (a pandas groupby per frame cost
        the page a quarter of a second on twenty boards)."""
        by_rag = {"red": 0, "amber": 0, "green": 0, "unrated": 0}
        for rag, n in zip(counts["rag"], counts["count"], strict=True) if not counts.empty else ():
            by_rag[rag if rag in ("red", "amber", "green") else "unrated"] += int(n)
        return cls(**by_rag)

    @property
    def total(self) -> int:
        return self.red + self.amber + self.green + self.unrated

    def words(self) -> str:
        """"3 red, 2 amber, 10 green, 1 not rated"; "none" when there is nothing to count."""
        parts = [f"{n} {rag}" for rag, n in (("red", self.red), ("amber", self.amber), ("green", self.green)) if n]
        if self.unrated:
            parts.append(f"{self.unrated} not rated")
        return ", ".join(parts) or "none"

    def badges(self) -> str:
        """The same words as coloured badges (markdown), each saying its colour."""
        if not self.total:
            return "none"
        parts = [f":{BADGE[rag]}-badge[{n} {rag}]" for rag, n in
                 (("red", self.red), ("amber", self.amber), ("green", self.green)) if n]
        if self.unrated:
            parts.append(f":gray-badge[{self.unrated} not rated]")
        return " ".join(parts)


def rag_line(label: str, tally: RagTally) -> str:
    """One line of a card: "Milestones: :red-badge[3 red] …" (markdown)."""
    return f"**{label}:** {tally.badges()}"


def counts_line(milestones: int, risks: int, budget_lines: int, metrics: int) -> str:
    """What a board tracks, in one line that wraps: "**58** milestones · **20** risks · **22** budget lines ·
    **10** metrics". Four metric tiles in a half-width card cut their labels to "Milest…" at 1024 px."""
    parts = [(milestones, "milestones"), (risks, "risks"), (budget_lines, "budget lines"), (metrics, "metrics")]
    return " · ".join("**{}** {}".format(*numbered(n, noun).split(" ", 1)) for n, noun in parts)
