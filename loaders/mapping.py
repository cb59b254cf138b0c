"""The mapping step: what a lead chose about a file, applied on top of the importer's own reading.

A lead (on the upload page, or with the CLI's --kind/--sheet/--header-row/--map/--month-first) may set, per
sheet: its kind or "ignore", the header row, the field of any header (or "ignore"), and day-first or
month-first dates for a column. ``Choices`` holds that; ``loaders.pipeline.analyse`` applies it. Choices are
remembered per board and header signature (``data_model.saved_mappings``), so the next upload of the same
tracker reads the same way with no clicks.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace

from loaders.headers import (
    MULTI,
    STRONG,
    Column,
    Mapping,
    _number_workstream_levels,
    column_letter,
    header_unit,
)
from loaders.kinds import BY_NAME, TrackerKind
from loaders.text import header_key

IGNORE = "ignore"
MONTH_FIRST, DAY_FIRST = "month_first", "day_first"
CHOSEN = STRONG + 10  # the strength of a header the lead mapped: nothing the importer guesses outranks it

COMMON_LABELS = {
    "ref": "Reference", "ws1": "Workstream", "ws2": "Sub-workstream", "ws3": "Third workstream level",
    "phase": "Phase", "locality": "Locality", "owner": "Owner", "notes": "Notes or comments",
    "raid_type": "Type (risk, issue, assumption, dependency)",
}


class ChoiceError(ValueError):
    """A choice that cannot work (an unknown field or kind): the sentence says what to give instead."""


@dataclass(frozen=True)
class SheetChoice:
    """What the lead chose for one sheet (or, as ``Choices.default``, for every sheet)."""

    kind: str | None = None  # a kind's name, IGNORE, or None: work it out
    header_row: int | None = None  # 1-based, as the spreadsheet numbers rows; None: find it
    fields: tuple[tuple[str, str], ...] = ()  # (header key, field or IGNORE)
    dates: tuple[tuple[str, str], ...] = ()  # (header key, MONTH_FIRST or DAY_FIRST)

    @property
    def empty(self) -> bool:
        return self == SheetChoice()

    def field_for(self, header: str) -> str | None:
        key = header_key(header)
        return next((f for h, f in self.fields if h == key), None)

    def date_order(self, header: str) -> str | None:
        key = header_key(header)
        return next((o for h, o in self.dates if h == key), None)

    def over(self, base: SheetChoice) -> SheetChoice:
        """This choice laid over ``base``: what this one sets wins, the rest comes from ``base``."""
        mine_f = {h for h, _ in self.fields}
        mine_d = {h for h, _ in self.dates}
        return SheetChoice(
            kind=self.kind if self.kind is not None else base.kind,
            header_row=self.header_row if self.header_row is not None else base.header_row,
            fields=tuple(sorted((*self.fields, *((h, f) for h, f in base.fields if h not in mine_f)))),
            dates=tuple(sorted((*self.dates, *((h, o) for h, o in base.dates if h not in mine_d)))),
        )

    def with_field(self, header: str, fld: str | None) -> SheetChoice:
        """This choice with ``header`` mapped to ``fld`` (None: back to the importer's own reading)."""
        key = header_key(header)
        rest = tuple(p for p in self.fields if p[0] != key)
        return replace(self, fields=tuple(sorted(rest + (((key, fld),) if fld else ()))))

    def with_date_order(self, header: str, order: str | None) -> SheetChoice:
        key = header_key(header)
        rest = tuple(p for p in self.dates if p[0] != key)
        return replace(self, dates=tuple(sorted(rest + (((key, order),) if order else ()))))

    def as_json(self) -> dict:
        return {"kind": self.kind, "header_row": self.header_row, "fields": dict(self.fields),
                "dates": dict(self.dates)}

    @classmethod
    def from_json(cls, data: dict) -> SheetChoice:
        return cls(kind=data.get("kind"), header_row=data.get("header_row"),
                   fields=tuple(sorted((data.get("fields") or {}).items())),
                   dates=tuple(sorted((data.get("dates") or {}).items())))


@dataclass(frozen=True)
class Choices:
    """Everything a lead chose about one file. Empty: the importer's own reading."""

    sheets: tuple[str, ...] = ()  # read only these sheets; empty: every sheet
    default: SheetChoice = SheetChoice()  # for every sheet (the CLI's flags)
    per_sheet: tuple[tuple[str, SheetChoice], ...] = ()  # by sheet name (the upload page)
    remembered: tuple[str, ...] = field(default=(), compare=False)  # sheets whose choice came from a saved mapping

    @property
    def empty(self) -> bool:
        return not self.sheets and self.default.empty and all(c.empty for _, c in self.per_sheet)

    def for_sheet(self, name: str) -> SheetChoice:
        own = dict(self.per_sheet).get(name)
        return own.over(self.default) if own is not None else self.default

    def with_sheet(self, name: str, choice: SheetChoice) -> Choices:
        rest = tuple(p for p in self.per_sheet if p[0] != name)
        return replace(self, per_sheet=tuple(sorted(rest + (((name, choice),) if not choice.empty else ()))))

    def reads(self, sheet: str) -> bool:
        return (not self.sheets or sheet in self.sheets) and self.for_sheet(sheet).kind != IGNORE

    def to_remember(self, sheet: str) -> SheetChoice | None:
        """What to remember for a sheet after a load: the lead's own choices for it, never a bare kind given for
        the whole file (a shorthand, not a mapping of this tracker)."""
        choice = self.for_sheet(sheet)
        own = dict(self.per_sheet).get(sheet)
        if own is None and not (choice.fields or choice.header_row or choice.dates):
            return None
        return choice

    def remembering(self, sheet: str, choice: SheetChoice) -> Choices:
        """These choices with a remembered mapping laid under the sheet (what the lead chose now still wins)."""
        own = dict(self.per_sheet).get(sheet)
        merged = own.over(choice) if own is not None else choice
        return replace(self.with_sheet(sheet, merged), remembered=(*self.remembered, sheet))

    def as_json(self) -> dict:
        return {"sheets": list(self.sheets), "default": self.default.as_json(),
                "per_sheet": {name: c.as_json() for name, c in self.per_sheet}}

    @classmethod
    def from_json(cls, data: dict | None) -> Choices:
        if not data:
            return cls()
        return cls(sheets=tuple(data.get("sheets") or ()),
                   default=SheetChoice.from_json(data.get("default") or {}),
                   per_sheet=tuple(sorted((n, SheetChoice.from_json(c)) for n, c in (data.get("per_sheet") or {}).items())))

    def describe(self) -> list[str]:
        """The choices in words, for the upload record and the CLI."""
        out = []
        if self.sheets:
            out.append("sheets read: " + ", ".join(f"'{s}'" for s in self.sheets))
        for name, c in (("every sheet", self.default), *((f"sheet '{n}'", c) for n, c in self.per_sheet)):
            if c.kind:
                out.append(f"{name}: " + ("not read" if c.kind == IGNORE else f"read as a {BY_NAME[c.kind].label}"
                                          if c.kind in BY_NAME else f"kind {c.kind}"))
            if c.header_row:
                out.append(f"{name}: header on row {c.header_row}")
            out += [f"{name}: '{h}' → {'ignored' if f == IGNORE else f}" for h, f in c.fields]
            out += [f"{name}: '{h}' dates read {o.replace('_', ' ')}" for h, o in c.dates]
        return out


def from_cli(*, kind: str | None = None, sheets: list[str] | None = None, header_row: int | None = None,
             maps: list[str] | None = None, month_first: list[str] | None = None,
             day_first: list[str] | None = None) -> Choices:
    """The CLI's flags as choices. ``maps`` are "Header=field" strings; raises ChoiceError with a sentence."""
    if header_row is not None and header_row < 1:
        raise ChoiceError("--header-row counts rows from 1, as the spreadsheet numbers them.")
    fields = []
    for spec in maps or ():
        header, sep, fld = spec.rpartition("=")
        if not sep or not header.strip() or not fld.strip():
            raise ChoiceError(f"--map '{spec}' must be HEADER=FIELD, such as --map \"Risk Description=title\".")
        fields.append((header_key(header), fld.strip().lower()))
    choice = SheetChoice(kind=kind, header_row=header_row, fields=tuple(sorted(fields)),
                         dates=tuple(sorted([(header_key(h), MONTH_FIRST) for h in month_first or ()]
                                            + [(header_key(h), DAY_FIRST) for h in day_first or ()])))
    if kind is not None:
        check_fields(choice, BY_NAME[kind])
    return Choices(sheets=tuple(sheets or ()), default=choice)


def choosable_fields(kind: TrackerKind) -> dict[str, str]:
    """The fields a lead may give a column of this kind, with words for each."""
    names = sorted({p.field for p in kind.vocabulary} - (MULTI - {"ws1", "ws2"}) - {"ws3"})
    labels = {**COMMON_LABELS, **kind.field_labels}
    return {f: labels.get(f, f.replace("_", " ").capitalize()) for f in names}


def check_fields(choice: SheetChoice, kind: TrackerKind) -> None:
    """Refuse a field this kind has no use for, naming the ones it has."""
    known = choosable_fields(kind)
    for header, fld in choice.fields:
        if fld != IGNORE and fld not in known:
            raise ChoiceError(f"'{fld}' is not a field of a {kind.label} (for the '{header}' column). Use one of: "
                              f"{', '.join(known)}, or '{IGNORE}'.")


def apply_fields(mapping: Mapping, header: list[object], choice: SheetChoice) -> Mapping:
    """The importer's mapping with the lead's field choices laid over it; a field given to a column is taken
    from any other column that held it (that one is ignored), as a person mapping a sheet expects."""
    if not choice.fields and not choice.dates:
        return mapping
    if not choice.fields:
        texts = {i: str(v).strip() for i, v in enumerate(header) if v is not None and str(v).strip()}
        return replace(mapping, date_orders={i: o for i, t in texts.items() if (o := choice.date_order(t))})
    kind = mapping.kind
    texts = {i: str(v).strip() for i, v in enumerate(header) if v is not None and str(v).strip()}
    chosen = {i: choice.field_for(t) for i, t in texts.items() if choice.field_for(t)}
    columns = [c for c in mapping.columns if c.index not in chosen]
    for i, fld in sorted(chosen.items()):
        if fld == IGNORE:
            continue
        if fld not in MULTI:
            columns = [c for c in columns if c.field != fld]
        col = Column(i, texts[i], fld, strength=CHOSEN)
        if fld in kind.money_fields:
            col.unit = header_unit(texts[i])
        columns.append(col)
    columns.sort(key=lambda c: c.index)
    _number_workstream_levels(columns)
    used = {c.index for c in columns}
    ignored = [(i, t) for i, t in sorted(texts.items()) if i not in used]
    orders = {i: o for i, t in texts.items() if (o := choice.date_order(t))}
    return Mapping(kind, columns, ignored, mapping.score, orders)


def header_signature(cells: list[object]) -> str:
    """What identifies a tracker's header row across uploads: its headers' normalised words, in order."""
    keys = [header_key(str(v)) for v in cells if v is not None and str(v).strip()]
    return hashlib.sha256(json.dumps(keys).encode()).hexdigest()[:24]


def column_label(index: int) -> str:
    return column_letter(index)
