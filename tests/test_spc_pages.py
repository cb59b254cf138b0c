"""SPC on the pages, on the sample boards: the Metrics page draws the XmR chart with its icons in words and its
reading, the Overview and Localities say SPC or RAG, and a chair's SPC settings are saved, audited and used."""

import json
import re

import pytest
from signed_in import open_page
from sqlalchemy import select

from data_model import open_database
from data_model.tables import AuditEvent, Board


def charts(at):
    return [json.loads(e.proto.spec) for e in at.main if getattr(e, "type", "") == "vega_lite_chart"]


def texts(at):
    return [m.value for m in at.markdown] + [c.value for c in at.caption]


@pytest.mark.slow
def test_metrics_page_shows_the_xmr_chart_icons_in_words_and_the_reading(sample_app):
    at = open_page("metrics.py", board="rutland-hwb")
    assert not at.exception
    shown = texts(at)
    assert any(r"Variation\: Improving \(low\)" in t for t in shown)
    assert any(r"Special cause of improving nature\: 8 points below the mean since August 2016" in t for t in shown)
    assert any(r"Variation\: Concern \(high\)" in t and r"Assurance\: Hit and miss" in t for t in shown)
    assert any(r"Run chart\: 3 points, fewer than the 13 needed for process limits" in t for t in shown)
    summary = next(_as_read(t.value) for t in at.table if "Reading" in t.value.columns).set_index("Metric")
    assert summary.loc["Falls admissions of over 65s per month", ["Variation", "Assurance"]].tolist() == [
        "Common cause", "Pass"]
    assert any(r"Assurance\: Pass] Consistently passing the target" in t for t in shown)
    assert summary.loc["User satisfaction", "Points"] == "3"
    titles = {c["title"]["text"]: c for c in charts(at)}
    chart = titles["Non-elective admissions per month"]
    marks = [layer["mark"] for layer in chart["layer"]]
    colours = {m.get("color") for m in marks if m["type"] == "line"}
    assert {"#1A1A1A", "#595959", "#C0392B"} <= colours  # the mean, the process limits and the target
    points = next(layer for layer in chart["layer"] if layer["mark"]["type"] == "point")
    assert points["encoding"]["color"]["scale"]["domain"] == ["Common cause", "Improvement"]
    assert points["encoding"]["shape"]["scale"]["domain"] == ["Common cause", "Improvement"]  # not colour alone


@pytest.mark.slow
def test_overview_and_localities_say_spc_or_rag(sample_app):
    at = open_page("overview.py", board="rutland-hwb")
    assert not at.exception
    matrix = next(df.value for df in at.table if "Workstream" in df.value.columns).set_index("Workstream")
    assert matrix.loc["Crisis response", "Metrics"] == "SPC: Concern (high) 1 · Improving (low) 1"
    # Quarterly: three points, so RAG (targets written in words are read as their figure: "...: 250").
    assert matrix.loc["Not assigned to a workstream", "Metrics"] == "Amber 1 · Green 5"
    assert matrix.loc["LTC Management", "Metrics"] == "SPC: Common cause 1"
    assert any("marked SPC" in c.value for c in at.caption)

    at = open_page("localities.py", board="north-lanarkshire-ijb")
    assert not at.exception
    # Places down the side, the three metrics across, in a table that wraps.
    tables = [_as_read(df.value) for df in at.table]
    side = next(t for t in tables if any(c.startswith("Delayed discharges (bed days") for c in t.columns))
    side = side.set_index("Locality").rename(columns=lambda c: c.rsplit(", ", 1)[0])  # "…, March 2019": its period
    assert side.loc["Airdrie", "Delayed discharges (bed days, weekly average)"].endswith(
        ("(Red)", "(Amber)", "(Green)"))  # four points a place: RAG, said in words
    emergency = side["Emergency admissions per 1,000 population (monthly)"]
    assert emergency["Coatbridge"].endswith("(SPC: Concern (high))")  # 24 points a place: SPC
    assert emergency["North"].endswith("(SPC: Improving (low))")
    assert emergency["Airdrie"].endswith("(SPC: Common cause)")
    by_place = next(t for t in tables if "Milestones" in t.columns).set_index("Locality")
    assert by_place.loc["Coatbridge", "Metrics"].startswith("SPC: Concern (high) 1; RAG: ")


def _as_read(frame):
    """A wrapping table as a reader sees it (st.table's cells are markdown: any markup in them is escaped)."""
    unescape = lambda v: re.sub(r"\\(.)", r"\1", str(v))  # noqa: E731
    return frame.map(unescape).rename(columns=unescape)


@pytest.mark.slow
def test_a_chair_sets_the_run_length_and_a_baseline_and_the_metrics_page_uses_them(sample_app):
    at = open_page("board_settings.py", board="rutland-hwb")
    assert not at.exception
    at.number_input(key="spc_run_length").set_value(7)
    next(b for b in at.button if b.label == "Save the run length").click().run()
    assert any("SPC run length: 6 → 7" in s.value for s in at.success)

    delays = _metric_id(sample_app, "Delayed transfers of care: days delayed per month")
    at.selectbox(key="spc_metric").set_value(delays).run()
    at.text_input(key="spc_recalculate").input("not a month")
    next(b for b in at.button if b.label == "Save for this metric").click().run()
    assert any("'not a month' is not a month or date" in e.value for e in at.error)
    at.number_input(key="spc_baseline").set_value(24)
    at.text_input(key="spc_recalculate").input("")
    next(b for b in at.button if b.label == "Save for this metric").click().run()
    assert any("baseline of the first 24 points" in s.value for s in at.success)

    engine = open_database(sample_app)
    with engine.connect() as conn:
        settings = conn.execute(select(Board.__table__.c.settings).where(Board.__table__.c.slug == "rutland-hwb")
                                ).scalar_one()
        audit = conn.execute(select(AuditEvent.__table__.c.detail).where(AuditEvent.__table__.c.action ==
                                                                         "rules_changed")).scalars().all()
    engine.dispose()
    assert settings["spc"]["run_length"] == 7
    assert [m["baseline"] for m in settings["spc"]["metrics"].values()] == [24]
    assert "SPC run length: 6 → 7" in audit and any("baseline of the first 24 points" in a for a in audit)

    metrics = open_page("metrics.py", board="rutland-hwb")
    assert any("a shift of 7 or more points" in c.value for c in metrics.caption)
    summary = next(_as_read(t.value) for t in metrics.table if "Reading" in t.value.columns).set_index("Metric")
    # With the limits fixed on the first 24 months, the rise from September 2016 reads against them.
    assert summary.loc["Delayed transfers of care: days delayed per month", "Reading"].startswith(
        "Special cause of concerning nature")


def _metric_id(db_url: str, name: str) -> int:
    from data_model.tables import Metric

    engine = open_database(db_url)
    with engine.connect() as conn:
        found = conn.execute(select(Metric.__table__.c.id).where(Metric.__table__.c.name == name)).scalar_one()
    engine.dispose()
    return int(found)


@pytest.mark.slow
def test_a_next_level_workstream_says_spc_for_its_long_series(app_database, monkeypatch):
    """The Overview's next-level matrices read metrics the SPC way too, not only the top level."""
    from conftest import xlsx

    from loaders import import_bytes

    monkeypatch.setenv("DASHBOARD_SAMPLE_DATA", "0")
    rows = [["Priority", "Scheme", "Metric", "Period", "Actual", "Direction"]]
    rows += [["Crisis", "Night sitting", "Calls answered in an hour", f"{month} 2016", 50 + (i % 3), "Higher"]
             for i, month in enumerate(["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                                        "Dec"])]
    rows += [["Crisis", "Night sitting", "Calls answered in an hour", f"{m} 2017", 51, "Higher"] for m in ("Jan", "Feb")]
    engine = open_database(app_database)
    assert import_bytes(xlsx({"Metrics": rows}), "metrics.xlsx", "spc-board", engine=engine).status == "ok"
    engine.dispose()
    at = open_page("overview.py", board="spc-board")
    assert not at.exception
    at.session_state["overview_open_spc-board_Crisis"] = True  # the person opens Crisis
    at.run()
    inner = [df.value for df in at.table if "Scheme" in df.value.columns]
    assert inner and inner[0].set_index("Scheme").loc["Night sitting", "Metrics"].startswith("SPC: ")
