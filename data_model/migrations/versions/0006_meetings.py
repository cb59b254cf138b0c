"""Meetings as the board runs them: a meeting's time and venue, its agenda items (and the workstreams each covers),
decisions, the action log, and the reporting schedule (the fifth tracker kind)

Revision ID: 0006_meetings
Revises: 0005
Create Date: 2026-12-01
"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006_meetings"
down_revision: Union[str, None] = "0005"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    # Existing meetings have no time or venue recorded: both stay blank until the chair adds them.
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.add_column(sa.Column("start_time", sa.Time(), nullable=True))
        batch_op.add_column(sa.Column("venue", TEXT(), nullable=True))

    op.create_table(
        "agenda_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("number", TEXT(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("title", TEXT(), nullable=False),
        sa.Column("report_number", TEXT(), nullable=True),
        sa.Column("presenter", TEXT(), nullable=True),
        sa.Column("purpose", TEXT(), nullable=True),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_agenda_item_meeting_id"), "agenda_item", ["meeting_id"], unique=False)

    op.create_table(
        "agenda_item_workstream",
        sa.Column("agenda_item_id", sa.Integer(), nullable=False),
        sa.Column("workstream_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["agenda_item_id"], ["agenda_item.id"]),
        sa.ForeignKeyConstraint(["workstream_id"], ["workstream.id"]),
        sa.PrimaryKeyConstraint("agenda_item_id", "workstream_id"),
    )
    op.create_index(op.f("ix_agenda_item_workstream_workstream_id"), "agenda_item_workstream", ["workstream_id"],
                    unique=False)

    op.create_table(
        "decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agenda_item_id", sa.Integer(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("text", TEXT(), nullable=False),
        sa.Column("recorded_by", TEXT(), nullable=True),
        sa.Column("recorded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["agenda_item_id"], ["agenda_item.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_decision_agenda_item_id"), "decision", ["agenda_item_id"], unique=False)

    op.create_table(
        "action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("board_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("agenda_item_id", sa.Integer(), nullable=True),
        sa.Column("ref", TEXT(), nullable=True),
        sa.Column("title", TEXT(), nullable=False),
        sa.Column("owner", TEXT(), nullable=True),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("status", TEXT(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("workstream_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("status IN ('open', 'done', 'dropped')", name="ck_action_status"),
        sa.CheckConstraint("(status = 'open') = (closed_on IS NULL)", name="ck_action_closed_on"),
        sa.ForeignKeyConstraint(["agenda_item_id"], ["agenda_item.id"]),
        sa.ForeignKeyConstraint(["board_id"], ["board.id"]),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"]),
        sa.ForeignKeyConstraint(["workstream_id"], ["workstream.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_action_agenda_item_id"), "action", ["agenda_item_id"], unique=False)
    op.create_index(op.f("ix_action_board_id"), "action", ["board_id"], unique=False)
    op.create_index(op.f("ix_action_meeting_id"), "action", ["meeting_id"], unique=False)

    op.create_table(
        "schedule_item",
        sa.Column("key", TEXT(), nullable=False),
        sa.Column("upload_id", sa.Integer(), nullable=False),
        sa.Column("first_upload_id", sa.Integer(), nullable=False),
        sa.Column("removed_upload_id", sa.Integer(), nullable=True),
        sa.Column("source_sheet", TEXT(), nullable=False),
        sa.Column("source_row", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("workstream_id", sa.Integer(), nullable=True),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("month_raw", TEXT(), nullable=True),
        sa.Column("month_label", TEXT(), nullable=False),
        sa.Column("milestones", TEXT(), nullable=True),
        sa.Column("agenda_items", TEXT(), nullable=True),
        sa.Column("owner", TEXT(), nullable=True),
        sa.Column("notes", TEXT(), nullable=True),
        sa.ForeignKeyConstraint(["first_upload_id"], ["upload.id"]),
        sa.ForeignKeyConstraint(["programme_id"], ["programme.id"]),
        sa.ForeignKeyConstraint(["removed_upload_id"], ["upload.id"]),
        sa.ForeignKeyConstraint(["upload_id"], ["upload.id"]),
        sa.ForeignKeyConstraint(["workstream_id"], ["workstream.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("programme_id", "key"),
    )
    op.create_index(op.f("ix_schedule_item_programme_id"), "schedule_item", ["programme_id"], unique=False)
    op.create_index(op.f("ix_schedule_item_upload_id"), "schedule_item", ["upload_id"], unique=False)
    op.create_index(op.f("ix_schedule_item_workstream_id"), "schedule_item", ["workstream_id"], unique=False)


def downgrade() -> None:
    op.drop_table("schedule_item")
    op.drop_table("action")
    op.drop_table("decision")
    op.drop_table("agenda_item_workstream")
    op.drop_table("agenda_item")
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_column("venue")
        batch_op.drop_column("start_time")
