"""Board settings (RAG rules) and each workstream's top-level root

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: Union[str, None] = "0001"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("board", schema=None) as batch_op:
        batch_op.add_column(sa.Column("settings", sa.JSON(), nullable=False, server_default="{}"))
    with op.batch_alter_table("workstream", schema=None) as batch_op:
        batch_op.add_column(sa.Column("root_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_workstream_root_id"), ["root_id"], unique=False)
        batch_op.create_foreign_key("fk_workstream_root_id", "workstream", ["root_id"], ["id"])
    # Existing trees: a workstream's root is the level-1 workstream its path starts with.
    workstream = sa.table("workstream", sa.column("id"), sa.column("programme_id"), sa.column("path"),
                          sa.column("level"), sa.column("root_id"))
    conn = op.get_bind()
    rows = conn.execute(sa.select(workstream.c.id, workstream.c.programme_id, workstream.c.path, workstream.c.level)).all()
    tops = {(r.programme_id, r.path): r.id for r in rows if r.level == 1}
    for r in rows:
        root = tops.get((r.programme_id, r.path.split(" › ")[0]))
        if root is not None:
            conn.execute(sa.update(workstream).where(workstream.c.id == r.id).values(root_id=root))


def downgrade() -> None:
    with op.batch_alter_table("workstream", schema=None) as batch_op:
        batch_op.drop_constraint("fk_workstream_root_id", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_workstream_root_id"))
        batch_op.drop_column("root_id")
    with op.batch_alter_table("board", schema=None) as batch_op:
        batch_op.drop_column("settings")
