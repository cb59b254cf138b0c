"""What changed on a board between two readings of its data: milestones, risks, budget, metrics (and actions).

A reading is a source (a live Engine, a page run's read snapshot, or a frozen snapshot's in-memory copy: anything
with the data_model schema and a ``connect()``), the date it is read as at, and the RAG rules it is judged by. Rows
are matched across the two by their stable key (the one a later upload matches a row on, ``loaders.store``), never
by database id, and every RAG comes from the same reads the pages use (``registers``), so "Amber to Red" here is
what the pages showed then and show now. Unchanged rows are never reported.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select

from data_model import registers
from data_model.rag import DEFAULT_RULES, RagRules
from data_model.rollups import BA, BL, LOC, MS, MT, MV, RK, WS, Filters, P, read_frame
from data_model.tables import Board, Upload

B, UP = Board.__table__, Upload.__table__
OFF_TARGET = ("red", "amber")  # as the Overview's "Metrics off target" list reads it
ALL_ROWS = 10_000_000  # registers.milestones takes a page size; a comparison reads every row


class NoSuchBoard(LookupError):
    """Neither reading holds the board asked for."""


@dataclass(frozen=True)
class Reading:
    """One side of a comparison: what to read, the date it is read as at, the RAG rules in force, and how a person
    names it ("Now", "As at 1 July 2016", "Snapshot for the meeting of 28 June 2016")."""

    source: Any  # an Engine, or anything with the same connect() (data_model.snapshot.Snapshot, a snapshot's copy)
    as_at: date
    rules: RagRules
    label: str


@dataclass(frozen=True)
class FromUpload:
    """The upload a change came from: its file and who uploaded it. Two readings name the same upload when its file,
    content and uploader agree (a snapshot's copy, or another database, may keep its time differently)."""

    file: str
    sha256: str
    uploaded_by: str | None
    uploaded_at: datetime | None = field(default=None, compare=False)

    def as_json(self) -> dict:
        return {"file": self.file, "sha256": self.sha256, "uploaded_by": self.uploaded_by,
                "uploaded_at": self.uploaded_at.isoformat() if self.uploaded_at else None}


# -- milestones ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MilestoneState:
    due: date | None
    status: str | None  # data_model.vocabulary.MILESTONE_STATUSES
    completed: date | None
    rag: str | None  # under the reading's rules, as at its date


@dataclass(frozen=True)
class MilestoneChange:
    ref: str | None
    title: str
    workstream: str | None
    before: MilestoneState | None  # None: the milestone was not there
    after: MilestoneState | None  # None: it is no longer there
    upload: FromUpload | None = None  # None: not an upload's doing (time passed, or the rules changed)
    days: int | None = None  # slipped or brought forward: by how many days (always positive)

    def as_json(self) -> dict:
        out = {"ref": self.ref, "title": self.title, **_common(self)}
        if self.days is not None:
            out["days"] = self.days
        return out


@dataclass
class MilestoneChanges:
    added: list[MilestoneChange] = field(default_factory=list)
    removed: list[MilestoneChange] = field(default_factory=list)
    completed: list[MilestoneChange] = field(default_factory=list)
    slipped: list[MilestoneChange] = field(default_factory=list)
    brought_forward: list[MilestoneChange] = field(default_factory=list)
    rag_changed: list[MilestoneChange] = field(default_factory=list)


# -- risks --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RiskState:
    status: str  # open, closed
    likelihood: int | None
    impact: int | None
    score: int | None
    rag: str | None
    review_due: date | None


@dataclass(frozen=True)
class RiskChange:
    ref: str | None
    title: str
    workstream: str | None
    before: RiskState | None
    after: RiskState | None  # None under "closed": the risk has left the register
    upload: FromUpload | None = None

    def as_json(self) -> dict:
        return {"ref": self.ref, "title": self.title, **_common(self)}


@dataclass
class RiskChanges:
    new: list[RiskChange] = field(default_factory=list)
    closed: list[RiskChange] = field(default_factory=list)
    score_up: list[RiskChange] = field(default_factory=list)
    score_down: list[RiskChange] = field(default_factory=list)
    # Likelihood or impact re-rated with no move of the score to list it under (3 × 5 to 5 × 3, or a rating given
    # where the score needs the other): a board wants to see a re-rating even when the product stands still.
    rerated: list[RiskChange] = field(default_factory=list)
    rag_changed: list[RiskChange] = field(default_factory=list)
    # Overdue for review now, and not at the earlier reading; a new risk is listed once, under new, never here.
    review_passed: list[RiskChange] = field(default_factory=list)


# -- budget -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BudgetAmounts:
    """One line's money for one period, in pence (None: no figure)."""

    allocated_pence: int | None
    forecast_pence: int | None
    spent_pence: int | None

    def as_json(self) -> dict:
        return {"allocated": _pounds(self.allocated_pence), "forecast": _pounds(self.forecast_pence),
                "spent": _pounds(self.spent_pence)}


@dataclass(frozen=True)
class BudgetChange:
    ref: str | None
    line: str
    workstream: str | None
    period: str  # "" for a line with no period
    before: BudgetAmounts | None
    after: BudgetAmounts | None
    upload: FromUpload | None = None

    def movement_pence(self, what: str) -> int | None:
        """After minus before for allocated, forecast or spent; None when neither reading has a figure."""
        was = getattr(self.before, f"{what}_pence") if self.before else None
        now = getattr(self.after, f"{what}_pence") if self.after else None
        if was is None and now is None:
            return None
        return (now or 0) - (was or 0)

    def as_json(self) -> dict:
        return {"ref": self.ref, "line": self.line, "period": self.period, **_common(self),
                "movement": {w: _pounds(self.movement_pence(w)) for w in ("allocated", "forecast", "spent")}}


# -- metrics ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MetricState:
    period: str
    target: float | None
    actual: float | None
    rag: str | None


@dataclass(frozen=True)
class MetricChange:
    name: str
    workstream: str | None
    locality: str | None
    before: MetricState | None
    after: MetricState | None
    upload: FromUpload | None = None

    def as_json(self) -> dict:
        return {"ref": None, "name": self.name, "locality": self.locality, **_common(self)}


@dataclass
class MetricChanges:
    new_values: list[MetricChange] = field(default_factory=list)  # a value (period, place) reported or revised
    off_target: list[MetricChange] = field(default_factory=list)  # the latest value newly Red or Amber
    back_on_target: list[MetricChange] = field(default_factory=list)  # the latest value Green again


# -- actions ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionState:
    status: str  # open, done, dropped
    due: date | None


@dataclass(frozen=True)
class ActionChange:
    ref: str | None
    title: str
    owner: str | None
    workstream: str | None
    before: ActionState | None
    after: ActionState | None
    upload: FromUpload | None = None

    def as_json(self) -> dict:
        return {"ref": self.ref, "title": self.title, "owner": self.owner, **_common(self)}


@dataclass
class ActionChanges:
    """Actions arising from meetings: opened, closed and fallen overdue between the two readings. Filled once the
    board's action log is stored; until then every list is empty."""

    opened: list[ActionChange] = field(default_factory=list)
    closed: list[ActionChange] = field(default_factory=list)
    overdue: list[ActionChange] = field(default_factory=list)


# -- the whole --------------------------------------------------------------------------------------------------


@dataclass
class Changes:
    board: str
    before_as_at: date
    after_as_at: date
    rules_changed: bool  # the two readings judge RAG by different rules: some RAG changes may be the rules' doing
    milestones: MilestoneChanges = field(default_factory=MilestoneChanges)
    risks: RiskChanges = field(default_factory=RiskChanges)
    budget: list[BudgetChange] = field(default_factory=list)
    metrics: MetricChanges = field(default_factory=MetricChanges)
    actions: ActionChanges = field(default_factory=ActionChanges)

    def sections(self) -> dict[str, dict[str, list]]:
        """Each section's lists by name, in the order the page and the JSON give them."""
        def lists(group) -> dict[str, list]:
            return {f.name: getattr(group, f.name) for f in fields(group)}

        return {"milestones": lists(self.milestones), "risks": lists(self.risks), "budget": {"moved": self.budget},
                "metrics": lists(self.metrics), "actions": lists(self.actions)}

    def counts(self) -> dict[str, dict[str, int]]:
        return {section: {name: len(items) for name, items in groups.items()}
                for section, groups in self.sections().items()}

    @property
    def empty(self) -> bool:
        return not any(n for groups in self.counts().values() for n in groups.values())

    def as_json(self) -> dict:
        s = self.sections()
        return {
            "milestones": {name: [c.as_json() for c in items] for name, items in s["milestones"].items()},
            "risks": {name: [c.as_json() for c in items] for name, items in s["risks"].items()},
            "budget": [c.as_json() for c in self.budget],
            "metrics": {name: [c.as_json() for c in items] for name, items in s["metrics"].items()},
            "actions": {name: [c.as_json() for c in items] for name, items in s["actions"].items()},
        }


def compare(before: Reading, after: Reading, board_slug_or_id: str | int) -> Changes:
    """``what_changed`` between two Readings."""
    return what_changed(before.source, after.source, board_slug_or_id, before_as_at=before.as_at,
                        after_as_at=after.as_at, rules_before=before.rules, rules_after=after.rules)


def live_changes(engine: Any, board_slug: str, before_as_at: date, after_as_at: date, rules: RagRules) -> Changes:
    """The same (live) data read as at two dates under one set of rules: what time alone changed (milestones falling
    due, reviews passing, new metric periods). Takes one source, so a page reads it through its cache."""
    return what_changed(engine, engine, board_slug, before_as_at=before_as_at, after_as_at=after_as_at,
                        rules_before=rules, rules_after=rules)


def what_changed(before: Any, after: Any, board_slug_or_id: str | int, *, before_as_at: date, after_as_at: date,
                 rules_before: RagRules, rules_after: RagRules) -> Changes:
    """Every change to the board between the ``before`` and ``after`` sources, each read as at its own date under its
    own rules. Raises NoSuchBoard when neither source has the board."""
    slug = _board_slug(after, board_slug_or_id) or _board_slug(before, board_slug_or_id)
    if slug is None:
        raise NoSuchBoard(f"There is no board called '{board_slug_or_id}'. The board list shows each board's short "
                          "name.")
    was = _Side(before, slug, before_as_at, rules_before)
    now = _Side(after, slug, after_as_at, rules_after)
    return Changes(board=slug, before_as_at=before_as_at, after_as_at=after_as_at,
                   rules_changed=_rag_part(rules_before) != _rag_part(rules_after), milestones=_milestones(was, now),
                   risks=_risks(was, now), budget=_budget(was, now), metrics=_metrics(was, now))


# ---------------------------------------------------------------------------------------------------------------
# Reading one side
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Stored:
    """Where a row stands in one source: the upload that last set it, and the one that removed it."""

    upload: FromUpload | None
    removed_by: FromUpload | None


class _Side:
    """One reading of one board: its rows keyed by their stable keys, and the uploads they came from."""

    def __init__(self, source: Any, slug: str, as_at: date, rules: RagRules) -> None:
        self.source, self.as_at, self.rules = source, as_at, rules
        with source.connect() as conn:
            board_id = conn.execute(select(B.c.id).where(B.c.slug == slug)).scalar()
        self.board_id = -1 if board_id is None else int(board_id)  # a board the source does not hold: no rows
        self.filters = Filters(self.board_id, as_at=as_at)
        uploads = read_frame(source, select(UP.c.id, UP.c.file_name, UP.c.sha256, UP.c.uploaded_by, UP.c.uploaded_at)
                             .where(UP.c.board_id == self.board_id))
        self.uploads = {int(r.id): FromUpload(r.file_name, r.sha256, _value(r.uploaded_by), _when(r.uploaded_at))
                        for r in uploads.itertuples()}

    def upload(self, upload_id: object) -> FromUpload | None:
        upload_id = _value(upload_id)
        return self.uploads.get(int(upload_id)) if upload_id is not None else None

    def stored(self, table) -> tuple[dict[int, str], dict[str, _Stored]]:
        """Every row of a board's table (removed ones too): id -> key, and key -> where the row stands."""
        q = (select(table.c.id, table.c.key, table.c.upload_id, table.c.removed_upload_id)
             .join(P, P.c.id == table.c.programme_id).where(P.c.board_id == self.board_id))
        df = read_frame(self.source, q)
        keys = {int(r.id): r.key for r in df.itertuples()}
        rows = {r.key: _Stored(self.upload(r.upload_id), self.upload(r.removed_upload_id)) for r in df.itertuples()}
        return keys, rows


def _caused(before: _Stored | None, after: _Stored | None) -> FromUpload | None:
    """The upload behind a change to a row present in both readings: the after row's, when an upload has set the row
    since the earlier reading; None when the same upload stands behind both (time or the rules moved it)."""
    if after is None or after.upload is None:
        return None
    if before is not None and before.upload == after.upload:
        return None
    return after.upload


# ---------------------------------------------------------------------------------------------------------------
# Milestones
# ---------------------------------------------------------------------------------------------------------------


def _milestone_rows(side: _Side) -> tuple[dict[str, dict], dict[str, _Stored]]:
    keys, stored = side.stored(MS)
    df = registers.milestones(side.source, side.filters, side.rules, limit=ALL_ROWS)
    rows = {}
    for r in df.to_dict("records"):
        rows[keys[int(r["id"])]] = {
            "ref": _value(r["ref"]), "title": r["title"], "workstream": _value(r["workstream"]),
            "state": MilestoneState(_day(r["due"]), _value(r["status"]), _day(r["completed"]), _value(r["rag"]))}
    return rows, stored


def _done(state: MilestoneState) -> bool:
    return state.status == "complete" or state.completed is not None


def _milestones(was: _Side, now: _Side) -> MilestoneChanges:
    before, before_stored = _milestone_rows(was)
    after, after_stored = _milestone_rows(now)
    out = MilestoneChanges()
    for key, row in after.items():
        upload = _caused(before_stored.get(key), after_stored.get(key))
        old = before.get(key)
        if old is None:
            out.added.append(MilestoneChange(row["ref"], row["title"], row["workstream"], None, row["state"], upload))
            continue
        b, a = old["state"], row["state"]

        def change(days: int | None = None, row=row, b=b, a=a, upload=upload) -> MilestoneChange:
            return MilestoneChange(row["ref"], row["title"], row["workstream"], b, a, upload, days)

        if _done(a) and not _done(b):
            out.completed.append(change())
        if a.due is not None and b.due is not None and a.due != b.due:
            days = (a.due - b.due).days
            (out.slipped if days > 0 else out.brought_forward).append(change(abs(days)))
        if a.rag != b.rag:
            out.rag_changed.append(change())
    for key, old in before.items():
        if key not in after:
            gone = after_stored.get(key)
            out.removed.append(MilestoneChange(old["ref"], old["title"], old["workstream"], old["state"], None,
                                               gone.removed_by if gone else None))
    for items in (out.added, out.removed, out.completed, out.slipped, out.brought_forward, out.rag_changed):
        items.sort(key=lambda c: (c.workstream or "", c.ref or "", c.title))
    return out


# ---------------------------------------------------------------------------------------------------------------
# Risks
# ---------------------------------------------------------------------------------------------------------------


def _risk_rows(side: _Side) -> tuple[dict[str, dict], dict[str, _Stored]]:
    keys, stored = side.stored(RK)
    df = registers.risks(side.source, side.filters, side.rules)
    rows = {}
    for r in df.to_dict("records"):
        rows[keys[int(r["id"])]] = {
            "ref": _value(r["ref"]), "title": r["title"], "workstream": _value(r["workstream"]),
            "state": RiskState(r["status"], _int(r["likelihood"]), _int(r["impact"]), _int(r["score"]),
                               _value(r["rag"]), _day(r["review_due"]))}
    return rows, stored


def review_overdue(state: RiskState | None, as_at: date) -> bool:
    """As the Risks page lists overdue reviews: an open risk whose review date is before the as-at date (the What
    changed table says so of a new risk from here too)."""
    return state is not None and state.status == "open" and state.review_due is not None and state.review_due < as_at


def score_moved(before: RiskState, after: RiskState) -> bool:
    """Whether the score moved from one number to another: listed as score up or down (its Before and After give
    the likelihood and impact), so never as re-rated too."""
    return before.score is not None and after.score is not None and before.score != after.score


def rerated(before: RiskState, after: RiskState) -> bool:
    """Likelihood or impact changed, and the score did not move to say so: the one rule for the page, the CLI and
    the pack (a likelihood and impact swapped, 3 × 5 to 5 × 3, keeps a score of 15 and must still be listed)."""
    return ((before.likelihood, before.impact) != (after.likelihood, after.impact)
            and not score_moved(before, after))


def _risks(was: _Side, now: _Side) -> RiskChanges:
    before, before_stored = _risk_rows(was)
    after, after_stored = _risk_rows(now)
    out = RiskChanges()
    for key, row in after.items():
        upload = _caused(before_stored.get(key), after_stored.get(key))
        old = before.get(key)
        b, a = (old["state"] if old else None), row["state"]
        change = RiskChange(row["ref"], row["title"], row["workstream"], b, a, upload)
        if b is None:  # listed once, as new: its row says if its review date has passed (changes_view)
            out.new.append(change)
            continue
        if review_overdue(a, now.as_at) and not review_overdue(b, was.as_at):
            out.review_passed.append(change)
        if b.status == "open" and a.status == "closed":
            out.closed.append(change)
        if score_moved(b, a):
            (out.score_up if a.score > b.score else out.score_down).append(change)
        if rerated(b, a):
            out.rerated.append(change)
        if a.rag != b.rag:
            out.rag_changed.append(change)
    for key, old in before.items():
        if key not in after and old["state"].status == "open":
            gone = after_stored.get(key)
            out.closed.append(RiskChange(old["ref"], old["title"], old["workstream"], old["state"], None,
                                         gone.removed_by if gone else None))
    for items in (out.new, out.closed, out.score_up, out.score_down, out.rerated, out.rag_changed, out.review_passed):
        items.sort(key=lambda c: (c.workstream or "", c.ref or "", c.title))
    return out


# ---------------------------------------------------------------------------------------------------------------
# Budget
# ---------------------------------------------------------------------------------------------------------------


def _budget_rows(side: _Side) -> dict[tuple[str, str], dict]:
    """Every amount of the board's budget lines (removed ones too, for who removed them), keyed by line and period."""
    q = (select(BL.c.key, BL.c.ref, BL.c.line, WS.c.path.label("workstream"), BL.c.removed_upload_id.label("line_gone"),
                BA.c.period, BA.c.period_start, BA.c.allocated_pence, BA.c.forecast_pence, BA.c.spent_pence,
                BA.c.upload_id, BA.c.removed_upload_id)
         .select_from(BA.join(BL, BL.c.id == BA.c.budget_line_id).join(P, P.c.id == BL.c.programme_id)
                      .outerjoin(WS, WS.c.id == BL.c.workstream_id))
         .where(P.c.board_id == side.board_id))
    rows = {}
    for r in read_frame(side.source, q).to_dict("records"):
        gone = _value(r["removed_upload_id"]) or _value(r["line_gone"])
        rows[(r["key"], r["period"] or "")] = {
            "ref": _value(r["ref"]), "line": r["line"], "workstream": _value(r["workstream"]),
            "start": _day(r["period_start"]), "current": gone is None,
            "amounts": BudgetAmounts(_int(r["allocated_pence"]), _int(r["forecast_pence"]), _int(r["spent_pence"])),
            "stored": _Stored(side.upload(r["upload_id"]), side.upload(gone))}
    return rows


def _budget(was: _Side, now: _Side) -> list[BudgetChange]:
    before = {k: r for k, r in _budget_rows(was).items() if r["current"]}
    after_all = _budget_rows(now)
    after = {k: r for k, r in after_all.items() if r["current"]}
    out: list[tuple[tuple, BudgetChange]] = []
    for key in dict.fromkeys([*before, *after]):
        old, row = before.get(key), after.get(key)
        b, a = (old["amounts"] if old else None), (row["amounts"] if row else None)
        if b == a:
            continue
        shown = row or old
        if row is not None:
            upload = _caused(old["stored"] if old else None, row["stored"])
        else:
            gone = after_all.get(key)
            upload = gone["stored"].removed_by if gone else None
        out.append(((shown["workstream"] or "", shown["line"], shown["start"] or date.min, key[1]),
                    BudgetChange(shown["ref"], shown["line"], shown["workstream"], key[1], b, a, upload)))
    return [c for _, c in sorted(out, key=lambda pair: pair[0])]


# ---------------------------------------------------------------------------------------------------------------
# Metrics
# ---------------------------------------------------------------------------------------------------------------


def _metric_keys(side: _Side) -> tuple[dict[int, str], dict[tuple[str, str, str | None], _Stored]]:
    """Metric id -> key, and each value (metric key, period, locality) -> the upload that last set it."""
    keys, _ = side.stored(MT)
    q = (select(MT.c.key, MV.c.period, LOC.c.name.label("locality"), MV.c.upload_id, MV.c.removed_upload_id)
         .select_from(MV.join(MT, MT.c.id == MV.c.metric_id).join(P, P.c.id == MT.c.programme_id)
                      .outerjoin(LOC, LOC.c.id == MV.c.locality_id))
         .where(P.c.board_id == side.board_id, MV.c.removed_upload_id.is_(None)))
    values = {(r.key, r.period, _value(r.locality)): _Stored(side.upload(r.upload_id), None)
              for r in read_frame(side.source, q).itertuples()}
    return keys, values


def _metric_rows(side: _Side, frame: pd.DataFrame, keys: dict[int, str], by_period: bool) -> dict[tuple, dict]:
    rows = {}
    for r in frame.to_dict("records"):
        locality = _value(r["locality"])
        key = (keys[int(r["metric_id"])], *((r["period"],) if by_period else ()), locality)
        rows[key] = {"name": r["name"], "workstream": _value(r["workstream"]), "locality": locality,
                     "value": (keys[int(r["metric_id"])], r["period"], locality),
                     "state": MetricState(r["period"], _float(r["target"]), _float(r["actual"]), _value(r["rag"]))}
    return rows


def _metrics(was: _Side, now: _Side) -> MetricChanges:
    before_keys, before_values = _metric_keys(was)
    after_keys, after_values = _metric_keys(now)
    out = MetricChanges()

    def change(row: dict, old: dict | None) -> MetricChange:
        # The value as the earlier source stored it, whatever its date: one that was there already, from the same
        # upload, became new or the latest with time, not through an upload.
        upload = _caused(before_values.get(row["value"]), after_values.get(row["value"]))
        return MetricChange(row["name"], row["workstream"], row["locality"], old["state"] if old else None,
                            row["state"], upload)

    before = _metric_rows(was, registers.metric_values(was.source, was.filters, was.rules), before_keys, True)
    after = _metric_rows(now, registers.metric_values(now.source, now.filters, now.rules), after_keys, True)
    for key, row in after.items():
        old = before.get(key)
        if row["state"].actual is not None and (old is None or _float(old["state"].actual) != row["state"].actual):
            out.new_values.append(change(row, old))

    before = _metric_rows(was, registers.latest_metrics(was.source, was.filters, was.rules), before_keys, False)
    after = _metric_rows(now, registers.latest_metrics(now.source, now.filters, now.rules), after_keys, False)
    for key, row in after.items():
        old = before.get(key)
        was_off = old is not None and old["state"].rag in OFF_TARGET
        if row["state"].rag in OFF_TARGET and not was_off:
            out.off_target.append(change(row, old))
        elif row["state"].rag == "green" and was_off:
            out.back_on_target.append(change(row, old))
    for items in (out.new_values, out.off_target, out.back_on_target):
        items.sort(key=lambda c: (c.workstream or "", c.name, c.locality or "", c.after.period if c.after else ""))
    return out


# ---------------------------------------------------------------------------------------------------------------
# Plain values
# ---------------------------------------------------------------------------------------------------------------


def _rag_part(rules: RagRules) -> RagRules:
    """The thresholds that decide a RAG (the reporting gap decides none)."""
    return replace(rules, reporting_gap_meetings=DEFAULT_RULES.reporting_gap_meetings)


def _board_slug(source: Any, board: str | int) -> str | None:
    column = B.c.id if isinstance(board, int) else B.c.slug
    with source.connect() as conn:
        return conn.execute(select(B.c.slug).where(column == board)).scalar()


def _common(change: Any) -> dict:
    """What every item's JSON shares: its workstream, its before and after, and the upload it came from."""
    return {"workstream": change.workstream, "before": _state_json(change.before), "after": _state_json(change.after),
            "file": change.upload.file if change.upload else None,
            "uploaded_by": change.upload.uploaded_by if change.upload else None}


def _state_json(state: Any) -> dict | None:
    if state is None:
        return None
    if isinstance(state, BudgetAmounts):
        return state.as_json()
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in asdict(state).items()}


def _value(v: object) -> Any:
    """A cell as plain Python: None for NULL, NaN or NaT."""
    if v is None or (not isinstance(v, (str, bytes)) and pd.isna(v)):
        return None
    if isinstance(v, np.datetime64):
        return pd.Timestamp(v).to_pydatetime()
    return v.item() if isinstance(v, np.generic) else v


def _day(v: object) -> date | None:
    v = _value(v)
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    return pd.Timestamp(v).date() if v is not None else None


def _when(v: object) -> datetime | None:
    v = _value(v)
    return pd.Timestamp(v).to_pydatetime() if v is not None else None


def _int(v: object) -> int | None:
    v = _value(v)
    return int(v) if v is not None else None


def _float(v: object) -> float | None:
    v = _value(v)
    return float(v) if v is not None else None


def _pounds(pence: int | None) -> float | None:
    return None if pence is None else pence / 100
