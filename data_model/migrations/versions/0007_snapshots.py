"""Meeting snapshots: snapshot and snapshot_part, and triggers by which the database itself refuses to change them

Revision ID: 0007_snapshots
Revises: 0006_meetings
Create Date: 2026-12-01

Frozen content is protected by the database, not only by the app: any UPDATE or DELETE of a snapshot or one of its
parts is aborted (PostgreSQL also refuses TRUNCATE, which skips row triggers). A correction is a new snapshot.

Deleting a board or a meeting that has snapshots is refused with a sentence saying why, rather than left to a bare
foreign-key error: the snapshots are the record of what the board was shown, so they outlive any wish to tidy up.

SQLite drops a table's triggers with the table: a later migration that rebuilds ``board``, ``meeting``,
``snapshot`` or ``snapshot_part`` in batch mode must create these triggers again (tests/test_snapshots.py checks
that the head revision refuses the changes).
"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007_snapshots"
down_revision: Union[str, None] = "0006_meetings"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

FROZEN = ("A frozen meeting snapshot cannot be changed or deleted: take a new snapshot of the meeting instead "
          "(it supersedes this one, which is kept).")
BOARD_KEPT = ("This board has frozen meeting snapshots, the record of what its meetings were shown, so it cannot "
              "be deleted.")
MEETING_KEPT = ("This meeting has a frozen snapshot, the record of what the meeting was shown, so it cannot be "
                "deleted.")


def upgrade() -> None:
    op.create_table(
        "snapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("board_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("meeting_date", sa.Date(), nullable=False),
        sa.Column("as_at", sa.Date(), nullable=False),
        sa.Column("taken_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("taken_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["board_id"], ["board.id"]),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"]),
        sa.ForeignKeyConstraint(["supersedes_id"], ["snapshot.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_snapshot_board_id"), "snapshot", ["board_id"], unique=False)
    op.create_index(op.f("ix_snapshot_meeting_id"), "snapshot", ["meeting_id"], unique=False)
    op.create_table(
        "snapshot_part",
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("table_name", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("rows", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["snapshot_id"], ["snapshot.id"]),
        sa.PrimaryKeyConstraint("snapshot_id", "table_name"),
    )
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_triggers()
    else:
        _sqlite_triggers()


def _sqlite_triggers() -> None:
    for table in ("snapshot", "snapshot_part"):
        for event in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                       f"BEGIN SELECT RAISE(ABORT, '{FROZEN}'); END")
    op.execute("CREATE TRIGGER board_keeps_snapshots BEFORE DELETE ON board "
               "WHEN EXISTS (SELECT 1 FROM snapshot WHERE board_id = OLD.id) "
               f"BEGIN SELECT RAISE(ABORT, '{BOARD_KEPT}'); END")
    op.execute("CREATE TRIGGER meeting_keeps_snapshots BEFORE DELETE ON meeting "
               "WHEN EXISTS (SELECT 1 FROM snapshot WHERE meeting_id = OLD.id) "
               f"BEGIN SELECT RAISE(ABORT, '{MEETING_KEPT}'); END")


def _postgresql_triggers() -> None:
    op.execute(f"""
        CREATE FUNCTION snapshot_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '{FROZEN}' USING ERRCODE = 'restrict_violation';
        END $$""")
    for table in ("snapshot", "snapshot_part"):
        op.execute(f"CREATE TRIGGER {table}_frozen BEFORE UPDATE OR DELETE ON {table} "
                   "FOR EACH ROW EXECUTE FUNCTION snapshot_frozen()")
        op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                   "FOR EACH STATEMENT EXECUTE FUNCTION snapshot_frozen()")
    for table, column, message in (("board", "board_id", BOARD_KEPT), ("meeting", "meeting_id", MEETING_KEPT)):
        op.execute(f"""
            CREATE FUNCTION {table}_keeps_snapshots() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF EXISTS (SELECT 1 FROM snapshot WHERE {column} = OLD.id) THEN
                    RAISE EXCEPTION '{message}' USING ERRCODE = 'restrict_violation';
                END IF;
                RETURN OLD;
            END $$""")
        op.execute(f"CREATE TRIGGER {table}_keeps_snapshots BEFORE DELETE ON {table} "
                   f"FOR EACH ROW EXECUTE FUNCTION {table}_keeps_snapshots()")


def downgrade() -> None:
    # Dropping the tables drops their triggers (and takes the frozen rows with them: a downgrade is a deliberate act).
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS board_keeps_snapshots ON board")
        op.execute("DROP TRIGGER IF EXISTS meeting_keeps_snapshots ON meeting")
        op.drop_table("snapshot_part")
        op.drop_table("snapshot")
        for function in ("snapshot_frozen", "board_keeps_snapshots", "meeting_keeps_snapshots"):
            op.execute(f"DROP FUNCTION IF EXISTS {function}()")
    else:
        op.execute("DROP TRIGGER IF EXISTS board_keeps_snapshots")
        op.execute("DROP TRIGGER IF EXISTS meeting_keeps_snapshots")
        op.drop_table("snapshot_part")
        op.drop_table("snapshot")
