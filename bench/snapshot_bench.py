"""Snapshot benchmark: taking a meeting snapshot, and a time-travel view's queries against the same live ones.

On the largest sample board and on a synthetic board (2,000 milestones, 1,000 risks, about 5,000 budget amounts, 40
metrics of 36 points; loaded through the importer into a SQLite file under bench/out/, built on first run):

  take         take_snapshot (copy, canonical JSON, hash, write), best of the runs; goal under 2 s
  materialise  the first reader's cost of a snapshot: its in-memory copy built from the stored JSON (once per
               process; later readers reuse it)
  live         every query the seven board views make (data_model.rollups, registers, attention, forward_plan,
               queries), on the live database, best of the runs
  frozen       the very same queries on the snapshot's in-memory copy, best of the runs

The last line is ratio=<frozen / live> over both boards' view queries; goal at most 1.5.

    python bench/snapshot_bench.py [--repeat 5] [--only sample|synthetic]
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))


def view_queries(source, board_id: int, slug: str, as_at: date) -> None:
    """Every read the board views make for one board, unfiltered, as the pages make them."""
    from data_model import attention, forward_plan, queries, registers
    from data_model.rag import RagRules
    from data_model.rollups import Filters, rag_matrix

    rules = RagRules.from_settings((queries.board(source, slug) or {}).get("settings"))
    f = Filters(board_id, as_at=as_at)
    queries.workstreams(source, board_id)
    queries.localities(source, board_id)
    for by in ("root", "workstream", "locality"):
        rag_matrix(source, f, rules, by)
    registers.milestones(source, f, rules)
    registers.risks(source, f, rules)
    registers.raid_items(source, f)
    registers.budget_lines(source, f)
    registers.budget_by_period(source, f)
    registers.reconciliation_warnings(source, board_id)
    registers.metric_values(source, f, rules)
    registers.latest_metrics(source, f, rules)
    attention.milestones_needing_attention(source, f, rules)
    attention.risks_needing_attention(source, f, rules)
    attention.budget_lines_off_plan(source, f, rules)
    attention.metrics_off_target(source, f, rules)
    last = attention.previous_meeting(source, board_id, as_at)
    attention.changes_since(source, board_id, None if last is None else time_of(last))
    ahead = forward_plan.meetings_ahead(source, board_id, as_at)
    dates = list(ahead["date"])
    forward_plan.due_before_meetings(source, f, dates)
    forward_plan.reviews_before_meetings(source, f, dates)
    forward_plan.quiet_workstreams(source, f, rules.reporting_gap_meetings)
    queries.meetings(source, board_id)


def time_of(day: date):
    from datetime import UTC, datetime, time

    return datetime.combine(day, time.max, tzinfo=UTC)


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def sample_database() -> tuple[str, str]:
    """The five sample boards in a new SQLite file, and the slug of the one with the most rows."""
    from sqlalchemy import func, select

    from data_model import open_database
    from data_model.tables import (
        Board,
        BudgetAmount,
        BudgetLine,
        Metric,
        MetricValue,
        Milestone,
        Programme,
        Risk,
    )
    from sample_data import load_sample_data

    path = OUT / "snapshot-sample.db"
    path.unlink(missing_ok=True)
    engine = open_database(f"sqlite:///{path}")
    load_sample_data(engine)
    sizes: dict[str, int] = {}
    with engine.connect() as conn:
        for slug, board_id in conn.execute(select(Board.slug, Board.id)):
            programmes = select(Programme.id).where(Programme.board_id == board_id)
            lines = select(BudgetLine.id).where(BudgetLine.programme_id.in_(programmes))
            metrics = select(Metric.id).where(Metric.programme_id.in_(programmes))
            sizes[slug] = sum(conn.execute(select(func.count()).select_from(t).where(w)).scalar_one() for t, w in (
                (Milestone, Milestone.programme_id.in_(programmes)), (Risk, Risk.programme_id.in_(programmes)),
                (BudgetAmount, BudgetAmount.budget_line_id.in_(lines)), (MetricValue, MetricValue.metric_id.in_(metrics))))
    engine.dispose()
    return f"sqlite:///{path}", max(sizes, key=sizes.get)


SYNTHETIC = "synthetic-board-01"


def synthetic_database() -> str:
    """One board of 2,000 milestones, 1,000 risks, 416 budget lines of 12 months and 40 metrics of 36 points, built
    once and reused while the schema matches."""
    from data_model import open_database
    from data_model.migrate import current_revision, head_revision
    from sample_data.synthetic import add_meetings, build, load

    path = OUT / "snapshot-synthetic.db"
    url = f"sqlite:///{path}"
    if path.exists():
        engine = open_database(url)
        ok = current_revision(engine) == head_revision()
        engine.dispose()
        if ok:
            return url
        path.unlink()
    print("Building the synthetic board (once)…", flush=True)
    files = build(OUT / "snapshot-synthetic", boards=1, milestones=2_000, risks=1_000, budget_amounts=5_000,
                  metrics=40, points=36)
    load(files, url)
    add_meetings(url)
    return url


def run_board(url: str, slug: str, repeat: int) -> tuple[float, float]:
    """Prints one board's figures; returns (live, frozen) seconds for its view queries."""
    from data_model import open_database, queries, snapshots

    engine = open_database(url)
    board = queries.board(engine, slug)
    meetings = queries.meetings(engine, board["id"])
    meeting = meetings["date"].iloc[len(meetings) // 2] if not meetings.empty else date(2016, 9, 27)
    taken = []

    def take() -> None:
        taken.append(snapshots.take_snapshot(engine, slug, meeting, "snapshot bench"))

    take_s = best(take, repeat)
    info = taken[-1]
    snapshots._CACHE.clear()
    start = time.perf_counter()
    source = snapshots.snapshot_source(engine, info.id)
    materialise_s = time.perf_counter() - start
    live_s = best(lambda: view_queries(engine, board["id"], slug, info.as_at), repeat)
    frozen_s = best(lambda: view_queries(source, board["id"], slug, info.as_at), repeat)
    c = info.counts
    print(f"{slug}: {c.milestones} milestones, {c.risks} risks, {c.budget_lines} budget lines, {c.metric_values} "
          f"metric values; snapshot {len(info.hash)}-hex hash")
    print(f"  take         {take_s:8.3f} s   (goal < 2 s){'' if take_s < 2 else '  OVER'}")
    print(f"  materialise  {materialise_s:8.3f} s   (once per process)")
    print(f"  live views   {live_s:8.3f} s")
    print(f"  frozen views {frozen_s:8.3f} s   ({frozen_s / live_s:.2f} x live)")
    engine.dispose()
    return live_s, frozen_s


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", choices=["sample", "synthetic"])
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    live = frozen = 0.0
    if args.only != "synthetic":
        url, slug = sample_database()
        a, b = run_board(url, slug, args.repeat)
        live, frozen = live + a, frozen + b
    if args.only != "sample":
        a, b = run_board(synthetic_database(), SYNTHETIC, args.repeat)
        live, frozen = live + a, frozen + b
    print(f"ratio={frozen / live:.2f}")


if __name__ == "__main__":
    main()
