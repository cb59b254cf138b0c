"""Each kind of spreadsheet mess from the seed papers, as a small workbook built in the test."""

from datetime import date
from decimal import Decimal

from conftest import csv_bytes, xlsx

from data_model.rag import DEFAULT_RULES
from loaders import analyse
from loaders.kinds import RISKS

MS_HEADER = ["Activity", "Milestone", "Dependency", "Responsible", "Start", "End"]


def records(data: bytes, name: str = "t.xlsx", **kw) -> tuple[list[dict], object]:
    a = analyse(data, name, **kw)
    return a.json_records(), a


def test_title_rows_above_header_and_kind_detected():
    recs, a = records(xlsx({"Sheet1": [["1.3 Scheme milestones"], [], MS_HEADER,
                                       ["Comms", "Develop a plan", None, "S Taylor", "June 16", "March 2017"]]}))
    assert a.kind_name == "milestones"
    assert a.sheets[0].header_row == 3
    assert recs[0]["title"] == "Develop a plan" and recs[0]["start"] == "2016-06-01" and recs[0]["due"] == "2017-03-31"


def test_repeated_header_at_page_break_is_skipped_and_split_row_is_joined():
    recs, a = records(xlsx({"Sheet1": [
        MS_HEADER,
        ["Life planning - DFGs", "Implement new model of delivery for DFGs and", None, "Kim Sorsky", "Jul 2016", "March 17"],
        MS_HEADER,
        [None, "adaptations", None, "and Sarah McCormack", None, None],
        [None, "Next milestone", None, "Kim Sorsky", "Apr 16", "May 16"],
    ]}))
    assert [r["title"] for r in recs] == ["Implement new model of delivery for DFGs and adaptations", "Next milestone"]
    assert recs[0]["owner"] == "Kim Sorsky and Sarah McCormack"
    assert a.sheets[0].repeated_headers == 1 and a.sheets[0].continuations == 1


def test_blank_group_cells_inherit_from_above():
    recs, _ = records(xlsx({"Sheet1": [MS_HEADER, ["Comms", "A", None, None, "May 16", "June 16"],
                                       [None, "B", None, None, "May 16", "June 16"],
                                       ["Falls", "C", None, None, "May 16", "June 16"]]}))
    assert [r["workstream"] for r in recs] == ["Comms", "Comms", "Falls"]


def test_sheet_name_is_the_workstream_when_the_table_names_none():
    recs, a = records(xlsx({"Unified Prevention": [["Milestone", "Due"], ["Commission the service", "Sept 16"]],
                            "Crisis response": [["Milestone", "Due"], ["Open the hub", "Jan 17"]]}))
    assert [r["workstream"] for r in recs] == ["Unified Prevention", "Crisis response"]
    assert len(a.sheets) == 2


def test_bold_section_rows_name_the_workstream_and_notes_are_ignored():
    data = xlsx({"Plan": [["Action", "Planned delivery date"], ["Cross Cutting Work"], ["Finance plan", "March 2018"],
                          ["Locality work"], ["Co-location planning", "June 2018"], [],
                          ["Note: dates are indicative and will be reviewed by the programme board"]]},
                bold={("Plan", 2, 1): True, ("Plan", 4, 1): True})
    recs, a = records(data)
    assert [(r["workstream"], r["title"]) for r in recs] == [("Cross Cutting Work", "Finance plan"),
                                                              ("Locality work", "Co-location planning")]
    assert any(i.code == "notes_ignored" for i in a.warnings)


def test_html_debris_is_stripped():
    recs, _ = records(xlsx({"S": [["Milestone", "Due"],
                                  ['<ul style="list-style-type: none"> <li><b>Deliver</b> Hub project</li></ul>', "Jan 2017"]]}))
    assert recs[0]["title"] == "Deliver Hub project"


def test_unreadable_date_is_a_warning_and_the_text_is_kept():
    recs, a = records(xlsx({"S": [["Milestone", "Due"], ["Renew licences", "Renew as required"]]}))
    assert a.ok and recs[0]["due"] is None
    assert a.records[0].provenance.text("due") == "Renew as required"
    issue = a.warnings[0]
    assert (issue.sheet, issue.row, issue.column, issue.value) == ("S", 2, "Due", "Renew as required")


def test_month_grid_gantt_gives_one_milestone_per_x():
    header = ["Actions, Milestones, Deliverables (X = product or deliverable)", "Lead", "Mar-16", "Apr-16", "May-16"]
    recs, a = records(xlsx({"Enablers": [header, ["National BCF returns", "S Taylor", "X", None, "x"],
                                         ["Business plan", None, None, "X", None]]}))
    assert a.kind_name == "milestones"
    assert [(r["title"], r["due"]) for r in recs] == [("National BCF returns", "2016-03-31"),
                                                       ("National BCF returns", "2016-05-31"),
                                                       ("Business plan", "2016-04-30")]


def test_rag_as_cell_colour():
    data = xlsx({"S": [["Milestone", "Due", "RAG"], ["A", "May 16", None], ["B", "May 16", None], ["C", "May 16", "Amber"]]},
                fills={("S", 2, 3): "FFFF0000", ("S", 3, 3): "FF00B050"})
    recs, _ = records(data)
    assert [r["rag"] for r in recs] == ["red", "green", "amber"]


def test_risk_register_probability_header_ranges_and_derived_rag():
    header = ["Risk No.", "Date Opened", "Risk Owner", "Risk Description", "Probability (High, Med, Low)",
              "Impact (High, Med, Low)"]
    recs, a = records(xlsx({"Risks": [header, [1, "May 2016", "KK", "Lack of providers", "Low - med", "high"],
                                      [2, "10/5/16", "JM", "Partners not engaged", "Med/High", "M"]]}))
    assert a.kind_name == "risks"
    assert [(r["likelihood"], r["impact"], r["score"], r["rag"]) for r in recs] == [(2, 5, 10, "amber"), (4, 3, 12, "amber")]
    # The register states no RAG: none is stored, and the score is rated by the board's rules, as on the Risks page.
    assert [row.stated_rag for row in a.records] == [None, None]
    assert [RISKS.rag(DEFAULT_RULES, row, date(2016, 6, 1)) for row in a.records] == ["amber", "amber"]
    assert recs[1]["opened"] == "2016-05-10"


def test_impact_only_and_unrated_registers_load_unscored_with_a_warning():
    recs, a = records(xlsx({"Risk": [["Risk Description", "Impact H/M/L", "Mitigation Description"],
                                     ["Service continuity", "H", "Interim structure"]]}))
    assert a.ok and recs[0]["impact"] == 5 and recs[0]["score"] is None and recs[0]["rag"] is None
    assert any(i.code == "impact_only" for i in a.warnings)
    recs, a = records(xlsx({"Risk": [["Risk", "Possible outcomes", "Mitigation"], ["Delays", "Slippage", "Plan"]]}))
    assert recs[0]["likelihood"] is None and any(i.code == "unrated" for i in a.warnings)


def test_rutland_scheme_table_priority_total_short_by_85k():
    rows = [["Priorities and schemes", "Lead/ commissioner", "Funding"],
            ["Long Term Condition (LTC) Management", None, "£898k"],
            ["5. Integrated case management", "LCC ELRCCG", "£40k £100k"],
            ["6. Integrated community health and care services", "ELRCCG RCC", "£405k £113k"],
            ["7. LTC management – innovation fund", "RCC", "£55k"],
            ["8. Dementia care", "RCC", "£100k"]]
    recs, a = records(xlsx({"Schemes": rows}))
    assert a.kind_name == "budget" and a.ok
    assert [(r["funder"], r["allocated"]) for r in recs[:2]] == [("LCC", Decimal(40000)), ("ELRCCG", Decimal(100000))]
    assert len(recs) == 6 and all(r["workstream"] == "Long Term Condition (LTC) Management" for r in recs)
    [mismatch] = [i for i in a.warnings if i.code == "total_mismatch"]
    assert "£898,000" in mismatch.message and "£813,000" in mismatch.message and "£85,000 short" in mismatch.message


def test_wide_budget_by_financial_year_with_total_row_and_tbc():
    rows = [["Description", "08/09 financial year £", "09/10 financial year £"],
            ["Project management", 8250, 17000], ["Test beds", 0, "To be confirmed"], ["Total", 8250, 17000]]
    recs, a = records(xlsx({"Costs": rows}))
    assert a.ok
    assert [(r["line"], r["period"], r["allocated"]) for r in recs] == [
        ("Project management", "2008-09", Decimal(8250)), ("Project management", "2009-10", Decimal(17000)),
        ("Test beds", "2008-09", Decimal(0)), ("Test beds", "2009-10", None)]
    assert any(i.code == "amount_tbc" for i in a.warnings)
    assert not any(i.code == "total_mismatch" for i in a.warnings)


def test_total_that_does_not_match_is_a_warning_naming_both_figures():
    recs, a = records(xlsx({"B": [["Budget", "Amount 2016-17"], ["CCG contribution", "£2,061k"], ["DFG", "£186k"],
                                  ["Total plan", "£2,300k"]]}))
    [w] = [i for i in a.warnings if i.code == "total_mismatch"]
    assert "£2,300,000" in w.message and "£2,247,000" in w.message


def test_unreadable_money_is_an_error_and_rejects_the_file():
    _recs, a = records(xlsx({"B": [["Budget line", "Allocated"], ["Posts", "lots of money"]]}))
    assert not a.ok
    assert a.errors[0].row == 2 and a.errors[0].value == "lots of money"


def test_csv_in_cp1252_with_pound_signs():
    data = "Cost,Amount\r\nProject management,\"£35,000\"\r\nEstimated total,\"£35,000\"\r\n".encode("cp1252")
    recs, a = records(data, "costs.csv")
    assert a.kind_name == "budget" and recs[0]["allocated"] == Decimal(35000)


def test_csv_utf8_with_bom():
    data = csv_bytes([["Risk", "Mitigation"], ["Café closes", "Find another"]], "utf-8-sig")
    recs, a = records(data, "r.csv")
    assert a.kind_name == "risks" and recs[0]["title"] == "Café closes"


def test_metrics_long_layout_with_locality_and_direction():
    rows = [["Measure", "Locality", "Period", "Target", "Actual", "Direction"],
            ["Delayed discharges", "Airdrie", "Apr 2018", 25, 31, "lower"], [None, "Airdrie", "May 2018", 25, 29, None],
            ["Satisfaction", None, "2018-19 Q1", "93%", "94%", "Higher is better"]]
    recs, a = records(xlsx({"M": rows}))
    assert a.kind_name == "metrics"
    assert [(r["name"], r["period"], r["actual"], r["direction"]) for r in recs] == [
        ("Delayed discharges", "2018-04", 31, "lower"), ("Delayed discharges", "2018-05", 29, "lower"),
        ("Satisfaction", "2018-19 Q1", 94, "higher")]
    assert recs[2]["unit"] == "percent"


def test_metrics_wide_layout_quarters_as_columns():
    rows = [["BCF Metric", "Target", "Q1 2016/17", "Q2 2016/17"], ["Fewer than 0.36% entering care", "Fewer than 0.36%", "0.31%", "0.38%"]]
    recs, _ = records(xlsx({"M": rows}))
    assert [(r["period"], r["target"], r["actual"], r["direction"]) for r in recs] == [
        ("2016-17 Q1", 0.36, 0.31, "lower"), ("2016-17 Q2", 0.36, 0.38, "lower")]


def test_kind_can_be_forced_and_wrong_kind_is_explained():
    data = xlsx({"S": [["Milestone", "Due"], ["A", "May 16"]]})
    a = analyse(data, "m.xlsx", kind="risks")
    assert not a.ok and "does not look like a risk register" in a.errors[0].message
    assert "milestone tracker" in a.errors[0].message


def test_the_same_reference_on_the_same_milestone_twice_is_an_error():
    _recs, a = records(xlsx({"S": [["Ref", "Milestone", "Due"], ["M1", "A", "May 16"], ["M1", "A", "June 16"]]}))
    assert not a.ok and "M1" in a.errors[0].message


def test_one_reference_on_two_different_milestones_loads_both_and_says_so():
    """A real schedule gave DM-NCSA-13 to two milestones: a person counts two, so both load, with a warning."""
    recs, a = records(xlsx({"S": [["Ref", "Milestone", "Due"], ["M1", "A", "May 16"], ["M1", "B", "June 16"]]}))
    assert a.ok, a.errors
    assert [r["title"] for r in recs] == ["A", "B"]
    [said] = [w for w in a.warnings if w.code == "shared_ref"]
    assert "Reference 'M1' is used by two different milestones (rows 2 and 3)" in said.message


def test_each_sheet_is_read_as_its_own_kind():
    """A workbook with a milestone sheet and a risk sheet loads both, each as what it holds."""
    data = xlsx({"Milestones": [["Milestone", "Due"], ["A", "May 16"], ["B", "June 16"]],
                 "Risks": [["Risk", "Likelihood", "Impact"], ["X", "H", "L"]]})
    a = analyse(data, "both.xlsx")
    assert a.ok, a.errors
    assert [p.kind.name for p in a.parts] == ["milestones", "risks"]
    assert [r.title for r in a.parts[0].records] == ["A", "B"] and a.parts[1].records[0].title == "X"


def test_a_kind_given_for_the_file_names_the_other_sheets_and_leaves_them_out():
    data = xlsx({"Milestones": [["Milestone", "Due"], ["A", "May 16"], ["B", "June 16"]],
                 "Risks": [["Risk", "Likelihood", "Impact"], ["X", "H", "L"]]})
    a = analyse(data, "both.xlsx", kind="milestones")
    assert a.kind_name == "milestones" and len(a.records) == 2
    assert any(i.code == "other_kind" and i.sheet == "Risks" for i in a.warnings)
    assert analyse(data, "both.xlsx", kind="risks").records[0].title == "X"


def test_xlsm_values_are_read_and_the_macro_is_never_run(tmp_path):
    import zipfile

    data = xlsx({"Tracker": [["Milestone", "Due"], ["Open the hub", "Jan 17"]]})
    path = tmp_path / "tracker.xlsm"
    marker = tmp_path / "macro-ran"
    with zipfile.ZipFile(__import__("io").BytesIO(data)) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        # A VBA project part: the loader must read values and ignore it.
        dst.writestr("xl/vbaProject.bin", b"Sub Auto_Open()\n Open \"" + str(marker).encode() + b"\" For Output As #1\nEnd Sub")
    recs, a = records(path.read_bytes(), "tracker.xlsm")
    assert a.ok and recs[0]["title"] == "Open the hub"
    assert not marker.exists()
    from loaders.read import read_workbook

    assert read_workbook(path.read_bytes(), "tracker.xlsm").file_type == "xlsm"


def test_excel_serial_numbers_and_real_dates_in_date_columns():
    from datetime import datetime

    recs, _ = records(xlsx({"S": [["Milestone", "Start", "Due"], ["A", 42736, datetime(2017, 3, 31)]]}))
    assert (recs[0]["start"], recs[0]["due"]) == ("2017-01-01", "2017-03-31")


def test_a_column_of_month_first_dates_is_read_month_first_with_one_warning():
    """US-style trackers (07-14-2023, 1/15/2022): a column that can only be month first is read so, said once."""
    rows = [["Milestone", "Start", "Due"],
            ["Kick-off", "1/15/2022", "07-14-2023"],
            ["Review", "2/1/2022", "08-02-2023"]]
    recs, a = records(xlsx({"Plan": rows}))
    assert a.ok, a.errors
    assert [(r["start"], r["due"]) for r in recs] == [("2022-01-15", "2023-07-14"), ("2022-02-01", "2023-08-02")]
    said = [w for w in a.warnings if w.code == "month_first"]
    assert sorted(w.column for w in said) == ["Due", "Start"]  # one per column, not one per cell
    assert not [w for w in a.warnings if w.code == "unparsed_date"]


def test_a_column_with_both_orders_stays_day_first_and_names_the_odd_cell():
    rows = [["Milestone", "Due"], ["Kick-off", "14/07/2023"], ["Review", "07/15/2023"]]
    recs, a = records(xlsx({"Plan": rows}))
    assert recs[0]["due"] == "2023-07-14" and recs[1]["due"] is None
    assert [w.value for w in a.warnings if w.code == "unparsed_date"] == ["07/15/2023"]


def test_two_columns_with_the_same_header_are_named_in_a_warning():
    rows = [["Milestone", "Due", "Owner", "Due"], ["Open the hub", "Sept 2016", "Ann", "Oct 2016"]]
    recs, a = records(xlsx({"Plan": rows}))
    assert recs[0]["due"] == "2016-09-30"
    [said] = [w for w in a.warnings if w.code == "duplicate_header"]
    assert "Columns B, D are all headed 'Due'" in said.message and "column B was read and D left out" in said.message


def test_a_budget_line_named_twice_is_two_lines_and_loads(engine):
    """Found by the field benchmark: two rows naming the same line (no reference) broke the store's unique key."""
    from loaders import import_bytes

    data = xlsx({"Estimated": [["Item", "Cost"], ["Laptop", 1200], ["Licences", 300], ["Laptop", 900]]})
    result = import_bytes(data, "budget.xlsx", "twice", engine=engine)
    assert result.status == "ok", result.analysis.errors
    assert result.changes["added"] == 3
    assert [w.code for w in result.analysis.warnings].count("duplicate_row") == 1


def test_a_sheet_named_for_what_it_holds_is_not_a_workstream():
    """"Benefits" or "Run chart data" says what the sheet is (measures), not whose: no workstream named after it."""
    for sheet in ("Benefits", "Expected benefits", "Run chart data", "Indicators"):
        recs, _ = records(xlsx({sheet: [["Measure", "Period", "Target", "Actual"], ["Waits (days)", "2017-18 Q3", 42, 55]]}))
        assert [r.get("workstream") for r in recs] == [None], sheet
