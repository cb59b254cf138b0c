"""The upload report a lead reads before confirming: header mapping, preview, issues, changes."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from loaders.kinds import KINDS
from loaders.pipeline import Analysis

# Words for the fields every kind shares; each kind adds its own (``TrackerKind.field_labels``).
SHARED_FIELD_NAMES = {"ref": "Reference", "owner": "Owner", "notes": "Notes", "locality": "Locality", "phase": "Phase",
                      "workstream": "Workstream"}
FIELD_NAMES = {**SHARED_FIELD_NAMES, **{f: w for k in KINDS for f, w in k.field_labels.items()}}


def kind_label(analysis: Analysis) -> str:
    return analysis.kind.label if analysis.kind else "unknown"


def mapping_frame(analysis: Analysis) -> pd.DataFrame:
    """How each sheet's headers were read: one row per column."""
    rows = []
    for sheet in analysis.sheets:
        for col in sheet.columns:
            field = col["field"]
            rows.append({"Sheet": sheet.name, "Column": col["column"], "Your header": col["header"],
                         "Read as": FIELD_NAMES.get(field, field.capitalize()) if field else "Not used"})
    return pd.DataFrame(rows, columns=["Sheet", "Column", "Your header", "Read as"])


def sheets_frame(analysis: Analysis) -> pd.DataFrame:
    return pd.DataFrame([{
        "Sheet": s.name, "Header row": s.header_row, "Rows read": s.rows_read, "Records": s.records,
        "Repeated headers skipped": s.repeated_headers, "Split rows joined": s.continuations,
        "Total rows checked": s.totals, "Section rows": ", ".join(s.sections),
    } for s in analysis.sheets])


def records_frame(analysis: Analysis) -> pd.DataFrame:
    """The normalised rows as they will be stored, with where each came from."""
    rows = []
    for rec, public in zip(analysis.records, analysis.public_records(), strict=True):
        row = {"Sheet": rec.sheet, "Row": rec.row}
        for k, v in public.items():
            row[FIELD_NAMES.get(k, k.capitalize())] = float(v) if isinstance(v, Decimal) else v
        rows.append(row)
    return pd.DataFrame(rows)


def issues_frame(analysis: Analysis) -> pd.DataFrame:
    """Errors first, then warnings, each where a lead will find it. Blank where the issue is about the whole file."""
    return pd.DataFrame([{
        "Severity": i.severity.capitalize(), "Sheet": i.sheet or "", "Row": i.row, "Column": i.column or "",
        "Value": i.value or "", "What to do": i.message,
    } for i in analysis.issues], columns=["Severity", "Sheet", "Row", "Column", "Value", "What to do"])


ACTION_WORDS = {"added": "Added", "updated": "Updated", "removed": "Removed"}


def changes_frame(change_rows: pd.DataFrame | list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(change_rows)
    if df.empty:
        return pd.DataFrame(columns=["Change", "What", "Item", "Field", "Was", "Now"])
    return pd.DataFrame({
        "Change": df["action"].map(ACTION_WORDS).fillna(df["action"]),
        "What": df["entity"].map(lambda e: str(e).replace("_", " ").capitalize()),
        "Item": df["label"],
        "Field": df["field"].map(lambda f: FIELD_NAMES.get(f, f) if isinstance(f, str) else ""),
        "Was": df["old_value"].fillna(""),
        "Now": df["new_value"].fillna(""),
    })
