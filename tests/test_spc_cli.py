"""``python -m data_model spc``: the JSON contract, the input forms, and a sentence (never a traceback) for bad input."""

import io
import json
import subprocess
import sys

import pytest
from conftest import ROOT

from data_model.cli import main

HAND = [10, 12, 11, 13, 12, 14, 13, 15, 14, 12, 11, 13, 12]  # mean 12.46, limits 8.47 to 16.45 (tests/test_spc.py)


def run(capsys, argv, stdin=None, monkeypatch=None):
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(["spc", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_holds_every_point_with_its_limits_class_and_rules(tmp_path, capsys):
    path = tmp_path / "values.txt"
    path.write_text("\n".join(str(v) for v in [*HAND, 30]) + "\n")
    code, out, err = run(capsys, [str(path), "--direction", "increase", "--target", "8", "--json"])
    assert code == 0 and err == ""
    doc = json.loads(out)
    assert set(doc) == {"points", "variation", "assurance"}
    assert [p["index"] for p in doc["points"]] == list(range(14))
    first, last = doc["points"][0], doc["points"][-1]
    assert set(first) == {"index", "value", "mean", "upper", "lower", "class", "rules"}
    assert first["class"] == "common_cause" and first["rules"] == []
    assert last["value"] == 30 and last["class"] == "improvement" and last["rules"] == ["outside_limits"]
    assert doc["variation"] == "improvement_high"
    assert doc["assurance"] == "inconsistent"  # limits 6.35 to 21.08 hold the target 8


def test_fewer_than_13_points_give_null_limits_and_no_icons(capsys, monkeypatch):
    code, out, _ = run(capsys, ["--json", "--direction", "decrease", "--target", "5"], "1\n2\n3\n", monkeypatch)
    doc = json.loads(out)
    assert code == 0 and doc["variation"] is None and doc["assurance"] is None
    assert all(p["upper"] is None and p["lower"] is None and p["mean"] == 2 for p in doc["points"])


def test_a_two_column_csv_with_a_header_and_a_missing_period(tmp_path, capsys):
    rows = ["month,admissions"] + [f"2016-{m:02d},{v}" for m, v in enumerate(HAND[:6], start=1)] + ["2016-07,"] + \
        [f"2016-{m:02d},{v}" for m, v in enumerate(HAND[6:], start=8)]
    path = tmp_path / "series.csv"
    path.write_text("\n".join(rows) + "\n")
    code, out, _ = run(capsys, [str(path), "--json"])
    doc = json.loads(out)
    assert code == 0 and len(doc["points"]) == 14
    assert doc["points"][6] == {"index": 6, "value": None, "mean": doc["points"][0]["mean"], "upper":
                                doc["points"][0]["upper"], "lower": doc["points"][0]["lower"], "class": None,
                                "rules": []}
    assert round(doc["points"][0]["upper"], 2) == 16.45 and doc["variation"] == "common_cause"


def test_baseline_recalculation_and_screening_options(capsys, monkeypatch):
    values = "\n".join(str(v) for v in [10, 11] * 7 + [20, 21] * 7)
    _, out, _ = run(capsys, ["--json", "--recalculate-at", "14"], values, monkeypatch)
    means = {p["mean"] for p in json.loads(out)["points"]}
    assert means == {10.5, 20.5}
    _, out, _ = run(capsys, ["--json", "--baseline", "12"], values, monkeypatch)
    assert json.loads(out)["points"][-1]["mean"] == 10.5
    nhsr = "\n".join(str(v) for v in [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1])
    _, out, _ = run(capsys, ["--json", "--screen-moving-ranges"], nhsr, monkeypatch)
    assert round(json.loads(out)["points"][0]["upper"], 2) == 4.60


def test_text_output_says_the_icons_in_words(capsys, monkeypatch):
    code, out, _ = run(capsys, ["--direction", "increase", "--target", "20"], "\n".join(map(str, HAND)), monkeypatch)
    assert code == 0
    assert "Variation: Common cause variation: no significant change." in out
    assert "Assurance: Consistently failing the target." in out


@pytest.mark.parametrize(("stdin", "words"), [
    ("1\n2\nabc\n4\n", "Line 3 holds 'abc', which is not a number"),
    ("", "No values were given"),
    ("\n  \n", "No values were given"),
    ("a,b,c\n1,2,3\n", "needs two"),
    ("2016-01,\n2016-02,\n", "every row's value is empty"),
    ("1\nnan\n", "not a finite number"),
])
def test_bad_input_gets_a_sentence_and_exit_1(capsys, monkeypatch, stdin, words):
    code, out, err = run(capsys, ["--json"], stdin, monkeypatch)
    assert code == 1 and out == "" and words in err and "Traceback" not in err


def test_options_that_do_not_fit_the_series_and_a_missing_file(capsys, monkeypatch, tmp_path):
    code, _, err = run(capsys, ["--recalculate-at", "20"], "1\n2\n3\n", monkeypatch)
    assert code == 1 and "must be below 3" in err
    code, _, err = run(capsys, [str(tmp_path / "nope.csv")])
    assert code == 1 and "There is no file called" in err


def test_a_usage_error_exits_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["spc", "--direction", "up"])
    assert exc.value.code == 2 and "invalid choice" in capsys.readouterr().err


@pytest.mark.slow  # a new interpreter; the in-process tests cover the command
def test_the_command_runs_as_a_process_from_standard_input():
    proc = subprocess.run([sys.executable, "-m", "data_model", "spc", "--direction", "decrease", "--json"],
                          input="\n".join(map(str, [*HAND, 2])), capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["points"][-1]["rules"] == ["outside_limits"] and doc["variation"] == "improvement_low"
