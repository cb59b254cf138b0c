"""Write an analysed upload to the database in one transaction, matching rows to what is already there.

Matching: a row matches a stored row by its key (its reference within its top-level workstream, or its
workstream and title where it has none). A matching row whose fields differ is updated, and every changed
field is logged (old → new). Rows the board holds that the new file no longer has are marked removed
(never deleted), but only within the top-level workstreams the file covers, so a lead's tracker for one
priority never removes another's rows. Re-importing the very same file writes nothing at all.

What is stored per kind (its table, compared fields, child rows) comes from the kind's ``TrackerKind``;
this module holds only the machinery they share.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, insert, select, text, update
from sqlalchemy.engine import Connection

from data_model.board_settings import ensure_board
from data_model.locks import BusyError, write_transaction
from data_model.tables import Change, ImportIssue, Locality, Phase, Programme, Upload, Workstream, utcnow
from data_model.vocabulary import fold, join_path, workstream_key
from loaders.kinds.base import Children, StoredRow, TrackerKind
from loaders.pipeline import Analysis

__all__ = ["BusyError", "Diff", "FieldChange", "StoreResult", "UploadRefused", "store", "write_transaction"]

UP, ISSUE, CHANGE = Upload.__table__, ImportIssue.__table__, Change.__table__
WS, LOC, PHASE, PROG = Workstream.__table__, Locality.__table__, Phase.__table__, Programme.__table__


class UploadRefused(Exception):
    """The upload would touch rows the person may not change; the transaction is rolled back."""


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: object
    after: object


@dataclass
class Updated:
    """A stored row (as read) and the row that will replace it, with the fields that differ."""

    old: dict
    new: StoredRow
    changes: list[FieldChange] = field(default_factory=list)


@dataclass
class Diff:
    """What an upload does to one table: rows added, updated and removed, and those left as they were."""

    added: list[StoredRow] = field(default_factory=list)
    updated: list[Updated] = field(default_factory=list)
    removed: list[dict] = field(default_factory=list)
    same: list[tuple[dict, StoredRow]] = field(default_factory=list)

    def promote(self, keys: set[str], changes: dict[str, list[FieldChange]] | None = None) -> None:
        """Unchanged rows whose children changed (ratings, amounts) count as updated."""
        keep = []
        for old, row in self.same:
            if row.key in keys:
                self.updated.append(Updated(old, row, list((changes or {}).get(row.key, []))))
            else:
                keep.append((old, row))
        self.same = keep


@dataclass
class StoreResult:
    upload_id: int | None
    changes: dict[str, int]
    already_imported: int | None = None  # the earlier upload of the very same file
    board_created: bool = False
    change_rows: list[dict] = field(default_factory=list)
    upload_ids: list[int] = field(default_factory=list)  # one per kind stored, when the file held several

    def __post_init__(self) -> None:
        if not self.upload_ids and self.upload_id is not None:
            self.upload_ids = [self.upload_id]


def bulk_insert(conn: Connection, table, rows: list[dict], *, ids: bool = False) -> list[int]:
    """Insert many dict rows with one executemany; returns their ids when asked."""
    if not rows:
        return []
    columns = [c for c in table.c.keys() if c != "id" and c in rows[0]]
    return insert_values(conn, table, columns, [tuple([row.get(c) for c in columns]) for row in rows], ids=ids)


def insert_values(conn: Connection, table, columns: list[str], values: list[tuple], *, ids: bool = False) -> list[int]:
    """Insert value tuples with one executemany, bypassing per-row ORM work.

    Ids are reserved up front when asked for: on SQLite the import holds the write lock, on PostgreSQL the
    sequence is advanced.
    """
    if not values:
        return []
    new_ids: list[int] = []
    if ids:
        if conn.dialect.name == "postgresql":
            new_ids = list(conn.execute(text(
                f"SELECT nextval(pg_get_serial_sequence('{table.name}', 'id')) FROM generate_series(1, :n)"),
                {"n": len(values)}).scalars())
        else:
            start = conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()
            new_ids = list(range(start + 1, start + 1 + len(values)))
        columns = ["id", *columns]
        values = [(new_id, *row) for new_id, row in zip(new_ids, values, strict=True)]
    placeholder = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    quote = conn.dialect.identifier_preparer.quote
    sql = (f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in columns)}) "
           f"VALUES ({', '.join([placeholder] * len(columns))})")
    conn.exec_driver_sql(sql, values)
    return new_ids


def store(conn: Connection, analysis: Analysis, board_slug: str, *, uploaded_by: str | None = None,
          granted: Iterable[str] | None = None, uploaded_at: datetime | None = None) -> StoreResult:
    """Write an analysis (which must have no errors) inside the caller's transaction: each of its parts (one per
    kind of tracker in the file) as an upload of its own, all or nothing.

    ``granted`` are the top-level workstreams a lead may change (None: any). Every row the upload would add,
    change or remove is checked against them by the same ``workstream_key`` the matching uses, whatever the
    file's spelling, before anything is written; UploadRefused otherwise.
    """
    assert analysis.ok and analysis.parts, "only an analysis without errors can be stored"
    results = [_store_part(conn, part, board_slug, uploaded_by, granted, uploaded_at) for part in analysis.parts]
    return _combined(results)


def _store_part(conn: Connection, analysis: Analysis, board_slug: str, uploaded_by: str | None,
                granted: Iterable[str] | None, uploaded_at: datetime | None = None) -> StoreResult:
    board_id, programme_id, created = ensure_board(conn, board_slug)
    writer = _Writer(conn, board_id, programme_id, analysis, now=uploaded_at)
    writer.diff()
    if granted is not None:
        writer.check_granted(tuple(granted))
    counts = writer.counts()
    nothing_changed = counts["added"] == counts["updated"] == counts["removed"] == 0
    earlier = conn.execute(select(UP.c.id).where(
        UP.c.board_id == board_id, UP.c.kind == analysis.kind.name, UP.c.sha256 == analysis.sha256)
        .order_by(UP.c.id.desc())).scalar()
    if nothing_changed and earlier is not None:
        return StoreResult(None, counts, already_imported=earlier, board_created=created)
    upload_id = writer.write(counts, uploaded_by)
    return StoreResult(upload_id, counts, board_created=created, change_rows=writer.added_rows + writer.change_rows)


def plan(conn: Connection, analysis: Analysis, board_slug: str, *, granted: Iterable[str] | None = None) -> StoreResult:
    """What storing this analysis would do, row by row, read without the write lock and writing nothing.

    The upload page shows this before a lead confirms; ``change_rows`` has one row per addition, removal and
    changed field, as the change log will record them.
    """
    assert analysis.ok and analysis.parts, "only an analysis without errors can be planned"
    return _combined([_plan_part(conn, part, board_slug, granted) for part in analysis.parts])


def _plan_part(conn: Connection, analysis: Analysis, board_slug: str, granted: Iterable[str] | None) -> StoreResult:
    ids = board_ids(conn, board_slug)
    board_id, programme_id = ids if ids is not None else (-1, -1)  # a new board: everything is an addition
    writer = _Writer(conn, board_id, programme_id, analysis)
    writer.diff()
    if granted is not None:
        writer.check_granted(tuple(granted))
    counts = writer.counts()
    earlier = None
    if ids is not None and counts["added"] == counts["updated"] == counts["removed"] == 0:
        earlier = conn.execute(select(UP.c.id).where(
            UP.c.board_id == board_id, UP.c.kind == analysis.kind.name, UP.c.sha256 == analysis.sha256)
            .order_by(UP.c.id.desc())).scalar()
    return StoreResult(None, counts, already_imported=earlier, board_created=ids is None,
                       change_rows=writer.planned())


def _combined(results: list[StoreResult]) -> StoreResult:
    """The parts' results as one: counts added up; "already imported" only when every part was."""
    if len(results) == 1:
        return results[0]
    counts = {k: sum(r.changes[k] for r in results) for k in results[0].changes}
    ids = [r.upload_id for r in results if r.upload_id is not None]
    already = results[0].already_imported if all(r.already_imported for r in results) else None
    return StoreResult(ids[0] if ids else None, counts, already_imported=already,
                       board_created=any(r.board_created for r in results),
                       change_rows=[row for r in results for row in r.change_rows], upload_ids=ids)


def board_ids(conn: Connection, slug: str) -> tuple[int, int] | None:
    """A board's id and its main programme's id, or None when there is no such board yet."""
    from data_model.tables import Board

    board = conn.execute(select(Board.__table__.c.id).where(Board.__table__.c.slug == slug)).scalar()
    if board is None:
        return None
    programme = conn.execute(select(PROG.c.id).where(PROG.c.board_id == board).order_by(PROG.c.id)).scalar()
    return (board, programme) if programme is not None else None


class _Writer:
    """One import's state: lookups of what is stored, the diffs, and the rows to add, update and remove."""

    def __init__(self, conn: Connection, board_id: int, programme_id: int, analysis: Analysis, *,
                 now: datetime | None = None):
        self.conn, self.board_id, self.programme_id, self.analysis = conn, board_id, programme_id, analysis
        self.kind: TrackerKind = analysis.kind
        self.now = now or utcnow()
        self.change_rows: list[dict] = []
        self.added_rows: list[dict] = []
        self.upload_id: int | None = None
        self.ws_by_path = {_path_key(r.path): r.id for r in conn.execute(
            select(WS.c.id, WS.c.path).where(WS.c.programme_id == programme_id))}
        self.loc_by_name = {r.name.lower(): r.id for r in conn.execute(
            select(LOC.c.id, LOC.c.name).where(LOC.c.board_id == board_id))}
        self.phase_by_name = {r.name.lower(): r.id for r in conn.execute(
            select(PHASE.c.id, PHASE.c.name).where(PHASE.c.programme_id == programme_id))}
        # The workstream trees this upload speaks for: the top level of every path in it. Rows with no
        # workstream are spoken for only by a file with a sheet of the same name (a CSV's sheet is its file name).
        records = analysis.records
        self.scope_tops = {workstream_key(r.path[0]) for r in records if r.path}
        self.scope_sheets = {r.sheet for r in records if not r.path}
        parents: dict[str, StoredRow] = {}
        self.children: list[StoredRow] = []
        for rec in records:
            parent, child = self.kind.stored(rec)
            read = analysis.sheet_fields.get(rec.sheet)
            if read is not None:
                parent.unsaid |= self.kind.unsaid(read, {**parent.columns, "phase": parent.phase, "locality":
                                                        parent.locality}, (*self.kind.fields, "phase", "locality"))
                if child is not None and self.kind.children is not None:
                    child.unsaid |= self.kind.unsaid(read, child.columns, self.kind.children.fields)
            parents.setdefault(parent.key, parent)
            if child is not None:
                self.children.append(child)
        self.parents = list(parents.values())
        self.parent_diff = Diff()
        self.child_diff = Diff()
        self.child_unchanged = 0
        self.latest: dict[int, dict] = {}

    def _in_scope(self, path: str | None, sheet: str | None) -> bool:
        if path:
            return workstream_key(path) in self.scope_tops
        return sheet in self.scope_sheets

    # -- diff ------------------------------------------------------------------------------------
    def diff(self) -> None:
        kind = self.kind
        self.parent_diff = self._diff_rows(kind.table, self.parents, kind.fields)
        children = kind.children
        if children is None:
            return
        if children.history:
            self._diff_history(children)
        else:
            self._diff_keyed(children)

    def _existing(self, table, columns: Iterable[str]) -> dict[str, dict]:
        cols = [table.c.id, table.c.key, table.c.removed_upload_id, table.c.source_sheet, WS.c.path.label("ws_path"),
                *[table.c[c] for c in columns]]
        joined = table.outerjoin(WS, WS.c.id == table.c.workstream_id)
        # The phase and locality by name, to compare with the file's: a milestone moved to another phase is a change
        # the preview and the change log list, as a move to another workstream is.
        for name, named in (("phase", PHASE), ("locality", LOC)):
            if f"{name}_id" in table.c:
                alias = named.alias(f"old_{name}")
                cols.append(alias.c.name.label(name))
                joined = joined.outerjoin(alias, alias.c.id == table.c[f"{name}_id"])
        q = select(*cols).select_from(joined).where(table.c.programme_id == self.programme_id)
        return {r.key: r._asdict() for r in self.conn.execute(q)}

    def _diff_rows(self, table, rows: list[StoredRow], fields: tuple[str, ...]) -> Diff:
        existing = self._existing(table, fields)
        result = Diff()
        seen = set()
        for row in rows:
            seen.add(row.key)
            old = existing.get(row.key)
            if old is None:
                result.added.append(row)
                continue
            self._keep_unsaid(row)
            changes = _compare(old, row.columns, fields)
            if _path_key(old["ws_path"]) != _path_key(row.ws_path):  # a new spelling of the same workstream is no move
                changes.append(FieldChange("workstream", old["ws_path"], row.ws_path))
            for name in ("phase", "locality"):
                now = getattr(row, name)
                if name in old and name not in row.unsaid and (old[name] or "").lower() != (now or "").lower():
                    changes.append(FieldChange(name, old[name], now))  # names match as _phase_id/_locality_id match them
            if changes or old["removed_upload_id"] is not None:
                result.updated.append(Updated(old, row, changes))
            else:
                result.same.append((old, row))
        result.removed = [old for key, old in existing.items() if key not in seen and old["removed_upload_id"] is None
                          and self._in_scope(old["ws_path"], old["source_sheet"])]
        return result

    def _keep_unsaid(self, row: StoredRow) -> None:
        """A matched row updates only what its sheet speaks for: the columns of fields it has no column for (and
        their raw text) are left out of the comparison and of the update, so the stored values stay."""
        if row.unsaid:
            dropped = self.kind.with_companions(row.unsaid)
            row.columns = {k: v for k, v in row.columns.items() if k not in dropped}

    def _diff_history(self, children: Children) -> None:
        """A risk's ratings: compared with its latest assessment; a change appends a new one."""
        table, parent_table, fk = self.kind.stored_as.child_table, self.kind.table, self.kind.stored_as.child_fk
        newest = (select(func.max(table.c.id)).join(parent_table, parent_table.c.id == table.c[fk])
                  .where(parent_table.c.programme_id == self.programme_id).group_by(table.c[fk]))
        self.latest = {r._mapping[fk]: r._asdict() for r in self.conn.execute(select(table).where(table.c.id.in_(newest)))}
        self.assessment = {c.parent_key: c for c in self.children}

        def rating_changes(old: dict, row: StoredRow) -> list[FieldChange]:
            prev = self.latest.get(old["id"], {})
            child = self.assessment[row.key]
            if prev and child.unsaid:  # the new assessment carries forward the ratings the sheet has no column for
                child.columns.update({c: prev.get(c) for c in self.kind.with_companions(child.unsaid)
                                      if c in child.columns})
            new = child.columns
            return [FieldChange(f, prev.get(f), new[f]) for f in children.fields if _norm(prev.get(f)) != _norm(new[f])]

        d = self.parent_diff
        for u in d.updated:
            u.changes.extend(rating_changes(u.old, u.new))
        rerated = {row.key: rating_changes(old, row) for old, row in d.same}
        d.promote({k for k, v in rerated.items() if v}, rerated)

    def _diff_keyed(self, children: Children) -> None:
        """A line's amounts or a metric's values: matched on the parent and the child's own match columns."""
        table, parent_table, fk = self.kind.stored_as.child_table, self.kind.table, self.kind.stored_as.child_fk
        label = parent_table.c[self.kind.label_field].label("parent_label")
        q = (select(table.c.id, table.c.removed_upload_id, parent_table.c.key.label("parent_key"), label,
                    parent_table.c.source_sheet, WS.c.path.label("ws_path"),
                    *[table.c[c] for c in dict.fromkeys((*children.match, *children.fields, "period")) if c != "key"],
                    *([table.c.key] if "key" in children.match else []))
             .select_from(table.join(parent_table, parent_table.c.id == table.c[fk])
                          .outerjoin(WS, WS.c.id == parent_table.c.workstream_id))
             .where(parent_table.c.programme_id == self.programme_id))
        existing = {(r.parent_key, *[getattr(r, c) for c in children.match]): r._asdict() for r in self.conn.execute(q)}
        result = self.child_diff
        seen = set()
        for row in self.children:
            k = (row.parent_key, *[row.columns[c] for c in children.match])
            seen.add(k)
            old = existing.get(k)
            if old is None:
                result.added.append(row)
                continue
            self._keep_unsaid(row)
            changes = _compare(old, row.columns, children.fields)
            if changes or old["removed_upload_id"] is not None:
                result.updated.append(Updated(old, row, changes))
            else:
                self.child_unchanged += 1
        result.removed = [old for k, old in existing.items() if k not in seen and old["removed_upload_id"] is None
                          and self._in_scope(old["ws_path"], old["source_sheet"])]
        if not children.counted:
            # A lead thinks in lines: an amount changing is its line changing.
            touched = {r.parent_key for r in result.added} | {u.new.parent_key for u in result.updated}
            touched |= {old["parent_key"] for old in result.removed}
            self.parent_diff.promote(touched)

    def counts(self) -> dict[str, int]:
        d = self.parent_diff
        children = self.kind.children
        if children is not None and children.counted:
            c = self.child_diff
            return {"added": len(c.added), "updated": len(c.updated), "removed": len(c.removed),
                    "unchanged": self.child_unchanged}
        return {"added": len(d.added), "updated": len(d.updated), "removed": len(d.removed), "unchanged": len(d.same)}

    def check_granted(self, granted: tuple[str, ...]) -> None:
        """Refuse, naming the rows, an upload that would add, change or remove a row outside the lead's workstreams."""
        keys = {workstream_key(g) for g in granted}
        d = self.parent_diff
        touched = [(row.ws_path, row.label) for row in d.added]
        for u in d.updated:
            touched += [(u.new.ws_path, u.new.label), (u.old["ws_path"], u.new.label)]
        touched += [(old["ws_path"], old.get(self.kind.label_field) or old["key"]) for old in d.removed]
        outside = [(path, label) for path, label in touched if workstream_key(path) not in keys]
        if outside:
            shown = "; ".join(f"'{label}' ({path or 'no workstream'})" for path, label in outside[:5])
            more = f" and {len(outside) - 5} more" if len(outside) > 5 else ""
            raise UploadRefused(
                f"This upload would change rows outside the workstreams you upload for: {shown}{more}. Nothing was "
                "loaded. Ask your board administrator to assign you those workstreams, or remove those rows.")

    def planned(self) -> list[dict]:
        """The change log this upload would write, with the additions it leaves out of the log, for a preview."""
        kind, d = self.kind, self.parent_diff
        children = kind.children
        rows = [_change(kind.entity, row.label, "added") for row in d.added]
        for u in d.updated:
            if u.old["removed_upload_id"] is not None:
                rows.append(_change(kind.entity, u.new.label, "added", "restored"))
            rows += [_change(kind.entity, u.new.label, "updated", c.field, c.before, c.after) for c in u.changes]
        rows += [_change(kind.entity, old.get(kind.label_field) or old["key"], "removed") for old in d.removed]
        if children is not None and not children.history:
            new_parents = {row.key for row in d.added}
            c = self.child_diff
            rows += [_change(self.kind.stored_as.child_entity, row.label, "added") for row in c.added
                     if row.parent_key not in new_parents]
            for u in c.updated:
                for ch in u.changes:
                    name, was = children.show(ch.field, ch.before)
                    rows.append(_change(self.kind.stored_as.child_entity, u.new.label, "updated", name, was,
                                        children.show(ch.field, ch.after)[1]))
            rows += [_change(self.kind.stored_as.child_entity, children.removed_label(old), "removed") for old in c.removed]
        return rows

    # -- write -----------------------------------------------------------------------------------
    def write(self, counts: dict, uploaded_by: str | None) -> int:
        a, kind = self.analysis, self.kind
        self.upload_id = upload_id = self.conn.execute(insert(UP).values(
            board_id=self.board_id, programme_id=self.programme_id, kind=kind.name, file_name=a.file_name,
            sha256=a.sha256, size_bytes=a.size_bytes, uploaded_by=uploaded_by, uploaded_at=self.now,
            row_count=len(a.records), sheets=[s.as_json() for s in a.sheets], changes=counts,
            choices={} if a.choices.empty else a.choices.as_json(),
        ).returning(UP.c.id)).scalar_one()
        bulk_insert(self.conn, ISSUE, [
            {"upload_id": upload_id, "severity": i.severity, "sheet": i.sheet, "row": i.row, "column": i.column,
             "raw_value": i.value, "message": i.message, "code": i.code} for i in a.issues])
        self._update_labels()
        self._write_parents()
        children = kind.children
        if children is not None and children.history:
            self._write_history(children)
        elif children is not None:
            self._write_keyed(children)
        bulk_insert(self.conn, CHANGE, self.change_rows)
        return upload_id

    def _write_parents(self) -> None:
        table, d, entity = self.kind.table, self.parent_diff, self.kind.entity
        history = self.kind.children is not None and self.kind.children.history
        added_ids = self._insert(table, d.added)
        # New rows are not written to the change log: their first_upload_id already says this upload added them
        # (queries.upload_changes reads both). They are still reported to the caller.
        for row, new_id in zip(d.added, added_ids, strict=True):
            row.id = new_id
            self.added_rows.append({"upload_id": self.upload_id, "entity_id": new_id,
                                    **_change(entity, row.label, "added")})
        for u in d.updated:
            u.new.id = u.old["id"]
            values = {**u.new.columns, **self._ids(u.new, update=True), "upload_id": self.upload_id, "removed_upload_id": None}
            self.conn.execute(update(table).where(table.c.id == u.old["id"]).values(**values))
            if u.old["removed_upload_id"] is not None:
                self._log(entity, u.old["id"], u.new.label, "added", field="restored")
            for c in u.changes:
                if history and c.field in self.kind.children.fields:
                    continue  # logged with the new assessment
                self._log(entity, u.old["id"], u.new.label, "updated", c.field, c.before, c.after)
        for old in d.removed:
            self.conn.execute(update(table).where(table.c.id == old["id"]).values(removed_upload_id=self.upload_id))
            self._log(entity, old["id"], old.get(self.kind.label_field) or old["key"], "removed")

    def _ids(self, row: StoredRow, *, update: bool = False) -> dict:
        """The row's workstream, locality and phase as ids, creating any the board does not have yet. On an
        ``update``, a locality or phase its sheet has no column for is left out: the stored one stays."""
        columns = self.kind.table.c
        keep = row.unsaid if update else frozenset()
        out = {"workstream_id": self._workstream_id(row.path, row.labels)}
        if "locality_id" in columns and "locality" not in keep:
            out["locality_id"] = self._locality_id(row.locality)
        if "phase_id" in columns and "phase" not in keep:
            out["phase_id"] = self._phase_id(row.phase)
        return out

    def _insert(self, table, rows: list[StoredRow]) -> list[int]:
        if not rows:
            return []
        up = self.upload_id
        payload = [{**row.columns, "key": row.key, "programme_id": self.programme_id, **self._ids(row),
                    "upload_id": up, "first_upload_id": up} for row in rows]
        columns = list(payload[0])
        return insert_values(self.conn, table, columns, [tuple(p[c] for c in columns) for p in payload], ids=True)

    def _write_history(self, children: Children) -> None:
        today = self.now.date()
        columns = [self.kind.stored_as.child_fk, "upload_id", "as_of"]
        values = []
        for row in self.parent_diff.added:
            child = self.assessment[row.key]
            values.append((row.id, self.upload_id, today, *child.columns.values()))
        for u in self.parent_diff.updated:
            rating = [c for c in u.changes if c.field in children.fields]
            if rating or u.old["id"] not in self.latest:
                child = self.assessment[u.new.key]
                values.append((u.old["id"], self.upload_id, today, *child.columns.values()))
                for c in rating:
                    self._log(self.kind.stored_as.child_entity, u.old["id"], u.new.label, "updated", c.field, c.before, c.after)
        if values:
            first = next(iter(self.assessment.values()))
            insert_values(self.conn, self.kind.stored_as.child_table, [*columns, *first.columns], values)

    def _write_keyed(self, children: Children) -> None:
        """Amounts under their lines, values under their metrics. A child added under a new parent is not logged
        on its own: the parent's addition says it."""
        stored = self.kind.stored_as
        parent_table, table, fk = stored.table, stored.child_table, stored.child_fk
        parent_ids = {r.key: r.id for r in self.conn.execute(
            select(parent_table.c.id, parent_table.c.key).where(parent_table.c.programme_id == self.programme_id))}
        new_parents = {row.key for row in self.parent_diff.added}
        has_locality = "locality_id" in table.c
        d = self.child_diff
        payload = []
        for row in d.added:
            values = {**row.columns, fk: parent_ids[row.parent_key], "upload_id": self.upload_id}
            if has_locality:
                values["locality_id"] = self._locality_id(row.locality)
            payload.append(values)
        ids = bulk_insert(self.conn, table, payload, ids=True)
        for row, new_id in zip(d.added, ids, strict=True):
            if row.parent_key not in new_parents:
                self._log(self.kind.stored_as.child_entity, new_id, row.label, "added")
        for u in d.updated:
            values = {**u.new.columns, "upload_id": self.upload_id, "removed_upload_id": None}
            if has_locality:
                values["locality_id"] = self._locality_id(u.new.locality)
            self.conn.execute(update(table).where(table.c.id == u.old["id"]).values(**values))
            for c in u.changes:
                name, was = children.show(c.field, c.before)
                self._log(self.kind.stored_as.child_entity, u.old["id"], u.new.label, "updated", name, was, children.show(c.field, c.after)[1])
        for old in d.removed:
            self.conn.execute(update(table).where(table.c.id == old["id"]).values(removed_upload_id=self.upload_id))
            self._log(self.kind.stored_as.child_entity, old["id"], children.removed_label(old), "removed")

    def _log(self, entity: str, entity_id: int, label: str, action: str, field: str | None = None,
             old: object = None, new: object = None) -> None:
        self.change_rows.append({"upload_id": self.upload_id, "entity_id": entity_id,
                                 **_change(entity, label, action, field, old, new)})

    # -- the board's structure ---------------------------------------------------------------------
    def _workstream_id(self, path: tuple[str, ...], labels: tuple) -> int | None:
        """The workstream at ``path``, matched whatever its case or punctuation, created level by level when new."""
        if not path:
            return None
        parent = root = None
        for depth in range(1, len(path) + 1):
            key = _path_key(join_path(path[:depth]))
            ws_id = self.ws_by_path.get(key)
            if ws_id is None:
                ws_id = self.conn.execute(insert(WS).values(
                    programme_id=self.programme_id, parent_id=parent, root_id=root, level=depth, name=path[depth - 1],
                    path=self._stored_path(parent, path[depth - 1]), sort_order=len(self.ws_by_path),
                    first_upload_id=self.upload_id).returning(WS.c.id)).scalar_one()
                if depth == 1:
                    self.conn.execute(update(WS).where(WS.c.id == ws_id).values(root_id=ws_id))
                self.ws_by_path[key] = ws_id
            parent = ws_id
            root = root or ws_id
        return parent

    def _stored_path(self, parent: int | None, name: str) -> str:
        """A new workstream's path under its parent as the board already spells the parent."""
        if parent is None:
            return name
        parent_path = self.conn.execute(select(WS.c.path).where(WS.c.id == parent)).scalar_one()
        return join_path((parent_path, name))

    def _locality_id(self, name: str | None) -> int | None:
        if not name:
            return None
        found = self.loc_by_name.get(name.lower())
        if found is None:
            found = self.conn.execute(insert(LOC).values(
                board_id=self.board_id, name=name, locality_type=_locality_type(name)).returning(LOC.c.id)).scalar_one()
            self.loc_by_name[name.lower()] = found
        return found

    def _phase_id(self, name: str | None) -> int | None:
        if not name:
            return None
        found = self.phase_by_name.get(name.lower())
        if found is None:
            found = self.conn.execute(insert(PHASE).values(
                programme_id=self.programme_id, name=name, sort_order=len(self.phase_by_name))
                .returning(PHASE.c.id)).scalar_one()
            self.phase_by_name[name.lower()] = found
        return found

    def _update_labels(self) -> None:
        labels = self.analysis.level_labels
        if not labels:
            return
        current = list(self.conn.execute(select(PROG.c.level_labels).where(PROG.c.id == self.programme_id))
                       .scalar_one() or [])
        changed = False
        for level, label in sorted(labels.items()):
            while len(current) < level:
                current.append(None)
            if not current[level - 1]:
                current[level - 1] = label
                changed = True
        if changed:
            self.conn.execute(update(PROG).where(PROG.c.id == self.programme_id).values(level_labels=current))


def _change(entity: str, label: str, action: str, fld: str | None = None, old: object = None,
            new: object = None) -> dict:
    return {"entity": entity, "label": str(label)[:500], "action": action, "field": fld, "old_value": _show(old),
            "new_value": _show(new)}


def _path_key(path: str | None) -> str:
    """A workstream path for matching: each level folded, so 'Children & Young People' finds 'children, young people'."""
    from data_model.vocabulary import split_path

    return "/".join(fold(p) for p in split_path(path))


def _compare(old: dict, new: dict, fields: Iterable[str]) -> list[FieldChange]:
    """The fields that differ; a field ``new`` leaves out (its sheet has no column for it) is not compared."""
    return [FieldChange(f, old[f], new[f]) for f in fields if f in new and _norm(old[f]) != _norm(new[f])]


def _norm(value: object) -> object:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Decimal):
        return float(value)
    if value == "":
        return None
    return value


def _show(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:g}"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, dict)):
        return json.dumps(value)
    return str(value)


def _locality_type(name: str) -> str:
    low = name.lower()
    for word, kind in (("area-wide", "area-wide"), ("area wide", "area-wide"), ("hosted", "area-wide"),
                       ("county", "county"), ("district", "district"), ("city", "city"), ("borough", "district"),
                       ("hospital", "site"), ("site", "site")):
        if word in low:
            return kind
    return "locality"
