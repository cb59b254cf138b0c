"""Board pack benchmark: PDF and XLSX export of the largest sample board and of a synthetic board (2,000 milestones,
1,000 risks, 5,000 budget amounts, 40 metrics of 36 points), against WeasyPrint typesetting the pack's final HTML
alone (the floor).

Each step runs in a fresh process (so its peak memory is its own), after the libraries are imported and warmed
(vl-convert's first chart, WeasyPrint's first page), as in a running server. Per board:

  content  exports.content.build_content: the queries, SPC and the chart specs;
  html     exports.html.render: the charts drawn as SVG by vl-convert and the template filled;
  floor    WeasyPrint rendering that final HTML to PDF, nothing else;
  pdf      the whole PDF export (exports.service.export_pack: permission, content, charts, template, WeasyPrint,
           audit), with no chart cached;
  xlsx     the whole Excel export.

The last line is ratio=<synthetic full PDF export / its floor>. Goals: synthetic PDF under 10 s and 1 GB; ratio at
most 1.5. Snapshots are not measured yet (they arrive with the meetings work).

    python bench/pack_bench.py
"""

from __future__ import annotations

import multiprocessing
import resource
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))

SYNTHETIC = "synthetic-pack"
SYNTHETIC_AS_AT = date(2016, 12, 1)


def _sample_db() -> Path:
    path = OUT / "pack-sample.db"
    if not path.exists():
        from data_model import open_database
        from sample_data import load_sample_data

        engine = open_database(f"sqlite:///{path}")
        load_sample_data(engine)
        engine.dispose()
    return path


def _synthetic_db() -> Path:
    path = OUT / "pack-synthetic.db"
    if path.exists():
        return path
    from data_model import open_database
    from data_model.board_settings import add_meeting
    from loaders import import_bytes
    from sample_data import synthetic

    work = OUT / "pack-synthetic"
    work.mkdir(parents=True, exist_ok=True)
    files = [(synthetic.milestone_tracker(work / "milestones.xlsx", 2000, seed=3), "milestones"),
             (synthetic.risk_register(work / "risks.xlsx", 1000, seed=3), "risks"),
             (synthetic.budget(work / "budget.xlsx", 417, seed=3), "budget"),  # 417 lines x 12 months = 5,004
             (synthetic.metrics_return(work / "metrics.xlsx", 40, 36), "metrics")]
    engine = open_database(f"sqlite:///{path}")
    for file, kind in files:
        result = import_bytes(file.read_bytes(), file.name, SYNTHETIC, engine=engine, kind=kind, uploaded_by="bench")
        if result.status != "ok":
            raise SystemExit(f"{file.name}: {result.analysis.errors[0].message}")
    from data_model import queries

    board_id = int(queries.board(engine, SYNTHETIC)["id"])
    for when in (date(2016, 9, 15), SYNTHETIC_AS_AT, date(2017, 3, 2), date(2017, 6, 8)):
        add_meeting(engine, board_id, when, "Programme board", by="bench")
    engine.dispose()
    return path


def _largest_sample(path: Path) -> tuple[str, date]:
    from data_model import make_engine, queries

    engine = make_engine(f"sqlite:///{path}")
    boards = queries.boards_with_counts(engine)
    size = boards[[c for c in boards.columns if c not in ("id", "slug", "name", "board_type", "area", "description",
                                                          "last_upload")]].sum(axis=1)
    slug = boards.loc[size.idxmax(), "slug"]
    meetings = queries.meetings(engine, int(boards.loc[size.idxmax(), "id"]))
    engine.dispose()
    return slug, (meetings["date"].iloc[-1] if len(meetings) else date.today())


def _warm() -> None:
    import vl_convert as vlc

    from exports.pdf import write_pdf

    vlc.vegalite_to_svg({"mark": "point"}, allowed_base_urls=[])
    write_pdf('<html lang="en"><title>w</title><p>warm</p></html>')


def _step(name: str, db: str, slug: str, as_at: date, html_path: str, queue) -> None:
    from data_model import make_engine
    from data_model.permissions import Actor
    from exports import charts
    from exports.content import build_content
    from exports.html import render
    from exports.pdf import write_pdf
    from exports.service import export_pack

    _warm()
    charts._svg.cache_clear()
    engine = make_engine(db)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    detail = ""
    if name == "content":
        content = build_content(engine, slug, as_at=as_at)
        detail = f"{len(content.sections)} sections"
    elif name == "html":
        content = build_content(engine, slug, as_at=as_at)
        start = time.perf_counter()
        html = render(content, pdf=True)
        Path(html_path).write_text(html, encoding="utf-8")
        detail = f"{len(html) / 1e6:.1f} MB of HTML"
    elif name == "floor":
        html = Path(html_path).read_text(encoding="utf-8")
        start = time.perf_counter()
        data = write_pdf(html)
        detail = f"{len(data) / 1e6:.1f} MB PDF"
    else:
        pack = export_pack(engine, Actor(0, "bench", is_admin=True), slug, name, as_at=as_at)
        detail = f"{len(pack.data) / 1e6:.1f} MB, {pack.file_name}"
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    engine.dispose()
    queue.put((seconds, peak / 1024, (peak - before) / 1024, detail))


def run_step(name: str, db: Path, slug: str, as_at: date, html_path: Path) -> float:
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_step, args=(name, f"sqlite:///{db}", slug, as_at, str(html_path), queue))
    proc.start()
    seconds, peak_mb, grew_mb, detail = queue.get()
    proc.join()
    print(f"  {name:<8} {seconds:7.2f} s   peak {peak_mb:7.0f} MB (+{grew_mb:.0f} MB in the step)   {detail}",
          flush=True)
    return seconds


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    sample = _sample_db()
    slug, as_at = _largest_sample(sample)
    synthetic = _synthetic_db()
    results = {}
    for label, db, board, when in ((f"largest sample board ({slug}, as at {as_at})", sample, slug, as_at),
                                   (f"synthetic board ({SYNTHETIC}, as at {SYNTHETIC_AS_AT})", synthetic, SYNTHETIC,
                                    SYNTHETIC_AS_AT)):
        print(label, flush=True)
        html_path = OUT / f"pack-{board}.html"
        results[board] = {step: run_step(step, db, board, when, html_path)
                          for step in ("content", "html", "floor", "pdf", "xlsx")}
    synth = results[SYNTHETIC]
    print(f"synthetic PDF {synth['pdf']:.2f} s (goal under 10 s); floor {synth['floor']:.2f} s")
    print(f"ratio={synth['pdf'] / synth['floor']:.2f}")


if __name__ == "__main__":
    main()
