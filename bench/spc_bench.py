"""SPC benchmark: the XmR calculation for 1,000 metrics of 60 monthly points each, against reading those values.

A SQLite database under bench/out/ (built on first run, with the app's own schema) holds one board with 1,000
metrics and 60,000 values. Timed, best of --repeat runs:

  read   the Metrics page's read of every value (data_model.registers.metric_values: SQL to a DataFrame);
  series the values grouped into one series per metric, missing months as gaps (presentation.spc_view.series_inputs,
         the Metrics page's step before the calculation);
  spc    data_model.spc.calculate for each of the 1,000 series (limits, the four rules, icons, the reading).

The last line is ratio=<spc / read>. Goal: below 1 (the calculation costs less than reading its input).

    python bench/spc_bench.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))

METRICS, POINTS = 1000, 60


def build(path: Path) -> None:
    from sqlalchemy import insert

    from data_model import open_database
    from data_model.board_settings import ensure_board
    from data_model.tables import Metric, MetricValue, Upload

    engine = open_database(f"sqlite:///{path}")
    rnd = random.Random(60)
    months = [date(2012 + k // 12, k % 12 + 1, 1) for k in range(POINTS)]
    with engine.begin() as conn:
        board_id, programme_id, _created = ensure_board(conn, "spc-bench", "SPC benchmark board")
        upload = conn.execute(insert(Upload.__table__).values(
            board_id=board_id, programme_id=programme_id, kind="metrics", file_name="bench.xlsx", sha256="0" * 64,
            size_bytes=0, sheets=[], changes={}).returning(Upload.__table__.c.id)).scalar_one()
        conn.execute(insert(Metric.__table__), [{
            "id": m + 1, "programme_id": programme_id, "name": f"Measure {m + 1}", "unit": "count",
            "direction": ("higher", "lower", None)[m % 3], "key": f"m{m + 1}", "upload_id": upload,
            "first_upload_id": upload, "source_sheet": "Metrics", "source_row": m + 2} for m in range(METRICS)])
        rows = []
        for m in range(METRICS):
            base = rnd.randrange(50, 500)
            for k, month in enumerate(months):
                rows.append({"metric_id": m + 1, "key": f"{month:%Y-%m}", "period": f"{month:%Y-%m}",
                             "period_type": "month", "period_start": month, "period_end": month,
                             "target": base, "actual": round(base * (1 + rnd.gauss(0, 0.05)) + (k > 45) * m % 7, 1),
                             "upload_id": upload, "source_sheet": "Metrics", "source_row": k + 2})
        conn.execute(insert(MetricValue.__table__), rows)
    engine.dispose()


def best(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "spc-bench.db"
    if not path.exists():
        print(f"building {path} ({METRICS} metrics x {POINTS} points)...", flush=True)
        build(path)

    from data_model import open_database, registers
    from data_model.rag import RagRules
    from data_model.rollups import Filters
    from data_model.spc import SpcSettings, calculate
    from presentation.spc_view import series_inputs

    engine = open_database(f"sqlite:///{path}")
    filters, rules, settings = Filters(1, as_at=date(2030, 1, 1)), RagRules(), SpcSettings()

    read_s, values = best(lambda: registers.metric_values(engine, filters, rules), args.repeat)
    assert len(values) == METRICS * POINTS, len(values)

    series_s, prepared = best(lambda: series_inputs(values, settings), args.repeat)
    assert len(prepared) == METRICS
    spc_s, results = best(lambda: [calculate(s.actuals, s.options, s.labels) for s in prepared], args.repeat)
    signals = sum(1 for r in results if r.variation not in (None, "common_cause"))
    engine.dispose()
    print(f"read   {read_s * 1000:8.1f} ms  {len(values):,} values of {METRICS:,} metrics from SQLite")
    print(f"series {series_s * 1000:8.1f} ms  grouped into series, gaps filled")
    print(f"spc    {spc_s * 1000:8.1f} ms  XmR limits, rules, icons and readings ({signals} series with a signal)")
    print(f"per metric: spc {spc_s / METRICS * 1e6:.0f} us")
    print(f"ratio={spc_s / read_s:.2f}")


if __name__ == "__main__":
    main()
