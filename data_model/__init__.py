"""The board dashboard's data model: tables, engine, migrations and read queries."""

from data_model.engine import database_url, make_engine
from data_model.migrate import upgrade


def open_database(url: str | None = None):
    """An engine for ``url`` (or the configured default) with its schema brought up to date."""
    engine = make_engine(url)
    upgrade(engine)
    return engine


__all__ = ["database_url", "make_engine", "open_database", "upgrade"]
