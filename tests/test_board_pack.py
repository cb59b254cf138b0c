"""The board pack as a board officer gets it, on both databases: the PDF (its text, its tags, its agenda's page
numbers), the Excel workbook (sheets, values, formats, formula-looking text kept as text), the HTML pack, the same
bytes when exported twice, who may export, and the audit record of every export."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime, timedelta

import openpyxl
import pdfplumber
import pypdf
import pytest
from conftest import AS_AT, csv_bytes, xlsx
from sqlalchemy import select

from data_model import accounts
from data_model.board_settings import add_meeting
from data_model.permissions import Actor
from data_model.tables import AuditEvent
from exports.content import AgendaItem, build_content
from exports.service import PackRefused, export_pack
from loaders import import_bytes

AGENDA = (
    AgendaItem("1", "Welcome and apologies", purpose="information"),
    AgendaItem("4", "Crisis response update", "Report No. 123/2016", "Sam Lead", "to note", ("Crisis",)),
    AgendaItem("5", "Prevention programme", "Report No. 124/2016", "Jo Chair", "decision", ("Prevention",)),
)
FORMULAS = ["=1+1", "+44 1572 722577", "-5 days late", "@SUM(A1:A2)"]


@pytest.fixture
def pack_board(engine, board):
    """The known board with a meeting on the as-at date, one after it, and milestones whose titles look like
    formulas (their own top-level workstream, so nothing else is touched)."""
    add_meeting(engine, board["id"], AS_AT, "Board meeting", by="tests")
    add_meeting(engine, board["id"], date(2016, 12, 13), "Winter board", by="tests")
    rows = [["Ref", "Priority", "Milestone", "Due", "Status"]]
    rows += [[f"F{i}", "Formulae", title, "Dec 16", "In progress"] for i, title in enumerate(FORMULAS, start=1)]
    result = import_bytes(csv_bytes(rows), "formulae.csv", "test-board", engine=engine)  # a CSV: text as typed
    assert result.status == "ok", result.analysis.errors
    return board


ADMIN = Actor(user_id=0, email="tests", is_admin=True)


def _exports(engine) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(AuditEvent.actor, AuditEvent.outcome, AuditEvent.detail)
                                               .where(AuditEvent.action == "export").order_by(AuditEvent.id))]


@pytest.mark.slow
@pytest.mark.any_database  # typesetting, not the database: the content it prints is read on both below
def test_the_pdf_reads_as_the_pages_is_tagged_and_its_agenda_points_at_the_right_pages(engine, pack_board):
    pack = export_pack(engine, ADMIN, "test-board", "pdf", as_at=AS_AT, agenda=AGENDA)
    assert pack.file_name == "test-board_2016-09-27_board-pack.pdf"

    reader = pypdf.PdfReader(io.BytesIO(pack.data))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert root["/Lang"] == "en-GB"
    assert reader.metadata.title == "Test Board: board pack, 27 September 2016"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]
    # One way up throughout, landscape (A4): a pack that turned between portrait and landscape read badly on screen.
    assert {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages} == {(842, 595)}
    # Every chart is a Figure with its alternative text in the structure tree.
    alts = _figure_alts(root["/StructTreeRoot"])
    assert any(a.startswith("Heat map of 2 open scored risks in Prevention") for a in alts), alts
    assert any(a.startswith("Timeline of") and "in Crisis" in a for a in alts), alts

    with pdfplumber.open(io.BytesIO(pack.data)) as pdf:
        pages = [p.extract_text() or "" for p in pdf.pages]
        agenda_page = next(i for i, t in enumerate(pages) if t.startswith("Agenda"))
        words = pdf.pages[agenda_page].extract_words()
    text = "\n".join(pages)
    # A RAG word never breaks over two lines of its cell ("Ambe" / "r").
    assert "Amber" in text.split() and not {"Ambe", "Gree"} & set(text.split())
    assert "Not frozen" in pages[0] and "Test Board" in pages[0] and "Tuesday 27 September 2016" in pages[0]
    for expected in ("Contents", "Matters arising", "RAG overview and exceptions", "How RAG is decided",
                     "Milestones needing attention", "What changed", "Workstream: Prevention", "Workstream: Crisis",
                     "Forward plan", "Winter board", "Appendix: the uploads behind this pack", "Import warnings",
                     "Overdue", "High high", "Way over", "Admissions", "formulae.csv", *FORMULAS):
        assert expected in text, expected
    # Each agenda item covering a workstream prints the page its section starts on.
    for item, heading in (("Crisis response update", "Workstream: Crisis"),
                          ("Prevention programme", "Workstream: Prevention")):
        first = item.split()[0]
        top = next(w["top"] for w in words if w["text"] == first)
        printed = int([w for w in words if abs(w["top"] - top) < 2][-1]["text"])
        assert pages[printed - 1].startswith(heading), (item, printed)
    # The contents page's numbers agree.
    contents = next(t for t in pages if t.startswith("Contents"))
    prevention_page = int(re.search(r"Workstream: Prevention[ .]*(\d+)", contents).group(1))
    assert pages[prevention_page - 1].startswith("Workstream: Prevention")
    assert pages[1].startswith("Contents") and f"Page 2 of {len(pages)}" in pages[1]

    again = export_pack(engine, ADMIN, "test-board", "pdf", as_at=AS_AT, agenda=AGENDA)
    assert again.data == pack.data  # the same content exported twice: the same bytes


def _figure_alts(tree) -> list[str]:
    found, todo = [], [tree]
    while todo:
        node = todo.pop()
        if isinstance(node, pypdf.generic.IndirectObject):
            node = node.get_object()
        if isinstance(node, pypdf.generic.ArrayObject):
            todo.extend(node)
        elif isinstance(node, pypdf.generic.DictionaryObject):
            if node.get("/S") == "/Figure" and "/Alt" in node:
                found.append(str(node["/Alt"]))
            if "/K" in node:
                todo.append(node["/K"])
    return found


@pytest.mark.slow
def test_the_workbook_has_every_dataset_with_formats_and_formula_text_stays_text(engine, pack_board):
    pack = export_pack(engine, ADMIN, "test-board", "xlsx", as_at=AS_AT, agenda=AGENDA)
    assert pack.file_name == "test-board_2016-09-27_board-pack.xlsx"
    wb = openpyxl.load_workbook(io.BytesIO(pack.data))
    assert wb.sheetnames[:5] == ["About", "Agenda", "Matters arising", "Milestones", "Risks"]
    assert {"Budget lines", "Budget by period", "Metric values", "RAG overview", "Milestones needing attention",
            "Forward plan", "Uploads", "Import warnings"} <= set(wb.sheetnames)
    about = {r[0]: r[1] for r in wb["About"].iter_rows(min_row=3, values_only=True) if r[0]}
    assert about["Board"] == "Test Board" and about["Snapshot"].startswith("Not frozen")
    assert about["Meeting"] == "Board meeting, 27 Sep 2016"
    assert "formulae.csv" in " ".join(str(c.value) for c in wb["About"]["B"] if c.value)

    ms = wb["Milestones"]
    header = [c.value for c in ms[1]]
    assert header[:6] == ["RAG", "Workstream", "Ref", "Milestone", "Owner", "Due"]
    assert ms.freeze_panes == "A2" and ms.auto_filter.ref.startswith("A1:")
    rows = {r[3].value: r for r in ms.iter_rows(min_row=2)}
    overdue = rows["Overdue"]
    assert overdue[0].value == "Red" and overdue[0].fill.fgColor.rgb == "FFD55E00"
    assert rows["Done early"][0].value == "Green" and rows["Done early"][0].fill.fgColor.rgb == "FF009E73"
    assert overdue[5].value.date() == date(2016, 8, 31) and overdue[5].number_format == "d mmm yyyy"
    for title in FORMULAS:
        cell = rows[title][3]
        assert cell.data_type == "s" and cell.value == title, title
    with zipfile.ZipFile(io.BytesIO(pack.data)) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        assert not any(b"<f>" in z.read(n) or b"<f " in z.read(n) for n in sheets)  # no formula anywhere
        stamped = wb.properties.created  # the pack's one time: here, the newest upload's
        zip_times = {datetime(*i.date_time) for i in z.infolist()}
        assert len(zip_times) == 1 and timedelta(0) <= stamped - zip_times.pop() < timedelta(seconds=2)  # DOS time

    lines = {r[1].value: r for r in wb["Budget lines"].iter_rows(min_row=2)}
    assert lines["Way over"][5].value == 100_000 and lines["Way over"][5].number_format.startswith("£#,##0")
    off = {r[2].value: r for r in wb["Budget lines off plan"].iter_rows(min_row=2)}
    assert off["Way over"][0].value == "Red" and off["Way over"][6].value == 30_000

    again = export_pack(engine, ADMIN, "test-board", "xlsx", as_at=AS_AT, agenda=AGENDA)
    assert again.data == pack.data
    assert wb.properties.created == wb.properties.modified


@pytest.mark.slow
def test_the_html_pack_is_one_file_with_every_value_escaped(engine, pack_board):
    hostile = xlsx({"Plan": [["Ref", "Priority", "Milestone", "Due"],
                             ["X1", "Scripts", "Spend < plan & rising", "Dec 16"],
                             ["X2", "Scripts", "<script>alert(1)</script><img src=http://127.0.0.1:9/x>", "Dec 16"]]})
    result = import_bytes(hostile, "x.xlsx", "test-board", engine=engine)
    assert result.status == "ok", result.analysis.errors
    pack = export_pack(engine, ADMIN, "test-board", "html", as_at=AS_AT, agenda=AGENDA)
    assert pack.file_name == "test-board_2016-09-27_board-pack.html"
    html = pack.data.decode()
    assert "<script" not in html and "Spend &lt; plan &amp; rising" in html  # text, never markup
    assert not re.search(r"""(src|href)=["']?(https?:|file:|//)""", html)  # nothing loads from anywhere
    assert html.count('<img src="data:image/svg+xml;base64,') >= 4
    assert '<html lang="en-GB">' in html and "<title>Test Board: board pack, 27 September 2016</title>" in html
    assert f'<a href="#{"ws-1-crisis"}">Go to section</a>' in html  # links, not page numbers, on screen
    # A value the tracker did not give reads "—", as on the pages (X1 and X2 name no owner), never an empty cell.
    assert not re.search(r"<td[^>]*></td>", html) and "<td>—</td>" in html


@pytest.mark.slow
def test_the_pdf_renderer_fetches_nothing_from_outside_the_pack():
    from exports.fetch import LocalOnlyFetcher
    from exports.pdf import write_pdf

    fetcher = LocalOnlyFetcher()
    html = ('<html lang="en"><head><title>t</title><link rel="stylesheet" href="file:///etc/hostname"></head>'
            '<body><h1>Hello</h1><img alt="x" src="http://127.0.0.1:9/x.png"></body></html>')
    data = write_pdf(html, fetcher=fetcher)
    assert data.startswith(b"%PDF")
    assert "http://127.0.0.1:9/x.png" in fetcher.refused and "file:///etc/hostname" in fetcher.refused


def test_a_viewer_exports_and_someone_without_a_role_is_refused_and_both_are_audited(engine, pack_board,
                                                                                       monkeypatch):
    monkeypatch.setenv("DASHBOARD_SAMPLE_DATA", "0")
    for email in ("viewer@t.example.org", "stranger@t.example.org"):
        accounts.add_user(engine, email, by="tests")
    accounts.grant(engine, "viewer@t.example.org", "test-board", "viewer", by="tests")
    viewer = accounts.load_actor(engine, accounts.user_id(engine, "viewer@t.example.org"))
    stranger = accounts.load_actor(engine, accounts.user_id(engine, "stranger@t.example.org"))

    pack = export_pack(engine, viewer, "test-board", "xlsx", as_at=AS_AT)
    assert pack.data.startswith(b"PK")
    with pytest.raises(PackRefused, match="You can't export board packs for Test Board"):
        export_pack(engine, stranger, "test-board", "pdf", as_at=AS_AT)
    with pytest.raises(PackRefused, match="There is no board called 'nope'"):
        export_pack(engine, viewer, "nope", "pdf", as_at=AS_AT)
    events = _exports(engine)
    assert events[0][:2] == ("viewer@t.example.org", "ok")
    assert "board pack (xlsx) of test-board, not frozen, as at 2016-09-27" in events[0][2]
    assert events[0][2].endswith("test-board_2016-09-27_board-pack.xlsx")
    assert events[1][:2] == ("stranger@t.example.org", "refused") and "board pack (pdf)" in events[1][2]
    assert len(events) == 2


@pytest.mark.slow
def test_the_content_names_each_agenda_items_section_and_the_cover(engine, pack_board):
    content = build_content(engine, "test-board", as_at=AS_AT, agenda=AGENDA)
    anchors = {s.name: s.anchor for s in content.sections}
    assert [s.name for s in content.sections] == ["Crisis", "Formulae", "Prevention"]
    assert [e.anchor for e in content.agenda] == [None, anchors["Crisis"], anchors["Prevention"]]
    assert content.cover.meeting_date == AS_AT and content.cover.frozen == "not frozen"
    assert [m.title for m in content.forward_plan] == ["Board meeting", "Winter board"]
    prevention = next(s for s in content.sections if s.name == "Prevention")
    assert {r[3] for r in prevention.milestones.rows} == {"Done early", "Overdue", "Due soon", "Slipping"}
    assert prevention.heat_map is not None and prevention.heat_map.alt.startswith("Heat map of 2 open scored risks")
    # Periods print in words, as the pages say them, in a section's metrics and in the exceptions.
    period = [c.title for c in prevention.metrics.columns].index("Period")
    assert {r[period] for r in prevention.metrics.rows} == {"Q1 2016-17 (Apr–Jun 2016)"}
    off = next(d for d in content.exceptions if d.name == "Metrics off target")
    assert {r[[c.title for c in off.columns].index("Period")] for r in off.rows} == {"Q1 2016-17 (Apr–Jun 2016)"}


@pytest.fixture
def big_board(engine, board):
    """The known board with a workstream bigger than the printed cap: two overdue milestones and PRINT_ROWS + 4
    completed ones, and PRINT_ROWS + 3 open risks scored from 1 to 25."""
    from exports.content import PRINT_ROWS

    rows = [["Ref", "Priority", "Milestone", "Due", "Status"],
            ["B1", "Bulk", "Bulk overdue one", "Aug 16", "In progress"],
            ["B2", "Bulk", "Bulk overdue two", "Aug 16", "In progress"]]
    rows += [[f"B{i}", "Bulk", f"Bulk done {i}", "June 16", "Complete"] for i in range(3, PRINT_ROWS + 7)]
    assert import_bytes(csv_bytes(rows), "bulk.csv", "test-board", engine=engine).status == "ok"
    levels = ["Low", "Med", "High"]
    risks = [["Ref", "Priority", "Risk", "Likelihood", "Impact"]]
    risks += [[f"BR{i}", "Bulk", f"Bulk risk {i}", levels[i % 3], levels[(i // 3) % 3]] for i in range(PRINT_ROWS + 3)]
    assert import_bytes(csv_bytes(risks), "bulk-risks.csv", "test-board", engine=engine).status == "ok"
    return board


@pytest.mark.slow
def test_a_big_workstream_prints_the_rows_needing_attention_and_says_how_many_it_left_out(engine, big_board):
    from exports.content import PRINT_ROWS

    content = build_content(engine, "test-board", as_at=AS_AT)
    bulk = next(s for s in content.sections if s.name == "Bulk")
    assert bulk.milestones.count == PRINT_ROWS + 6 and len(bulk.milestones.rows) == PRINT_ROWS
    printed = [r[3] for r in bulk.milestones.rows]
    assert printed[:2] == ["Bulk overdue one", "Bulk overdue two"]  # the overdue ones first, whatever the cap
    assert bulk.milestones.left_out == "and 6 more milestones rated green — every row is in the Excel pack."
    assert len(bulk.risks.rows) == PRINT_ROWS and bulk.risks.count == PRINT_ROWS + 3
    scores = [r[1] for r in bulk.risks.rows]
    assert scores == sorted(scores, reverse=True)  # the top risks by score
    assert bulk.risks.left_out.startswith("and 3 more open risks, none scoring above ")
    assert bulk.timeline is not None and f"the {PRINT_ROWS} of its {PRINT_ROWS + 6} milestones" in bulk.timeline.alt
    small = next(s for s in content.sections if s.name == "Prevention")
    assert small.milestones.left_out == "" and small.milestones.count == len(small.milestones.rows) == 4

    html = export_pack(engine, ADMIN, "test-board", "html", as_at=AS_AT).data.decode()
    assert f"Milestones ({PRINT_ROWS + 6})" in html
    assert "and 6 more milestones rated green — every row is in the Excel pack." in html

    wb = openpyxl.load_workbook(io.BytesIO(export_pack(engine, ADMIN, "test-board", "xlsx", as_at=AS_AT).data))
    titles = {r[3] for r in wb["Milestones"].iter_rows(min_row=2, values_only=True)}
    assert {"Bulk overdue one", "Bulk overdue two", *(f"Bulk done {i}" for i in range(3, PRINT_ROWS + 7))} <= titles
    risk_titles = {r[6] for r in wb["Risks"].iter_rows(min_row=2, values_only=True)}
    assert {f"Bulk risk {i}" for i in range(PRINT_ROWS + 3)} <= risk_titles  # every row, none left out


@pytest.mark.slow
@pytest.mark.any_database  # typesetting, not the database: its content is read on both databases above
def test_the_summarised_pdf_says_how_many_rows_it_left_out(engine, big_board):
    pack = export_pack(engine, ADMIN, "test-board", "pdf", as_at=AS_AT)
    with pdfplumber.open(io.BytesIO(pack.data)) as pdf:
        text = "\n".join(p.extract_text() or "" for p in pdf.pages)
    assert "and 6 more milestones rated green — every row is in the Excel pack." in text
    assert "and 3 more open risks, none scoring above" in text
    assert "Bulk overdue one" in text and "Bulk done 14" not in text


def test_cut_prints_the_most_pressing_rows_first_and_counts_the_rest():
    from exports.content import Column, Dataset, cut

    ds = Dataset("Milestones", (Column("Milestone"),), tuple((f"M{i}",) for i in range(5)))
    printed = cut(ds, 2, "milestones", order=[4, 3, 2, 1, 0], detail=": 3 green")
    assert printed.rows == (("M4",), ("M3",)) and printed.count == 5
    assert printed.left_out == "and 3 more milestones: 3 green — every row is in the Excel pack."
    whole = cut(ds, 5, "milestones")
    assert whole.rows == ds.rows and whole.count == 5 and whole.left_out == ""
    assert cut(ds, 4, "milestones", detail=" not rated").left_out == (
        "and 1 more milestone not rated — every row is in the Excel pack.")  # one row: said in the singular
    assert cut(ds, 4, "budget lines off plan").left_out.startswith("and 1 more budget line off plan — ")



@pytest.mark.slow
@pytest.mark.any_database  # where the typesetter puts a chart, not what the database holds
def test_each_workstreams_timeline_prints_on_its_first_page(sample_boards, engine):
    """Rutland's priorities have long milestone titles. Each timeline is drawn wide for the landscape page, so it
    prints under its workstream's RAG table, where a tall one moved to the next page and left that page nearly bare."""
    pack = export_pack(engine, ADMIN, "rutland-hwb", "pdf", as_at=date(2016, 9, 27))
    with pdfplumber.open(io.BytesIO(pack.data)) as pdf:
        pages = [p.extract_text() or "" for p in pdf.pages]
    text = "\n".join(pages)
    firsts = {t.splitlines()[0].removeprefix("Workstream: "): t for t in pages if t.startswith("Workstream: ")}
    timed = [name for name in firsts if f"dated milestones in {name} " in text]  # the charts' captions
    assert len(timed) >= 4, list(firsts)
    for name in timed:
        assert f"dated milestones in {name} " in firsts[name], name


@pytest.mark.slow
def test_what_changed_since_the_last_meeting_reads_as_a_heading_and_names_its_excel_sheet_whole(engine, board):
    import io

    from change_trackers import later_upload
    from openpyxl import load_workbook

    from data_model.snapshots import take_snapshot
    from exports.service import export_pack

    take_snapshot(engine, "test-board", date(2016, 6, 28), "chair@pack.example.org")
    later_upload(engine)
    september = take_snapshot(engine, "test-board", date(2016, 9, 27), "chair@pack.example.org")
    html = export_pack(engine, ADMIN, "test-board", "html", as_at=september.as_at, snapshot=september).data.decode()
    assert "<h3>Milestones changed since the meeting of 28 June 2016 (" in html
    sheets = load_workbook(io.BytesIO(export_pack(engine, ADMIN, "test-board", "xlsx", as_at=september.as_at,
                                                  snapshot=september).data), read_only=True).sheetnames
    assert "Changed milestones" in sheets and not [s for s in sheets if "since the meeting" in s]


def test_the_pack_writes_budget_kinds_and_metric_directions_in_words(engine, board):
    """As the pages write them: "Contribution", "Risk share", "Lower"; never the stored risk_share or lower."""
    from exports.content import build_content
    from presentation.budget_view import LINE_KINDS

    content = build_content(engine, "test-board", as_at=AS_AT)
    cells = {}
    for ds in [d for s in content.sections for d in (s.budget, s.metrics)] + list(content.datasets):
        for i, column in enumerate(ds.columns):
            if column.title in ("Kind", "Better when") and ds.name != "Uploads":
                cells.setdefault(column.title, set()).update(row[i] for row in ds.rows)
    assert cells["Kind"] and cells["Kind"] <= set(LINE_KINDS.values())
    assert cells["Better when"] and cells["Better when"] <= {"Higher", "Lower", "Not stated"}


def test_the_section_of_rows_with_no_workstream_counts_their_rag(engine, board):
    from conftest import xlsx

    from exports.content import build_content
    from loaders import import_bytes

    measures = xlsx({"Measures": [["Metric", "Period", "Target", "Actual", "Direction"],
                                  ["Admissions per 1,000", "2016-17 Q1", 100, 120, "lower"]]})
    assert import_bytes(measures, "measures.xlsx", "test-board", engine=engine).status == "ok"
    content = build_content(engine, "test-board", as_at=AS_AT)
    (unassigned,) = [s for s in content.sections if s.name == "Not assigned to a workstream"]
    assert [row[:2] for row in unassigned.rag.rows] == [("Metrics", 1)]  # red 1, not an empty "None."
