"""Alembic environment. The app and the CLIs pass their own connection; ``alembic`` on the
command line uses ``DATABASE_URL`` or the default SQLite file."""

from alembic import context
from sqlmodel import SQLModel

import data_model.tables  # noqa: F401 - registers every table on SQLModel.metadata
from data_model.engine import make_engine

config = context.config
target_metadata = SQLModel.metadata


def run_migrations(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite can barely ALTER; batch mode copies and moves tables instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run_migrations(connection)
else:
    with make_engine(config.get_main_option("sqlalchemy.url") or None).connect() as conn:
        run_migrations(conn)
        conn.commit()
