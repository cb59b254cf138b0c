"""The app's shared state: one engine per process, the board in the URL, caches keyed on the data version."""

from __future__ import annotations

import dataclasses
import importlib
import threading
import weakref
from collections.abc import Callable
from datetime import date, datetime, timedelta
from datetime import time as dt_time

import streamlit as st
from sqlalchemy.engine import Engine
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

import data_model.read_transaction as read_transactions
from data_model import open_database, queries
from presentation.safe import md
from ui import server


@st.cache_resource(show_spinner="Opening the database…")
def get_engine() -> Engine:
    from loaders.sandbox import default_pool

    default_pool().warm_up()  # a parse worker starts now, so the first upload does not wait for one
    engine = open_database()
    server.load_samples_if_empty(engine)  # done already when the launcher (python -m dashboard) started the server
    return engine


class _RunReads:
    """The read transaction of one script run, and the run it belongs to; closed by the frame at the end of the run.

    If a run ends without the frame closing it (a rerun or stop raised before the page), the next run on this
    thread closes it, and so does the script thread's end (its thread-local state is dropped, which drops this).
    """

    def __init__(self, run: object, reads: read_transactions.ReadTransaction) -> None:
        self.run = run
        self.reads = reads
        self._finalizer = weakref.finalize(self, reads.close)

    def close(self) -> None:
        self._finalizer()


_run_reads = threading.local()


def run_transaction() -> read_transactions.ReadTransaction | None:
    """This script run's read transaction, opened by its first read (None outside a script run): the data version
    the run keys its caches on and every query it makes come from one state of the database, however many uploads
    land while it runs."""
    run = _this_run()
    if run is None:
        return None
    current: _RunReads | None = getattr(_run_reads, "current", None)
    if current is not None and current.run is run and not current.reads.closed:
        return current.reads
    end_run_reads()  # one left by an earlier run on this thread
    current = _run_reads.current = _RunReads(run, read_transactions.ReadTransaction(get_engine()))
    return current.reads


def end_run_reads() -> None:
    """End this run's read transaction (the frame calls it when the page has run; clear_caches after a write)."""
    current: _RunReads | None = getattr(_run_reads, "current", None)
    _run_reads.current = None
    if current is not None:
        current.close()


def run_version() -> tuple[int, int]:
    """The data version this run reads at (see run_transaction)."""
    reads = run_transaction()
    return reads.version if reads is not None else queries.data_version(get_engine())


def boards(visible: set[int] | None = None):
    """Every board with its counts, or only those in ``visible``."""
    df = cached_read(run_version(), queries.boards_with_counts)
    return df if visible is None else df[df["id"].isin(visible)].reset_index(drop=True)


_PLAIN = (str, int, float, bool, type(None), date, datetime, dt_time, timedelta)


def plain_key(value: object) -> str | None:
    """Text that names ``value`` exactly when it is built only of plain values (text, numbers, dates, None, and tuples
    and dataclasses of them), else None. Streamlit's hashing of a dataclass (a page's filters and RAG rules) pickles
    it and costs a fifth of a warm page run; hashing this text costs next to nothing."""
    kind = type(value)
    if kind in _PLAIN:  # exactly these types: a subclass (pandas' Timestamp) may hold more than its repr says
        return repr(value)
    if kind is tuple:
        parts = [plain_key(v) for v in value]
        return None if None in parts else "(" + ",".join(parts) + ",)"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        parts = [plain_key(getattr(value, f.name)) for f in dataclasses.fields(value)]
        if None in parts:
            return None
        fields = ",".join(f"{f.name}={part}" for f, part in zip(dataclasses.fields(value), parts, strict=True))
        return f"{kind.__module__}.{kind.__qualname__}({fields})"
    return None


@st.cache_data(ttl=600, max_entries=2048, show_spinner=False)
def _cached(version: tuple, module: str, name: str, key: str | None, hashed_args: tuple, _args: tuple, _source):
    """Keyed on ``key`` (plain_key of the arguments) when there is one, else on the arguments, hashed by Streamlit."""
    return getattr(importlib.import_module(module), name)(_source, *_args)


def _cached_read(version: tuple, module: str, name: str, args: tuple, _source):
    """``_source`` is the run's read transaction, or a materialised snapshot (data_model.snapshots.FrozenSource)."""
    key = plain_key(args)
    # By keyword: Streamlit looks each positional argument's name up in the function's signature, on every call
    # (inspect.signature, a tenth of a warm page run on a page of many reads).
    return _cached(version=version, module=module, name=name, key=key, hashed_args=() if key is not None else args,
                   _args=args, _source=_source)


def cached_read(version: tuple[int, int], fn: Callable, *args):
    """Run a data_model query ``fn(engine, *args)`` through the page cache.

    Keyed on the data version every import bumps, so a second server process sees a new upload on its next run,
    and on the function's name so the cache holds plain values, never functions. The version in the key is always
    the one of the read transaction a miss reads from (the run's), so the cache never holds data newer or older than its
    key; ``version`` is the caller's reading of it and is not trusted, as it may come from outside that transaction.
    """
    reads = run_transaction()
    if reads is not None:
        return _cached_read(reads.version, fn.__module__, fn.__qualname__, args, reads)
    with read_transactions.read_transaction(get_engine()) as one_off:
        return _cached_read(one_off.version, fn.__module__, fn.__qualname__, args, one_off)


def cached_frozen_read(snapshot_key: tuple, source, fn: Callable, *args):
    """A data_model query run on a materialised snapshot (``source``), cached under the snapshot's key: its content
    never changes, so the result is good for as long as the cache keeps it."""
    return _cached_read(snapshot_key, fn.__module__, fn.__qualname__, args, source)


def frozen_source(snapshot_id: int):
    """The snapshot as a source for data_model queries (built once per process, see data_model.snapshots)."""
    from data_model.snapshots import snapshot_source

    return snapshot_source(get_engine(), snapshot_id)


def clear_caches() -> None:
    """After a write: every cached query is stale, and so is this run's read transaction (later reads see the write)."""
    st.cache_data.clear()
    end_run_reads()


def board_picker(visible: set[int] | None = None) -> dict | None:
    """The board chosen in the sidebar, kept in the URL (?board=slug) so a pasted link opens the same board.

    ``visible`` limits the choice to the boards the signed-in person may read (None: every board).
    """
    df = boards(visible)
    if df.empty:
        st.sidebar.info("No boards to show yet. An administrator adds boards and gives people roles on them.")
        return None
    slugs = df["slug"].tolist()
    names = dict(zip(df["slug"], df["name"], strict=True))
    wanted = st.query_params.get("board")
    if wanted and wanted not in names:
        st.sidebar.warning(f"There is no board called '{md(wanted)}' that you can open (the link may be old, or you "
                           f"may not hold a role on it). Showing {md(names[slugs[0]])}.")
        wanted = None
    current = st.session_state.get("board") or wanted or slugs[0]
    if wanted and wanted != st.session_state.get("board"):
        current = wanted
    if current not in names:
        current = slugs[0]
    choice = st.sidebar.selectbox("Board", slugs, index=slugs.index(current), format_func=names.get, key="board_select")
    if st.session_state.get("board") not in (None, choice) and "snapshot" in st.query_params:
        del st.query_params["snapshot"]  # a snapshot is of one board: switching boards goes back to now
    st.session_state["board"] = choice
    st.query_params["board"] = choice
    row = df[df["slug"] == choice].iloc[0].to_dict()
    return row


_run_marks = threading.local()


def _this_run() -> object | None:
    """Something that is new for every script run: the run context's cursor table, rebuilt at each run's start."""
    ctx = get_script_run_ctx()
    return ctx.cursors if ctx is not None else None


def mark_entry() -> None:
    """The frame (ui.app.run) marks this run as its own just before the page runs, so a page run on its own later
    never finds a mark left by an earlier run (session state can't hold it: it outlives the run, and after a
    page's st.stop() it can't be written). It also switches the process to st.navigation routing for good."""
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False
    _run_marks.current = _this_run()


def require_entry() -> None:
    """Every page calls this first: a page must never run without the frame (dashboard.py) around it.

    With a ``pages/`` folder beside the entry script, Streamlit routes a freshly started server's first
    request by folder (its v1 multipage mode), running ``pages/x.py`` on its own: no sign-in, no board picker.
    Detect that and run the entry script here instead, which signs the person in and runs this same page inside
    the frame (its url_path is its file name); then stop this bare run. Running it in place rather than asking
    for a rerun keeps a button or form submission that came with this request.
    """
    if getattr(_run_marks, "current", None) is _this_run() is not None:
        return
    import runpy
    from pathlib import Path

    entry = Path(__file__).resolve().parent.parent / "dashboard.py"
    runpy.run_path(str(entry), run_name="__main__")
    st.stop()
