"""Blank tracker templates a lead can download from the upload page, one per kind."""

from __future__ import annotations

import io

import xlsxwriter

TEMPLATES: dict[str, dict] = {
    "milestones": {
        "sheet": "Milestones",
        "headers": ["Ref", "Priority", "Scheme", "Locality", "Milestone", "Owner", "Dependency", "Start", "Due",
                    "Completed", "Status", "RAG", "Comments"],
        "example": ["M1", "Unified Prevention", "Community agents", "County-wide", "Commission the community agents "
                    "service", "Trish Crowson", "Procurement approval", "Apr 2016", "Sept 2016", "", "In progress",
                    "Amber", "Tender evaluation under way"],
        "notes": [
            "One row per milestone. Priority and Scheme are your workstream levels: rename those headers to your board's "
            "own words (Workstream, Phase, Care group, Area...).",
            "Dates are read day first (10/5/16 is 10 May 2016). Month-only dates (Sept 16, March 2017) and quarters "
            "(Q3 2016/17) are fine; TBC leaves a milestone undated.",
            "Status: Not started, In progress, Complete, Delayed, On hold or Cancelled. RAG: Red, Amber or Green (words, "
            "letters or a cell colour).",
        ],
    },
    "risks": {
        "sheet": "Risk register",
        "headers": ["Ref", "Priority", "Locality", "Risk", "Owner", "Date opened", "Likelihood", "Impact", "RAG",
                    "Mitigation", "Review date", "Status"],
        "example": ["R1", "Crisis response", "", "Out of hours support to EDT fails", "Neil Lester", "10/05/2016",
                    "Medium", "High", "", "Weekly review with EDT manager", "Aug 2016", "Open"],
        "notes": [
            "Likelihood and Impact: High, Medium or Low (or 1-5, or Very low to Very high). The score is likelihood x "
            "impact on a 1-5 scale; leave RAG blank to derive it from the score.",
            "Keep the same Ref for a risk from one month to the next so the dashboard can show its trend.",
        ],
    },
    "budget": {
        "sheet": "Budget",
        "headers": ["Ref", "Priority", "Budget line", "Funder", "Commissioner", "Period", "Allocated", "Forecast",
                    "Spent"],
        "example": ["B1", "Unified Prevention", "Community Agents contract", "ELRCCG", "RCC", "2016-17 Q1", "£36,750",
                    "£36,750", "£35,100"],
        "notes": [
            "One row per budget line and period (2016-17, 2016-17 Q1 or Jul 2016), or one column per period "
            "(headers such as 2016-17 or 16/17 Q2).",
            "Amounts may be written £528k, £2.4m, 154,792.00 or (500) for a negative. Total rows are checked against "
            "their lines, not loaded.",
        ],
    },
    "metrics": {
        "sheet": "Metrics",
        "headers": ["Priority", "Metric", "Locality", "Period", "Target", "Actual", "Unit", "Direction"],
        "example": ["Crisis response", "Delayed transfers of care per 100,000", "", "2016-17 Q1", 250, 262, "rate",
                    "Lower is better"],
        "notes": [
            "One row per metric, period and locality. Direction says whether higher or lower is better, so the dashboard "
            "can rate each figure against its target.",
        ],
    },
}


def template_bytes(kind: str) -> bytes:
    """A blank workbook for ``kind``: headers, one example row (in grey, delete it) and notes."""
    spec = TEMPLATES[kind]
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True})
    ws = wb.add_worksheet(spec["sheet"])
    head = wb.add_format({"bold": True, "bg_color": "#DCE6F1", "border": 1, "text_wrap": True})
    example = wb.add_format({"font_color": "#7F7F7F", "italic": True})
    ws.write_row(0, 0, spec["headers"], head)
    ws.write_row(1, 0, spec["example"], example)
    ws.set_column(0, len(spec["headers"]) - 1, 22)
    ws.freeze_panes(1, 0)
    notes = wb.add_worksheet("How to fill this in")
    notes.set_column(0, 0, 120)
    notes.write(0, 0, f"{spec['sheet']} template", wb.add_format({"bold": True, "font_size": 14}))
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    for i, line in enumerate(spec["notes"] + ["Delete the grey example row before uploading."], start=2):
        notes.write(i, 0, line, wrap)
    wb.close()
    return buffer.getvalue()
