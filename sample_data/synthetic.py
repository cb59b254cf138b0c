"""A large synthetic data set for benchmarks: about 20 boards, 20,000 milestones, 10,000 risks and
50,000 budget amounts, and 40 metrics of 36 monthly points on the first board (for SPC), written as tracker
workbooks and loaded through the same import path.

``python -m sample_data.synthetic OUT_DIR [--load DATABASE_URL]``
"""

from __future__ import annotations

import argparse
import random
from datetime import date, timedelta
from pathlib import Path

import xlsxwriter

LEVELS = ["High", "Med", "Low", "H", "M", "L", "Low - med", "Med/High", "Medium"]
STATUSES = ["Not started", "In progress", "Complete", "Delayed", "In progress", "Complete"]
RAGS = ["Red", "Amber", "Green", "Green", "Amber", None]
LOCALITIES = ["North", "South", "East", "West", "Central", "County-wide"]
PRIORITIES = ["Prevention", "Long term conditions", "Crisis response", "Enablers", "Children and families",
              "Mental health"]


def risk_register(path: Path, rows: int, seed: int = 7) -> Path:
    """A risk register with ``rows`` risks, in the seed registers' layout (Probability/Impact in words)."""
    rnd = random.Random(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("Risk register")
    ws.write_row(0, 0, ["Risk No.", "Priority", "Locality", "Risk Description", "Risk Owner", "Date Opened",
                        "Probability (High, Med, Low)", "Impact (High, Med, Low)", "Mitigation", "Review date", "Status"])
    for i in range(1, rows + 1):
        opened = date(2016, 1, 1) + timedelta(days=rnd.randrange(700))
        ws.write_row(i, 0, [
            f"R{i}", PRIORITIES[i % len(PRIORITIES)], LOCALITIES[i % len(LOCALITIES)],
            f"Risk {i}: delivery of scheme {i % 97} is delayed by {rnd.choice(['workforce', 'IT', 'funding', 'estates'])} issues",
            f"Owner {i % 211}", f"{opened.day}/{opened.month}/{opened.year % 100}", rnd.choice(LEVELS),
            rnd.choice(LEVELS), f"Mitigation plan {i % 53}: review monthly at the programme board",
            rnd.choice(["Sept 16", "Dec 16", "March 2017", "Q3 2016/17", "TBC"]), rnd.choice(["Open", "Open", "Closed"]),
        ])
    wb.close()
    return path


def milestone_tracker(path: Path, rows: int, seed: int = 11) -> Path:
    rnd = random.Random(seed)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("Milestones")
    ws.write_row(0, 0, ["Ref", "Priority", "Scheme", "Locality", "Milestone", "Owner", "Start", "Due", "Status", "RAG"])
    for i in range(1, rows + 1):
        start = date(2016, 4, 1) + timedelta(days=rnd.randrange(365))
        due = start + timedelta(days=rnd.randrange(30, 400))
        ws.write_row(i, 0, [
            f"M{i}", PRIORITIES[i % len(PRIORITIES)], f"Scheme {i % 13 + 1}", LOCALITIES[i % len(LOCALITIES)],
            f"Milestone {i}: deliver stage {i % 7 + 1} of scheme {i % 13 + 1}", f"Lead {i % 150}",
            start.strftime("%b %y"), f"{due.day}/{due.month}/{due.year}", rnd.choice(STATUSES), rnd.choice(RAGS),
        ])
    wb.close()
    return path


def budget(path: Path, lines: int, seed: int = 13) -> Path:
    """``lines`` budget lines, each with 12 monthly amounts (allocated, forecast and spent)."""
    rnd = random.Random(seed)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("Budget")
    ws.write_row(0, 0, ["Ref", "Priority", "Budget line", "Funder", "Period", "Allocated", "Forecast", "Spent"])
    r = 1
    months = [date(2016, 4, 1) + timedelta(days=31 * k) for k in range(12)]
    for i in range(1, lines + 1):
        base = rnd.randrange(1_000, 80_000)
        for k, month in enumerate(months):
            spent = round(base * rnd.uniform(0.7, 1.3)) if k < 8 else None
            ws.write_row(r, 0, [f"B{i}", PRIORITIES[i % len(PRIORITIES)], f"Budget line {i}",
                                rnd.choice(["CCG", "Council", "NHS Trust"]), month.strftime("%b %Y"), base,
                                round(base * rnd.uniform(0.9, 1.2)), spent])
            r += 1
    wb.close()
    return path


def metrics_return(path: Path, metrics: int = 40, points: int = 36, seed: int = 17) -> Path:
    """``metrics`` monthly series of ``points`` each from April 2014: a quarter stable, a quarter with a shift, a
    quarter with a trend at the end and a quarter with one outlier, so every SPC rule has something to find."""
    rnd = random.Random(seed)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("Metrics")
    ws.write_row(0, 0, ["Priority", "Metric", "Period", "Target", "Actual", "Direction", "Unit"])
    r = 1
    months = [date(2014 + (3 + k) // 12, (3 + k) % 12 + 1, 1) for k in range(points)]
    for i in range(metrics):
        base, spread = rnd.randrange(50, 500), rnd.uniform(0.02, 0.08)
        direction = "higher" if i % 2 else "lower"
        target = round(base * rnd.uniform(0.9, 1.1))
        for k, month in enumerate(months):
            value = base * (1 + rnd.gauss(0, spread))
            if i % 4 == 1 and k >= points * 2 // 3:
                value += base * spread * 3
            elif i % 4 == 2 and k >= points - 8:
                value += base * spread * (k - points + 9)
            elif i % 4 == 3 and k == points // 2:
                value += base * spread * 6
            ws.write_row(r, 0, [PRIORITIES[i % len(PRIORITIES)], f"Measure {i + 1}", month.strftime("%b %Y"), target,
                                round(value, 1), direction, "count"])
            r += 1
    wb.close()
    return path


def build(out: Path, boards: int = 20, milestones: int = 20_000, risks: int = 10_000,
          budget_amounts: int = 50_000, metrics: int = 40, points: int = 36) -> list[tuple[str, Path, str]]:
    """Write the workbooks; returns (board slug, file, kind) for each."""
    out.mkdir(parents=True, exist_ok=True)
    files = []
    if metrics:
        files.append(("synthetic-board-01", metrics_return(out / "synthetic-board-01-metrics.xlsx", metrics, points),
                      "metrics"))
    for b in range(boards):
        slug = f"synthetic-board-{b + 1:02d}"
        files.append((slug, milestone_tracker(out / f"{slug}-milestones.xlsx", milestones // boards, seed=b), "milestones"))
        files.append((slug, risk_register(out / f"{slug}-risks.xlsx", risks // boards, seed=b), "risks"))
        files.append((slug, budget(out / f"{slug}-budget.xlsx", budget_amounts // boards // 12, seed=b), "budget"))
    return files


def load(files: list[tuple[str, Path, str]], url: str) -> None:
    from data_model import open_database
    from loaders import import_bytes

    engine = open_database(url)
    for slug, path, kind in files:
        result = import_bytes(path.read_bytes(), path.name, slug, engine=engine, kind=kind, uploaded_by="synthetic")
        if result.status != "ok":
            raise SystemExit(f"{path.name}: {result.analysis.errors[0].message}")
    engine.dispose()


def add_meetings(url: str, first: date = date(2016, 1, 14), count: int = 12) -> None:
    """Quarterly board meetings for every synthetic board, so the forward plan and "since the last meeting" have
    dates to work with."""
    from sqlalchemy import insert, select

    from data_model import open_database
    from data_model.tables import Board, Meeting

    engine = open_database(url)
    with engine.begin() as conn:
        for board_id, name in conn.execute(select(Board.id, Board.name).where(Board.slug.like("synthetic-board-%"))):
            dates = [date(first.year + (first.month - 1 + 3 * i) // 12, (first.month - 1 + 3 * i) % 12 + 1, first.day)
                     for i in range(count)]
            conn.execute(insert(Meeting.__table__), [{"board_id": board_id, "date": d, "title": f"{name} meeting",
                                                      "status": "planned"} for d in dates])
    engine.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder for the workbooks")
    parser.add_argument("--load", metavar="URL", help="also import them into this database")
    args = parser.parse_args(argv)
    files = build(args.out)
    print(f"Wrote {len(files)} workbooks to {args.out}")
    if args.load:
        load(files, args.load)
        add_meetings(args.load)
        print(f"Loaded them into {args.load}")


if __name__ == "__main__":
    main()
