"""The import CLI's contract, as a lead's script sees it: run in-process through ``main(argv)``, and once as
`python -m loaders`."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, dump, xlsx

from data_model import open_database
from loaders.cli import main


@pytest.fixture
def run(cli):
    """``run(*args)``: `python -m loaders *args`, in this process."""
    return lambda *args: cli(main, *args)


@pytest.fixture
def risk_file(tmp_path: Path) -> Path:
    path = tmp_path / "register.xlsx"
    path.write_bytes(xlsx({"Risks": [["Table 10 - Initial Risk Register"],
                                     ["Ref", "Risk", "Probability (High, Med, Low)", "Impact (High, Med, Low)", "Mitigation",
                                      "Owner", "Review date"],
                                     ["R1", "Funding withdrawn", "High", "Med", "Lobby", "CFO", "Sept 16"],
                                     ["R2", "Staff leave", "Low - med", "Med/High", "Recruit", "HR", "Renew as required"]]}))
    return path


def test_json_output_has_the_contract_fields(run, risk_file, db_url):
    proc = run("import", str(risk_file), "--board", "rutland-hwb", "--db", db_url, "--json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    # The contract's fields, and how each sheet was read (the mapping step's reading) beside them.
    assert set(out) == {"file", "kind", "status", "records", "errors", "warnings", "changes", "sheets", "choices"}
    assert (out["file"], out["kind"], out["status"]) == ("register.xlsx", "risks", "ok")
    [sheet] = out["sheets"]
    assert (sheet["sheet"], sheet["kind"], sheet["header_row"]) == ("Risks", "risks", 2)
    assert {c["header"]: c["field"] for c in sheet["columns"]}["Review date"] == "review_due"
    assert out["changes"] == {"added": 2, "updated": 0, "removed": 0, "unchanged": 0}
    r1 = out["records"][0]
    assert list(r1) == ["ref", "workstream", "locality", "title", "owner", "opened", "likelihood", "impact", "score",
                        "rag", "mitigation", "review_due", "status"]
    assert (r1["likelihood"], r1["impact"], r1["score"], r1["rag"], r1["review_due"]) == (5, 3, 15, "red", "2016-09-30")
    [w] = out["warnings"]
    assert set(w) >= {"sheet", "row", "column", "message"} and (w["sheet"], w["row"], w["column"]) == ("Risks", 4, "Review date")


def test_budget_json_money_is_in_pounds(run, tmp_path, db_url):
    path = tmp_path / "b.xlsx"
    path.write_bytes(xlsx({"B": [["Budget line", "Funder", "Allocated"], ["Crisis response", "ELRCCG RCC", "£125k £115k"],
                                 ["Programme", "RCC", "£ 154,792.50"]]}))
    out = json.loads(run("import", str(path), "--board", "x", "--db", db_url, "--json").stdout)
    assert [(r["line"], r["funder"], r["allocated"]) for r in out["records"]] == [
        ("Crisis response", "ELRCCG", 125000), ("Crisis response", "RCC", 115000), ("Programme", "RCC", 154792.5)]
    assert list(out["records"][0]) == ["ref", "workstream", "locality", "line", "funder", "period", "allocated",
                                       "forecast", "spent"]


def test_rejected_file_exits_1_with_a_message_and_leaves_the_database(run, tmp_path, db_url, risk_file):
    assert run("import", str(risk_file), "--board", "b", "--db", db_url).returncode == 0
    engine = open_database(db_url)
    before = dump(engine)
    for name, content in [("notes.xlsx", b"plain text, not a workbook"), ("empty.csv", b""),
                          ("truncated.xlsx", risk_file.read_bytes()[:400]),
                          ("header-only.xlsx", xlsx({"S": [["Risk", "Likelihood", "Impact"]]}))]:
        path = tmp_path / name
        path.write_bytes(content)
        proc = run("import", str(path), "--board", "b", "--db", db_url, "--json")
        assert proc.returncode == 1, name
        out = json.loads(proc.stdout)
        assert out["status"] == "rejected" and out["errors"][0]["message"], name
        assert "Traceback" not in proc.stdout + proc.stderr
    assert dump(engine) == before
    engine.dispose()


def test_wrong_kind_is_rejected_with_advice(run, risk_file, db_url):
    proc = run("import", str(risk_file), "--board", "b", "--db", db_url, "--kind", "budget", "--json")
    out = json.loads(proc.stdout)
    assert proc.returncode == 1 and "does not look like a budget" in out["errors"][0]["message"]


def test_dry_run_on_a_new_database_writes_no_file(run, tmp_path, risk_file):
    db = tmp_path / "never.db"
    proc = run("import", str(risk_file), "--board", "new", "--db", f"sqlite:///{db}", "--dry-run", "--json")
    assert proc.returncode == 0 and json.loads(proc.stdout)["changes"]["added"] == 2
    assert not db.exists()


def test_usage_errors_exit_2(run, risk_file):
    assert run("import", str(risk_file)).returncode == 2  # no --board
    assert run("import", str(risk_file), "--board", "b", "--kind", "gantt").returncode == 2
    assert run("import", "/no/such/file.xlsx", "--board", "b").returncode == 2
    assert run("import", str(risk_file), "--board", "Not A Slug").returncode == 2


def test_help_documents_the_command(run):
    proc = run("import", "--help")
    assert proc.returncode == 0
    for flag in ("--board", "--kind", "--sheet", "--db", "--dry-run", "--json"):
        assert flag in proc.stdout


def test_human_summary(run, risk_file, db_url):
    proc = run("import", str(risk_file), "--board", "b", "--db", db_url)
    assert "risk register, 2 rows loaded" in proc.stdout and "2 added" in proc.stdout
    assert "Renew as required" in proc.stdout


@pytest.mark.slow
def test_python_dash_m_loaders_imports_a_file(risk_file, db_url):
    """The one run in a new interpreter: `python -m loaders` is the command leads' scripts call."""
    proc = subprocess.run([sys.executable, "-m", "loaders", "import", str(risk_file), "--board", "b", "--db", db_url,
                           "--json"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert (out["status"], out["changes"]["added"]) == ("ok", 2)
    assert [r["title"] for r in out["records"]] == ["Funding withdrawn", "Staff leave"]
