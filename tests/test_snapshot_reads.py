"""A page run reads one state of the database: an upload committed while a page runs shows on the next run, never
half-way through this one, and never in the page cache under the version it does not belong to."""

import threading
from textwrap import dedent

import pytest
from conftest import xlsx
from sqlalchemy import text
from streamlit.testing.v1 import AppTest

from data_model import open_database, queries
from data_model.read_transaction import read_transaction
from loaders import import_bytes

BOARD = "snapshot-board"
HEADER = ["Ref", "Priority", "Milestone", "Due", "Status"]


def tracker(version: int, rows: int) -> bytes:
    """Version ``version`` of a lead's milestone tracker: ``rows`` milestones, each title naming the version."""
    return xlsx({"Plan": [HEADER, *[[f"M{i}", "Prevention", f"Step {i} (v{version})", "Jan 17", "In progress"]
                                    for i in range(1, rows + 1)]]})


def upload_from_another_thread(db_url: str, data: bytes, name: str) -> None:
    """What a second server process does: import through its own engine, committed before this returns."""
    done: list[str] = []

    def run() -> None:
        other = open_database(db_url)
        try:
            done.append(import_bytes(data, name, BOARD, engine=other).status)
        finally:
            other.dispose()

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    assert done == ["ok"]


@pytest.mark.slow
def test_a_snapshot_keeps_reading_what_it_first_saw_while_an_upload_commits(engine, db_url):
    assert import_bytes(tracker(1, 3), "plan.xlsx", BOARD, engine=engine).status == "ok"
    board_id = queries.board(engine, BOARD)["id"]
    with read_transaction(engine) as snapshot:
        before = queries.boards_with_counts(snapshot)
        upload_from_another_thread(db_url, tracker(2, 5), "plan-v2.xlsx")
        assert queries.data_version(snapshot) == snapshot.version  # the version read again inside: unchanged
        assert queries.boards_with_counts(snapshot).equals(before)
        assert len(queries.uploads(snapshot, board_id)) == 1
    assert queries.data_version(engine) > snapshot.version  # outside it, the upload shows
    assert int(queries.boards_with_counts(engine).iloc[0]["milestones"]) == 5
    # The pooled connection the snapshot held is an ordinary one again: an import through it writes.
    assert import_bytes(tracker(3, 6), "plan-v3.xlsx", BOARD, engine=engine).status == "ok"


# A board page in the app's own frame (ui.app.run: sign-in, board picker, the run's end), reading through
# BoardPage.read as every board page does, with a second process's upload committed between two of its reads.
PROBE = dedent("""
    import os
    import threading

    import streamlit as st

    from data_model import queries, registers
    from ui.app import run
    from ui.board_page import open_board_page


    def probe():
        view = open_board_page()
        uploads = view.read(queries.uploads, int(view.board["id"]))
        if not st.session_state.get("uploaded"):
            st.session_state["uploaded"] = True
            from test_snapshot_reads import tracker, upload_from_another_thread
            upload_from_another_thread(os.environ["DATABASE_URL"], tracker(2, 5), "plan-v2.xlsx")
        milestones = view.read(registers.milestones, view.filters, view.rules)
        st.session_state["read"] = (view.version, view.filters, view.rules)
        st.write(f"uploads: {len(uploads)}")
        st.write(f"milestones: {len(milestones)}, titles: {sorted(set(t[-3:] for t in milestones['title']))}")


    run([(st.Page(probe, title="Probe", url_path="probe", default=True), "view")])
""")


@pytest.fixture
def app(db_url, engine, monkeypatch, tmp_path):
    import streamlit as st

    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("DASHBOARD_SAMPLE_DATA", "0")
    st.cache_resource.clear()
    st.cache_data.clear()
    assert import_bytes(tracker(1, 3), "plan.xlsx", BOARD, engine=engine).status == "ok"
    script = tmp_path / "probe_app.py"
    script.write_text(PROBE, encoding="utf-8")
    yield str(script)
    st.cache_resource.clear()
    st.cache_data.clear()


def shown(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown]


def open_transactions(engine) -> int:
    """Read transactions still open on the database: PostgreSQL says so; on SQLite a reader blocks a full checkpoint."""
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            return conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                     "AND state LIKE 'idle in transaction%'")).scalar_one()
        return conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)")).one()[0]


@pytest.mark.slow  # page runs and a second process; the snapshot test stays in the fast loop
def test_an_upload_landing_between_two_reads_of_a_page_run_shows_on_the_next_run_only(app, engine):
    from signed_in import sign_in

    from ui.context import _cached_read

    at = AppTest.from_file(app, default_timeout=120)
    at.run()
    sign_in(at).run()
    assert not at.exception
    # Both reads are of the state the run began with, although the upload committed between them.
    assert shown(at) == ["uploads: 1", "milestones: 3, titles: ['v1)']"]
    assert open_transactions(engine) == 0  # the run's read transaction ended with the run

    # What the cache holds under that run's version is that version's data, not the upload's.
    version, filters, rules = at.session_state["read"]
    assert version < queries.data_version(engine)
    cached = _cached_read(version, "data_model.registers", "milestones", (filters, rules), None)
    assert len(cached) == 3 and all(t.endswith("(v1)") for t in cached["title"])

    at.run()  # the next run reads the new version, all of it
    assert not at.exception
    assert shown(at) == ["uploads: 2", "milestones: 5, titles: ['v2)']"]
    assert open_transactions(engine) == 0
