"""Write an analysed upload to the database in one transaction, matching rows to what is already there.

Matching: a row matches a stored row by its reference, or by workstream + title where it has none.
A matching row whose fields differ is updated, and every changed field is logged (old → new). Rows
the board holds that the new file no longer has are marked removed (never deleted), but only within
the workstreams the file covers, so a lead's tracker for one priority never removes another's rows.
Re-importing the very same file writes nothing at all.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, insert, select, text, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError

from data_model.board_settings import ensure_board
from data_model.tables import (
    Board,
    BudgetAmount,
    BudgetLine,
    Change,
    ImportIssue,
    Locality,
    Meeting,
    Metric,
    MetricValue,
    Milestone,
    Phase,
    Programme,
    Risk,
    RiskAssessment,
    Upload,
    Workstream,
    utcnow,
)
from loaders.money import to_pence
from loaders.normalise import PATH_SEP
from loaders.pipeline import Analysis

T = {m.__name__: m.__table__ for m in (Board, Programme, Workstream, Phase, Locality, Meeting, Upload, ImportIssue,
                                       Change, Milestone, Risk, RiskAssessment, BudgetLine, BudgetAmount, Metric,
                                       MetricValue)}


class BusyError(Exception):
    """The database is locked by another import for longer than the busy timeout."""


@dataclass
class StoreResult:
    upload_id: int | None
    changes: dict[str, int]
    already_imported: int | None = None  # the earlier upload of the very same file
    board_created: bool = False
    change_rows: list[dict] = field(default_factory=list)


IMPORT_LOCK_ID = 4242001
PG_LOCK_TIMEOUT = "60s"
BUSY_MESSAGE = "The database is busy with another import. Nothing was written; please try again in a minute."


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """One write transaction, one import at a time.

    SQLite takes its write lock at BEGIN IMMEDIATE and waits up to its busy timeout; PostgreSQL takes a
    transaction-scoped advisory lock and waits up to PG_LOCK_TIMEOUT. Past that: BusyError.
    """
    try:
        with engine.connect() as conn:
            conn.info["write"] = True
            try:
                with conn.begin():
                    if conn.dialect.name == "postgresql":
                        conn.execute(text(f"SET LOCAL lock_timeout = '{PG_LOCK_TIMEOUT}'"))
                        conn.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": IMPORT_LOCK_ID})
                    yield conn
            finally:
                conn.info.pop("write", None)
    except OperationalError as exc:
        text_ = str(exc).lower()
        if "locked" in text_ or "busy" in text_ or "lock timeout" in text_:
            raise BusyError(BUSY_MESSAGE) from exc
        raise


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


def store(conn: Connection, analysis: Analysis, board_slug: str, *, uploaded_by: str | None = None) -> StoreResult:
    """Write an analysis (which must have no errors) inside the caller's transaction."""
    assert analysis.ok and analysis.kind, "only an analysis without errors can be stored"
    board_id, programme_id, created = ensure_board(conn, board_slug)
    writer = _Writer(conn, board_id, programme_id, analysis)
    writer.prepare()
    changes = writer.diff()
    counts = {k: len(changes[k]) for k in ("added", "updated", "removed")}
    counts.update(changes.get("_counts", {}))
    counts["unchanged"] = changes["unchanged"]
    nothing_changed = counts["added"] == counts["updated"] == counts["removed"] == 0
    earlier = conn.execute(select(T["Upload"].c.id).where(
        T["Upload"].c.board_id == board_id, T["Upload"].c.kind == analysis.kind, T["Upload"].c.sha256 == analysis.sha256)
        .order_by(T["Upload"].c.id.desc())).scalar()
    if nothing_changed and earlier is not None:
        return StoreResult(None, counts, already_imported=earlier, board_created=created)
    upload_id = writer.write(changes, counts, uploaded_by)
    return StoreResult(upload_id, counts, board_created=created, change_rows=writer.added_rows + writer.change_rows)


# Fields compared for change detection, per kind: record field -> (column, how to turn the record value
# into the stored value).
def _d(value: object) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


class _Writer:
    """Holds the state of one import: lookups of what is stored, and the rows to add, update and remove."""

    def __init__(self, conn: Connection, board_id: int, programme_id: int, analysis: Analysis):
        self.conn, self.board_id, self.programme_id, self.analysis = conn, board_id, programme_id, analysis
        self.kind = analysis.kind
        self.records = analysis.records
        self.now = utcnow()
        self.change_rows: list[dict] = []
        self.added_rows: list[dict] = []
        self.upload_id: int | None = None

    # -- lookups ---------------------------------------------------------------------------------
    def prepare(self) -> None:
        ws = T["Workstream"]
        rows = self.conn.execute(select(ws.c.id, ws.c.path, ws.c.parent_id).where(ws.c.programme_id == self.programme_id))
        self.ws_by_path = {r.path: r.id for r in rows}
        loc = T["Locality"]
        self.loc_by_name = {r.name.lower(): r.id for r in self.conn.execute(
            select(loc.c.id, loc.c.name).where(loc.c.board_id == self.board_id))}
        ph = T["Phase"]
        self.phase_by_name = {r.name.lower(): r.id for r in self.conn.execute(
            select(ph.c.id, ph.c.name).where(ph.c.programme_id == self.programme_id))}
        # The workstream trees this upload speaks for: the top level of every path in it. Rows with no
        # workstream are spoken for only by a file with a sheet of the same name (a CSV's sheet is its file name).
        self.scope_tops = {rec["_path"][0] for rec in self.records if rec["_path"]}
        self.scope_sheets = {rec["_sheet"] for rec in self.records if not rec["_path"]}

    def _in_scope(self, path: str | None, sheet: str | None) -> bool:
        if path:
            return path.split(PATH_SEP)[0] in self.scope_tops
        return sheet in self.scope_sheets

    # -- diff ------------------------------------------------------------------------------------
    def diff(self) -> dict:
        return getattr(self, f"_diff_{self.kind}")()

    def _existing(self, table, columns: list[str]) -> dict[str, dict]:
        ws = T["Workstream"]
        cols = [table.c.id, table.c.key, table.c.removed_upload_id, table.c.source_sheet, ws.c.path.label("ws_path")] + \
            [table.c[c] for c in columns]
        q = select(*cols).select_from(table.outerjoin(ws, ws.c.id == table.c.workstream_id)).where(
            table.c.programme_id == self.programme_id)
        return {r.key: r._asdict() for r in self.conn.execute(q)}

    def _compare(self, existing: dict | None, new: dict, fields: list[str]) -> list[tuple[str, object, object]]:
        if existing is None:
            return []
        return [(f, existing[f], new[f]) for f in fields if _norm(existing[f]) != _norm(new[f])]

    def _diff_rows(self, table, rows: list[dict], fields: list[str], label_field: str) -> dict:
        existing = self._existing(table, fields)
        added, updated, same = [], [], []
        seen = set()
        for row in rows:
            seen.add(row["key"])
            old = existing.get(row["key"])
            if old is None:
                added.append(row)
                continue
            diffs = self._compare(old, row, fields)
            if old["ws_path"] != row["_ws_path"]:
                diffs.append(("workstream", old["ws_path"], row["_ws_path"]))
            if diffs or old["removed_upload_id"] is not None:
                updated.append((old, row, diffs))
            else:
                same.append((old, row))
        removed = [old for key, old in existing.items() if key not in seen and old["removed_upload_id"] is None
                   and self._in_scope(old["ws_path"], old["source_sheet"])]
        return {"added": added, "updated": updated, "removed": removed, "_same": same, "_label": label_field}

    @staticmethod
    def _promote(result: dict, keys: set[str]) -> None:
        """Unchanged rows whose children changed (ratings, amounts) count as updated."""
        keep = []
        for old, row in result["_same"]:
            if row["key"] in keys:
                result["updated"].append((old, row, []))
            else:
                keep.append((old, row))
        result["_same"] = keep

    def _finish(self, result: dict) -> dict:
        result["unchanged"] = len(result.pop("_same"))
        return result

    def _diff_milestones(self) -> dict:
        rows = [self._milestone_row(rec) for rec in self.records]
        return self._finish(self._diff_rows(T["Milestone"], rows, MILESTONE_FIELDS, "title"))

    def _diff_risks(self) -> dict:
        rows = [self._risk_row(rec) for rec in self.records]
        result = self._diff_rows(T["Risk"], rows, RISK_FIELDS, "title")
        # Ratings live in the assessment history: compare with each risk's latest assessment.
        ra, rk = T["RiskAssessment"], T["Risk"]
        newest = (select(func.max(ra.c.id)).join(rk, rk.c.id == ra.c.risk_id)
                  .where(rk.c.programme_id == self.programme_id).group_by(ra.c.risk_id))
        self.latest_assessment = {r.risk_id: r._asdict() for r in self.conn.execute(select(ra).where(ra.c.id.in_(newest)))}

        def rating_diffs(old: dict, row: dict) -> list:
            prev = self.latest_assessment.get(old["id"], {})
            return [(f, prev.get(f), row["_assessment"][f]) for f in ASSESSMENT_FIELDS
                    if _norm(prev.get(f)) != _norm(row["_assessment"][f])]

        for _old, _row, diffs in result["updated"]:
            diffs.extend(rating_diffs(_old, _row))
        rerated = {}
        for old, row in result["_same"]:
            d = rating_diffs(old, row)
            if d:
                rerated[row["key"]] = d
        self._promote(result, set(rerated))
        for _old, row, diffs in result["updated"]:
            if row["key"] in rerated and not diffs:
                diffs.extend(rerated[row["key"]])
        return self._finish(result)

    def _diff_budget(self) -> dict:
        lines: dict[str, dict] = {}
        amounts: list[dict] = []
        for rec in self.records:
            if rec["_line_key"] not in lines:
                lines[rec["_line_key"]] = self._budget_line_row(rec)
            amounts.append(self._budget_amount_row(rec))
        result = self._diff_rows(T["BudgetLine"], list(lines.values()), BUDGET_LINE_FIELDS, "line")
        ba, bl, ws = T["BudgetAmount"], T["BudgetLine"], T["Workstream"]
        q = (select(ba.c.id, ba.c.period, ba.c.removed_upload_id, bl.c.key.label("line_key"), bl.c.line,
                    bl.c.source_sheet, ws.c.path.label("ws_path"), *[ba.c[f] for f in AMOUNT_FIELDS])
             .select_from(ba.join(bl, bl.c.id == ba.c.budget_line_id).outerjoin(ws, ws.c.id == bl.c.workstream_id))
             .where(bl.c.programme_id == self.programme_id))
        existing = {(r.line_key, r.period): r._asdict() for r in self.conn.execute(q)}
        a_added, a_updated, seen = [], [], set()
        for row in amounts:
            k = (row["_line_key"], row["period"])
            seen.add(k)
            old = existing.get(k)
            if old is None:
                a_added.append(row)
                continue
            diffs = self._compare(old, row, AMOUNT_FIELDS)
            if diffs or old["removed_upload_id"] is not None:
                a_updated.append((old, row, diffs))
        a_removed = [old for k, old in existing.items() if k not in seen and old["removed_upload_id"] is None
                     and self._in_scope(old["ws_path"], old["source_sheet"])]
        self.amounts = {"added": a_added, "updated": a_updated, "removed": a_removed}
        # A lead thinks in lines: an amount changing is its line changing.
        touched = {r["_line_key"] for r in a_added} | {r["_line_key"] for _o, r, _d in a_updated}
        touched |= {old["line_key"] for old in a_removed}
        self._promote(result, touched)
        return self._finish(result)

    def _diff_metrics(self) -> dict:
        metrics: dict[str, dict] = {}
        values: list[dict] = []
        for rec in self.records:
            if rec["_metric_key"] not in metrics:
                metrics[rec["_metric_key"]] = self._metric_row(rec)
            values.append(self._metric_value_row(rec))
        result = self._diff_rows(T["Metric"], list(metrics.values()), METRIC_FIELDS, "name")
        result.pop("_same")
        mv, mt = T["MetricValue"], T["Metric"]
        q = select(mv.c.id, mv.c.key, mv.c.metric_id, mv.c.removed_upload_id, mt.c.key.label("metric_key"), mt.c.name,
                   *[mv.c[f] for f in VALUE_FIELDS]).join(mt, mt.c.id == mv.c.metric_id).where(
            mt.c.programme_id == self.programme_id)
        existing = {r.key: r._asdict() for r in self.conn.execute(q)}
        v_added, v_updated, v_unchanged = [], [], 0
        seen = set()
        for row in values:
            seen.add(row["key"])
            old = existing.get(row["key"])
            if old is None:
                v_added.append(row)
                continue
            diffs = self._compare(old, row, VALUE_FIELDS)
            if diffs or old["removed_upload_id"] is not None:
                v_updated.append((old, row, diffs))
            else:
                v_unchanged += 1
        in_scope = {old["key"] for old in self._existing(mt, []).values()
                    if self._in_scope(old["ws_path"], old["source_sheet"])}
        v_removed = [old for k, old in existing.items() if k not in seen and old["removed_upload_id"] is None
                     and old["metric_key"] in in_scope]
        self.values = {"added": v_added, "updated": v_updated, "removed": v_removed}
        # Counts are of metric values: one per metric, period and locality.
        result["unchanged"] = v_unchanged
        result["_counts"] = {"added": len(v_added), "updated": len(v_updated), "removed": len(v_removed)}
        return result

    # -- rows ------------------------------------------------------------------------------------
    def _common(self, rec: dict) -> dict:
        path = rec.get("workstream")
        return {"programme_id": self.programme_id, "key": rec["_key"], "source_sheet": rec["_sheet"],
                "source_row": rec["_row"], "_ws_path": path, "_path": rec["_path"], "_labels": rec["_labels"],
                "_locality": rec.get("locality")}

    def _milestone_row(self, rec: dict) -> dict:
        row = self._common(rec)
        row.update({
            "ref": rec["ref"], "title": rec["title"], "owner": rec["owner"], "dependency": rec["dependency"],
            "start": _d(rec["start"]), "start_raw": rec["_start_raw"], "start_precision": rec["_start_precision"],
            "due": _d(rec["due"]), "due_raw": rec["_due_raw"], "due_precision": rec["_due_precision"],
            "baseline_due": _d(rec["_baseline_due"]), "completed": _d(rec["_completed"]),
            "completed_raw": rec["_completed_raw"], "status": rec["status"], "status_raw": rec["_status_raw"],
            "rag": rec["rag"], "rag_raw": rec["_rag_raw"], "notes": rec["_notes"], "_phase": rec.get("_phase"),
        })
        return row

    def _risk_row(self, rec: dict) -> dict:
        row = self._common(rec)
        row.update({
            "ref": rec["ref"], "title": rec["title"], "consequence": rec["_consequence"], "owner": rec["owner"],
            "opened": _d(rec["opened"]), "opened_raw": rec["_opened_raw"], "mitigation": rec["mitigation"],
            "review_due": _d(rec["review_due"]), "review_raw": rec["_review_raw"], "status": rec["status"],
            "_assessment": {"likelihood": rec["likelihood"], "impact": rec["impact"], "score": rec["score"],
                            "rag": rec["rag"], "likelihood_raw": rec["_likelihood_raw"],
                            "impact_raw": rec["_impact_raw"], "rag_raw": rec["_rag_raw"]},
        })
        return row

    def _budget_line_row(self, rec: dict) -> dict:
        row = self._common(rec)
        row.update({"key": rec["_line_key"], "ref": rec["ref"], "line": rec["line"], "funder": rec["_funder"],
                    "commissioner": rec["_commissioner"], "line_kind": rec["_line_kind"]})
        return row

    def _budget_amount_row(self, rec: dict) -> dict:
        raw = rec["_raw"]
        return {"_line_key": rec["_line_key"], "period": rec["_period_label"], "period_type": rec["_period_type"],
                "period_start": rec["_period_start"], "period_end": rec["_period_end"],
                "allocated_pence": to_pence(rec["allocated"]), "forecast_pence": to_pence(rec["forecast"]),
                "spent_pence": to_pence(rec["spent"]), "allocated_raw": raw.get("allocated"),
                "forecast_raw": raw.get("forecast"), "spent_raw": raw.get("spent"), "source_row": rec["_row"],
                "_label": f"{rec['line']} ({rec['_period_label'] or 'no period'})"}

    def _metric_row(self, rec: dict) -> dict:
        row = self._common(rec)
        row.update({"key": rec["_metric_key"], "name": rec["name"], "unit": rec["unit"], "direction": rec["direction"]})
        return row

    def _metric_value_row(self, rec: dict) -> dict:
        return {"key": rec["_key"], "_metric_key": rec["_metric_key"], "_locality": rec["locality"],
                "period": rec["_period_label"], "period_type": rec["_period_type"],
                "period_start": rec["_period_start"], "period_end": rec["_period_end"], "target": rec["target"],
                "actual": rec["actual"], "target_raw": rec["_target_raw"], "actual_raw": rec["_actual_raw"],
                "source_sheet": rec["_sheet"], "source_row": rec["_row"],
                "_label": f"{rec['name']} ({rec['_period_label'] or 'no period'}{', ' + rec['locality'] if rec['locality'] else ''})"}

    # -- write -----------------------------------------------------------------------------------
    def write(self, changes: dict, counts: dict, uploaded_by: str | None) -> int:
        a = self.analysis
        self.upload_id = upload_id = self.conn.execute(insert(T["Upload"]).values(
            board_id=self.board_id, programme_id=self.programme_id, kind=self.kind, file_name=a.file_name,
            sha256=a.sha256, size_bytes=a.size_bytes, uploaded_by=uploaded_by, uploaded_at=self.now,
            row_count=len(self.records), sheets=[s.as_json() for s in a.sheets], changes=counts,
        ).returning(T["Upload"].c.id)).scalar_one()
        bulk_insert(self.conn, T["ImportIssue"], [
            {"upload_id": upload_id, "severity": i.severity, "sheet": i.sheet, "row": i.row, "column": i.column,
             "raw_value": i.value, "message": i.message, "code": i.code} for i in a.issues])
        self._update_labels()
        table = self._table
        entity = {"milestones": "milestone", "risks": "risk", "budget": "budget_line", "metrics": "metric"}[self.kind]
        label = changes["_label"]

        added_ids = self._insert(table, changes["added"])
        # New rows are not written to the change log: their first_upload_id already says this upload added them
        # (queries.upload_changes reads both). They are still reported to the caller.
        self.added_rows = [{"upload_id": upload_id, "entity": entity, "entity_id": new_id, "label": str(row[label])[:500],
                            "action": "added", "field": None, "old_value": None, "new_value": None}
                           for row, new_id in zip(changes["added"], added_ids, strict=True)]
        for row, new_id in zip(changes["added"], added_ids, strict=True):
            row["id"] = new_id
        for old, row, diffs in changes["updated"]:
            row["id"] = old["id"]
            values = self._stored(row)
            values.update(upload_id=upload_id, removed_upload_id=None)
            self.conn.execute(update(table).where(table.c.id == old["id"]).values(**values))
            if old["removed_upload_id"] is not None:
                self._log(entity, old["id"], row[label], "added", field="restored")
            for f, before, after in diffs:
                if f in ASSESSMENT_FIELDS:
                    continue
                self._log(entity, old["id"], row[label], "updated", f, before, after)
        for old in changes["removed"]:
            self.conn.execute(update(table).where(table.c.id == old["id"]).values(removed_upload_id=upload_id))
            self._log(entity, old["id"], old.get(label) or old["key"], "removed")

        if self.kind == "risks":
            self._write_assessments(changes)
        elif self.kind == "budget":
            self._write_amounts(changes)
        elif self.kind == "metrics":
            self._write_values(changes)
        bulk_insert(self.conn, T["Change"], self.change_rows)
        return upload_id

    @property
    def _table(self):
        return {"milestones": T["Milestone"], "risks": T["Risk"], "budget": T["BudgetLine"], "metrics": T["Metric"]}[self.kind]

    def _stored(self, row: dict) -> dict:
        """The row as table columns: the public fields, plus the ids of its workstream, locality and phase."""
        keys = self.__dict__.get("_plain_keys")
        if keys is None:
            columns = set(self._table.c.keys())
            keys = self._plain_keys = [k for k in row if k in columns and k != "id"]
            self._has_locality = "locality_id" in columns
        out = {k: row[k] for k in keys}
        out["workstream_id"] = self._workstream_id(row["_path"], row["_labels"]) if "_path" in row else None
        if self._has_locality and "_locality" in row:
            out["locality_id"] = self._locality_id(row["_locality"])
        if "_phase" in row:
            out["phase_id"] = self._phase_id(row["_phase"])
        return out

    def _insert(self, table, rows: list[dict]) -> list[int]:
        if not rows:
            return []
        self._stored(rows[0])  # settles the column list
        keys = self._plain_keys
        columns = [*keys, "workstream_id", "upload_id", "first_upload_id"]
        has_locality = self._has_locality and "_locality" in rows[0]
        has_phase = "_phase" in rows[0]
        if has_locality:
            columns.append("locality_id")
        if has_phase:
            columns.append("phase_id")
        up = self.upload_id
        values = []
        for row in rows:
            v = [row[k] for k in keys]
            v.append(self._workstream_id(row["_path"], row["_labels"]))
            v.append(up)
            v.append(up)
            if has_locality:
                v.append(self._locality_id(row["_locality"]))
            if has_phase:
                v.append(self._phase_id(row["_phase"]))
            values.append(tuple(v))
        return insert_values(self.conn, table, columns, values, ids=True)

    def _log(self, entity: str, entity_id: int, label: str, action: str, field: str | None = None,
             old: object = None, new: object = None) -> None:
        self.change_rows.append({"upload_id": self.upload_id, "entity": entity, "entity_id": entity_id,
                                 "label": str(label)[:500], "action": action, "field": field,
                                 "old_value": _show(old), "new_value": _show(new)})

    def _workstream_id(self, path: tuple[str, ...], labels: tuple) -> int | None:
        if not path:
            return None
        parent = root = None
        ws = T["Workstream"]
        for depth in range(1, len(path) + 1):
            key = PATH_SEP.join(path[:depth])
            ws_id = self.ws_by_path.get(key)
            if ws_id is None:
                ws_id = self.conn.execute(insert(ws).values(
                    programme_id=self.programme_id, parent_id=parent, root_id=root, level=depth, name=path[depth - 1],
                    path=key, sort_order=len(self.ws_by_path), first_upload_id=self.upload_id).returning(ws.c.id)).scalar_one()
                if depth == 1:
                    self.conn.execute(update(ws).where(ws.c.id == ws_id).values(root_id=ws_id))
                self.ws_by_path[key] = ws_id
            parent = ws_id
            root = root or ws_id
        return parent

    def _locality_id(self, name: str | None) -> int | None:
        if not name:
            return None
        found = self.loc_by_name.get(name.lower())
        if found is None:
            found = self.conn.execute(insert(T["Locality"]).values(
                board_id=self.board_id, name=name, locality_type=_locality_type(name)).returning(T["Locality"].c.id)).scalar_one()
            self.loc_by_name[name.lower()] = found
        return found

    def _phase_id(self, name: str | None) -> int | None:
        if not name:
            return None
        found = self.phase_by_name.get(name.lower())
        if found is None:
            found = self.conn.execute(insert(T["Phase"]).values(
                programme_id=self.programme_id, name=name, sort_order=len(self.phase_by_name)).returning(T["Phase"].c.id)).scalar_one()
            self.phase_by_name[name.lower()] = found
        return found

    def _update_labels(self) -> None:
        labels = self.analysis.level_labels
        if not labels:
            return
        prog = T["Programme"]
        current = list(self.conn.execute(select(prog.c.level_labels).where(prog.c.id == self.programme_id)).scalar_one() or [])
        changed = False
        for level, label in sorted(labels.items()):
            while len(current) < level:
                current.append(None)
            if not current[level - 1]:
                current[level - 1] = label
                changed = True
        if changed:
            self.conn.execute(update(prog).where(prog.c.id == self.programme_id).values(level_labels=current))

    def _write_assessments(self, changes: dict) -> None:
        today = self.now.date()
        up = self.upload_id
        columns = ["risk_id", "upload_id", "as_of", *ASSESSMENT_COLUMNS]
        values = [(row["id"], up, today, *[row["_assessment"][c] for c in ASSESSMENT_COLUMNS]) for row in changes["added"]]
        for old, row, diffs in changes["updated"]:
            rating_diffs = [d for d in diffs if d[0] in ASSESSMENT_FIELDS]
            if rating_diffs or old["id"] not in self.latest_assessment:
                values.append((old["id"], up, today, *[row["_assessment"][c] for c in ASSESSMENT_COLUMNS]))
                for f, before, after in rating_diffs:
                    self._log("risk", old["id"], row["title"], "updated", f, before, after)
        insert_values(self.conn, T["RiskAssessment"], columns, values)

    def _write_amounts(self, changes: dict) -> None:
        self._write_children(changes, self.amounts, T["BudgetLine"], T["BudgetAmount"], "_line_key", "budget_line_id",
                             "budget_amount", lambda row: {},
                             lambda f, v: (f.replace("_pence", ""), _pounds(v)),
                             lambda old: f"{old['line']} ({old['period'] or 'no period'})")

    def _write_values(self, changes: dict) -> None:
        self._write_children(changes, self.values, T["Metric"], T["MetricValue"], "_metric_key", "metric_id",
                             "metric_value", lambda row: {"locality_id": self._locality_id(row["_locality"])},
                             lambda f, v: (f, v),
                             lambda old: f"{old['name']} ({old['period'] or 'no period'})")

    def _write_children(self, changes: dict, children: dict, parent_table, table, parent_key: str, parent_fk: str,
                        entity: str, extra, show, removed_label) -> None:
        """Budget amounts under their lines, metric values under their metrics: add, update and remove them.

        A child added under a new parent is not logged on its own: the parent's addition says it.
        """
        parent_ids = {r.key: r.id for r in self.conn.execute(
            select(parent_table.c.id, parent_table.c.key).where(parent_table.c.programme_id == self.programme_id))}
        new_parents = {row["key"] for row in changes["added"]}
        payload = []
        for row in children["added"]:
            values = {k: v for k, v in row.items() if not k.startswith("_")}
            values.update({parent_fk: parent_ids[row[parent_key]], "upload_id": self.upload_id, **extra(row)})
            payload.append(values)
        ids = bulk_insert(self.conn, table, payload, ids=True)
        for row, new_id in zip(children["added"], ids, strict=True):
            if row[parent_key] not in new_parents:
                self._log(entity, new_id, row["_label"], "added")
        for old, row, diffs in children["updated"]:
            values = {k: v for k, v in row.items() if not k.startswith("_")}
            values.update(upload_id=self.upload_id, removed_upload_id=None)
            self.conn.execute(update(table).where(table.c.id == old["id"]).values(**values))
            for f, before, after in diffs:
                name, was = show(f, before)
                self._log(entity, old["id"], row["_label"], "updated", name, was, show(f, after)[1])
        for old in children["removed"]:
            self.conn.execute(update(table).where(table.c.id == old["id"]).values(removed_upload_id=self.upload_id))
            self._log(entity, old["id"], removed_label(old), "removed")


MILESTONE_FIELDS = ["ref", "title", "owner", "dependency", "start", "due", "baseline_due", "completed", "status", "rag",
                    "notes"]
RISK_FIELDS = ["ref", "title", "consequence", "owner", "opened", "mitigation", "review_due", "status"]
ASSESSMENT_FIELDS = ["likelihood", "impact", "score", "rag"]
ASSESSMENT_COLUMNS = ["likelihood", "impact", "score", "rag", "likelihood_raw", "impact_raw", "rag_raw"]
BUDGET_LINE_FIELDS = ["ref", "line", "funder", "commissioner", "line_kind"]
AMOUNT_FIELDS = ["allocated_pence", "forecast_pence", "spent_pence"]
METRIC_FIELDS = ["name", "unit", "direction"]
VALUE_FIELDS = ["target", "actual"]


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


def _pounds(pence: int | None) -> str | None:
    if pence is None:
        return None
    return f"£{pence / 100:,.2f}".replace(".00", "")


def _locality_type(name: str) -> str:
    low = name.lower()
    for word, kind in (("area-wide", "area-wide"), ("area wide", "area-wide"), ("hosted", "area-wide"),
                       ("county", "county"), ("district", "district"), ("city", "city"), ("borough", "district"),
                       ("hospital", "site"), ("site", "site")):
        if word in low:
            return kind
    return "locality"


def group_by(rows: list[dict], key: str) -> dict:
    out = defaultdict(list)
    for r in rows:
        out[r[key]].append(r)
    return out
