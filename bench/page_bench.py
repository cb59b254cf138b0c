"""Page benchmark: each board view's script run under AppTest, cold and warm cache, against a title-only page.

On the large synthetic set (20 boards, 20,000 milestones, 10,000 risks, 50,000 budget amounts, loaded through the
importer into a SQLite file under bench/out/, built on first run) and on the five sample boards, each page is run
through dashboard.py exactly as a browser would open it:

  cold  the first run after every data cache is cleared (the engine stays open and modules stay imported, as on
        a running server after an upload);
  warm  the best of the following runs, with the page's cached queries in place;
  floor an app page whose only line is ``st.title(...)``, run in the same frame (ui.app.run: database, sign-in,
        navigation, board picker) so the ratio is what each page adds to it (best of the runs).

The last line is ratio=<slowest warm page / floor>. Goals: every page warm <= 3 x floor, cold <= 10 x floor.

    python bench/page_bench.py [--repeat 5] [--only large|sample]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))

FLOOR = """
import streamlit as st
from ui.app import run

def title_only():
    st.title("Board dashboard")

run([(st.Page(title_only, title="Floor", default=True), "view")])
"""
PAGES = ["boards", "overview", "milestones", "risks", "budget", "metrics", "localities", "forward_plan"]


def large_database() -> str:
    """The synthetic set in a SQLite file, built once (a few minutes) and reused while the schema matches."""
    from data_model import open_database
    from data_model.migrate import current_revision, head_revision
    from sample_data.synthetic import add_meetings, build, load

    path = OUT / "pages-large.db"
    url = f"sqlite:///{path}"
    if path.exists():
        engine = open_database(url)
        ok = current_revision(engine) == head_revision()
        engine.dispose()
        if ok:
            return url
        path.unlink()
    print("Building the large synthetic database (once)…", flush=True)
    files = build(OUT / "synthetic")
    load(files, url)
    add_meetings(url)
    return url


def sample_database() -> str:
    from data_model import open_database
    from sample_data import load_sample_data

    path = OUT / "pages-sample.db"
    path.unlink(missing_ok=True)
    engine = open_database(f"sqlite:///{path}")
    load_sample_data(engine)
    engine.dispose()
    return f"sqlite:///{path}"


def busiest_board(url: str) -> str:
    from sqlalchemy import func, select

    from data_model import open_database
    from data_model.tables import Board, Milestone, Programme

    engine = open_database(url)
    with engine.connect() as conn:
        slug = conn.execute(
            select(Board.slug).join(Programme, Programme.board_id == Board.id)
            .join(Milestone, Milestone.programme_id == Programme.id)
            .group_by(Board.slug).order_by(func.count().desc()).limit(1)).scalar_one()
    engine.dispose()
    return slug


BENCH_ADMIN = "bench@example.org"


def bench_user(url: str) -> int:
    """An admin to view the pages as (every page runs behind sign-in); made once per database."""
    from data_model import accounts, open_database

    engine = open_database(url)
    try:
        return accounts.ensure_account(engine, BENCH_ADMIN, by="page benchmark", admin=True)
    finally:
        engine.dispose()


def signed_in(at, user_id: int):  # an AppTest
    at.session_state["auth"] = {"user_id": user_id, "method": "password", "last_seen": time.time()}
    return at


def time_run(at) -> float:  # an AppTest
    start = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - start
    if at.exception:
        raise SystemExit(f"page raised: {at.exception[0].message}")
    return elapsed


def measure(url: str, board: str, repeat: int) -> tuple[float, dict[str, tuple[float, float]]]:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    os.environ["DATABASE_URL"] = url
    os.environ["DASHBOARD_SAMPLE_DATA"] = "0"
    st.cache_resource.clear()
    st.cache_data.clear()

    user = bench_user(url)
    floor_app = signed_in(AppTest.from_string(FLOOR, default_timeout=300), user)
    floor_app.query_params["board"] = board
    floor = min(time_run(floor_app) for _ in range(repeat + 1))

    # One pass first, so module imports (Altair's alone is a quarter of a second) and SQLAlchemy's statement cache
    # are paid once by the process, as on a running server, and not by whichever page happens to come first.
    for page in PAGES:
        at = signed_in(AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=300), user)
        at.query_params["board"] = board
        at.run()
        at.switch_page(str(ROOT / "pages" / f"{page}.py")).run()

    results = {}
    for page in PAGES:
        at = signed_in(AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=300), user)
        at.query_params["board"] = board
        at.query_params["as_at"] = "2017-03-31"
        at.run()
        at.switch_page(str(ROOT / "pages" / f"{page}.py"))
        st.cache_data.clear()
        cold = time_run(at)
        warm = min(time_run(at) for _ in range(repeat))
        results[page] = (cold, warm)
    return floor, results


def report(label: str, floor: float, results: dict[str, tuple[float, float]]) -> float:
    print(f"\n{label}: floor (title-only page) {floor * 1000:.1f} ms")
    print(f"{'page':<14}{'cold ms':>10}{'x floor':>9}{'warm ms':>10}{'x floor':>9}")
    for page, (cold, warm) in results.items():
        print(f"{page:<14}{cold * 1000:>10.1f}{cold / floor:>9.1f}{warm * 1000:>10.1f}{warm / floor:>9.1f}")
    slowest = max(results, key=lambda p: results[p][1])
    print(f"slowest warm: {slowest}; warm goal <= 3x, cold goal <= 10x")
    return results[slowest][1] / floor


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="warm runs per page (best is kept)")
    parser.add_argument("--only", choices=["large", "sample"], help="run one data set")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    ratio = None
    if args.only != "large":
        url = sample_database()
        board = busiest_board(url)
        floor, results = measure(url, board, args.repeat)
        ratio = report(f"Sample data (board {board})", floor, results)
    if args.only != "sample":
        url = large_database()
        board = busiest_board(url)
        floor, results = measure(url, board, args.repeat)
        ratio = report(f"Large synthetic set (board {board})", floor, results)
    print(f"ratio={ratio:.2f}")


if __name__ == "__main__":
    main()
