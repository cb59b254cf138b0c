"""Reporting schedules (a board's forward plan): month by month, the milestones due and the agenda items the board
should hear, as in the Nottinghamshire P2IS PID's Appendix 2 "Possible Meeting Schedule"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated

from pydantic import Field

from data_model import kinds as stored_kinds
from data_model.rag import RagRules
from data_model.vocabulary import join_path
from loaders import headers as h
from loaders.dates import DateParseError, parse_date
from loaders.find_tables import Table, TableRow
from loaders.headers import words
from loaders.issues import Issue
from loaders.kinds.base import Provenance, Record, Row, StoredRow, Template, TrackerKind
from loaders.normalise import Context, cell, dedupe_keys, raw_text, text_key, text_of

Short = Annotated[str, Field(min_length=1, max_length=500)]
Item = Annotated[str, Field(min_length=1, max_length=2000)]


class ScheduleRecord(Record):
    workstream: Short | None = None
    month: date
    milestones: list[Item] = []
    agenda_items: list[Item] = []
    owner: Short | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ScheduleRow(Row):
    month: date  # the month's first day
    month_label: str  # "November 2008"
    milestones: tuple[str, ...]
    agenda_items: tuple[str, ...]
    owner: str | None = None
    notes: str | None = None


def _items(text: str | None) -> tuple[str, ...]:
    """A cell's list, one item a line: the text cleaner turns the seeds' ◆ and ● bullets into line breaks."""
    if not text:
        return ()
    return tuple(line.strip(" -–;") for line in text.split("\n") if line.strip(" -–;"))


def normalise(table: Table, rules: RagRules) -> tuple[list[ScheduleRow], list[Issue]]:
    ctx = Context(table)
    rows = [row for trow in table.rows if (row := _row(ctx, trow)) is not None]
    return dedupe_keys(rows, ctx, "schedule month", label="month_label"), ctx.issues


def _row(ctx: Context, trow: TableRow) -> ScheduleRow | None:
    m = ctx.table.mapping
    v, r = trow.values, trow.row
    c_month = m.get("month")
    milestones = _items(text_of(v, m.get("milestone")))
    agenda = _items(text_of(v, m.get("agenda")))
    month_cell = cell(v, c_month)
    if not milestones and not agenda:
        return None  # a month with nothing due (the seed's "Aug 2009"): nothing for the board to hear
    if month_cell is None:
        ctx.fail("This row has milestones or agenda items but no month. Add the month (such as Nov 2008) or delete "
                 "the row.", r, c_month)
        return None
    raw = raw_text(month_cell)
    try:
        parsed = parse_date(month_cell, month_first=ctx.month_first(c_month))
    except DateParseError:
        parsed = None
    if parsed is None or parsed.start is None:
        ctx.fail(f"'{raw}' is not a month: write it like Nov 2008 or 2008-11, so the row can be placed against the "
                 "board's meeting that month.", r, c_month, month_cell, "unparsed_month")
        return None
    if parsed.precision in ("quarter", "year"):
        ctx.warn(f"'{raw}' is a {parsed.precision}, not a month; its items are placed against its first month, "
                 f"{parsed.start:%B %Y}.", r, c_month, month_cell, "schedule_period")
    month = parsed.start.replace(day=1)
    path, labels = ctx.workstream_path(trow)
    label = f"{month:%B %Y}"
    return ScheduleRow(
        key=text_key("s", join_path(path), month.isoformat()), path=path, labels=labels,
        provenance=Provenance(ctx.sheet, r, {"month": raw}), workstream=join_path(path) or None,
        month=month, month_label=label, milestones=milestones, agenda_items=agenda,
        owner=text_of(v, m.get("owner")), notes=text_of(v, m.get("notes")),
    )


def stored(row: ScheduleRow) -> tuple[StoredRow, None]:
    return StoredRow(row.key, {
        "month": row.month, "month_raw": row.provenance.text("month"), "month_label": row.month_label,
        "milestones": "\n".join(row.milestones) or None, "agenda_items": "\n".join(row.agenda_items) or None,
        "owner": row.owner, "notes": row.notes, "source_sheet": row.sheet, "source_row": row.row,
    }, row.month_label, row.path, row.labels), None


def rag(rules: RagRules, row: ScheduleRow, as_at: date) -> str | None:
    return None  # a schedule says what is due, not how it is going


SCHEDULE = TrackerKind(
    name="schedule",
    label="reporting schedule",
    noun="schedule month",
    hint="a month column (Month, Meeting) and a column of agenda items (Suggested agenda items, Agenda items)",
    vocabulary=(
        *h.COMMON,
        words("month", 10, r"month|meeting|meeting month|board meeting|meeting date|board date|month of meeting|"
              r"date of meeting|board meeting date|date"),
        words("milestone", 9, r"identified milestone|identified milestones|milestone|milestones|key milestone|"
              r"key milestones|milestones due|milestone due|key dates"),
        words("agenda", 10, r"suggested agenda items|suggested agenda item|agenda items|agenda item|agenda|"
              r"suggested items|suggested agenda|items for the board|board agenda|board agenda items|"
              r"reports due|reports to the board|papers due|items|business"),
        words("agenda", 8, r"\bagenda\b", exact=False),
    ),
    required=(frozenset({"month"}), frozenset({"agenda"})),
    weights={"month": 3, "agenda": 6, "milestone": 3},
    anchors=("month", "milestone", "agenda"),
    fill_down=(),
    wide=None,
    normalise=normalise,
    row_type=ScheduleRow,
    record_model=ScheduleRecord,
    stored_as=stored_kinds.SCHEDULE,
    fields=("month", "milestones", "agenda_items", "owner", "notes"),
    stored=stored,
    field_labels={"month": "Month", "milestone": "Milestones", "milestones": "Milestones", "agenda": "Agenda items",
                  "agenda_items": "Agenda items"},
    template=Template(
        sheet="Reporting schedule",
        headers=("Month", "Workstream", "Identified milestone", "Suggested agenda items", "Lead", "Comments"),
        example=("Nov 2008", "P2IS Project Board", "◆ First meeting of P2IS Project Board",
                 "● Agreement of Group Terms of Reference ● Overview of all projects and developments", "Chair",
                 "The first meeting"),
        notes=(
            "One row per month: the milestones due that month and the items the board's meeting should hear. "
            "Several milestones or agenda items go in one cell, each on its own line or after a bullet (◆ or ●).",
            "Month: Nov 2008, November 2008 or 2008-11. A month with nothing due can be left out.",
            "Workstream is optional: rename the header to your board's own word (Priority, Initiative...), or delete "
            "the column.",
        ),
    ),
    rag=rag,
)
