"""Imports at the same time: one after the other, never a mix; readers see the old state or the new."""

import subprocess
import sys
import threading

import pytest
from conftest import ROOT, xlsx
from sqlalchemy import func, select, text

from data_model import make_engine
from data_model.locks import IMPORT_LOCK_ID
from data_model.tables import Milestone, Upload
from loaders import import_bytes

HEADER = ["Ref", "Priority", "Milestone", "Due", "Status"]


def tracker(version: str, rows: int) -> bytes:
    return xlsx({"Plan": [HEADER] + [[f"M{i}", "Crisis", f"{version} milestone {i}", "Sept 16", "In progress"]
                                     for i in range(rows)]})


def current_titles(engine) -> set[str]:
    with engine.connect() as conn:
        return set(conn.execute(select(Milestone.__table__.c.title)
                                .where(Milestone.__table__.c.removed_upload_id.is_(None))).scalars())


def last_upload_file(engine) -> str:
    with engine.connect() as conn:
        return conn.execute(select(Upload.__table__.c.file_name).order_by(Upload.__table__.c.id.desc())).scalars().first()


@pytest.mark.slow  # two 400-row imports; the busy-lock test stays in the fast loop
def test_two_imports_from_threads_run_one_after_the_other(engine):
    files = {"a.xlsx": tracker("A", 300), "b.xlsx": tracker("B", 300)}
    start = threading.Barrier(2)
    results = {}

    def run(name):
        start.wait()
        results[name] = import_bytes(files[name], name, "b", engine=engine)

    threads = [threading.Thread(target=run, args=(n,)) for n in files]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert {r.status for r in results.values()} == {"ok"}
    winner = last_upload_file(engine)
    expected = {f"{winner[0].upper()} milestone {i}" for i in range(300)}
    assert current_titles(engine) == expected  # the later import's rows, whole
    first, second = sorted(results.values(), key=lambda r: r.upload_id)
    assert first.changes["added"] == 300 and second.changes["updated"] == 300


@pytest.mark.slow
def test_two_imports_from_processes_run_one_after_the_other(db_url, tmp_path):
    paths = []
    for version in ("A", "B"):
        path = tmp_path / f"{version}.xlsx"
        path.write_bytes(tracker(version, 400))
        paths.append(path)
    procs = [subprocess.Popen([sys.executable, "-m", "loaders", "import", str(p), "--board", "b", "--db", db_url],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for p in paths]
    outs = [p.communicate(timeout=180) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    engine = make_engine(db_url)
    winner = last_upload_file(engine)
    assert current_titles(engine) == {f"{winner[0]} milestone {i}" for i in range(400)}
    engine.dispose()


@pytest.mark.slow
def test_a_reader_during_an_import_sees_the_old_state_or_the_new(engine):
    import_bytes(tracker("A", 50), "a.xlsx", "b", engine=engine)
    seen: list[int] = []
    done = threading.Event()

    def read():
        count = select(func.count()).select_from(Milestone.__table__).where(
            Milestone.__table__.c.removed_upload_id.is_(None), Milestone.__table__.c.title.like("B %"))
        while not done.is_set():
            with engine.connect() as conn:
                seen.append(conn.execute(count).scalar_one())

    reader = threading.Thread(target=read)
    reader.start()
    try:
        result = import_bytes(tracker("B", 3000), "b.xlsx", "b", engine=engine)
    finally:
        done.set()
        reader.join(timeout=60)
    assert result.status == "ok"
    assert seen and set(seen) <= {0, 3000}


@pytest.mark.slow
def test_sqlite_lock_that_cannot_be_had_is_a_clear_busy_message(tmp_path):
    from data_model import open_database

    url = f"sqlite:///{tmp_path / 'busy.db'}"
    open_database(url).dispose()
    blocker = make_engine(url)
    impatient = make_engine(url, busy_timeout_ms=200)
    with blocker.connect() as held:
        held.info["write"] = True
        with held.begin():  # holds SQLite's write lock
            result = import_bytes(tracker("A", 5), "a.xlsx", "b", engine=impatient)
    assert result.status == "rejected"
    assert "busy with another import" in result.analysis.errors[0].message
    assert current_titles(impatient) == set()
    blocker.dispose()
    impatient.dispose()


@pytest.mark.postgresql_only
def test_postgres_import_lock_timeout_is_a_clear_busy_message(backend, db_url, monkeypatch):
    import data_model.locks as locks

    monkeypatch.setattr(locks, "PG_LOCK_TIMEOUT", "200ms")
    engine = make_engine(db_url)
    with engine.connect() as held, held.begin():
        held.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": IMPORT_LOCK_ID})
        result = import_bytes(tracker("A", 5), "a.xlsx", "b", engine=engine)
    assert result.status == "rejected" and "busy with another import" in result.analysis.errors[0].message
    engine.dispose()
