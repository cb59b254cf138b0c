"""Drop programme.fy_start_month: stored but never read (financial years start in April in the date parser)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: Union[str, None] = "0003"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # Batch mode: SQLite copies the table without the column; PostgreSQL drops it in place.
    with op.batch_alter_table("programme", schema=None) as batch_op:
        batch_op.drop_column("fy_start_month")


def downgrade() -> None:
    # Every programme gets April back, the only value the app ever stored.
    with op.batch_alter_table("programme", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fy_start_month", sa.Integer(), nullable=False, server_default="4"))
