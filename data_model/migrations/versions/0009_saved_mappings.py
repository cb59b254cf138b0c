"""saved_mapping and upload.choices: a lead's mapping step, remembered per board and header signature

Revision ID: 0009
Revises: 0008_sessions
Create Date: 2026-12-01
"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0009"
down_revision: Union[str, None] = "0008_sessions"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "saved_mapping",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("board_id", sa.Integer(), nullable=False),
        sa.Column("signature", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("sheet", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("choice", sa.JSON(), nullable=False),
        sa.Column("saved_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("saved_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["board_id"], ["board.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("board_id", "signature"),
    )
    op.create_index(op.f("ix_saved_mapping_board_id"), "saved_mapping", ["board_id"], unique=False)
    with op.batch_alter_table("upload", schema=None) as batch_op:
        batch_op.add_column(sa.Column("choices", sa.JSON(), nullable=False, server_default="{}"))


def downgrade() -> None:
    with op.batch_alter_table("upload", schema=None) as batch_op:
        batch_op.drop_column("choices")
    op.drop_index(op.f("ix_saved_mapping_board_id"), table_name="saved_mapping")
    op.drop_table("saved_mapping")
