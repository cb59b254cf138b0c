"""A board pack that cannot be built: the download says so in words, the Board pack page says so on its next run
(what happened and what to do), the server's log keeps the traceback, and nothing is shown as a traceback."""

from __future__ import annotations

import logging
from datetime import date

import pytest
from signed_in import open_page
from streamlit.runtime.media_file_manager import MediaFileManager


@pytest.fixture
def deferred_downloads(monkeypatch) -> dict[str, object]:
    """Each deferred download the page registers, by file name: what Streamlit runs when its button is clicked.
    Recorded on the way through; the page's buttons are registered as ever."""
    found: dict[str, object] = {}
    original = MediaFileManager.add_deferred

    def spy(self, data_callable, mimetype, coordinates, file_name=None, *args, **kwargs):
        found[file_name] = data_callable
        return original(self, data_callable, mimetype, coordinates, file_name, *args, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", spy)
    return found


@pytest.mark.slow
def test_a_pack_that_cannot_be_built_is_said_on_the_page_and_logged(engine, board, app_database, monkeypatch,
                                                                     deferred_downloads, caplog):
    from data_model.snapshots import take_snapshot
    from exports import service

    monkeypatch.setenv("DASHBOARD_SAMPLE_DATA", "0")
    frozen = take_snapshot(engine, "test-board", date(2016, 9, 27), "chair@pack.example.org")

    def broken(content, fmt):  # the failure injected: the template cannot be filled (the database is real)
        raise KeyError("a value the template needs")

    at = open_page("board_pack.py", board="test-board")
    assert not at.exception and not at.error
    assert at.query_params["snapshot"] == str(frozen.id)
    click = deferred_downloads["test-board_2016-09-27_board-pack.pdf"]
    with monkeypatch.context() as patch, caplog.at_level(logging.ERROR):
        patch.setattr(service, "render", broken)
        data = click()  # what Streamlit runs for the click, outside the page's run
    said = data.decode("utf-8")
    assert said.startswith("The PDF pack could not be built, so no file was made; the board's data is unchanged.")
    assert "Try again, or download the Excel pack, which holds every row, in the meantime." in said
    assert "tell your dashboard administrator that the PDF pack of Test Board failed at" in said
    assert "Traceback" not in said and "KeyError" not in said
    logged = [r for r in caplog.records if "could not be built" in r.getMessage()]
    assert logged and logged[0].exc_info and logged[0].exc_info[0] is KeyError  # the traceback, for the server log

    at.run()  # the page's next run says it
    assert not at.exception
    assert len(at.error) == 1 and at.error[0].value.startswith("The PDF pack could not be built")
    assert "Traceback" not in at.error[0].value
    at.run()  # said once, not on every run after
    assert not at.error

    # With the renderer working again, a click gives the pack itself.
    data = deferred_downloads["test-board_2016-09-27_board-pack.xlsx"]()
    assert data[:2] == b"PK"  # an Excel workbook, not a sentence
