"""Anything a user typed is shown as text, exports never carry live formulas, names never become paths."""

import io

import pandas as pd
import pytest
from conftest import ROOT, xlsx
from signed_in import open_page
from sqlalchemy import select

from data_model.tables import Upload
from loaders import import_bytes
from loaders.text import safe_file_name
from presentation.safe import csv_bytes, md, neutralise


def test_markdown_from_users_is_escaped():
    assert md("**bold** [x](javascript:alert(1)) $x$ <b>") == (
        r"\*\*bold\*\* \[x\]\(javascript\:alert\(1\)\) \$x\$ \<b\>")


def test_exports_neutralise_formula_looking_cells():
    assert [neutralise(v) for v in ["=1+1", "+44 20", "-2", "@SUM(A1)", "plain", 5]] == [
        "'=1+1", "'+44 20", "'-2", "'@SUM(A1)", "plain", 5]
    frame = pd.DataFrame({"Owner": ['=HYPERLINK("http://evil","click")', "Kim"], "Row": [2, 3]})
    back = pd.read_csv(io.BytesIO(csv_bytes(frame)), encoding="utf-8-sig")
    assert back["Owner"].tolist() == ['\'=HYPERLINK("http://evil","click")', "Kim"]


def test_uploaded_file_names_are_labels_not_paths(engine, tmp_path):
    assert safe_file_name("../../etc/passwd.xlsx") == "passwd.xlsx"
    assert safe_file_name(r"C:\Users\lead\Desktop\tracker.xlsx") == "tracker.xlsx"
    data = xlsx({"S": [["Milestone", "Due"], ["A", "May 16"]]})
    before = set(tmp_path.parent.rglob("*"))
    result = import_bytes(data, "../../../tmp/evil/tracker.xlsx", "b", engine=engine)
    with engine.connect() as conn:
        stored = conn.execute(select(Upload.__table__.c.file_name)).scalar_one()
    assert result.status == "ok" and stored == "tracker.xlsx"
    assert not any("evil" in str(p) for p in set(tmp_path.parent.rglob("*")) - before)


@pytest.mark.slow
def test_upload_page_shows_user_text_as_text(app_database, sample_boards):
    at = open_page("upload.py", board="rutland-hwb")
    data = (ROOT / "tests" / "corpus" / "script-and-markdown.xlsx").read_bytes()
    at.file_uploader[0].set_value(("**evil** [x](javascript:alert(1)).xlsx", data, "application/vnd.ms-excel")).run()
    assert not at.exception
    line = next(m.value for m in at.markdown if "reads as a" in m.value)
    assert line.startswith(r"**\*\*evil\*\* \[x\]\(javascript\:alert\(1\)\)\.xlsx**")
    preview = next(df.value for df in at.dataframe if "Title" in df.value.columns)
    assert "**Recruit** [staff](javascript:alert(1)) $x^2$" not in preview["Title"].tolist()  # markdown stripped
    assert all("<script" not in t for t in preview["Title"])
