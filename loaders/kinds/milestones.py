"""Milestone trackers: action plans, project plans, Gantt charts and delivery timetables."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Literal

from pydantic import Field

from data_model import kinds as stored_kinds
from data_model.rag import RagRules
from data_model.vocabulary import MILESTONE_STATUSES, RAGS, fold, join_path
from loaders import headers as h
from loaders.dates import ParsedDate
from loaders.find_tables import Table, TableRow
from loaders.headers import words
from loaders.issues import Issue
from loaders.kinds.base import Provenance, Record, Row, StoredRow, Template, TrackerKind
from loaders.normalise import Context, cell, dedupe_keys, raw_text, row_key, text_key, text_of

Text = Annotated[str, Field(min_length=1, max_length=4000)]
Short = Annotated[str, Field(min_length=1, max_length=500)]


class MilestoneRecord(Record):
    ref: Short | None = None
    workstream: Short | None = None
    locality: Short | None = None
    title: Text
    owner: Short | None = None
    dependency: Text | None = None
    start: date | None = None
    due: date | None = None
    status: Literal[MILESTONE_STATUSES] | None = None
    rag: Literal[RAGS] | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class MilestoneRow(Row):
    ref: str | None
    title: str
    owner: str | None
    dependency: str | None
    start: date | None
    due: date | None
    status: str | None
    rag: str | None  # as the lead stated it (a word, a letter or a cell colour); None when not stated
    start_precision: str | None = None
    due_precision: str | None = None
    completed: date | None = None
    baseline_due: date | None = None
    notes: str | None = None
    phase: str | None = None
    ref_unique: bool = True  # False for the one-row-per-month records of a Gantt chart


STATUS_WORDS = [
    (re.compile(r"\b(complete|completed|done|achieved|delivered|closed|finished|met)\b"), "complete"),
    (re.compile(r"\b(cancel+ed|withdrawn|stopped|superseded|no longer required|dropped)\b"), "cancelled"),
    (re.compile(r"\b(on hold|paused|suspended|deferred)\b"), "on_hold"),
    (re.compile(r"\b(delayed|late|slipped|slipping|behind|overdue|at risk|off track|missed)\b"), "delayed"),
    (re.compile(r"\b(not started|not yet started|planned|not begun|to start|pending|scheduled|future)\b"), "not_started"),
    (re.compile(r"\b(in progress|progressing|started|ongoing|on going|underway|under way|on track|active|open|"
                r"in hand|live|commenced)\b"), "in_progress"),
]


def parse_status(text: str) -> str | None:
    """A milestone status in the tracker's own words ("75% complete", "Slipping"), or None when unknown."""
    s = text.lower()
    if m := re.fullmatch(r"\s*(\d{1,3})\s*%?\s*(complete)?\s*", s):
        pct = int(m.group(1))
        return "complete" if pct >= 100 else ("not_started" if pct == 0 else "in_progress")
    for pattern, status in STATUS_WORDS:
        if pattern.search(s):
            return status
    return None


_COMPLETE_MARK = re.compile(r"\s*[\[(](complete|completed|done)[\])]\s*", re.I)
_GANTT_MARK = re.compile(r"^\s*(x+|✓|✔|■|□|●|◆|\*|1|yes|y|tick|milestone|m)\s*$", re.I)


def normalise(table: Table, rules: RagRules) -> tuple[list[MilestoneRow], list[Issue]]:
    ctx = Context(table)
    m = table.mapping
    gantt = sorted(m.all("gantt"), key=lambda c: c.period.start)
    gantt_by_fill = (bool(gantt) and table.sheet.has_styles
                     and not any(cell(r.values, c) for r in table.rows for c in gantt))
    rows: list[MilestoneRow] = []
    for trow in table.rows:
        row = _row(ctx, trow)
        if row is None:
            continue
        rows.extend(_gantt_rows(ctx, trow, row, gantt, gantt_by_fill))
    if table.actuals is not None:
        # An Actual sheet repeating the plan's tasks (loaders.sheet_pairs): its dates are what happened.
        other = Context(table.actuals)
        actual = [r for trow in table.actuals.rows if (r := _row(other, trow)) is not None]
        rows = _join_actuals(rows, actual, date.today())
        ctx.issues.extend(other.issues)
    return dedupe_keys(rows, ctx, "milestone", label="title"), ctx.issues


def _join_actuals(plan: list[MilestoneRow], actuals: list[MilestoneRow], today: date) -> list[MilestoneRow]:
    """The plan's milestones with the actual sheet's dates: the plan's due date becomes the baseline, an actual end
    that has passed (or a task the actual sheet says is complete) is the completion date, a later one the new due
    date. A task only on the actual sheet is kept as it is."""
    by_title: dict[str, list[int]] = {}
    for i, row in enumerate(plan):
        by_title.setdefault(fold(row.title), []).append(i)
    out, extra, used = list(plan), [], set()
    for act in actuals:
        index = next((i for i in by_title.get(fold(act.title), []) if i not in used), None)
        if index is None:
            extra.append(act)
            continue
        used.add(index)
        mine = out[index]
        end = act.completed or act.due
        finished = end is not None and (act.status == "complete" or (act.status is None and end <= today))
        out[index] = dataclasses.replace(
            mine, start=act.start or mine.start, due=mine.due if finished else (act.due or mine.due),
            baseline_due=mine.baseline_due or mine.due, completed=end if finished else mine.completed,
            status=act.status or ("complete" if finished else mine.status), rag=act.rag or mine.rag,
            owner=mine.owner or act.owner, notes=mine.notes or act.notes)
    return out + extra


def _row(ctx: Context, trow: TableRow) -> MilestoneRow | None:
    m = ctx.table.mapping
    v, r = trow.values, trow.row
    c_title, c_status = m.get("title"), m.get("status")
    title = text_of(v, c_title)
    if not title:
        ctx.fail("This row has dates or a status but no milestone title. Add the title or delete the row.", r, c_title)
        return None
    status_raw = text_of(v, c_status)
    status = None
    if _COMPLETE_MARK.search(title):
        title = _COMPLETE_MARK.sub(" ", title).strip()
        status = "complete"
    if status_raw:
        parsed_status = parse_status(status_raw)
        if parsed_status is None:
            ctx.warn(f"Status '{status_raw}' is not one we know (use Not started, In progress, Complete, Delayed, "
                     "On hold or Cancelled); kept as text.", r, c_status, status_raw, "unknown_status")
        status = parsed_status or status
    rag, rag_raw = ctx.rag(trow, m.get("rag"), fill_from=m.get("status"))
    start, start_raw = ctx.date(v, m.get("start"), r, "start date")
    due, due_raw = ctx.date(v, m.get("due"), r, "due date")
    done, done_raw = ctx.date(v, m.get("completed"), r, "completion date")
    base, _ = ctx.date(v, m.get("baseline_due"), r, "baseline date")
    if done and done.end and status is None:
        status = "complete"
    if start and due and start.start and due.end and start.start > due.end:
        ctx.warn(f"The start ({start_raw}) is after the due date ({due_raw}).", r, m.get("due"), due_raw,
                 "start_after_due")
    path, labels = ctx.workstream_path(trow)
    ref = text_of(v, m.get("ref"))
    locality = text_of(v, m.get("locality"))
    return MilestoneRow(
        key=row_key(path, ref, title, locality), path=path, labels=labels,
        provenance=Provenance(ctx.sheet, r, {"start": start_raw, "due": due_raw, "completed": done_raw,
                                             "status": status_raw, "rag": rag_raw}),
        workstream=join_path(path) or None, locality=locality, ref=ref, title=title,
        owner=text_of(v, m.get("owner")), dependency=text_of(v, m.get("dependency")),
        start=_day(start, "start"), due=_day(due, "end"), status=status, rag=rag,
        start_precision=start.precision if start else None, due_precision=due.precision if due else None,
        completed=_day(done, "end"), baseline_due=_day(base, "end"), notes=text_of(v, m.get("notes")),
        phase=text_of(v, m.get("phase")),
    )


def _day(parsed: ParsedDate | None, which: str) -> date | None:
    if parsed is None:
        return None
    return parsed.start if which == "start" else parsed.end


def _gantt_rows(ctx: Context, trow: TableRow, row: MilestoneRow, gantt: list, by_fill: bool) -> list[MilestoneRow]:
    """A Gantt row marks its months: one milestone per marked month when the row has no due date of its own."""
    v = trow.values
    sheet = ctx.table.sheet
    marks = [c for c in gantt if (cell(v, c) is not None and _GANTT_MARK.match(str(cell(v, c))))
             or (by_fill and sheet.fill(trow.row - 1, c.index))]
    for c in gantt:
        if cell(v, c) is not None and not _GANTT_MARK.match(str(cell(v, c))):
            ctx.warn(f"'{raw_text(cell(v, c))}' in the {c.header} column is not a milestone mark (use X); ignored.",
                     trow.row, c, cell(v, c), "gantt_mark")
    if not marks or row.due:
        return [row]
    out = []
    for c in marks:
        key = (f"{row.key}|{c.period.label}" if row.ref else
               text_key("t", row.workstream or "", row.title, row.locality, c.period.label))
        raw = {**row.provenance.raw, "due": c.header}
        out.append(dataclasses.replace(row, due=c.period.end, due_precision=c.period.period_type, key=key,
                                       ref_unique=False, provenance=Provenance(row.sheet, row.row, raw)))
    return out


def stored(row: MilestoneRow) -> tuple[StoredRow, None]:
    raw = row.provenance.raw
    return StoredRow(row.key, {
        "ref": row.ref, "title": row.title, "owner": row.owner, "dependency": row.dependency,
        "start": row.start, "start_raw": raw.get("start"), "start_precision": row.start_precision,
        "due": row.due, "due_raw": raw.get("due"), "due_precision": row.due_precision,
        "baseline_due": row.baseline_due, "completed": row.completed, "completed_raw": raw.get("completed"),
        "status": row.status, "status_raw": raw.get("status"), "rag": row.rag, "rag_raw": raw.get("rag"),
        "notes": row.notes, "source_sheet": row.sheet, "source_row": row.row,
    }, row.title, row.path, row.labels, row.locality, row.phase), None


def rag(rules: RagRules, row: MilestoneRow, as_at: date) -> str | None:
    return rules.milestone(status=row.status, due=row.due, completed=row.completed, as_at=as_at)


MILESTONES = TrackerKind(
    name="milestones",
    label="milestone tracker",
    noun="milestone",
    hint="a milestone or action title column (Milestone, Action, Task) and a date column (Start, End, Due)",
    vocabulary=(
        *h.COMMON, h.WS2, words("ws2", 4, r"activity|activities"), h.RAG,
        words("title", 10, r"milestone|milestones|key milestone|key milestones|milestone description|milestone name|"
              r"action|actions|task|tasks|task name|deliverable|deliverables|key deliverable|key deliverables|"
              r"activity / milestone|activity milestone|actions milestones deliverables|"
              r"actions , milestones , deliverables|milestone / deliverable|milestone / action|action / milestone|"
              r"actions / milestones|action description|what|what will be done"),
        words("title", 9, r"^key activities|^actions?\b|\bmilestones?\b|\bdeliverables?\b", exact=False),
        words("title", 5, r"activity|activities|aim|aims|objective"),
        words("title", 4, r"description|name|item|title"),
        words("start", 9, r"start|start date|starts|from|begin|begins|planned start|planned start date|start month|"
              r"commence|commencement|date started|start by|baseline start|forecast start|actual start"),
        words("start", 6, r"\bstart", exact=False),
        words("due", 10, r"forecast date|forecast end|forecast end date|forecast completion|forecast completion date|"
              r"revised date|revised due date|revised end date|revised deadline|current due date|expected date|"
              r"expected completion"),
        words("due", 9, r"end|end date|finish|finish date|due|due date|due by|deadline|target date|target completion|"
              r"target completion date|planned delivery date|delivery date|completion date|planned end|"
              r"planned end date|planned completion|planned completion date|planned finish|by when|when|date|"
              r"timescale|timescales|timeline|target end|target end date|date due"),
        words("due", 7, r"by|month|target month|due month|quarter|deadline month"),
        words("due", 6, r"\b(end|due|finish|deadline)\b|delivery date", exact=False),
        words("baseline_due", 7, r"baseline|baseline date|baseline due|baseline due date|baseline end|"
              r"baseline end date|original date|original due date|original end date|original deadline|planned end|"
              r"planned end date|planned completion date|planned delivery date|planned date"),
        words("completed", 9, r"completed|completed date|completed on|date completed|completion|actual completion|"
              r"actual completion date|actual end|actual end date|actual finish|actual date|date achieved|achieved|"
              r"date delivered|actual delivery date|date closed"),
        words("status", 8, r"status|current status|progress|progress status|state|delivery status|milestone status|"
              r"action status|% complete|percent complete|complete"),
        words("rag", 5, r"rating|confidence"),
        words("dependency", 9, r"dependenc|interdependenc|depends on|predecessor|prerequisite", exact=False),
    ),
    required=(frozenset({"title"}), frozenset({"due", "start", "gantt", "completed", "status", "rag"})),
    weights={"title": 3, "due": 3, "start": 3, "gantt": 3, "completed": 2, "dependency": 2, "status": 1, "rag": 1},
    anchors=("ref", "start", "due", "completed", "status", "rag", "baseline_due"),
    fill_down=(),
    wide=h.WideLayout("gantt", period_types=("month", "quarter")),
    joins_actuals=True,
    normalise=normalise,
    row_type=MilestoneRow,
    record_model=MilestoneRecord,
    stored_as=stored_kinds.MILESTONES,
    fields=("ref", "title", "owner", "dependency", "start", "due", "baseline_due", "completed", "status", "rag",
            "notes"),
    stored=stored,
    sources={"due": ("due", "gantt")},
    companions={"start": ("start_raw", "start_precision"), "due": ("due_raw", "due_precision"),
                "completed": ("completed_raw",), "status": ("status_raw",), "rag": ("rag_raw",)},
    field_labels={"title": "Title", "dependency": "Dependency", "start": "Start", "due": "Due",
                  "completed": "Completed", "baseline_due": "Baseline due", "status": "Status", "rag": "RAG"},
    template=Template(
        sheet="Milestones",
        headers=("Ref", "Priority", "Scheme", "Locality", "Milestone", "Owner", "Dependency", "Start", "Due",
                 "Completed", "Status", "RAG", "Comments"),
        example=("M1", "Unified Prevention", "Community agents", "County-wide", "Commission the community agents "
                 "service", "Trish Crowson", "Procurement approval", "Apr 2016", "Sept 2016", "", "In progress",
                 "Amber", "Tender evaluation under way"),
        notes=(
            "One row per milestone. Priority and Scheme are your workstream levels: rename those headers to your "
            "board's own words (Workstream, Phase, Care group, Area...).",
            "Dates are read day first (10/5/16 is 10 May 2016). Month-only dates (Sept 16, March 2017) and quarters "
            "(Q3 2016/17) are fine; TBC leaves a milestone undated.",
            "Status: Not started, In progress, Complete, Delayed, On hold or Cancelled. RAG: Red, Amber or Green "
            "(words, letters or a cell colour).",
        ),
    ),
    rag=rag,
)
