"""The upload page's "What loading will change" (AppTest, both databases): a column the file does not have changes
nothing, a blanked cell is listed as cleared, dates read "31 Jan 2017" as in every other table, and the preview
names each row first."""

from __future__ import annotations

import pytest
from conftest import as_read, xlsx
from signed_in import confirm_removals, open_page
from sqlalchemy import select

from data_model.tables import Milestone

M = Milestone.__table__
NBSP = "\u00a0"


def upload(at, name: str, data: bytes):
    at.file_uploader[0].set_value((name, data, "application/vnd.ms-excel")).run()
    assert not at.exception, at.exception
    return at


def changes(at) -> list[tuple[str, str, str, str, str]]:
    """The rows of the "What loading will change" table as the lead reads them: (change, item, field, was, now)."""
    frame = next(t.value for t in at.table if "Was" in t.value.columns)
    return [tuple(as_read(str(v)).replace(NBSP, " ") for v in r)
            for r in frame[["Change", "Item", "Field", "Was", "Now"]].itertuples(index=False)]


def load(at):
    next(b for b in at.button if b.label.startswith("Load into")).click().run()
    assert not at.exception, at.exception
    return at


def stored_start(engine) -> str | None:
    with engine.connect() as conn:
        start = conn.execute(select(M.c.start).where(M.c.ref == "P1", M.c.removed_upload_id.is_(None))).scalar()
    return str(start) if start else None


@pytest.mark.slow
def test_a_missing_start_column_changes_nothing_a_blanked_start_is_listed_and_dates_read_in_words(engine,
                                                                                                   mapping_people):
    head = ["Ref", "Priority", "Milestone", "Start", "Due", "Status"]
    with_start = xlsx({"Plan": [head, ["P1", "Prevention", "Hub in GP surgeries", "01/06/2016", "31/01/2017",
                                       "In progress"]]})
    at = upload(open_page("upload.py", email=mapping_people["lead"], board="test-board"), "v1.xlsx", with_start)
    confirm_removals(at)  # the one milestone now stands for Prevention: the known board's others go
    load(at)
    assert stored_start(engine) == "2016-06-01"

    # no Start column, the due date moved: the list shows the due date's change alone, in words
    no_start = xlsx({"Plan": [["Ref", "Priority", "Milestone", "Due", "Status"],
                              ["P1", "Prevention", "Hub in GP surgeries", "30/09/2017", "In progress"]]})
    upload(at, "v2.xlsx", no_start)
    assert changes(at) == [("Updated", "Hub in GP surgeries", "Due", "31 Jan 2017", "30 Sep 2017")]
    load(at)
    assert stored_start(engine) == "2016-06-01"
    # what the upload changed, said after loading, is the same list
    assert changes(at) == [("Updated", "Hub in GP surgeries", "Due", "31 Jan 2017", "30 Sep 2017")]

    # a Start column whose cell is blank: the lead blanked it, and the list says the start is cleared
    blanked = xlsx({"Plan": [head, ["P1", "Prevention", "Hub in GP surgeries", None, "30/09/2017", "In progress"]]})
    upload(at, "v3.xlsx", blanked)
    assert changes(at) == [("Updated", "Hub in GP surgeries", "Start", "1 Jun 2016", "—")]
    load(at)
    assert stored_start(engine) is None


@pytest.mark.slow
def test_the_preview_names_each_row_first_and_leaves_out_columns_blank_on_every_row(engine, mapping_people):
    plan = xlsx({"Plan": [["Priority", "Ref", "Owner", "Milestone", "Due"],
                          ["Prevention", None, "Sam", "Open the hub", "31/03/2017"],
                          ["Prevention", None, None, "Train the falls team", "30/04/2017"]]})
    at = upload(open_page("upload.py", email=mapping_people["lead"], board="test-board"), "plan.xlsx", plan)
    preview = next(df.value for df in at.dataframe if "Title" in df.value.columns)
    assert list(preview.columns[:3]) == ["Sheet", "Row", "Title"]
    assert preview["Title"].tolist() == ["Open the hub", "Train the falls team"]
    assert "Reference" not in preview.columns  # no row gives one
    assert "Owner" in preview.columns  # one row gives one


@pytest.mark.slow
def test_a_file_that_removes_more_rows_than_it_holds_names_them_and_asks_before_loading(engine, mapping_people):
    head = ["Ref", "Priority", "Milestone", "Due", "Status"]
    rows = [["P1", "Prevention", "Hub in GP surgeries", "31/01/2017", "In progress"],
            ["P2", "Prevention", "Falls service launched", "31/03/2017", "Not started"],
            ["P3", "Prevention", "Community navigators in post", "30/06/2017", "Not started"]]
    at = upload(open_page("upload.py", email=mapping_people["lead"], board="test-board"), "whole.xlsx",
                xlsx({"Plan": [head, *rows]}))
    confirm_removals(at)  # the known board's other Prevention milestones go: this is the whole tracker now
    load(at)
    upload(at, "a-few-rows.xlsx", xlsx({"Plan": [head, rows[0]]}))  # a part of the tracker, not the whole of it
    said = " ".join(as_read(w.value) for w in at.warning)
    assert "takes 2 rows off the board, because this file does not have them: 'Falls service launched'" in said
    assert "'Community navigators in post'" in said and "whole of each workstream it covers (Prevention)" in said
    button = next(b for b in at.button if b.label.startswith("Load into"))
    assert button.disabled  # not until the lead says the removals are meant
    confirm_removals(at)
    load(at)
    with engine.connect() as conn:
        live = conn.execute(select(M.c.ref).where(M.c.removed_upload_id.is_(None), M.c.ref.like("P%"))).scalars()
        assert sorted(live) == ["P1"]


@pytest.mark.slow
def test_a_row_added_or_taken_off_whole_is_said_in_words(engine, mapping_people):
    head = ["Ref", "Priority", "Milestone", "Due", "Status"]
    rows = [["P1", "Prevention", "Hub in GP surgeries", "31/01/2017", "In progress"],
            ["P2", "Prevention", "Falls service launched", "31/03/2017", "Not started"]]
    at = upload(open_page("upload.py", email=mapping_people["lead"], board="test-board"), "v1.xlsx",
                xlsx({"Plan": [head, *rows]}))
    confirm_removals(at)
    load(at)
    upload(at, "v2.xlsx", xlsx({"Plan": [head, rows[0], ["P4", "Prevention", "Carers' hub", "31/07/2017",
                                                         "Not started"], ["P5", "Prevention", "Falls clinic", None, None]]}))
    listed = changes(at)  # not a row of dashes: what was on the board, and what loading does with it
    assert ("Added", "Carers' hub", "Whole row", "Not on the board", "Added from this file") in listed
    assert ("Removed", "Falls service launched", "Whole row", "On the board", "Not in this file: removed") in listed
    load(at)
    assert ("Added", "Carers' hub", "Whole row", "Not on the board", "Added from this file") in changes(at)


def test_the_preview_rates_each_row_as_at_the_date_the_board_opens_at(engine, mapping_people):
    """The known board's data end in 2017: its views open as at their last date, and the preview's RAG is that
    date's, so it is the one the Overview shows after loading (a milestone due late in 2017 is not overdue there)."""
    head = ["Ref", "Priority", "Milestone", "Due", "Status"]
    at = upload(open_page("upload.py", email=mapping_people["lead"], board="test-board"), "plan.xlsx",
                xlsx({"Plan": [head, ["P9", "Prevention", "Falls service launched", "31/12/2017", "In progress"]]}))
    note = next(c.value for c in at.caption if "is the RAG the board's rule gives each row" in c.value)
    assert "as at 30 Jun 2017, the date the board's views open at" in note
    preview = next(t.value for t in [*at.dataframe, *at.table] if "Title" in t.value.columns)
    assert preview.set_index("Title").loc["Falls service launched", "RAG (rule)"] == "Green"  # not yet due
    assert list(preview.columns[:4]) == ["Sheet", "Row", "Title", "RAG (rule)"]  # where a narrow screen shows it
