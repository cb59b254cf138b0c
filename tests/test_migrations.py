"""The Alembic migrations build exactly the schema the models describe, so the two cannot drift apart."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

import data_model.tables  # noqa: F401
from data_model.migrate import current_revision, head_revision


def test_migrated_database_matches_the_models(engine):
    assert current_revision(engine) == head_revision()
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), SQLModel.metadata)
    assert diff == []
