"""The upload report a lead reads before confirming: header mapping, preview, issues, changes."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import get_args

import pandas as pd
from sqlalchemy import Date

from data_model.rag import RagRules
from data_model.vocabulary import top_level, within
from loaders.issues import Issue
from loaders.kinds import BY_NAME, KINDS, TrackerKind
from loaders.mapping import DAY_FIRST, IGNORE, MONTH_FIRST, Choices, SheetChoice, choosable_fields
from loaders.pipeline import ALIKE, Analysis, ColumnReading, SheetReading
from loaders.text import header_key
from presentation.moments import day_words
from presentation.register_tables import drop_empty
from presentation.safe import md

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


def records_frame(analysis: Analysis, rules: RagRules | None = None, as_at: date | None = None) -> pd.DataFrame:
    """The normalised rows as they will be stored, with where each came from. A row whose tracker states a RAG
    shows it as the lead's, beside the RAG the board's ``rules`` give it on ``as_at`` (the one the views colour by).
    Blank cells are None: the table shows them as blank (ui.tables.MISSING), never "None". The column that names a
    row (Title, Metric, Budget line) comes straight after Sheet and Row, where a narrow screen still shows it; a
    column blank on every row (no reference given anywhere) is left out."""
    rules, as_at = rules or RagRules(), as_at or date.today()
    rows = []
    naming = list(dict.fromkeys(FIELD_NAMES.get(p.kind.label_field, p.kind.label_field) for p in analysis.parts
                                if p.kind.label_field in p.kind.public_fields))
    for part in analysis.parts:
        for rec in part.records:
            row = {"Sheet": rec.sheet, "Row": rec.row}
            for k, v in part.kind.public(rec).items():
                if k == "rag":
                    row[STATED_RAG] = coded_words(stated_rag(rec))
                    row[RULE_RAG] = coded_words(part.kind.rag(rules, rec, as_at)) or "Not rated"
                    continue
                if isinstance(v, Decimal):
                    v = float(v)
                elif isinstance(v, str) and k in CODED_FIELDS:
                    v = coded_words(v)
                row[FIELD_NAMES.get(k, k.capitalize())] = v
            rows.append(row)
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    # The RAG the rule gives, and the lead's where stated, next: at 1024 px they were off to the right of the grid.
    first = ["Sheet", "Row", *naming, *(c for c in (RULE_RAG, STATED_RAG) if c in frame.columns)]
    frame = frame[[*first, *(c for c in frame.columns if c not in first)]]
    return drop_empty(frame, always=first)


CODED_FIELDS = {"status", "rag", "raid_type", "direction", "line_kind"}  # stored as codes, shown as words
STATED_RAG, RULE_RAG = "Lead's RAG", "RAG (rule)"


def coded_words(value: object) -> str | None:
    """A stored code in words: "in_progress" is "In progress" to a lead, "red" is "Red"."""
    return value.replace("_", " ").capitalize() if isinstance(value, str) else None


def stated_rag(row) -> str | None:
    """The RAG a tracker row states: a risk keeps it apart from the score's (``stated_rag``); a milestone's ``rag``
    is the stated one."""
    return getattr(row, "stated_rag", None) if hasattr(row, "stated_rag") else getattr(row, "rag", None)


def rag_rule_notes(analysis: Analysis) -> list[str]:
    """What the upload page says when the file states RAG that the board's rule does not follow: milestone RAG is
    worked out from dates and status, a scored risk's from its score."""
    notes = []
    for part in analysis.parts:
        stated = [r for r in part.records if stated_rag(r)]
        if not stated:
            continue
        if part.kind.name == "milestones":
            notes.append(f"{len(stated)} milestone{'s state' if len(stated) != 1 else ' states'} a RAG. The board's "
                         "views work a milestone's RAG out from its due date and status (the rule on the Overview's "
                         "\"How RAG is decided\"), so the RAG in your file is kept as yours and shown beside the "
                         "rule's as \"Lead's RAG\" where they differ; changing it does not change the colour shown.")
        elif part.kind.name == "risks" and (scored := [r for r in stated if getattr(r, "score", None) is not None]):
            notes.append(f"{len(scored)} scored risk{'s state' if len(scored) != 1 else ' states'} a RAG. A scored "
                         "risk's RAG comes from its score under the board's bands, so the RAG in your file is kept as "
                         "yours and shown beside it as \"Lead's RAG\" where they differ; an unscored risk keeps "
                         "yours.")
    return notes


def issues_frame(analysis: Analysis) -> pd.DataFrame:
    """Errors first, then warnings, each where a lead will find it. Blank where the issue is about the whole file."""
    return pd.DataFrame([{
        "Severity": i.severity.capitalize(), "Sheet": i.sheet or "", "Row": i.row if i.row is not None else "",
        "Column": i.column or "",
        "Value": i.value or "", "What to do": i.message,
    } for i in analysis.issues], columns=["Severity", "Sheet", "Row", "Column", "Value", "What to do"])


def problem_words(issue: Issue) -> str:
    """One problem as a sentence with where it is: "Warning, sheet 'Risks' row 12 column 'Impact' ('Hgh'): …"."""
    where = " ".join(x for x in (f"sheet '{issue.sheet}'" if issue.sheet else "",
                                 f"row {issue.row}" if issue.row is not None else "",
                                 f"column '{issue.column}'" if issue.column else "") if x)
    value = f" ('{issue.value}')" if issue.value else ""
    return f"{issue.severity.capitalize()}{', ' + where if where else ''}{value}: {issue.message}"


ACTION_WORDS = {"added": "Added", "updated": "Updated", "removed": "Removed"}


def changes_frame(change_rows: pd.DataFrame | list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(change_rows)
    if df.empty:
        return pd.DataFrame(columns=["Change", "What", "Item", "Field", "Was", "Now"])
    whole = [a in WHOLE_ROW_WORDS and not isinstance(f, str) for a, f in zip(df["action"], df["field"], strict=True)]
    return pd.DataFrame({
        "Change": df["action"].map(ACTION_WORDS).fillna(df["action"]),
        "What": df["entity"].map(lambda e: str(e).replace("_", " ").capitalize()),
        "Item": df["label"],
        "Field": ["Whole row" if w else CHANGE_FIELD_NAMES.get(f, f) if isinstance(f, str) else ""
                  for w, f in zip(whole, df["field"], strict=True)],
        "Was": [WHOLE_ROW_WORDS[a][0] if w else value_words(f, v)
                for w, a, f, v in zip(whole, df["action"], df["field"], df["old_value"], strict=True)],
        "Now": [WHOLE_ROW_WORDS[a][1] if w else value_words(f, v)
                for w, a, f, v in zip(whole, df["action"], df["field"], df["new_value"], strict=True)],
    })


# A row added or removed whole has no field's before and after: said in words, not a pair of dashes.
WHOLE_ROW_WORDS = {"added": ("Not on the board", "Added from this file"),
                   "removed": ("On the board", "Not in this file: removed")}


# A changed RAG in the log is the lead's stated one: the rule's RAG is worked out when shown, never stored.
CHANGE_FIELD_NAMES = {**FIELD_NAMES, "rag": STATED_RAG}


def _date_fields() -> set[str]:
    """The stored fields that hold a day (a milestone's due, a risk's review date): logged as ISO text."""
    return {c.name for k in KINDS for c in k.table.c if isinstance(c.type, Date)}


DATE_FIELDS = _date_fields()


def value_words(fld: object, value: object) -> str:
    """A logged value as a lead reads it: a coded field's code in words ("in_progress" is "In progress"), a date as
    "31 Jan 2017" (the log holds "2017-01-31"), as every other table writes a date."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if fld in CODED_FIELDS and isinstance(value, str):
        return coded_words(value) or ""
    if fld in DATE_FIELDS and isinstance(value, str):
        try:
            return day_words(date.fromisoformat(value[:10])) or ""
        except ValueError:
            return value  # not a day after all: as logged
    return str(value)


# ---------------------------------------------------------------------------------------------------------------
# The mapping step: each sheet's reading in words, and the choices a lead can make about it
# ---------------------------------------------------------------------------------------------------------------

WORKSTREAM_LEVELS = ("ws1", "ws2", "ws3")  # read with their level ("workstream (level 2)"): shown as read
AS_READ = ""  # a selectbox option: the importer's own reading (no choice of the lead's)
DATE_ORDER_WORDS = {AS_READ: "as the importer reads them", DAY_FIRST: "day first (31/12/2024)",
                    MONTH_FIRST: "month first (12/31/2024)"}
STATUS_WORDS = {"sure": "sure", "likely": "likely", "unsure": "unsure — choose", "chosen": "chosen by you",
                "none": "no tracker table found", "ignored": "not read (you left it out)"}
REMEMBERED = "remembered from your last upload"


@dataclass(frozen=True)
class ColumnView:
    """One header of a sheet as the mapping step shows it: what it is read as, the choices, and why."""

    column: str  # its letter
    header: str
    current: str  # the option now selected: a field, IGNORE, or AS_READ for a reading no field option names
    options: dict[str, str]  # option -> words, in the order shown
    evidence: str
    dates: bool  # read as dates: offer day-first or month-first
    date_order: str  # AS_READ, DAY_FIRST or MONTH_FIRST


@dataclass(frozen=True)
class SheetView:
    """One sheet of the file for the mapping step."""

    sheet: str
    kind: TrackerKind | None
    confidence: str  # the reading's own (loaders.pipeline.SheetReading.confidence)
    status: str  # how sure, in words
    needs_choice: bool  # the importer will not guess: the lead must choose its kind
    others: str  # the other kinds that fit, in words ("" for none)
    header_row: int | None
    columns: tuple[ColumnView, ...]
    problems: tuple[str, ...] = ()  # the errors about the sheet as a whole (not a row): what the controls fix

    @property
    def summary(self) -> str:
        what = f"read as a {self.kind.label}" if self.kind is not None and not self.needs_choice else (
            "needs you to choose what it holds" if self.needs_choice else "not read")
        return f"Sheet '{self.sheet}': {what} ({self.status})"


def date_fields(kind: TrackerKind) -> set[str]:
    """The fields of a kind that hold dates (from its record model's types), for the day/month-first choice."""
    out = set()
    for name, info in kind.record_model.model_fields.items():
        types = {info.annotation, *get_args(info.annotation)}
        if types & {date, datetime}:
            out.add(name)
    return out


def others_words(reading: SheetReading) -> str:
    """The other kinds the sheet fits, with how well beside the kind it was read as. A sheet read surely names only
    kinds it fits about as well: "also fits a budget (less well)" under a plain milestone plan only raises a doubt."""
    words = []
    for name, score in reading.alternatives:
        if name not in BY_NAME or score <= 0:
            continue
        alike = bool(reading.score) and score >= ALIKE * reading.score
        if not alike and reading.confidence != "unsure":
            continue
        how = "about as well" if alike else "less well"
        words.append(f"a {BY_NAME[name].label} ({how})")
    return ", ".join(words)


def sheet_status(reading: SheetReading, own: SheetChoice | None, remembered: bool) -> str:
    """How sure the reading is, in words: the lead's own choice, a remembered one, or the importer's confidence."""
    if reading.confidence in ("ignored", "none", "unsure"):
        return STATUS_WORDS[reading.confidence]
    if remembered and own is None:
        return REMEMBERED
    return STATUS_WORDS.get(reading.confidence, reading.confidence)


def field_options(kind: TrackerKind, col: ColumnReading) -> tuple[str, dict[str, str]]:
    """The options of one header's field selectbox and the one now selected. A reading no field option names (a
    period's amounts, a workstream level) is kept as its own option, "as read", so it can be chosen back."""
    fields = choosable_fields(kind)
    options: dict[str, str] = {}
    if col.field is not None and (col.field not in fields or col.field in WORKSTREAM_LEVELS):
        options[AS_READ] = col.label[:1].upper() + col.label[1:]
        current = AS_READ
    else:
        current = col.field or IGNORE
    options.update(sorted(fields.items(), key=lambda p: p[1].lower()))
    options[IGNORE] = "not read"
    return current, options


def sheet_views(analysis: Analysis, own: Choices) -> list[SheetView]:
    """Every sheet of the file for the mapping step, those that need the lead's choice first."""
    views = []
    remembered = set(analysis.choices.remembered)
    mine = dict(own.per_sheet)
    for r in analysis.readings:
        choice = analysis.choices.for_sheet(r.sheet)
        columns = []
        if r.kind is not None:
            dated = date_fields(r.kind)
            for col in r.columns:
                current, options = field_options(r.kind, col)
                columns.append(ColumnView(col.column, col.header, current, options, col.evidence,
                                          col.field in dated, choice.date_order(col.header) or AS_READ))
        problems = tuple(i.message for i in analysis.errors if i.sheet == r.sheet and i.row is None)
        views.append(SheetView(r.sheet, r.kind, r.confidence, sheet_status(r, mine.get(r.sheet), r.sheet in remembered),
                               r.confidence == "unsure", others_words(r), r.header_row, tuple(columns), problems))
    return sorted(views, key=lambda v: not v.needs_choice)


def remembered_words(analysis: Analysis) -> list[str]:
    """What a remembered mapping set, sheet by sheet, for the note saying it was used."""
    out = []
    for sheet in analysis.choices.remembered:
        choice = analysis.choices.for_sheet(sheet)
        reading = analysis.reading(sheet)
        written = {header_key(h): h for h in (reading.header if reading else ()) if h.strip()}
        out.append(f"sheet '{sheet}': " + (", ".join(choice_words(replace(choice, header_row=None),
                                                                  reading.kind if reading else None, written))
                                           or "read as before"))
    return out


def choice_words(choice: SheetChoice, kind: TrackerKind | None = None, written: dict[str, str] | None = None
                 ) -> list[str]:
    """A sheet's choices in words: the kind, each header's field, each date column's order. ``written`` gives each
    header as the sheet writes it (choices hold the normalised key)."""
    written = written or {}
    kind = kind or BY_NAME.get(choice.kind or "")
    labels = choosable_fields(kind) if kind else ALL_FIELD_WORDS
    out = []
    if choice.kind == IGNORE:
        out.append("sheet not read")
    elif choice.kind in BY_NAME:
        out.append(f"read as a {BY_NAME[choice.kind].label}")
    if choice.header_row:
        out.append(f"header on row {choice.header_row}")
    out += [f"'{written.get(h, h)}' → {'not read' if f == IGNORE else labels.get(f, f).lower()}"
            for h, f in choice.fields]
    out += [f"'{written.get(h, h)}' dates {DATE_ORDER_WORDS.get(o, o)}" for h, o in choice.dates]
    return out


def _all_field_words() -> dict[str, str]:
    """Every kind's fields in words, naming the kinds where a field means something in only some of them."""
    out: dict[str, str] = {}
    for kind in KINDS:
        for fld, words in choosable_fields(kind).items():
            out.setdefault(fld, words)
    return dict(sorted(out.items(), key=lambda p: p[1].lower()))


ALL_FIELD_WORDS = _all_field_words()


def unread_words(analysis: Analysis) -> str | None:
    """The columns with entries that loading leaves out, in words, or None: a lead whose owners sat under a header no
    field knows ("Held by") was told the file "reads cleanly" while every owner was dropped."""
    found = [(r.sheet, c) for r in analysis.readings if r.kind is not None for c in r.columns if c.unread_entries]
    if not found:
        return None
    sheets = {sheet for sheet, _c in found}
    named = [f"column {c.column} '{md(c.header)}'" + (f" of sheet '{md(sheet)}'" if len(sheets) > 1 else "")
             + (" (an entry in every row)" if c.filled >= 0.995 else f" (entries in {round(c.filled * 100)}% of rows)")
             for sheet, c in found]
    listed = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]
    verb = "is" if len(named) == 1 else "are"
    return (f"{listed[0].upper()}{listed[1:]} {verb} not read, so loading leaves {'it' if len(named) == 1 else 'them'} "
            "out. If one holds a field of this tracker (an owner, a date, a status), choose the field under **How "
            "your headers were read**; choose \"not read\" there to leave it out and stop this note.")


def counted(n: int, word: str, many: str | None = None) -> str:
    """"**1** addition", "**2** additions": the number in bold (markdown), the word agreeing with it."""
    return f"**{n:,}** {word if n == 1 else (many or word + 's')}"


def left_out_words(left_out: dict[str, int]) -> str:
    """The rows a lead's partial load leaves out, in words: "Crisis response (12 rows), rows with no workstream (3)"."""
    return ", ".join(f"{w or 'rows with no workstream'} ({n} row{'s' if n != 1 else ''})" for w, n in left_out.items())


def partial_offer_words(left_out: dict[str, int], board_name: str, theirs: tuple[str, ...]) -> str:
    """Why a lead's file can't be loaded as it is, and the way to load their part of it (no load was tried)."""
    return (f"This file can't be loaded as it is: it has rows for {left_out_words(left_out)}, and on {board_name} you "
            f"upload only for {', '.join(theirs)}. Switch on \"Load only the rows for your workstreams\" below to "
            "load just your rows; or split the file, or ask your board administrator to assign you those "
            "workstreams.")


def only_mine_words(mine: int, total: int, left_out: dict[str, int], board_name: str) -> str:
    """What a lead's partial load leaves out, and why, once they have chosen it."""
    return (f"Only your rows will be loaded: {mine:,} of {total:,}. Left out, because on {board_name} you don't upload "
            f"for those workstreams, and nothing of theirs changes: {left_out_words(left_out)}.")


def sheets_without(analysis: Analysis, granted: tuple[str, ...]) -> set[str]:
    """The sheets whose rows all lie outside ``granted`` top-level workstreams: a lead can load nothing from them."""
    theirs, anyone = set(), set()
    for rec in analysis.records:
        anyone.add(rec.sheet)
        if within(top_level(rec.workstream), granted):
            theirs.add(rec.sheet)
    return anyone - theirs


def saved_words(choice: SheetChoice, headers: list | None) -> str:
    """A remembered mapping's choices in words, each header as its sheet writes it."""
    written = {header_key(str(h)): str(h) for h in (headers or []) if str(h).strip()}
    return "; ".join(choice_words(choice, written=written)) or "the importer's own reading"


def saved_mappings_frame(saved: pd.DataFrame) -> pd.DataFrame:
    """A board's remembered mappings for Board settings: sheet, headers, the choices in words, who and when."""
    rows = []
    for r in saved.itertuples():
        choice = SheetChoice.from_json(r.choice or {})
        rows.append({"Sheet": r.sheet, "Headers": ", ".join(str(h) for h in (r.headers or []) if str(h).strip()),
                     "Choices": saved_words(choice, r.headers),
                     "Saved by": r.saved_by or "", "Saved": r.saved_at})
    return pd.DataFrame(rows, columns=["Sheet", "Headers", "Choices", "Saved by", "Saved"])


REMOVED_NAMED = 5  # removed rows named in the warning before "and N more"


def removal_words(change_rows: list[dict], workstreams: tuple[str, ...]) -> str:
    """Why loading takes rows off the board, naming them: a tracker speaks for the whole of each workstream it
    covers, so a row it leaves out is removed. A lead who uploads a few rows of a tracker learns it before loading."""
    names = list(dict.fromkeys(r["label"] for r in change_rows if r["action"] == "removed"))
    shown = ", ".join(f"'{n}'" for n in names[:REMOVED_NAMED])
    more = f" and {len(names) - REMOVED_NAMED} more" if len(names) > REMOVED_NAMED else ""
    covered = ", ".join(w or "rows with no workstream" for w in workstreams) or "the sheets it holds"
    return (f"Loading takes {len(names)} row{'s' if len(names) != 1 else ''} off the board, because this file does "
            f"not have {'them' if len(names) != 1 else 'it'}: {shown}{more}. A tracker speaks for the whole of each "
            f"workstream it covers ({covered}), so what it leaves out is removed; removed rows stay in the history. "
            "If this file is only part of the tracker, load the whole tracker instead.")


def is_day_column(values: pd.Series) -> bool:
    """A preview column of days (a due date, a review date): shown "30 Apr 2016", as every other table writes a day."""
    days = values.dropna()
    return bool(len(days)) and all(isinstance(v, date) and not isinstance(v, datetime) for v in days)
