"""Migration 0004 drops programme.fy_start_month (stored, never read) without losing a programme, and its
downgrade gives the column back as April, on SQLite (batch mode) and PostgreSQL."""

from alembic import command
from sqlalchemy import inspect, select, text

from data_model.board_settings import ensure_board
from data_model.migrate import alembic_config, current_revision, head_revision
from data_model.tables import Programme


def migrate(engine, direction, revision: str) -> None:
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        direction(config, revision)


def programme_columns(engine) -> set[str]:
    return {c["name"] for c in inspect(engine).get_columns("programme")}


def test_the_column_goes_and_comes_back_as_april(engine):
    assert "fy_start_month" not in programme_columns(engine)
    with engine.begin() as conn:
        ensure_board(conn, "fy-board", "FY Board")
    P = Programme.__table__

    def programmes():
        with engine.connect() as conn:
            return conn.execute(select(P.c.id, P.c.board_id, P.c.slug, P.c.name)).all()

    before = programmes()
    migrate(engine, command.downgrade, "0003")
    assert current_revision(engine) == "0003" and "fy_start_month" in programme_columns(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT slug, fy_start_month FROM programme")).all() == [("main", 4)]
    assert programmes() == before

    migrate(engine, command.upgrade, "head")
    assert current_revision(engine) == head_revision() and "fy_start_month" not in programme_columns(engine)
    assert programmes() == before
