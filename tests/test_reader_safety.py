"""No file can take the server down: each killer file is refused with a sentence, nothing is written, and the
next file reads as usual. Plus the reader's own bugs: CSV quoting, long cells, old Mac line endings, UTF-16
with an odd byte count, an empty cached formula result, and what the reader reports beside the values."""

from __future__ import annotations

import pickle

import pytest
from conftest import ROOT, csv_bytes, dump, examples, xlsx
from hypothesis import given, settings
from hypothesis import strategies as st
from killers import FIRST, HEADER, KILLERS, raw_xlsx, text_cell

from loaders import import_bytes, sandbox
from loaders.read import ReadError, read_workbook

SAMPLE = ROOT / "sample_data" / "rutland-hwb" / "bcf-risks.xlsx"


# The worker that runs out of memory and is replaced, and the 50 MB lie: the other killers stay in the fast loop.
HEAVY_KILLERS = {"repeated-cells.ods", "shared-strings-lie.xlsx"}


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.slow) if n in HEAVY_KILLERS else n
                                  for n in sorted(KILLERS)])
def test_a_killer_file_is_refused_with_a_sentence_and_nothing_is_written(name, engine):
    make, words = KILLERS[name]
    import_bytes(SAMPLE.read_bytes(), "bcf-risks.xlsx", "killer-board", engine=engine)
    before = dump(engine)
    result = import_bytes(make(), name, "killer-board", engine=engine)
    assert result.status == "rejected"
    message = result.analysis.errors[0].message
    assert words in message, message
    assert "Traceback" not in message
    assert dump(engine) == before
    # The process that refused it still reads the next file.
    assert import_bytes(SAMPLE.read_bytes(), "bcf-risks.xlsx", "killer-board", engine=engine, dry_run=True).status == "ok"


@pytest.mark.slow
def test_a_worker_that_runs_out_of_memory_gives_a_sentence_and_is_replaced():
    with pytest.raises(ReadError) as refused:
        read_workbook(KILLERS["repeated-cells.ods"][0](), "repeated-cells.ods")
    allowed = sandbox.default_pool().memory_mb
    assert str(refused.value).startswith("This file ('repeated-cells.ods') could not be opened safely: reading it "
                                         f"needed more than the {allowed:,} MB")
    assert str(refused.value).endswith("Nothing was written.")
    assert read_workbook(SAMPLE.read_bytes(), "bcf-risks.xlsx").sheets[0].rows[0][0]


@pytest.mark.slow
def test_a_parse_that_runs_too_long_is_stopped_with_a_sentence(monkeypatch):
    rows = [["Risk", "Likelihood", "Impact", "Owner"]] + [[f"Risk {i}", "High", "Low", "Sam"] for i in range(200_000)]
    big = csv_bytes(rows)
    monkeypatch.setenv("DASHBOARD_PARSE_SECONDS", "0.01")
    sandbox.shutdown()
    try:
        with pytest.raises(ReadError) as refused:
            read_workbook(big, "risks.csv")
        assert "could not be opened safely: reading it took longer than the 0.01 seconds" in str(refused.value)
        assert str(refused.value).endswith("Nothing was written.")
    finally:
        monkeypatch.delenv("DASHBOARD_PARSE_SECONDS")
        sandbox.shutdown()
    assert len(read_workbook(big, "risks.csv").sheets[0].rows) == 200_001


@pytest.mark.slow  # reads a 200,000-row sheet
def test_a_sparse_sheet_that_costs_little_is_read():
    """Three cells and one at row 200,000, three columns wide: 600,000 cells of grid is cheap, so it is read."""
    far = b'<row r="200000">' + text_cell("C200000", "note") + b"</row>"
    sheet = read_workbook(raw_xlsx(HEADER + FIRST + far), "t.xlsx").sheets[0]
    assert len(sheet.rows) == 200_000 and sheet.rows[199_999][2] == "note"


def test_refusals_name_the_sheet_and_the_far_cell():
    far = b'<row r="2"><c r="AAA2"><v>1</v></c></row>'
    with pytest.raises(ReadError, match=r"Sheet 'Plan 2016' of 't.xlsx' has 703 columns \(its last filled cell is "
                                        r"AAA2\); a tracker may have at most 500"):
        read_workbook(raw_xlsx(HEADER + far, sheet="Plan 2016"), "t.xlsx")


def test_cells_without_references_are_placed_and_counted():
    """The r attribute is optional: a row of cells without one still reaches as far as it really does."""
    cells = b"".join(b"<c><v>1</v></c>" for _ in range(600))
    with pytest.raises(ReadError, match="has 600 columns"):
        read_workbook(raw_xlsx(HEADER + b"<row>" + cells + b"</row>"), "t.xlsx")


def test_cached_formula_errors_and_hidden_rows_are_reported():
    rows = (HEADER
            + b'<row r="2" hidden="1">' + text_cell("A2", "Posts") + b'<c r="B2" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>'
            + b'<row r="3">' + text_cell("A3", "Lease") + b'<c r="B3" t="e"><f>Z99</f><v>#REF!</v></c></row>'
            + b'<row r="4">' + text_cell("A4", "Cafe") + b'<c r="B4" t="e"><f>NA()</f><v>#N/A</v></c></row>')
    sheet = read_workbook(raw_xlsx(rows), "t.xlsx").sheets[0]
    assert sheet.errors == [(1, 1, "#DIV/0!"), (2, 1, "#REF!"), (3, 1, "#N/A")]
    assert [sheet.rows[r][1] for r in (1, 2, 3)] == [None, None, None]
    assert sheet.hidden_rows == {1}
    assert sheet.decimal_comma is False


def test_xls_formula_errors_and_hidden_rows_are_reported():
    import io

    import xlwt

    book = xlwt.Workbook()
    ws = book.add_sheet("Budget")
    ws.write(0, 0, "Line")
    ws.write(0, 1, "Amount")
    ws.write(1, 0, "Posts")
    ws.row(1).set_cell_error(1, "#DIV/0!")
    ws.row(1).hidden = True
    ws.write(2, 0, "Lease")
    ws.write(2, 1, 1200)
    out = io.BytesIO()
    book.save(out)
    sheet = read_workbook(out.getvalue(), "budget.xls").sheets[0]
    assert sheet.errors == [(1, 1, "#DIV/0!")]
    assert sheet.rows[1][1] is None and sheet.rows[2][1] == 1200
    assert sheet.hidden_rows == {1}


@pytest.mark.parametrize("empty", [b"<v/>", b"<v></v>"])
def test_a_formula_whose_result_is_empty_text_is_an_empty_cell(empty, read_only_engine):
    """Excel saves =IF(...,"",...) as t="str" with an empty cached value: that file was calculated."""
    rows = (HEADER + b'<row r="2">' + text_cell("A2", "Open the hub") + b'<c r="B2" t="str"><f>IF(1,"","x")</f>'
            + empty + b"</c></row>")
    result = import_bytes(raw_xlsx(rows), "t.xlsx", "b", engine=read_only_engine, kind="milestones", dry_run=True)
    assert "never calculated" not in " ".join(e.message for e in result.analysis.errors)
    sheet = read_workbook(raw_xlsx(rows), "t.xlsx").sheets[0]
    assert sheet.rows[1][1] in ("", None)


@pytest.mark.parametrize("cell", [b'<c r="B2"><f>1+1</f></c>', b'<c r="B2"><f>1+1</f><v/></c>',
                                  b'<c r="B2" t="str"><f>A1</f></c>', b'<c r="B2"><f t="shared" si="0"/><v></v></c>'])
def test_a_file_whose_formulas_have_no_results_is_still_refused(cell):
    rows = HEADER + b'<row r="2">' + text_cell("A2", "Open the hub") + cell + b"</row>"
    with pytest.raises(ReadError, match=r"never calculated \(cell B2 of sheet 'Tracker'"):
        read_workbook(raw_xlsx(rows), "t.xlsx")


def test_a_workbook_and_its_styles_survive_pickling():
    data = xlsx({"Risks": [["Risk", "RAG"], ["Flooding", "x"]]}, fills={("Risks", 2, 2): "FF0000"},
                bold={("Risks", 1, 1): True})
    book = pickle.loads(pickle.dumps(read_workbook(data, "t.xlsx")))
    sheet = book.sheets[0]
    assert sheet.rows == [["Risk", "RAG"], ["Flooding", "x"]]
    assert sheet.fill(1, 1) == "FF0000" and sheet.is_bold(0, 0)
    assert pickle.loads(pickle.dumps(sheet)).fill(1, 1) == "FF0000"


# --- CSV -----------------------------------------------------------------------------------------------------

def test_a_doubled_quote_far_down_a_csv_parses_like_one_near_the_top():
    """The dialect was sniffed from the first 20,000 characters: with no doubled quote there, one further down
    split its field in two without a word."""
    rows = [["Risk", "Owner", "Score"]] + [[f"Risk {i}", "Sam", "4"] for i in range(1500)]
    rows.append(['The "hub" may, in winter, close', "Jo", "9"])
    data = csv_bytes(rows)
    assert data.index(b'""hub""') > 20_000
    sheet = read_workbook(data, "risks.csv").sheets[0]
    assert sheet.rows[-1] == ['The "hub" may, in winter, close', "Jo", "9"]
    assert {len(r) for r in sheet.rows} == {3}


def test_a_csv_cell_longer_than_any_spreadsheet_cell_is_refused_naming_the_row():
    data = b'Risk,Owner\nFlooding,Sam\n"Runaway quote,Jo\n' + b"x" * 140_000 + b"\nLast,Kim\n"
    with pytest.raises(ReadError, match=r"Row 3 of 'risks.csv' has a cell \(column 1\) of 140,\d+ characters.*quote"):
        read_workbook(data, "risks.csv")


def test_a_long_csv_cell_within_the_limit_is_read():
    data = b"Risk,Notes\nFlooding," + b"y" * 30_000 + b"\n"
    assert read_workbook(data, "risks.csv").sheets[0].rows[1][1] == "y" * 30_000


def test_old_mac_line_endings_are_read():
    data = b"Risk,Likelihood,Impact\rFlooding,High,Low\r\"Staff\rleave\",Med,Med\r"
    assert read_workbook(data, "risks.csv").sheets[0].rows == [
        ["Risk", "Likelihood", "Impact"], ["Flooding", "High", "Low"], ["Staff\rleave", "Med", "Med"]]


@pytest.mark.parametrize("bom", [True, False])
def test_utf16_with_an_odd_byte_count_is_read(bom):
    text = "Risk\tLikelihood\r\nCafé closes\tHigh\r\n"
    data = (text.encode("utf-16") if bom else text.encode("utf-16-le")) + b"\n"
    assert len(data) % 2 == 1
    assert read_workbook(data, "risks.csv").sheets[0].rows == [["Risk", "Likelihood"], ["Café closes", "High"]]


def test_damaged_utf16_is_refused_with_a_sentence():
    data = "Risk,Owner\r\n".encode("utf-16") + b"\x00\xd8\x41\x00"  # a lone surrogate
    with pytest.raises(ReadError, match="is not valid UTF-16 text"):
        read_workbook(data, "risks.csv")


@pytest.mark.parametrize(("text", "delimiter_is_semicolon", "decimal"), [
    ("Line;Amount\nPosts;1.200,50\nLease;35.000\n", True, True),
    ("Line;Amount\nPosts;35.000\nLease;1.200\n", True, True),
    ("Line;Amount\nPosts;12.5\nLease;1.200\n", True, False),
    ("Line,Amount\nPosts,\"1,200.50\"\nLease,35\n", False, False),
])
def test_decimal_commas_are_detected_from_the_file(text, delimiter_is_semicolon, decimal):
    sheet = read_workbook(text.encode(), "budget.csv").sheets[0]
    assert len(sheet.rows[1]) == 2
    assert sheet.decimal_comma is decimal
    assert (sheet.rows[1][1] in ("1.200,50", "35.000", "12.5")) is delimiter_is_semicolon


def test_excels_sep_line_names_the_delimiter():
    sheet = read_workbook(b"sep=;\nLine;Amount\nPosts;1,5\n", "budget.csv").sheets[0]
    assert sheet.rows == [["Line", "Amount"], ["Posts", "1,5"]] and sheet.decimal_comma


def test_a_worker_answer_may_hold_only_the_readers_own_types():
    """What comes back from a worker was built from an untrusted file: it must not be able to name other code."""
    import io
    import os

    from loaders.sandbox import _AnswerUnpickler

    payload = pickle.dumps(("ok", os.system))
    with pytest.raises(pickle.UnpicklingError, match="posix.system"):
        _AnswerUnpickler(io.BytesIO(payload)).load()
    book = read_workbook(b"Risk,Due\nFlooding,2016-06-28\n", "r.csv")
    assert _AnswerUnpickler(io.BytesIO(pickle.dumps(("ok", book)))).load()[1].sheets[0].rows[1] == ["Flooding",
                                                                                                     "2016-06-28"]


# --- the two extent scans agree -------------------------------------------------------------------------------

CELL_KINDS = {
    "number": lambda ref: f'<c r="{ref}"><v>4</v></c>',
    "styled-empty": lambda ref: f'<c r="{ref}" s="3"/>',
    "text": lambda ref: f'<c r="{ref}" t="inlineStr"><is><t>a &lt;b&gt; c</t></is></c>',
    "error": lambda ref: f'<c r="{ref}" t="e"><f>1/0</f><v>#DIV/0!</v></c>',
    "empty-text-formula": lambda ref: f'<c r="{ref}" t="str"><f>IF(1,"","")</f><v></v></c>',
    "uncalculated": lambda ref: f'<c r="{ref}"><f>A1+1</f><v/></c>',
}


@settings(max_examples=examples(150), deadline=None)
@given(cells=st.dictionaries(st.tuples(st.integers(0, 3000), st.integers(0, 700)), st.sampled_from(sorted(CELL_KINDS)),
                             max_size=40),
       hidden=st.sets(st.integers(0, 3000), max_size=5), chunk=st.integers(5, 4000))
def test_the_fast_extent_scan_agrees_with_the_exact_one(cells, hidden, chunk):
    from loaders.extent import FastSheetScanner, SheetScanner, cell_name

    rows = sorted({r for r, _ in cells} | hidden)
    xml = ['<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>']
    for r in rows:
        flag = ' hidden="1"' if r in hidden else ""
        xml.append(f'<row r="{r + 1}"{flag}>')
        xml.extend(CELL_KINDS[cells[(r, c)]](cell_name(r, c)) for c in sorted(c for rr, c in cells if rr == r))
        xml.append("</row>")
    xml.append("</sheetData></worksheet>")
    data = "".join(xml).encode()
    fast, exact = FastSheetScanner(), SheetScanner()
    for i in range(0, len(data), chunk):
        fast.feed(data[i:i + chunk])
        exact.feed(data[i:i + chunk])
    a, b = fast.close(), exact.close()
    assert a is not None
    assert (a.max_row, a.max_col, a.cells, a.hidden_rows, sorted(a.errors)) == \
           (b.max_row, b.max_col, b.cells, b.hidden_rows, sorted(b.errors))
    assert (a.uncalculated is None) == (b.uncalculated is None)
    filled = [(r, c) for (r, c), kind in cells.items() if kind != "styled-empty"]
    assert a.cells == len(filled)
    assert a.max_row == max((r for r, _ in filled), default=-1)


def test_a_space_after_each_comma_still_lets_a_quote_hold_a_comma():
    sheet = read_workbook(b'Risk, Owner, Score\nFlooding, "Sam, Jo", 4\nStaff, Kim, 2\n', "risks.csv").sheets[0]
    assert sheet.rows == [["Risk", "Owner", "Score"], ["Flooding", "Sam, Jo", "4"], ["Staff", "Kim", "2"]]
