"""Recovery: an import killed half-way leaves the database as it was; backups restore exactly."""

import multiprocessing
import os
import signal
import subprocess
import sys

import pytest
from conftest import ROOT, dump, xlsx
from sqlalchemy import func, select, text

from data_model import make_engine, open_database
from data_model.cli import main as data_model_cli
from data_model.tables import Risk, Upload
from loaders import import_bytes

ROWS = 4000


def register(rows: int, version: str) -> bytes:
    return xlsx({"Register": [["Ref", "Priority", "Risk", "Likelihood", "Impact"]]
                 + [[f"R{i}", "Crisis", f"{version} risk {i}", "High", "Low"] for i in range(rows)]})


def _import_and_signal(url: str, data: bytes, started) -> None:
    """Runs in a child process: start the import, say so once the transaction is writing, carry on."""
    import loaders.store as store

    original = store._Writer.write

    def write(self, *args, **kwargs):
        started.set()
        return original(self, *args, **kwargs)

    store._Writer.write = write
    engine = make_engine(url)
    import_bytes(data, "v2.xlsx", "b", engine=engine)


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.0, 0.05, 0.2, 0.5])
def test_import_killed_mid_transaction_leaves_the_database_as_it_was(db_url, delay, reliability):
    engine = open_database(db_url)
    import_bytes(register(50, "v1"), "v1.xlsx", "b", engine=engine)
    before = dump(engine)
    engine.dispose()
    started = multiprocessing.get_context("fork").Event()
    child = multiprocessing.get_context("fork").Process(target=_import_and_signal,
                                                        args=(db_url, register(ROWS, "v2"), started))
    child.start()
    assert started.wait(60), "the import never reached its write phase"
    if delay:
        import time

        time.sleep(delay)
    finished_already = not child.is_alive()
    try:
        os.kill(child.pid, signal.SIGKILL)
    except ProcessLookupError:
        finished_already = True
    child.join(30)
    engine = make_engine(db_url)
    after = dump(engine)
    with engine.connect() as conn:
        uploads = conn.execute(select(func.count()).select_from(Upload.__table__)).scalar_one()
        current = conn.execute(select(func.count()).select_from(Risk.__table__)
                               .where(Risk.__table__.c.removed_upload_id.is_(None))).scalar_one()
        if engine.dialect.name == "sqlite":
            assert conn.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
    engine.dispose()
    reliability.kill_trials += 1
    if uploads == 1:
        assert after == before  # killed before commit: exactly as it was
    else:
        assert finished_already or uploads == 2
        assert current == ROWS  # committed: the whole new version, never part of it


@pytest.mark.slow
def test_backup_then_restore_gives_back_exactly_what_was_saved(tmp_path, cli):
    url = f"sqlite:///{tmp_path / 'live.db'}"
    engine = open_database(url)
    import_bytes(register(30, "v1"), "v1.xlsx", "b", engine=engine)
    saved = dump(engine)
    engine.dispose()
    backup = tmp_path / "backups" / "board.db"
    proc = cli(data_model_cli, "--db", url, "backup", str(backup))
    assert proc.returncode == 0 and backup.exists(), proc.stderr
    engine = make_engine(url)
    import_bytes(register(40, "v2"), "v2.xlsx", "b", engine=engine)
    assert dump(engine) != saved
    engine.dispose()
    proc = cli(data_model_cli, "--db", url, "restore", str(backup))
    assert proc.returncode == 0, proc.stderr
    engine = make_engine(url)
    assert dump(engine) == saved
    engine.dispose()


@pytest.mark.slow
def test_backup_and_restore_refuse_clearly(tmp_path, cli):
    url = f"sqlite:///{tmp_path / 'live.db'}"
    open_database(url).dispose()
    existing = tmp_path / "exists.db"
    existing.write_bytes(b"x")
    assert "already exists" in cli(data_model_cli, "--db", url, "backup", str(existing)).stderr
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all, just text" * 100)
    proc = cli(data_model_cli, "--db", url, "restore", str(junk))
    assert proc.returncode == 1 and "not a board dashboard backup" in proc.stderr and "Traceback" not in proc.stderr
    proc = cli(data_model_cli, "--db", "postgresql://nobody@127.0.0.1:1/x", "backup", str(tmp_path / "pg.db"))
    assert proc.returncode == 1 and "pg_dump" in proc.stderr


@pytest.mark.slow
def test_python_dash_m_data_model_documents_itself():
    """The one run in a new interpreter: `python -m data_model` is the command an install's admin types."""
    proc = subprocess.run([sys.executable, "-m", "data_model", "--help"], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0 and all(c in proc.stdout for c in ("upgrade", "backup", "restore", "users"))
