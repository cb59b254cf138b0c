"""A board pack that cannot be built: the Board pack page says so at once, when Prepare is pressed (what happened and
what to do), offers no file, keeps the traceback for the server's log, and shows no traceback; with the fault gone
the next Prepare gives the pack."""

from __future__ import annotations

import logging
from datetime import date

import pytest
from signed_in import open_page


@pytest.mark.slow
def test_a_pack_that_cannot_be_built_is_said_on_the_page_and_logged(engine, board, app_database, monkeypatch, caplog):
    from data_model.snapshots import take_snapshot
    from exports import service

    monkeypatch.setenv("DASHBOARD_SAMPLE_DATA", "0")
    frozen = take_snapshot(engine, "test-board", date(2016, 9, 27), "chair@pack.example.org")

    def broken(content, fmt):  # the failure injected: the template cannot be filled (the database is real)
        raise KeyError("a value the template needs")

    at = open_page("board_pack.py", board="test-board")
    assert not at.exception and not at.error
    assert at.query_params["snapshot"] == str(frozen.id)
    with monkeypatch.context() as patch, caplog.at_level(logging.ERROR):
        patch.setattr(service, "render", broken)
        at.button(key="pack_prepare_pdf").click().run()
    assert not at.exception
    assert len(at.error) == 1
    said = at.error[0].value.replace("\\", "")  # as the reader sees it: the markdown escapes drawn
    assert said.startswith("The PDF pack could not be built, so no file was made; the board's data is unchanged.")
    assert "Try again, or download the Excel pack, which holds every row, in the meantime." in said
    assert "tell your dashboard administrator that the PDF pack of Test Board failed at" in said
    assert "Traceback" not in said and "KeyError" not in said
    assert not at.get("download_button")  # no file is offered
    logged = [r for r in caplog.records if "could not be built" in r.getMessage()]
    assert logged and logged[0].exc_info and logged[0].exc_info[0] is KeyError  # the traceback, for the server log

    at.run()  # said for the press, not on every run after
    assert not at.error

    # With the renderer working again, Prepare gives the pack itself.
    at.button(key="pack_prepare_pdf").click().run()
    assert not at.exception and not at.error
    assert [b.proto.label.split(" (")[0] for b in at.get("download_button")] == ["Download the PDF pack"]
