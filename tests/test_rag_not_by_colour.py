"""RAG is never told by colour alone on the charts: the Overview's stacked bars end with their counts by letter
("R1 A2 G1") and each milestone bar carries its letter, drawn in the chart itself, so they read in the PDF pack
(rendered from the same spec by vl-convert) and in greyscale as well as on screen."""

from __future__ import annotations

import json
import re

import vl_convert as vlc
from conftest import AS_AT

from data_model import registers
from data_model.rag import RagRules
from data_model.rollups import Filters, rag_matrix
from presentation.milestone_view import timeline
from presentation.rag_view import matrix_chart


def drawn_text(chart) -> list[str]:
    """Every piece of text the chart draws, as vl-convert (the board pack's renderer) draws it."""
    svg = vlc.vegalite_to_svg(json.dumps(chart.to_dict()))
    return [re.sub(r"<[^>]+>", "", t) for t in re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.S)]


def test_each_overview_bar_ends_with_its_counts_by_letter(engine, board):
    filters, rules = Filters(board["id"], as_at=AS_AT), RagRules()
    matrix = rag_matrix(engine, filters, rules)
    texts = drawn_text(matrix_chart(matrix, "Workstream"))
    prevention = matrix[(matrix["group"] == "Prevention") & (matrix["kind"] == "Milestones")].iloc[0]
    assert (int(prevention["red"]), int(prevention["amber"]), int(prevention["green"])) == (1, 2, 1)
    assert "R1 A2 G1" in texts  # Prevention's milestones: red 1, amber 2, green 1
    assert {"Red (R)", "Amber (A)", "Green (G)"} <= set(texts)  # the legend names each letter
    bars = [t for t in texts if re.fullmatch(r"([RAGN]\d+ ?)+", t)]
    assert len(bars) == int((matrix["total"] > 0).sum())  # one label on every bar drawn


def test_each_milestone_bar_carries_its_rag_letter(engine, board):
    filters, rules = Filters(board["id"], as_at=AS_AT), RagRules()
    milestones = registers.milestones(engine, filters, rules)
    dated = milestones[milestones["due"].notna()]
    texts = drawn_text(timeline(milestones, AS_AT, AS_AT))
    letters = [t for t in texts if t in {"R", "A", "G", "N"}]
    expected = dated["rag"].map({"red": "R", "amber": "A", "green": "G"}).fillna("N")
    assert sorted(letters) == sorted(expected)
    assert "Red (R)" in texts and "Not rated (N)" in texts
