"""The mapping step from the command line: --map, --sheet, --header-row, --month-first, as a lead's script gives
them; the choices recorded with the upload and remembered for the next one. Run in-process through main(argv)."""

import json

import pytest
from conftest import xlsx
from sqlalchemy import select

from data_model.tables import Milestone, SavedMapping, Upload
from loaders.cli import main

# "Initiative" and "Deadline date" name nothing the importer knows as a title; "Target" is a due date here.
UNKNOWN = [["Stream", "Initiative", "Lead person", "Target", "Progress"],
           ["Prevention", "Open the hub", "A. Smith", "07-14-2023", "In progress"],
           ["Crisis", "Hire two navigators", "B. Jones", "01-15-2024", "Not started"]]


@pytest.fixture
def run(cli, db_url):
    return lambda *args: cli(main, "import", *args, "--board", "map-board", "--db", db_url)


@pytest.mark.slow
def test_a_header_mapped_on_the_command_line_loads_and_is_remembered_for_the_next_upload(run, tmp_path, engine):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(xlsx({"Plan": UNKNOWN}))
    plain = run(str(path), "--json")
    assert plain.returncode == 1  # unmapped, it is refused rather than guessed
    mapped = run(str(path), "--kind", "milestones", "--map", "Initiative=title", "--map", "Target=due",
                 "--map", "Stream=ws1", "--month-first", "Target", "--json")
    assert mapped.returncode == 0, mapped.stdout
    out = json.loads(mapped.stdout)
    assert [r["title"] for r in out["records"]] == ["Open the hub", "Hire two navigators"]
    assert [r["due"] for r in out["records"]] == ["2023-07-14", "2024-01-15"]  # read month first, as told
    [sheet] = out["sheets"]
    columns = {c["header"]: (c["field"], c["chosen"]) for c in sheet["columns"]}
    assert columns["Initiative"] == ("title", True) and columns["Target"] == ("due", True)
    assert "sheet 'Plan'" not in " ".join(out["choices"])  # given for every sheet, said once
    with engine.connect() as conn:
        upload = conn.execute(select(Upload.__table__)).one()
        saved = conn.execute(select(SavedMapping.__table__)).one()
    assert upload.choices["default"]["fields"]["initiative"] == "title"  # recorded with the upload
    assert saved.sheet == "Plan" and saved.choice["fields"]["target"] == "due"

    # The next version of the same tracker: no flags, read the way the lead mapped it.
    path.write_bytes(xlsx({"Plan": [*UNKNOWN, ["Crisis", "Open a second hub", "C. Lee", "03-31-2024", "Not started"]]}))
    again = run(str(path))
    assert again.returncode == 0, again.stdout
    assert "remembered mapping for: 'Plan'" in again.stdout
    with engine.connect() as conn:
        titles = sorted(r.title for r in conn.execute(select(Milestone.__table__)))
    assert titles == ["Hire two navigators", "Open a second hub", "Open the hub"]


def test_sheet_and_header_row_choose_what_is_read(run, tmp_path):
    path = tmp_path / "book.xlsx"
    path.write_bytes(xlsx({"Notes": [["Read me"], ["This workbook holds the plan."]],
                           "Plan": [["Programme plan, March"], [], ["Milestone", "Due"], ["Open the hub", "Jan 17"]],
                           "Risks": [["Risk", "Likelihood", "Impact"], ["Funding cut", "H", "M"]]}))
    only_plan = run(str(path), "--sheet", "Plan", "--header-row", "3", "--dry-run", "--json")
    assert only_plan.returncode == 0, only_plan.stdout
    out = json.loads(only_plan.stdout)
    assert out["kind"] == "milestones" and [r["title"] for r in out["records"]] == ["Open the hub"]
    assert [s["sheet"] for s in out["sheets"] if s["kind"]] == ["Plan"]
    both = json.loads(run(str(path), "--dry-run", "--json").stdout)
    assert both["kind"] == "milestones+risks"  # every sheet read as what it holds


def test_a_mapping_that_cannot_work_is_a_usage_error_naming_the_fields(run, tmp_path):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(xlsx({"Plan": UNKNOWN}))
    bad = run(str(path), "--kind", "milestones", "--map", "Initiative=headline")
    assert bad.returncode == 2
    assert "'headline' is not a field of a milestone tracker" in bad.stderr and "title" in bad.stderr
    assert run(str(path), "--map", "no equals sign").returncode == 2
    assert run(str(path), "--header-row", "0").returncode == 2
    missing = run(str(path), "--sheet", "Nowhere", "--json")
    assert missing.returncode == 1 and "There is no sheet called 'Nowhere'" in missing.stdout
