"""Meeting snapshots: a board's data frozen for a meeting, and read back exactly as it was.

Freezing copies every row of the board in each table of FROZEN_TABLES into ``snapshot_part``, one canonical JSON
document per table (sorted keys, ISO dates and times, decimals as strings, rows in primary-key order); the
snapshot's hash is sha256 over those documents. The database refuses any UPDATE or DELETE of either table (migration
0007), so a correction is a new snapshot of the same meeting, and "superseded" is derived from that later one.

Deleting a board or a meeting that has snapshots is refused by the database, with a sentence saying why: snapshots
are the record of what a board was shown, so they outlive its live data (a board is retired, not deleted).

Reading one back (``snapshot_source``) materialises it into an in-memory SQLite database with the app's own schema,
which every data_model query accepts in place of an engine: the pages run the very same queries on it, under the
RAG rules frozen with the board's settings, at the snapshot's as-at date. Its content can never change, so it is
built once per process and kept.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from functools import lru_cache

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    Integer,
    Numeric,
    String,
    Table,
    Time,
    TypeDecorator,
    bindparam,
    create_engine,
    func,
    insert,
    select,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import StaticPool
from sqlalchemy.sql import ColumnElement
from sqlalchemy.sql.elements import BindParameter
from sqlmodel import SQLModel

from data_model import audit
from data_model.locks import write_transaction
from data_model.permissions import Actor, Resource, allowed, refusal
from data_model.tables import (
    Action,
    AgendaItem,
    AgendaItemWorkstream,
    Board,
    BudgetAmount,
    BudgetLine,
    Change,
    Decision,
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
    ScheduleItem,
    Snapshot,
    SnapshotPart,
    Upload,
    Workstream,
)

B, MTG, SN, SP = Board.__table__, Meeting.__table__, Snapshot.__table__, SnapshotPart.__table__


class SnapshotError(ValueError):
    """A snapshot that can't be taken or read, in words a chair can act on (no such board, not allowed...)."""


class SnapshotUnchanged(SnapshotError):
    """A correction that would hold exactly what the meeting's current snapshot holds: nothing to correct."""


# --------------------------------------------------------------------------------------------------------------
# What a snapshot freezes
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FrozenTable:
    """A table whose board-scoped rows every snapshot copies. ``column`` holds the board's id, or, with ``under``,
    the id of a row of that (frozen) table: a risk assessment is the board's when its risk is."""

    table: Table
    column: str
    under: Table | None = None

    @property
    def name(self) -> str:
        return self.table.name


def _frozen(model: type[SQLModel], column: str, under: type[SQLModel] | None = None) -> FrozenTable:
    return FrozenTable(model.__table__, column, under.__table__ if under is not None else None)


# The one list to extend: a table added here is frozen, hashed and materialised with every new snapshot.
FROZEN_TABLES: tuple[FrozenTable, ...] = (
    _frozen(Board, "id"),  # its settings hold the RAG and SPC rules in force
    _frozen(Programme, "board_id"),
    _frozen(Workstream, "programme_id", Programme),
    _frozen(Phase, "programme_id", Programme),
    _frozen(Locality, "board_id"),
    _frozen(Meeting, "board_id"),
    _frozen(Upload, "board_id"),
    _frozen(ImportIssue, "upload_id", Upload),  # the import warnings
    _frozen(Change, "upload_id", Upload),  # the change log the Overview's "since the last meeting" reads
    _frozen(Milestone, "programme_id", Programme),
    _frozen(Risk, "programme_id", Programme),
    _frozen(RiskAssessment, "risk_id", Risk),
    _frozen(BudgetLine, "programme_id", Programme),
    _frozen(BudgetAmount, "budget_line_id", BudgetLine),
    _frozen(Metric, "programme_id", Programme),
    _frozen(MetricValue, "metric_id", Metric),
    _frozen(ScheduleItem, "programme_id", Programme),  # the reporting schedule (forward plan)
    _frozen(AgendaItem, "meeting_id", Meeting),
    _frozen(AgendaItemWorkstream, "agenda_item_id", AgendaItem),
    _frozen(Decision, "agenda_item_id", AgendaItem),
    _frozen(Action, "board_id"),  # the action log, so matters arising read as they stood
)


def _scope(frozen: FrozenTable, board_id: int | BindParameter) -> ColumnElement[bool]:
    """The rows of ``frozen`` that belong to the board, following ``under`` up to a table that holds the board id."""
    column = frozen.table.c[frozen.column]
    if frozen.under is None:
        return column == board_id
    parent = next(f for f in FROZEN_TABLES if f.table is frozen.under)
    return column.in_(select(parent.table.c.id).where(_scope(parent, board_id)))


# --------------------------------------------------------------------------------------------------------------
# Canonical JSON and the hash
# --------------------------------------------------------------------------------------------------------------


def _canonical(value: object) -> object:
    """A stored value as plain JSON: ISO dates and times (in UTC), decimals as strings, JSON objects with their keys
    sorted (so a part needs no sorting when it is written)."""
    if isinstance(value, datetime):
        return (value.astimezone(UTC) if value.utcoffset() is not None else value).isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _canonical(value[k]) for k in sorted(value, key=str)}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    return value


def _encoder(column) -> Callable[[object], object] | None:
    """What a column's values need to become canonical JSON; None for numbers and text, which are already."""
    kind = column.type.impl if isinstance(column.type, TypeDecorator) else column.type
    if isinstance(kind, Numeric) and not isinstance(kind, Float):
        return _canonical  # Decimal: as a string
    if isinstance(kind, Integer | String | Boolean | Float):
        return None
    return _canonical  # dates, times and JSON values


def canonical_json(rows: list[dict]) -> str:
    """One table's rows as the canonical text the hash is taken over: sorted keys, no spaces, UTF-8 as it is.
    (``freeze`` writes the same text without re-sorting, its rows being built in key order.)"""
    return json.dumps(rows, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def content_hash(parts: dict[str, str]) -> str:
    """sha256 over every part's canonical JSON, in table-name order, each preceded by its name."""
    digest = hashlib.sha256()
    for name in sorted(parts):
        digest.update(name.encode())
        digest.update(b"\n")
        digest.update(parts[name].encode())
        digest.update(b"\n")
    return digest.hexdigest()


@dataclass(frozen=True)
class _FreezeQuery:
    """How one frozen table is read: its columns in key order, their encoders and the query (board id bound)."""

    frozen: FrozenTable
    names: list[str]
    encoders: list[tuple[int, Callable[[object], object]]]
    query: object


@lru_cache(maxsize=1)
def _freeze_queries() -> tuple[_FreezeQuery, ...]:
    """Built once: the same 21 statements serve every snapshot (the board id is a bound parameter)."""
    out = []
    board_id = bindparam("board_id")
    for frozen in FROZEN_TABLES:
        table = frozen.table
        columns = sorted(table.c, key=lambda c: c.name)  # each row's keys already in order: no sorting to write it
        out.append(_FreezeQuery(
            frozen, [c.name for c in columns],
            [(i, e) for i, c in enumerate(columns) if (e := _encoder(c)) is not None],
            select(*columns).where(_scope(frozen, board_id)).order_by(*table.primary_key.columns)))
    return tuple(out)


def freeze(conn: Connection, board_id: int) -> dict[str, tuple[int, str]]:
    """Every frozen table's rows of the board, as {table name: (row count, canonical JSON)}."""
    parts = {}
    for q in _freeze_queries():
        frozen, names, encoders = q.frozen, q.names, q.encoders
        result = conn.execute(q.query, {"board_id": board_id})
        rows = []
        for row in result:
            values = list(row)
            for i, encode in encoders:
                if values[i] is not None:
                    values[i] = encode(values[i])
            rows.append(dict(zip(names, values, strict=True)))
        text = json.dumps(rows, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
        parts[frozen.name] = (len(rows), text)
    return parts


# --------------------------------------------------------------------------------------------------------------
# Snapshots as the app and the CLI see them
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SnapshotCounts:
    """The board's current rows frozen (removed rows are frozen too, and not counted)."""

    milestones: int = 0
    risks: int = 0
    budget_lines: int = 0
    metric_values: int = 0

    def as_json(self) -> dict[str, int]:
        return {"milestones": self.milestones, "risks": self.risks, "budget_lines": self.budget_lines,
                "metric_values": self.metric_values}


@dataclass(frozen=True)
class SnapshotInfo:
    id: int
    board: str  # the board's slug
    board_id: int
    meeting_id: int
    meeting: date
    as_at: date
    taken_at: datetime
    taken_by: str
    hash: str
    supersedes_id: int | None = None
    superseded_by: int | None = None  # the newest later snapshot of the same meeting, if any
    counts: SnapshotCounts = SnapshotCounts()

    @property
    def superseded(self) -> bool:
        return self.superseded_by is not None

    @property
    def short_hash(self) -> str:
        return self.hash[:12]

    def as_json(self) -> dict:
        """The CLI's --json object: id, board, meeting, taken_at, taken_by, hash, counts (and the supersession)."""
        return {"id": self.id, "board": self.board, "meeting": self.meeting.isoformat(),
                "as_at": self.as_at.isoformat(), "taken_at": _canonical(self.taken_at), "taken_by": self.taken_by,
                "hash": self.hash, "counts": self.counts.as_json(), "supersedes": self.supersedes_id,
                "superseded_by": self.superseded_by}

    def label(self) -> str:
        """How the snapshot picker names it."""
        return (f"Meeting of {self.meeting:%d %b %Y}: {self.short_hash}"
                + (" (superseded)" if self.superseded else ""))


def _counts(conn: Connection, board_id: int) -> SnapshotCounts:
    p, ms, rk = Programme.__table__, Milestone.__table__, Risk.__table__
    bl, mt, mv = BudgetLine.__table__, Metric.__table__, MetricValue.__table__
    programmes = select(p.c.id).where(p.c.board_id == board_id)

    def count(table, *where) -> int:
        return int(conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one())

    return SnapshotCounts(
        milestones=count(ms, ms.c.programme_id.in_(programmes), ms.c.removed_upload_id.is_(None)),
        risks=count(rk, rk.c.programme_id.in_(programmes), rk.c.removed_upload_id.is_(None), rk.c.raid_type == "risk"),
        budget_lines=count(bl, bl.c.programme_id.in_(programmes), bl.c.removed_upload_id.is_(None)),
        metric_values=count(mv, mv.c.metric_id.in_(select(mt.c.id).where(mt.c.programme_id.in_(programmes),
                                                                            mt.c.removed_upload_id.is_(None))),
                            mv.c.removed_upload_id.is_(None)),
    )


def _info_query():
    later = SN.alias("later")
    superseded_by = (select(func.max(later.c.id)).where(later.c.meeting_id == SN.c.meeting_id, later.c.id > SN.c.id)
                     .scalar_subquery())
    return select(SN, B.c.slug, superseded_by.label("superseded_by")).join(B, B.c.id == SN.c.board_id)


def _info(row) -> SnapshotInfo:
    counts = SnapshotCounts(**{k: int(v) for k, v in (row.counts or {}).items() if k in SnapshotCounts.__annotations__})
    return SnapshotInfo(id=row.id, board=row.slug, board_id=row.board_id, meeting_id=row.meeting_id,
                        meeting=row.meeting_date, as_at=row.as_at, taken_at=row.taken_at, taken_by=row.taken_by,
                        hash=row.hash, supersedes_id=row.supersedes_id, superseded_by=row.superseded_by,
                        counts=counts)


def list_snapshots(engine: Engine, board_id: int) -> list[SnapshotInfo]:
    """The board's snapshots, newest meeting first (and, within a meeting, the newest snapshot first)."""
    with engine.connect() as conn:
        rows = conn.execute(_info_query().where(SN.c.board_id == board_id)
                            .order_by(SN.c.meeting_date.desc(), SN.c.id.desc())).all()
    return [_info(r) for r in rows]


def get_snapshot(engine: Engine, snapshot_id: int) -> SnapshotInfo | None:
    with engine.connect() as conn:
        row = conn.execute(_info_query().where(SN.c.id == snapshot_id)).first()
    return _info(row) if row is not None else None


def take_snapshot(engine: Engine, board_slug: str, meeting_date: date, by: str | Actor, *,
                  as_at: date | None = None, title: str | None = None,
                  taken_at: datetime | None = None, refuse_unchanged: bool = False) -> SnapshotInfo:
    """Freeze the board's data for its meeting on ``meeting_date`` (made, and audited, when the board has none).

    ``by`` is the signed-in person (an Actor: they must be the board's chair or an admin, else SnapshotError and
    nothing is written but the refusal's audit record) or, for the command line and the sample data, a name. The
    views of it are worked out as at ``as_at``: unless given, the meeting's date, or today for a meeting still ahead
    (papers frozen before a meeting are as at the day they were frozen, as that moment's data is). Taking one is audited in the same
    transaction, which holds the import lock, so no upload lands half-way through the copy. ``taken_at`` dates it
    in the past (the sample boards' history, frozen at each past meeting); the hash is over the content alone.
    With ``refuse_unchanged`` (the chair's button), a second snapshot of a meeting that would hold the same content,
    read as at the same date, is refused (SnapshotUnchanged): a copy would only crowd the list and What changed.
    """
    actor = by if isinstance(by, Actor) else None
    who = actor.email if actor is not None else (str(by or "").strip() or "(unknown)")
    with engine.connect() as conn:
        board = conn.execute(select(B.c.id, B.c.name).where(B.c.slug == board_slug)).first()
    if board is None:
        raise SnapshotError(f"There is no board called '{board_slug}'. The board list shows each board's short name.")
    if actor is not None and not allowed("snapshot", Resource(board.id), actor):
        audit.record_now(engine, who, "snapshot", board_id=board.id, outcome="refused",
                         detail=f"meeting {meeting_date.isoformat()}: not allowed")
        raise SnapshotError(refusal("snapshot", board.name))
    with write_transaction(engine) as conn:
        meeting_id = _meeting_for(conn, board.id, meeting_date, title, who)
        parts = freeze(conn, board.id)
        digest = content_hash({name: text for name, (_n, text) in parts.items()})
        supersedes = conn.execute(select(func.max(SN.c.id)).where(SN.c.meeting_id == meeting_id)).scalar()
        taken_at = taken_at or datetime.now(UTC)
        as_at = as_at or min(meeting_date, taken_at.date())
        if refuse_unchanged and supersedes is not None:
            current = conn.execute(select(SN.c.hash, SN.c.as_at).where(SN.c.id == supersedes)).one()
            if current.hash == digest and current.as_at == as_at:
                raise SnapshotUnchanged(
                    f"Nothing has changed since snapshot {supersedes} was frozen for the meeting of "
                    f"{meeting_date.day} {meeting_date:%B %Y}: it already holds exactly this data (hash "
                    f"{digest[:12]}…), so no new snapshot was made. Load the corrected tracker first, then freeze "
                    "again.")
        counts = _counts(conn, board.id)
        snapshot_id = conn.execute(insert(SN).values(
            board_id=board.id, meeting_id=meeting_id, meeting_date=meeting_date,
            as_at=as_at, taken_at=taken_at, taken_by=who, hash=digest, supersedes_id=supersedes,
            counts=counts.as_json()).returning(SN.c.id)).scalar_one()
        conn.execute(insert(SP), [{"snapshot_id": snapshot_id, "table_name": name, "row_count": n, "rows": text}
                                  for name, (n, text) in parts.items()])
        audit.record(conn, who, "snapshot", board_id=board.id,
                     detail=f"snapshot {snapshot_id} for the meeting of {meeting_date.isoformat()}, hash {digest}"
                            + (f", superseding snapshot {supersedes}" if supersedes else ""))
    info = get_snapshot(engine, snapshot_id)
    assert info is not None
    return info


def _meeting_for(conn: Connection, board_id: int, when: date, title: str | None, who: str) -> int:
    """The board's meeting on that date (the one titled ``title`` if given, else the first not cancelled), made and
    audited when there is none."""
    q = select(MTG.c.id).where(MTG.c.board_id == board_id, MTG.c.date == when)
    if title:
        q = q.where(MTG.c.title == title)
    found = conn.execute(q.order_by((MTG.c.status == "cancelled").asc(), MTG.c.id)).scalar()
    if found is not None:
        return int(found)
    title = (title or "").strip() or "Board meeting"
    made = conn.execute(insert(MTG).values(board_id=board_id, date=when, title=title, status="planned")
                        .returning(MTG.c.id)).scalar_one()
    audit.record(conn, who, "meeting_change", board_id=board_id,
                 detail=f"added {when.isoformat()} {title} (for a snapshot)")
    return int(made)


# --------------------------------------------------------------------------------------------------------------
# Reading a snapshot back: an in-memory database with the app's schema
# --------------------------------------------------------------------------------------------------------------


class _Materialised:
    """The in-memory database of one snapshot and the lock that hands its one connection to one reader at a time,
    so board members reading the same snapshot at once never share a cursor."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.lock = threading.RLock()


class FrozenSource:
    """A materialised snapshot, taken by every data_model query in place of an engine (``connect()`` and
    ``dialect``), with what is known of the snapshot now (``info``: superseded or not)."""

    def __init__(self, db: _Materialised, info: SnapshotInfo) -> None:
        self._db = db
        self.dialect = db.engine.dialect
        self.info = info

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        with self._db.lock, self._db.engine.connect() as conn:
            yield conn


def _decoder(column):
    """How a column's canonical JSON value turns back into what its type binds."""
    kind = column.type.impl if hasattr(column.type, "impl") else column.type
    if isinstance(kind, DateTime):
        return lambda v: None if v is None else datetime.fromisoformat(v)
    if isinstance(kind, Date):
        return lambda v: None if v is None else date.fromisoformat(v)
    if isinstance(kind, Time):
        return lambda v: None if v is None else time.fromisoformat(v)
    return None  # numbers, text and JSON values bind as they are


def parts_of(engine: Engine, snapshot_id: int) -> dict[str, str]:
    with engine.connect() as conn:
        return dict(conn.execute(select(SP.c.table_name, SP.c.rows).where(SP.c.snapshot_id == snapshot_id)).all())


def materialise(info: SnapshotInfo, parts: dict[str, str]) -> FrozenSource:
    """An in-memory SQLite database with the app's schema holding the snapshot's rows (foreign keys not enforced:
    the rows are copies, some pointing at rows of tables no snapshot keeps)."""
    if content_hash(parts) != info.hash:
        raise SnapshotError(f"The stored copy of snapshot {info.id} does not match its hash; it has been altered "
                            "outside the app and cannot be shown as frozen.")
    engine = create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
    SQLModel.metadata.create_all(engine)
    tables = SQLModel.metadata.tables
    with engine.begin() as conn:
        for name, text in parts.items():
            table = tables.get(name)
            rows = json.loads(text)
            if table is None or not rows:
                continue
            decoders = {c.name: d for c in table.c if (d := _decoder(c)) is not None}
            known = set(table.c.keys())
            for row in rows:
                for column, decode in decoders.items():
                    if column in row:
                        row[column] = decode(row[column])
                for column in set(row) - known:  # a column a later migration dropped
                    del row[column]
            conn.execute(insert(table), rows)
    return FrozenSource(_Materialised(engine), info)


_CACHE: OrderedDict[tuple[str, int, str], _Materialised] = OrderedDict()
_CACHE_LOCK = threading.Lock()
CACHE_SIZE = 16  # materialised snapshots kept per process, the least recently read dropped first


def snapshot_source(engine: Engine, snapshot_id: int) -> FrozenSource:
    """The snapshot as an engine-like source for data_model queries, built once per process (a snapshot's content
    never changes) and kept for the next reader."""
    info = get_snapshot(engine, snapshot_id)
    if info is None:
        raise SnapshotError(f"There is no snapshot {snapshot_id}.")
    key = (engine.url.render_as_string(hide_password=True), info.id, info.hash)
    with _CACHE_LOCK:
        found = _CACHE.get(key)
        if found is not None:
            _CACHE.move_to_end(key)
            return FrozenSource(found, info)
    source = materialise(info, parts_of(engine, snapshot_id))
    with _CACHE_LOCK:
        _CACHE[key] = source._db  # two first readers at once both build it; the second one's copy is kept
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)  # its engine closes when the last page reading it lets go
    return source


def verify(engine: Engine, snapshot_id: int) -> bool:
    """Whether the snapshot's stored parts still give its hash."""
    info = get_snapshot(engine, snapshot_id)
    return info is not None and content_hash(parts_of(engine, snapshot_id)) == info.hash
