"""What a tracker kind is: the one typed object that owns everything the product knows about it.

Each kind (milestones, risks, budget, metrics) is one ``TrackerKind`` in its own module beside this one:
how its headers are recognised, how its rows are normalised into typed rows, how those rows are checked,
stored and compared with what is stored, how they are labelled, its blank template and its RAG rule.
Nothing elsewhere keeps a per-kind table keyed by the kind's name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

if TYPE_CHECKING:
    from data_model.kinds import StoredKind
    from data_model.rag import RagRules
    from loaders.headers import HeaderPattern, Mapping, WideLayout
    from loaders.issues import Issue
    from loaders.tables import Table


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a row came from: its sheet, its 1-based row, and the cell text as written for each parsed field."""

    sheet: str
    row: int
    raw: Mapping[str, str | None] = field(default_factory=dict)

    def text(self, fld: str) -> str | None:
        return self.raw.get(fld)


@dataclass(frozen=True, slots=True, kw_only=True)
class Row:
    """A normalised tracker row on its way from the normaliser to the store.

    The public fields (those of the kind's ``record_model``) are the import CLI's JSON ``records``; the
    others carry what the store needs: the match key, the workstream path and its level labels, and
    the provenance.
    """

    key: str
    path: tuple[str, ...]
    labels: tuple[str | None, ...]
    provenance: Provenance
    workstream: str | None = None
    locality: str | None = None

    @property
    def sheet(self) -> str:
        return self.provenance.sheet

    @property
    def row(self) -> int:
        return self.provenance.row


@dataclass(frozen=True)
class Template:
    """The blank workbook a lead can start from."""

    sheet: str
    headers: tuple[str, ...]
    example: tuple[object, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True)
class Children:
    """How a kind's child rows (its ``StoredKind.child_table``) are compared: a risk's assessments, a line's amounts,
    a metric's values.

    ``history`` children are appended when they change (a risk's ratings over time); the others are
    matched on ``match`` and updated in place. ``counted`` means the upload's counts are of children
    (metric values), not of their parents (budget lines count as lines).
    """

    fields: tuple[str, ...]
    match: tuple[str, ...] = ()
    history: bool = False
    counted: bool = False
    show: Callable[[str, object], tuple[str, str | None]] | None = None
    removed_label: Callable[[Mapping], str] | None = None


class Record(BaseModel):
    """Base of the validation models: the contract a row's public fields must meet before it is stored."""

    model_config = ConfigDict(extra="ignore", frozen=True)


@dataclass(frozen=True, repr=False, eq=False)
class TrackerKind:
    """Everything the product knows about one kind of tracker. Kinds compare by identity: there is one of each."""

    name: str  # the CLI's --kind, the upload's kind column
    label: str  # "milestone tracker": how a lead would name the file
    noun: str  # "milestone": one row of it
    hint: str  # what a header row needs, for "no table found" messages
    vocabulary: tuple[HeaderPattern, ...]  # header words, shared ones included
    required: tuple[frozenset[str], ...]  # a header row must have a field from each group
    weights: Mapping[str, int]  # how much each field counts towards recognising the kind
    anchors: tuple[str, ...]  # fields whose cells mark a row as data, not a heading or a note
    fill_down: tuple[str, ...]  # fields given once for a block of rows
    wide: WideLayout | None  # how it reads one column per period, if it does
    normalise: Callable[[Table, RagRules], tuple[list, list[Issue]]]  # the board's rules rate what it must
    row_type: type[Row]
    record_model: type[Record]
    stored_as: StoredKind  # its tables and change-log names (data_model.kinds)
    fields: tuple[str, ...]  # stored columns compared to detect a change
    stored: Callable[[Row], tuple[StoredRow, StoredRow | None]]  # a row as table columns (and its child's)
    field_labels: Mapping[str, str]  # field -> words for a lead
    template: Template
    rag: Callable[[RagRules, Row, date], str | None]  # the board's RAG for a row, as the views rate it
    children: Children | None = None
    money_fields: tuple[str, ...] = ()  # fields whose header may carry a unit ("Allocation (£k)")
    recognised: Callable[[Mapping], bool] | None = None  # evidence a header row must show beyond the required fields
    totals_without_anchor: bool = False  # a "Total" row counts as a total even with no anchor field in it
    measures: bool = False  # reads a wide table of measures by area (one column per measure, one row per area)
    joins_actuals: bool = False  # its normaliser reads a plan table's ``actuals`` (loaders.sheet_pairs)
    # Which of a sheet's columns (mapped fields) speak for a stored field, where not the field itself ("due" is
    # also said by a Gantt chart's month columns); and the stored columns kept or written along with it.
    sources: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    companions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_records", TypeAdapter(list[self.record_model]))

    def __repr__(self) -> str:
        return f"TrackerKind({self.name!r})"

    def __reduce__(self) -> tuple:
        """Pickled by name (the upload page caches analyses): unpickling gives back the registry's own object."""
        from loaders.kinds import kind

        return kind, (self.name,)

    @property
    def table(self) -> Any:
        return self.stored_as.table

    @property
    def entity(self) -> str:
        return self.stored_as.entity

    @property
    def label_field(self) -> str:
        return self.stored_as.label_column

    @property
    def public_fields(self) -> tuple[str, ...]:
        return tuple(self.record_model.model_fields)

    def public(self, row: Row) -> dict:
        """A row's public fields, as the CLI's JSON prints them."""
        return {f: getattr(row, f) for f in self.public_fields}

    def unsaid(self, read: frozenset[str], columns: Mapping[str, object], fields: tuple[str, ...]) -> frozenset[str]:
        """Of ``fields``, those a row says nothing about: its sheet has no column for them (``read`` is the fields
        its sheet maps) and nothing else in the file gave them a value. Updating the row keeps their stored value;
        a blank cell in a column the sheet does have is the lead blanking it, and clears it."""
        return frozenset(f for f in fields if columns.get(f) is None
                         and not read.intersection(self.sources.get(f, (f,))))

    def with_companions(self, fields: frozenset[str]) -> frozenset[str]:
        """The stored columns that go with ``fields`` (a date's raw text and precision), the fields included."""
        return fields.union(*(self.companions.get(f, ()) for f in fields))

    def validate(self, rows: list[Row]) -> list[tuple[int, str, str]]:
        """Check every row at once; (row index, field, message) for each failure."""
        try:
            self._records.validate_python([self.public(r) for r in rows])
        except ValidationError as exc:
            problems = []
            for err in exc.errors():
                loc = err.get("loc", ())
                index = loc[0] if loc and isinstance(loc[0], int) else -1
                problems.append((index, str(loc[1]) if len(loc) > 1 else "", err.get("msg", "invalid")))
            return problems
        return []


@dataclass
class StoredRow:
    """A row as the columns of its table, plus what the store resolves into ids (workstream, locality, phase)."""

    key: str
    columns: dict[str, object]
    label: str  # how the change log names it
    path: tuple[str, ...] = ()
    labels: tuple[str | None, ...] = ()
    locality: str | None = None
    phase: str | None = None
    parent_key: str | None = None  # a child's parent row
    id: int | None = None
    unsaid: frozenset[str] = frozenset()  # fields its sheet has no column for: an update keeps their stored values

    @property
    def ws_path(self) -> str | None:
        from data_model.vocabulary import join_path

        return join_path(self.path) or None
