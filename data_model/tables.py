"""SQLModel table models: what the database stores.

These classes are storage only. SQLModel skips validation on ``table=True`` models, so rows are
validated by each tracker kind's record model (``loaders.kinds``) before they reach these tables.

Money is stored as integer pence (``*_pence``), never as floats. Every row loaded from a spreadsheet
carries its provenance: the upload that last set it, the sheet and the row number, and the raw
text beside each parsed date, rating or amount.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from datetime import time as clock_time

from sqlalchemy import JSON, BigInteger, CheckConstraint, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


# --------------------------------------------------------------------------------------------
# Boards, programmes and their structure
# --------------------------------------------------------------------------------------------


class Board(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=64, unique=True, index=True)
    name: str
    board_type: str | None = None  # "Health and Wellbeing Board", "Integration Joint Board", ...
    area: str | None = None  # "Rutland", "North Lanarkshire"
    description: str | None = None
    # The board's own RAG rules and reporting settings (data_model.rag.RagRules); empty means the defaults.
    settings: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False, server_default="{}"))
    created_at: datetime = Field(default_factory=utcnow)


class Programme(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("board_id", "slug"),)
    id: int | None = Field(default=None, primary_key=True)
    board_id: int = Field(foreign_key="board.id", index=True)
    slug: str = Field(max_length=64)
    name: str
    # The board's own words for each workstream level, top first: ["Priority", "Scheme"].
    level_labels: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    period_start: date | None = None
    period_end: date | None = None
    created_at: datetime = Field(default_factory=utcnow)


class Workstream(SQLModel, table=True):
    """One node of a programme's workstream tree; ``path`` is the names from the top, joined by data_model.vocabulary.PATH_SEP."""

    __table_args__ = (UniqueConstraint("programme_id", "path"),)
    id: int | None = Field(default=None, primary_key=True)
    programme_id: int = Field(foreign_key="programme.id", index=True)
    parent_id: int | None = Field(default=None, foreign_key="workstream.id", index=True)
    # The top-level workstream this one sits under (itself at level 1), so roll-ups group in SQL.
    root_id: int | None = Field(default=None, foreign_key="workstream.id", index=True)
    level: int = 1
    name: str
    path: str
    code: str | None = None
    lead: str | None = None
    sort_order: int = 0
    first_upload_id: int | None = Field(default=None, foreign_key="upload.id")


class Phase(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("programme_id", "name"),)
    id: int | None = Field(default=None, primary_key=True)
    programme_id: int = Field(foreign_key="programme.id", index=True)
    name: str
    start: date | None = None
    end: date | None = None
    sort_order: int = 0


class Locality(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("board_id", "name"),)
    id: int | None = Field(default=None, primary_key=True)
    board_id: int = Field(foreign_key="board.id", index=True)
    parent_id: int | None = Field(default=None, foreign_key="locality.id")
    name: str
    # county, district, city, locality, area-wide, site
    locality_type: str = "locality"


class Meeting(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("board_id", "date", "title"),)
    id: int | None = Field(default=None, primary_key=True)
    board_id: int = Field(foreign_key="board.id", index=True)
    date: date
    title: str = "Board meeting"
    status: str = "planned"  # planned, held, cancelled
    notes: str | None = None
    start_time: clock_time | None = None  # "commencing at 2.00 pm"
    venue: str | None = None  # "Council Chamber, Catmose, Oakham"


# --------------------------------------------------------------------------------------------
# What a meeting hears and decides: its agenda, decisions and the action log (data_model.meetings)
# --------------------------------------------------------------------------------------------


class AgendaItem(SQLModel, table=True):
    """One item of a meeting's agenda: "5) Better Care Fund 2016-2017: Report No. 123/2016 from Mark Andrews"."""

    __tablename__ = "agenda_item"
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    number: str  # "5", "5a": as the agenda prints it
    sort_order: int = 0
    title: str
    report_number: str | None = None  # "123/2016", shown as "Report No. 123/2016"
    presenter: str | None = None
    purpose: str | None = None  # approval, endorsement, decision, note, information (data_model.meetings.PURPOSES)


class AgendaItemWorkstream(SQLModel, table=True):
    """The workstreams an agenda item covers (top-level or below)."""

    __tablename__ = "agenda_item_workstream"
    agenda_item_id: int = Field(foreign_key="agenda_item.id", primary_key=True)
    workstream_id: int = Field(foreign_key="workstream.id", primary_key=True, index=True)


class Decision(SQLModel, table=True):
    """What the board resolved on an agenda item, in the minutes' words."""

    id: int | None = Field(default=None, primary_key=True)
    agenda_item_id: int = Field(foreign_key="agenda_item.id", index=True)
    sort_order: int = 0
    text: str
    recorded_by: str | None = None
    recorded_at: datetime = Field(default_factory=utcnow)


class Action(SQLModel, table=True):
    """The action log: an action arising at a meeting, carried forward as a matter arising until it is closed.

    A closed action (done or dropped) has the date it closed; an open one has none: the database holds to that.
    """

    __table_args__ = (
        CheckConstraint("status IN ('open', 'done', 'dropped')", name="ck_action_status"),
        CheckConstraint("(status = 'open') = (closed_on IS NULL)", name="ck_action_closed_on"),
    )
    id: int | None = Field(default=None, primary_key=True)
    board_id: int = Field(foreign_key="board.id", index=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)  # the meeting it arose at
    agenda_item_id: int | None = Field(default=None, foreign_key="agenda_item.id", index=True)
    ref: str | None = None
    title: str
    owner: str | None = None
    due: date | None = None
    status: str = "open"  # open, done, dropped
    closed_on: date | None = None
    workstream_id: int | None = Field(default=None, foreign_key="workstream.id")


# --------------------------------------------------------------------------------------------
# Uploads, import issues and the change log
# --------------------------------------------------------------------------------------------


class Upload(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    board_id: int = Field(foreign_key="board.id", index=True)
    programme_id: int = Field(foreign_key="programme.id")
    kind: str  # milestones, risks, budget, metrics
    file_name: str
    sha256: str = Field(index=True, max_length=64)
    size_bytes: int
    uploaded_by: str | None = None
    uploaded_at: datetime = Field(default_factory=utcnow, index=True)
    row_count: int = 0
    # Per sheet: header row, how each header was mapped to a field.
    sheets: list[dict] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # {"added": n, "updated": n, "removed": n, "unchanged": n}
    changes: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # What the lead chose in the mapping step (loaders.mapping.Choices.as_json); {} for the importer's own reading.
    choices: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False, server_default="{}"))


class SavedMapping(SQLModel, table=True):
    """A lead's mapping of one tracker sheet, remembered for the board under its header row's signature, so the
    next upload of the same tracker reads the same way with no clicks (loaders.mapping)."""

    __tablename__ = "saved_mapping"
    __table_args__ = (UniqueConstraint("board_id", "signature"),)
    id: int | None = Field(default=None, primary_key=True)
    board_id: int = Field(foreign_key="board.id", index=True)
    signature: str = Field(max_length=64)
    sheet: str  # the sheet's name when it was saved: a label
    headers: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))  # the header row as written
    choice: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))  # SheetChoice.as_json()
    saved_by: str | None = None
    saved_at: datetime = Field(default_factory=utcnow)


class ImportIssue(SQLModel, table=True):
    __tablename__ = "import_issue"
    id: int | None = Field(default=None, primary_key=True)
    upload_id: int = Field(foreign_key="upload.id", index=True)
    severity: str  # error, warning
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    raw_value: str | None = None
    message: str
    code: str | None = None


class Change(SQLModel, table=True):
    """One entry of an upload's change log: an added or removed row, or one field's old → new."""

    id: int | None = Field(default=None, primary_key=True)
    upload_id: int = Field(foreign_key="upload.id", index=True)
    entity: str  # milestone, risk, budget_line, budget_amount, metric_value
    entity_id: int
    label: str  # what a person would call the row: its title, line or metric name
    action: str  # added, updated, removed
    field: str | None = None
    old_value: str | None = None
    new_value: str | None = None


# --------------------------------------------------------------------------------------------
# Tracked data. Each row records where it came from.
# --------------------------------------------------------------------------------------------


class Sourced(SQLModel):
    """Provenance shared by every loaded row. ``key`` is what a later upload matches the row on."""

    key: str
    upload_id: int = Field(foreign_key="upload.id", index=True)
    first_upload_id: int = Field(foreign_key="upload.id")
    removed_upload_id: int | None = Field(default=None, foreign_key="upload.id")
    source_sheet: str
    source_row: int


class Milestone(Sourced, table=True):
    __table_args__ = (UniqueConstraint("programme_id", "key"),)
    id: int | None = Field(default=None, primary_key=True)
    programme_id: int = Field(foreign_key="programme.id", index=True)
    workstream_id: int | None = Field(default=None, foreign_key="workstream.id", index=True)
    locality_id: int | None = Field(default=None, foreign_key="locality.id")
    phase_id: int | None = Field(default=None, foreign_key="phase.id")
    ref: str | None = None
    title: str
    owner: str | None = None
    dependency: str | None = None
    start: date | None = None
    start_raw: str | None = None
    start_precision: str | None = None  # day, month, quarter, year
    due: date | None = None
    due_raw: str | None = None
    due_precision: str | None = None
    baseline_due: date | None = None
    completed: date | None = None
    completed_raw: str | None = None
    status: str | None = None  # not_started, in_progress, complete, delayed, on_hold, cancelled
    status_raw: str | None = None
    rag: str | None = None  # red, amber, green
    rag_raw: str | None = None
    notes: str | None = None


class Risk(Sourced, table=True):
    __table_args__ = (UniqueConstraint("programme_id", "key"),)
    id: int | None = Field(default=None, primary_key=True)
    programme_id: int = Field(foreign_key="programme.id", index=True)
    workstream_id: int | None = Field(default=None, foreign_key="workstream.id", index=True)
    locality_id: int | None = Field(default=None, foreign_key="locality.id")
    ref: str | None = None
    title: str
    consequence: str | None = None
    owner: str | None = None
    opened: date | None = None
    opened_raw: str | None = None
    mitigation: str | None = None
    review_due: date | None = None
    review_raw: str | None = None
    status: str = "open"  # open, closed
    # A RAID log keeps issues, assumptions and dependencies beside its risks: stored, shown apart, never counted
    # as risks (data_model.vocabulary.RAID_TYPES).
    raid_type: str = Field(default="risk", sa_column_kwargs={"server_default": "risk"})


class RiskAssessment(SQLModel, table=True):
    """A risk's rating as at a date. A new row is added only when the rating changes."""

    __tablename__ = "risk_assessment"
    id: int | None = Field(default=None, primary_key=True)
    risk_id: int = Field(foreign_key="risk.id", index=True)
    upload_id: int = Field(foreign_key="upload.id")
    as_of: date
    likelihood: int | None = None  # 1 (lowest) to 5 (highest)
    impact: int | None = None
    score: int | None = None  # likelihood × impact
    rag: str | None = None
    likelihood_raw: str | None = None
    impact_raw: str | None = None
    rag_raw: str | None = None


class BudgetLine(Sourced, table=True):
    __tablename__ = "budget_line"
    __table_args__ = (UniqueConstraint("programme_id", "key"),)
    id: int | None = Field(default=None, primary_key=True)
    programme_id: int = Field(foreign_key="programme.id", index=True)
    workstream_id: int | None = Field(default=None, foreign_key="workstream.id", index=True)
    locality_id: int | None = Field(default=None, foreign_key="locality.id")
    ref: str | None = None
    line: str
    funder: str | None = None  # who contributes the money
    commissioner: str | None = None  # who spends it
    # contribution, allocation, contingency, risk_share
    line_kind: str = "allocation"


class BudgetAmount(SQLModel, table=True):
    """A budget line's money for one period: allocated (plan), forecast and spent (actual), in pence."""

    __tablename__ = "budget_amount"
    __table_args__ = (UniqueConstraint("budget_line_id", "period"),)
    id: int | None = Field(default=None, primary_key=True)
    budget_line_id: int = Field(foreign_key="budget_line.id", index=True)
    period: str  # "2016-17", "2016-17 Q2", "2016-07", or "" for a line with no period
    period_type: str  # year, quarter, month, none
    period_start: date | None = None
    period_end: date | None = None
    allocated_pence: int | None = Field(default=None, sa_type=BigInteger)
    forecast_pence: int | None = Field(default=None, sa_type=BigInteger)
    spent_pence: int | None = Field(default=None, sa_type=BigInteger)
    allocated_raw: str | None = None
    forecast_raw: str | None = None
    spent_raw: str | None = None
    upload_id: int = Field(foreign_key="upload.id")
    source_row: int
    removed_upload_id: int | None = Field(default=None, foreign_key="upload.id")


class Metric(Sourced, table=True):
    __table_args__ = (UniqueConstraint("programme_id", "key"),)
    id: int | None = Field(default=None, primary_key=True)
    programme_id: int = Field(foreign_key="programme.id", index=True)
    workstream_id: int | None = Field(default=None, foreign_key="workstream.id", index=True)
    name: str
    unit: str | None = None  # percent, count, days, rate, gbp
    direction: str | None = None  # higher, lower


class MetricValue(SQLModel, table=True):
    __tablename__ = "metric_value"
    __table_args__ = (UniqueConstraint("metric_id", "key"), Index("ix_metric_value_period", "metric_id", "period_start"))
    id: int | None = Field(default=None, primary_key=True)
    metric_id: int = Field(foreign_key="metric.id", index=True)
    locality_id: int | None = Field(default=None, foreign_key="locality.id")
    key: str  # period + locality
    period: str
    period_type: str
    period_start: date | None = None
    period_end: date | None = None
    target: float | None = None
    actual: float | None = None
    target_raw: str | None = None
    actual_raw: str | None = None
    upload_id: int = Field(foreign_key="upload.id")
    source_sheet: str
    source_row: int
    removed_upload_id: int | None = Field(default=None, foreign_key="upload.id")


class ScheduleItem(Sourced, table=True):
    """One month of a reporting schedule (a forward plan): the milestones due and the agenda items suggested for the
    board's meeting that month."""

    __tablename__ = "schedule_item"
    __table_args__ = (UniqueConstraint("programme_id", "key"),)
    id: int | None = Field(default=None, primary_key=True)
    programme_id: int = Field(foreign_key="programme.id", index=True)
    workstream_id: int | None = Field(default=None, foreign_key="workstream.id", index=True)
    month: date  # the month's first day
    month_raw: str | None = None
    month_label: str  # "November 2008": how the change log and the pages name the row
    milestones: str | None = None  # one per line
    agenda_items: str | None = None  # one per line
    owner: str | None = None
    notes: str | None = None

# --------------------------------------------------------------------------------------------
# Meeting snapshots: a board's data frozen for a meeting (data_model.snapshots)
# --------------------------------------------------------------------------------------------


class Snapshot(SQLModel, table=True):
    """One frozen copy of a board's data for a meeting. Written once: the database's own triggers refuse any UPDATE
    or DELETE (migration 0007). A correction is a new snapshot of the same meeting naming this one in
    ``supersedes_id``; "superseded" is derived from that, so nothing frozen is ever changed."""

    id: int | None = Field(default=None, primary_key=True)
    board_id: int = Field(foreign_key="board.id", index=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    meeting_date: date  # as the meeting stood when frozen, so the banner never moves with a rescheduled meeting
    as_at: date  # the as-at date every view of the snapshot is worked out for
    taken_at: datetime = Field(default_factory=utcnow)
    taken_by: str
    hash: str = Field(max_length=64)  # sha256 of the canonical JSON of every part, in table order
    supersedes_id: int | None = Field(default=None, foreign_key="snapshot.id")
    # {"milestones": n, "risks": n, "budget_lines": n, "metric_values": n}: the current rows frozen
    counts: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class SnapshotPart(SQLModel, table=True):
    """One table's rows as they stood when the snapshot was taken: canonical JSON (sorted keys, ISO dates, rows in
    primary-key order), the text the snapshot's hash is taken over."""

    __tablename__ = "snapshot_part"
    snapshot_id: int = Field(foreign_key="snapshot.id", primary_key=True)
    table_name: str = Field(primary_key=True, max_length=64)
    row_count: int
    rows: str = Field(sa_column=Column(Text, nullable=False))



# --------------------------------------------------------------------------------------------
# People, their roles on each board, and the audit trail
# --------------------------------------------------------------------------------------------


class UserAccount(SQLModel, table=True):
    """A person who may sign in: with a password (built-in accounts) or by single sign-on with this email."""

    __tablename__ = "user_account"
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)  # stored lower-case
    name: str | None = None
    password_hash: str | None = None  # Argon2id; None means single sign-on only
    is_admin: bool = False
    active: bool = True
    is_demo: bool = False  # created with the sample data; the app shows a banner while any is active
    failed_attempts: int = 0
    locked_until: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    last_sign_in_at: datetime | None = None


class BoardRole(SQLModel, table=True):
    """One person's role on one board: viewer, lead or chair. A lead uploads for the workstreams listed."""

    __tablename__ = "board_role"
    __table_args__ = (UniqueConstraint("user_id", "board_id"),)
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    board_id: int = Field(foreign_key="board.id", index=True)
    role: str  # viewer, lead, chair
    # Top-level workstream names a lead uploads for.
    workstreams: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]"))


class AuditEvent(SQLModel, table=True):
    """Who did what, when: sign-ins, uploads, snapshots, exports and role changes. Rows are only ever added."""

    __tablename__ = "audit_event"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor: str  # the email signed in, or who ran a command
    action: str = Field(index=True)
    board_id: int | None = Field(default=None, foreign_key="board.id", index=True)
    outcome: str = "ok"  # ok, refused, failed
    detail: str | None = None


class SignInSession(SQLModel, table=True):
    """One browser's stay signed in with a built-in account, behind its HTTP-only cookie (ui.server).

    Only hashes of the cookie's token and of the one-time hand-over code are stored, so a copy of the database signs
    nobody in. A row ends at its absolute expiry, after the idle time-out, on sign-out, or when the account is
    switched off or its password reset (``revoked_at``); ended rows are kept for a while as a record.
    """

    __tablename__ = "sign_in_session"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    token_hash: str | None = Field(default=None, max_length=64, unique=True)  # the cookie's, once handed over
    handoff_hash: str | None = Field(default=None, max_length=64, unique=True)  # one use, a minute
    handoff_expires_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    last_seen_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    revoked_at: datetime | None = None
    revoked_why: str | None = None


class ServerSecret(SQLModel, table=True):
    """A random key the app servers sharing this database sign their cookies with, made on first use."""

    __tablename__ = "server_secret"
    name: str = Field(primary_key=True, max_length=64)
    value: str
