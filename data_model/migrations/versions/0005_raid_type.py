"""risk.raid_type: a RAID log's issues, assumptions and dependencies are stored beside its risks, apart from them

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0005"
down_revision: Union[str, None] = "0004"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # Every row loaded so far came from a risk register: it is a risk.
    with op.batch_alter_table("risk", schema=None) as batch_op:
        batch_op.add_column(sa.Column("raid_type", sqlmodel.sql.sqltypes.AutoString(), nullable=False,
                                      server_default="risk"))


def downgrade() -> None:
    with op.batch_alter_table("risk", schema=None) as batch_op:
        batch_op.drop_column("raid_type")
