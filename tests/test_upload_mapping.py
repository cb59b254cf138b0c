"""The mapping step on the upload page (AppTest, both databases): a lead tells the importer what a sheet holds and how
its headers read, the preview follows at once, the choice is remembered for the next upload of the same tracker
and shown on Board settings; a refusal stands alone; a lead may load only their own workstreams' rows."""

from __future__ import annotations

from datetime import datetime

import pytest
from conftest import ROOT, as_read, dump, xlsx
from signed_in import confirm_removals, open_page
from sqlalchemy import select

from data_model import accounts, saved_mappings
from data_model.tables import AuditEvent, Milestone
from loaders import analyse, import_bytes
from loaders.importer import only_workstreams
from loaders.mapping import IGNORE, Choices, SheetChoice
from ui.saved_mappings_section import may_manage

HEADER = ["Workstream", "Initiative", "Owner", "Due", "Status"]  # "Initiative": no field's words
ROWS = [["Prevention", "Open the wellbeing hub", "Sam", datetime(2016, 11, 30), "In progress"],
        ["Prevention", "Train the falls team", "Jo", datetime(2017, 1, 31), "Not started"]]
PLAN = xlsx({"Plan": [HEADER, *ROWS]})
PLAN_NEXT = xlsx({"Plan": [HEADER, *ROWS, ["Prevention", "Review the hub", "Sam", datetime(2017, 3, 31),
                                            "Not started"]]})


def upload(at, name: str, data: bytes):
    at.file_uploader[0].set_value((name, data, "application/vnd.ms-excel")).run()
    assert not at.exception, at.exception
    return at


def selectbox(at, label: str):
    return next(s for s in at.selectbox if as_read(s.label) == label)


def frame_with(at, column: str):
    return next(df.value for df in [*at.dataframe, *at.table] if column in df.value.columns)  # grids, then wrapping


def load_button(at):
    return [b for b in at.button if b.label.startswith("Load into")]


def texts(at) -> str:
    return "\n".join(as_read(e.value) for e in [*at.markdown, *at.error, *at.info, *at.warning, *at.success,
                                                *at.caption])


def checked_first(at) -> list[str]:
    """The "can be loaded, but check them first" boxes on the page."""
    return [w.value for w in at.warning if "can be loaded" in w.value]


def titles(engine) -> set[str]:
    with engine.connect() as conn:
        return set(conn.execute(select(Milestone.__table__.c.title).where(
            Milestone.__table__.c.removed_upload_id.is_(None))).scalars())


@pytest.mark.slow
def test_an_unknown_header_is_mapped_loaded_and_remembered_for_the_next_upload(engine, mapping_people):
    at = upload(open_page("upload.py", email=mapping_people["lead"], board="test-board"), "plan.xlsx", PLAN)
    # The importer does not know "Initiative": no tracker table, nothing to load, and it says so.
    assert any("no tracker table found" in as_read(m.value) for m in at.markdown)
    assert not load_button(at)
    selectbox(at, "What sheet 'Plan' holds").select("milestones").run()
    assert not at.exception, at.exception
    # Read as a milestone tracker, the sheet still lacks a title: the error says to map one of its headers.
    assert any("has no column for the title" in as_read(e.value) for e in at.error)
    initiative = selectbox(at, "B · Initiative")
    assert initiative.value != "title"
    assert any("header words" in as_read(c.value) or "no field's words" in as_read(c.value) for c in at.caption)
    initiative.select("title").run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert any("chosen by you" in as_read(m.value) for m in at.markdown)
    assert frame_with(at, "Title")["Title"].tolist() == ["Open the wellbeing hub", "Train the falls team"]
    # What loading will change, row by row, in words, before confirming.
    changes = frame_with(at, "Item")
    added = set(changes[changes["Change"] == "Added"]["Item"])
    assert added == {"Open the wellbeing hub", "Train the falls team"}
    # The file speaks for Prevention, so the known board's other Prevention milestones would go: said per row.
    assert set(changes[changes["Change"] == "Removed"]["Item"]) == {"Done early", "Overdue", "Due soon", "Slipping"}
    assert load_button(at)[0].disabled  # it removes more rows than it holds: the lead says they mean it
    confirm_removals(at)
    load_button(at)[0].click().run()
    assert not at.exception, at.exception
    assert "2 added" in as_read(at.success[0].value)
    assert {"Open the wellbeing hub", "Train the falls team"} <= titles(engine)
    [saved] = saved_mappings.for_board(engine, mapping_people["board"]["id"]).itertuples()
    assert saved.sheet == "Plan" and saved.choice["fields"] == {"initiative": "title"}

    # The next upload of the same tracker (one more row) reads with no clicks, and says why.
    upload(at, "plan-december.xlsx", PLAN_NEXT)
    assert "remembered from your last upload" in texts(at)
    assert not at.error, [e.value for e in at.error]
    assert selectbox(at, "B · Initiative").value == "title"
    load_button(at)[0].click().run()
    assert not at.exception, at.exception
    assert "1 added" in as_read(at.success[0].value)
    assert "Review the hub" in titles(engine)


@pytest.mark.slow
def test_a_sheet_that_fits_two_kinds_waits_for_the_lead_to_choose(engine, mapping_people):
    both = xlsx({"Log": [["Description", "Owner", "Due date", "Impact", "Status"],
                         ["Prevention", "Sam", datetime(2016, 12, 1), "High", "Open"],
                         ["Prevention", "Jo", datetime(2017, 1, 1), "Low", "Open"]]})
    at = upload(open_page("upload.py", board="test-board"), "log.xlsx", both)
    first = as_read(at.error[0].value)
    assert "needs you to choose" in first and "'Log'" in first
    assert not checked_first(at) and not load_button(at)
    kind = selectbox(at, "What sheet 'Log' holds")
    assert kind.value is None  # nothing preselected: the importer did not guess
    kind.select("risks").run()
    assert not at.exception, at.exception
    assert not any("needs you to choose" in as_read(e.value) for e in at.error)
    assert any("reads as a **risk register**" in m.value for m in at.markdown)


@pytest.mark.slow
def test_month_first_dates_are_read_as_the_lead_says_and_the_preview_follows(engine, mapping_people):
    plan = xlsx({"Plan": [["Priority", "Milestone", "Due"], ["Prevention", "Open the hub", "03/04/2017"],
                          ["Prevention", "Train staff", "05/06/2017"]]})
    at = upload(open_page("upload.py", board="test-board"), "dates.xlsx", plan)
    assert [str(d) for d in frame_with(at, "Due")["Due"]] == ["2017-04-03", "2017-06-05"]  # day first
    selectbox(at, "Dates in Due").select("month_first").run()
    assert not at.exception, at.exception
    assert [str(d) for d in frame_with(at, "Due")["Due"]] == ["2017-03-04", "2017-05-06"]
    assert selectbox(at, "Dates in Due").value == "month_first"  # the control keeps the choice across reruns


def test_a_refusal_stands_alone_and_the_lead_may_load_only_their_rows(engine, mapping_people):
    mixed = xlsx({"Plan": [["Priority", "Milestone", "Due"], ["Prevention", "Open the hub", "March 2017"],
                           ["Crisis", "Staff the crisis line", "April 2017"],
                           ["Crisis", "Review the line", "May 2017"]]})
    at = upload(open_page("upload.py", email=mapping_people["lead"], board="test-board"), "mixed.xlsx", mixed)
    assert any("rows for Crisis" in as_read(e.value) for e in at.error)
    assert not checked_first(at)  # never a "can be loaded, but check them first" box over a refusal
    assert not load_button(at)
    before = dump(engine)
    at.toggle[0].set_value(True).run()
    assert not at.exception, at.exception
    note = next(as_read(i.value) for i in at.info if "Only your rows" in as_read(i.value))
    assert "1 of 3" in note and "Crisis (2 rows)" in note
    assert not any("rows for Crisis" in as_read(e.value) for e in at.error)  # chosen: the refusal is gone
    assert frame_with(at, "Title")["Title"].tolist() == ["Open the hub"]
    assert dump(engine) == before  # nothing written until the lead confirms
    confirm_removals(at)  # the one row stands for Prevention: the known board's others go
    load_button(at)[0].click().run()
    assert not at.exception, at.exception
    assert "1 added" in as_read(at.success[0].value)
    stored = titles(engine)
    assert "Open the hub" in stored and "Staff the crisis line" not in stored


def test_only_workstreams_keeps_each_kind_of_a_workbook_and_counts_what_it_leaves_out():
    book = xlsx({"Plan": [["Priority", "Milestone", "Due"], ["Prevention", "Open the hub", "March 2017"],
                          ["Crisis", "Staff the line", "April 2017"]],
                 "Risks": [["Priority", "Risk", "Likelihood", "Impact"], ["Crisis", "Staff leave", "High", "High"],
                           ["Prevention", "Hub late", "Low", "High"]]})
    analysis = analyse(book, "both.xlsx")
    assert analysis.ok and len(analysis.parts) == 2
    mine, left_out = only_workstreams(analysis, ("prevention",))
    assert left_out == {"Crisis": 2}
    assert [len(p.records) for p in mine.parts] == [1, 1] and mine.ok
    mine, left_out = only_workstreams(analysis, ("Elsewhere",))
    assert not mine.parts and left_out == {"Crisis": 2, "Prevention": 2}
    unchanged, none = only_workstreams(analysis, ("Prevention", "Crisis"))
    assert unchanged is analysis and none == {}


@pytest.mark.slow
def test_board_settings_show_the_remembered_mapping_to_change_and_forget(engine, mapping_people):
    mapped = Choices().with_sheet("Plan", SheetChoice(kind="milestones", fields=(("initiative", "title"),)))
    assert import_bytes(PLAN, "plan.xlsx", "test-board", engine=engine, choices=mapped).status == "ok"
    at = open_page("board_settings.py", email=mapping_people["chair"], board="test-board")
    assert not at.exception, at.exception
    table = frame_with(at, "Choices")
    assert table["Sheet"].tolist() == ["Plan"] and "'Initiative' → title" in table["Choices"][0]
    assert "Initiative" in table["Headers"][0]
    at.selectbox(key=next(s.key for s in at.selectbox if s.key and s.key.startswith("mapping_header_"))) \
        .select("Owner")
    at.selectbox(key=next(s.key for s in at.selectbox if s.key and s.key.startswith("mapping_field_"))) \
        .select("ignore")
    next(b for b in at.button if b.label == "Save this header's field").click().run()
    assert not at.exception, at.exception
    assert "'Owner' is now read as not read" in as_read(at.success[0].value)
    [saved] = saved_mappings.for_board(engine, mapping_people["board"]["id"]).itertuples()
    assert saved.choice["fields"] == {"initiative": "title", "owner": "ignore"}
    next(b for b in at.button if b.label == "Forget this mapping").click().run()
    assert not at.exception, at.exception
    assert saved_mappings.for_board(engine, mapping_people["board"]["id"]).empty
    with engine.connect() as conn:
        actions = conn.execute(select(AuditEvent.__table__.c.actor, AuditEvent.__table__.c.detail).where(
            AuditEvent.__table__.c.action == "mapping_change")).all()
    assert [a for a, _ in actions] == [mapping_people["chair"]] * 2
    assert "forgot the remembered mapping of sheet 'Plan'" in actions[-1][1]


@pytest.mark.slow
def test_a_viewer_sees_no_remembered_mappings_and_a_lead_sees_them_on_the_upload_page(engine, mapping_people):
    accounts.add_user(engine, "mapviewer@t.example.org", by="tests")
    accounts.grant(engine, "mapviewer@t.example.org", "test-board", "viewer", by="tests")
    at = open_page("upload.py", email=mapping_people["lead"], board="test-board")
    assert any(e.label == "Remembered mappings for this board" for e in at.expander)

    viewer = accounts.load_actor(engine, accounts.user_id(engine, "mapviewer@t.example.org"))
    chair = accounts.load_actor(engine, accounts.user_id(engine, mapping_people["chair"]))
    lead = accounts.load_actor(engine, accounts.user_id(engine, mapping_people["lead"]))
    board_id = mapping_people["board"]["id"]
    assert may_manage(board_id, chair) and may_manage(board_id, lead) and not may_manage(board_id, viewer)
    assert not may_manage(board_id + 1000, lead)


@pytest.mark.slow
def test_the_demo_lead_loads_only_their_rows_of_their_boards_sample_workbook(app_database, sample_boards):
    """Issue 14: the demo lead (Crisis response and Unified Prevention on Rutland) uploads Rutland's own milestone
    workbook, which holds every priority's rows: refused as a whole, offered their own rows, told what is left out."""
    at = open_page("upload.py", email="lead@demo.example.org", board="rutland-hwb")
    assert not at.exception, at.exception
    upload(at, "bcf-milestones.xlsx", (ROOT / "sample_data" / "rutland-hwb" / "bcf-milestones.xlsx").read_bytes())
    # before the lead chooses, no load was tried: the file can't be loaded as it is, and the switch is offered
    [offer] = [as_read(e.value) for e in at.error if "rows for Enablers" in as_read(e.value)]
    assert "can't be loaded as it is" in offer and "Enablers (19 rows), LTC Management (13 rows)" in offer
    assert "Load only the rows for your workstreams" in offer and "Nothing was loaded" not in offer
    assert not checked_first(at) and not load_button(at)
    # the sheets of others' rows only do not open their header mappings by themselves (Enablers: 16 headers)
    mappings = {e.label: e.proto.expanded for e in at.expander if e.label.startswith("How each of the")}
    assert mappings["How each of the 16 headers is read (change any that is wrong)"] is False
    assert [m.value for m in at.metric if m.label == "Rows to load"] == ["0 of 58"]  # not a clean "58" over a refusal
    at.toggle[0].set_value(True).run()
    assert not at.exception, at.exception
    assert not any("rows for Enablers" in as_read(e.value) for e in at.error)  # chosen: the refusal is gone
    note = next(as_read(i.value) for i in at.info if "Only your rows" in as_read(i.value))
    assert "26 of 58" in note and "Enablers (19 rows), LTC Management (13 rows)" in note
    assert "because on Rutland" in note and "you don't upload for those workstreams" in note
    preview = frame_with(at, "Title")
    assert list(preview.columns[:3]) == ["Sheet", "Row", "Title"] and "Reference" not in preview.columns
    assert [m.value for m in at.metric if m.label == "Rows to load"] == ["26 of 58"]
    # The sample board holds these rows as they are: nothing to load, said, and no button that would do nothing.
    assert "has already been loaded for this board, and the board still holds these rows" in texts(at)
    assert load_button(at)[0].disabled


@pytest.mark.slow
def test_choosing_the_kind_of_a_sheet_no_kind_knows_finds_the_row_of_the_mapped_headers():
    """Below a title and a blank row, the header row holds "Initiative": once the lead says the sheet is a milestone
    tracker and "Initiative" is its title, that row is the header, without giving its number."""
    titled = xlsx({"Plan": [["Prevention programme", "2016-17"], [], HEADER, *ROWS]})  # a two-cell title row
    assert analyse(titled, "t.xlsx").readings[0].confidence == "none"
    mapped = Choices().with_sheet("Plan", SheetChoice(kind="milestones", fields=(("initiative", "title"),)))
    analysis = analyse(titled, "t.xlsx", choices=mapped)
    assert analysis.ok, [i.message for i in analysis.errors]
    assert analysis.readings[0].header_row == 3 and analysis.readings[0].confidence == "chosen"
    assert [r["title"] for r in analysis.public_records()] == ["Open the wellbeing hub", "Train the falls team"]


def test_a_sheet_read_surely_names_only_kinds_it_fits_about_as_well():
    """"Also fits: a budget (less well)" under a plain milestone plan only raised a doubt; an unsure sheet, which waits
    for the lead, names every kind it could be, and how well each fits."""
    from loaders.kinds import BY_NAME
    from loaders.pipeline import SheetReading
    from presentation.upload_report import others_words

    def reading(confidence: str, alternatives) -> SheetReading:
        return SheetReading("Plan", BY_NAME["milestones"], 1, confidence, 10, alternatives, None)

    assert others_words(reading("sure", (("budget", 3),))) == ""
    assert others_words(reading("sure", (("budget", 9),))) == "a budget (about as well)"
    assert others_words(reading("unsure", (("budget", 9), ("risks", 3)))) == ("a budget (about as well), "
                                                                               "a risk register (less well)")


def test_a_filled_column_no_field_reads_is_named_before_loading_until_the_lead_maps_or_leaves_it_out(engine,
                                                                                                   mapping_people):
    """A lead's owners under "Held by" were dropped while the page said "The file reads cleanly"."""
    plan = xlsx({"Plan": [["Workstream", "Milestone", "Held by", "Due", "Status"],
                          ["Prevention", "Open the wellbeing hub", "Sam", datetime(2016, 11, 30), "In progress"],
                          ["Prevention", "Train the falls team", "Jo", datetime(2017, 1, 31), "Not started"]]})
    at = upload(open_page("upload.py", email=mapping_people["lead"], board="test-board"), "plan.xlsx", plan)
    [note] = [as_read(i.value) for i in at.info if "not read" in i.value]
    assert note.startswith("Column C 'Held by' (an entry in every row) is not read, so loading leaves it out.")
    assert not [s for s in at.success if "reads cleanly" in s.value]
    selectbox(at, "C · Held by").select("owner").run()
    assert not [i for i in at.info if "not read, so loading" in i.value]
    assert frame_with(at, "Title").set_index("Title").loc["Train the falls team", "Owner"] == "Jo"
    selectbox(at, "C · Held by").select(IGNORE).run()  # or the lead says it is meant to be left out
    assert not [i for i in at.info if "not read, so loading" in i.value]
