"""The app on a real database: home page counts, board in the URL, and the upload page with a real file."""

import pytest
from conftest import as_read, xlsx
from signed_in import open_page
from streamlit.testing.v1 import AppTest


@pytest.mark.slow  # two sample-board page runs; the Overview tests read the board from the URL too
def test_board_in_the_url_is_selected_and_unknown_board_is_explained(app_database, sample_boards):
    at = open_page(board="rutland-hwb")
    assert at.sidebar.selectbox[0].value == "rutland-hwb"
    assert any(s.value == "Rutland Health and Wellbeing Board" for s in at.subheader)
    at2 = open_page(board="no-such-board")
    assert not at2.exception
    assert "no board called 'no-such-board'" in as_read(at2.sidebar.warning[0].value)


def test_empty_database_without_samples_explains_what_to_do(app_database, monkeypatch):
    monkeypatch.setenv("DASHBOARD_SAMPLE_DATA", "0")
    at = open_page()
    assert not at.exception
    assert "no boards to show yet" in at.info[0].value.lower()


def frame_with(at: AppTest, column: str):
    """The first table on the page that has this column (a scrolling one, or a static one that wraps its text)."""
    return next(df.value for df in [*at.dataframe, *at.table] if column in df.value.columns)


def upload_page(board: str = "bradford-tig") -> AppTest:
    at = open_page("upload.py", board=board)
    assert not at.exception
    return at


@pytest.mark.slow
def test_upload_page_previews_then_loads_a_real_file(app_database, sample_boards):
    at = upload_page()
    data = xlsx({"Register": [["Ref", "Risk", "Likelihood", "Impact", "Mitigation"],
                              ["TIG9", "Key staff leave", "High", "Med/High", "Succession plan"],
                              ["TIG10", "Data sharing stalls", "Low", "High", "Renew as required"]]})
    at.file_uploader[0].set_value(("new-register.xlsx", data, "application/vnd.ms-excel")).run()
    assert not at.exception
    assert any("reads as a **risk register**" in m.value for m in at.markdown)
    assert at.metric[0].value == "2"
    mapping = frame_with(at, "Your header")
    assert dict(zip(mapping["Your header"], mapping["Read as"], strict=True))["Likelihood"] == "Likelihood"
    preview = frame_with(at, "Score")
    assert preview["Score"].tolist() == [20, 5]
    # Bradford's register came from another sheet (risks.csv), so this file adds to it rather than replacing it.
    assert any("**2** additions" in m.value and "**0** removals" in m.value for m in at.markdown)
    [load] = [b for b in at.button if b.label.startswith("Load into")]
    load.click().run()
    assert not at.exception
    assert "2 added, 0 updated, 0 removed" in at.success[0].value
    changes = frame_with(at, "Item")
    assert set(changes[changes["Change"] == "Added"]["Item"]) == {"Key staff leave", "Data sharing stalls"}


def test_upload_page_shows_errors_and_loads_nothing(app_database, board, monkeypatch):
    monkeypatch.setenv("DASHBOARD_SAMPLE_DATA", "0")  # the known board alone: the fast loop builds no samples
    at = upload_page("test-board")
    bad = xlsx({"B": [["Budget line", "Allocated"], ["Posts", "lots of money"]]})
    at.file_uploader[0].set_value(("bad.xlsx", bad, "application/vnd.ms-excel")).run()
    assert not at.exception
    assert "can't be loaded" in at.error[0].value
    issues = frame_with(at, "What to do")
    assert issues.iloc[0]["Row"] == "2" and issues.iloc[0]["Value"] == "lots of money"  # a wrapping table: text
    assert not [b for b in at.button if b.label.startswith("Load into")]


@pytest.mark.slow  # a page run for its labels; test_templates checks each template in-process
def test_upload_page_offers_a_template_per_kind(app_database, sample_boards):
    at = upload_page()
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Milestone tracker", "Risk register", "Budget", "Metrics return", "Reporting schedule"]
