"""Property test of the whole import: any workbook the generator can make (several sheets, random extents, strings,
numbers, dates, number formats, tracker headers or none) is either loaded or refused with a message, never a crash,
and a refused import writes nothing. On SQLite and PostgreSQL."""

import io
from datetime import date, datetime

import openpyxl
import pytest
from conftest import dump
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from loaders import import_bytes
from loaders.read import MAX_COLUMNS, MAX_ROWS

# Extents up to the limits: a lone cell in the far corner (row 250,001, column 500) is the file that once took 5 GB
# to read; the reader must check the real extent before it allocates (issue 10 item 1). Past the limits, refused.
NEAR_ROWS, NEAR_COLUMNS = 2_000, 40
TALL_COLUMNS = 3
WIDE_ROWS = 20

EXAMPLES = settings(settings.get_profile("ci"), max_examples=30, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.data_too_large])

HEADERS = ["Ref", "Priority", "Workstream", "Milestone", "Due", "Status", "Owner", "Risk", "Likelihood", "Impact",
           "RAG", "Budget line", "Period", "Allocated", "Forecast", "Spend", "Metric", "Target", "Actual",
           "Direction", "Locality", "Baseline", "Review date", "Score", "Notes"]
WORDS = ["Prevention", "Crisis", "High", "Med", "Low", "Red", "Amber", "Green", "Complete", "In progress", "TBC",
         "Sept 16", "2016-17", "£40k", "£1,200", "10%", "lower", "higher", "North", "n/a", "=1+1", "=SUM(A1:A3)",
         "#DIV/0!", "<b>x</b>", "[link](http://x)", "1.5e3", "−5%", " "]
FORMATS = ["General", "0", "0.00", "#,##0", "£#,##0.00", "0%", "dd/mm/yyyy", "mmm-yy", "d mmmm yyyy", "@",
           "[Red]0.00", "yyyy-mm-dd hh:mm"]


def _clean(text: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", text)


VALUES = st.one_of(
    st.sampled_from(WORDS),
    st.text(max_size=60).map(_clean),
    st.integers(min_value=-10**15, max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.floats(min_value=-1e300, max_value=1e300),
    st.dates(min_value=date(1900, 3, 1), max_value=date(2099, 12, 31)),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(2099, 12, 31)),
    st.booleans(),
)

EXTENTS = st.one_of(
    st.tuples(st.integers(1, NEAR_ROWS), st.integers(1, NEAR_COLUMNS)),
    st.tuples(st.integers(1, MAX_ROWS + 1), st.integers(1, TALL_COLUMNS)),
    st.tuples(st.integers(1, WIDE_ROWS), st.integers(1, MAX_COLUMNS)),
    st.tuples(st.integers(MAX_ROWS - 10, MAX_ROWS + 1), st.integers(MAX_COLUMNS - 10, MAX_COLUMNS)),  # the far corner
    st.tuples(st.integers(MAX_ROWS + 2, MAX_ROWS + 50), st.integers(1, 5)),       # past the row limit
    st.tuples(st.integers(1, 5), st.integers(MAX_COLUMNS + 1, MAX_COLUMNS + 30)),  # past the column limit
)

SHEET_NAMES = st.text(st.characters(blacklist_characters="[]:*?/\\'", blacklist_categories=("Cc", "Cs")),
                      min_size=1, max_size=31).map(_clean).filter(lambda s: s.strip() and s.lower() != "history")


# Each kind's columns, with values a lead would type in them: most generated trackers are loadable.
PLAUSIBLE = {
    "Ref": st.integers(1, 99).map(lambda i: f"M{i}"),
    "Priority": st.sampled_from(["Prevention", "Crisis", "Enablers", "Prevention › Falls"]),
    "Milestone": st.sampled_from(["Open the hub", "Recruit staff", "Sign the s75", "Go live"]),
    "Due": st.one_of(st.dates(min_value=date(2015, 1, 1), max_value=date(2020, 12, 31)),
                     st.sampled_from(["Sept 16", "March 2017", "TBC", "Q3 2016/17", "10/10/16"])),
    "Status": st.sampled_from(["Complete", "In progress", "Delayed", "Not started", "Cancelled"]),
    "Risk": st.sampled_from(["Staff shortage", "Funding gap", "IT delay"]),
    "Likelihood": st.one_of(st.sampled_from(["High", "Med", "Low"]), st.integers(1, 5)),
    "Impact": st.one_of(st.sampled_from(["High", "Med", "Low"]), st.integers(1, 5)),
    "Budget line": st.sampled_from(["Reablement", "Carers", "DFG"]),
    "Period": st.sampled_from(["2016-17", "2017-18", "2016-17 Q1"]),
    "Allocated": st.one_of(st.integers(0, 10**7), st.sampled_from(["£40k", "£1,200", "£1.5m"])),
    "Forecast": st.one_of(st.integers(0, 10**7), st.sampled_from(["£42k", "£900"])),
    "Metric": st.sampled_from(["Delays", "Admissions", "Reablement"]),
    "Target": st.one_of(st.integers(0, 1000), st.sampled_from(["95%", "1,200"])),
    "Actual": st.one_of(st.integers(0, 1000), st.sampled_from(["93%", "1,150"])),
    "Direction": st.sampled_from(["lower", "higher"]),
}
TRACKERS = [["Ref", "Priority", "Milestone", "Due", "Status"], ["Ref", "Priority", "Risk", "Likelihood", "Impact"],
            ["Priority", "Budget line", "Period", "Allocated", "Forecast"],
            ["Priority", "Metric", "Period", "Target", "Actual", "Direction"]]


@st.composite
def sheets(draw):
    """One sheet: maybe a tracker (its header and rows, some cells replaced by anything), maybe a random header,
    cells scattered over a random extent, and a cell in the far corner so that the extent is real."""
    rows, cols = draw(EXTENTS)
    cells: dict[tuple[int, int], tuple[object, str]] = {}
    shape = draw(st.sampled_from(["tracker", "tracker", "headers", "none"]))
    if shape != "none":
        if shape == "tracker":
            header = draw(st.sampled_from(TRACKERS))
        else:
            header = draw(st.lists(st.sampled_from(HEADERS), min_size=1, max_size=10, unique=True))
        start = draw(st.integers(1, 3))
        for c, name in enumerate(header, start=1):
            cells[(start, c)] = (name, "General")
        for r in range(start + 1, start + 1 + draw(st.integers(0, 12))):
            for c, name in enumerate(header, start=1):
                messy = name not in PLAUSIBLE or draw(st.integers(0, 24)) == 0
                cells[(r, c)] = (draw(VALUES if messy else PLAUSIBLE[name]), draw(st.sampled_from(FORMATS))
                                 if messy else "General")
    for _ in range(draw(st.integers(0, 25 if shape == "none" else 3))):
        at = (draw(st.integers(1, min(rows, NEAR_ROWS))), draw(st.integers(1, min(cols, NEAR_COLUMNS))))
        cells[at] = (draw(VALUES), draw(st.sampled_from(FORMATS)))
    if draw(st.booleans()):
        cells[(rows, cols)] = (draw(VALUES), draw(st.sampled_from(FORMATS)))  # the sheet really is that big
    return cells


@st.composite
def workbooks(draw) -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    names = draw(st.lists(SHEET_NAMES, min_size=1, max_size=3, unique_by=str.lower))
    for name in names:
        ws = wb.create_sheet(name)
        for (r, c), (value, fmt) in draw(sheets()).items():
            cell = ws.cell(row=r, column=c, value=value)
            cell.number_format = fmt
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@EXAMPLES
@given(data=workbooks(), kind=st.sampled_from([None, None, None, "milestones", "risks", "budget", "metrics"]))
@pytest.mark.slow
def test_any_generated_workbook_is_loaded_or_refused_and_a_refusal_writes_nothing(engine, data, kind):
    before = dump(engine)
    result = import_bytes(data, "generated.xlsx", "property-board", engine=engine, kind=kind)  # any exception fails
    assert result.status in ("ok", "rejected")
    event(result.status)
    if result.status == "rejected":
        assert result.analysis.errors, "a refusal says why"
        for issue in result.analysis.errors:
            assert issue.message.strip() and "Traceback" not in issue.message
        assert dump(engine) == before
    else:
        assert not result.analysis.errors
        assert 0 < len(result.analysis.records) <= MAX_ROWS
        assert result.upload_id is not None or result.already_imported


# Found by the property above before the reader ran in a child process: python-calamine panicked (a pyo3
# PanicException, a BaseException that `except Exception` let through) on such a number with a date format.
def test_a_number_far_before_the_first_date_with_a_date_format_is_refused_not_a_crash(engine):
    wb = openpyxl.Workbook()
    wb.active.cell(row=1, column=1, value=-1.2e11).number_format = "dd/mm/yyyy"
    buffer = io.BytesIO()
    wb.save(buffer)
    before = dump(engine)
    result = import_bytes(buffer.getvalue(), "far-date.xlsx", "property-board", engine=engine)
    assert result.status == "rejected" and result.analysis.errors
    assert dump(engine) == before
