"""A column the file does not have says nothing about its field: loading keeps the stored value, and the preview's
change list says exactly what loading does. A blank cell in a column the file has is the lead blanking it."""

from conftest import xlsx
from sqlalchemy import select

from data_model.queries import upload_changes
from data_model.tables import BudgetAmount, MetricValue, Milestone, Phase, Risk, RiskAssessment
from loaders import import_bytes

M = Milestone.__table__


def planned(engine, data: bytes) -> set[tuple]:
    """What the upload page's "What loading will change" lists for this file: (action, label, field, was, now)."""
    trial = import_bytes(data, "t.xlsx", "b", engine=engine, dry_run=True)
    assert trial.status == "ok", trial.analysis.errors
    return {(r["action"], r["label"], r["field"], r["old_value"], r["new_value"]) for r in trial.stored.change_rows}


def loaded(engine, data: bytes, name: str) -> set[tuple]:
    """Load the file; the change log it wrote, as the "What changed" history reads it."""
    result = import_bytes(data, name, "b", engine=engine)
    assert result.status == "ok", result.analysis.errors
    df = upload_changes(engine, result.upload_id).astype(object).where(lambda d: d.notna(), None)
    return {t for t in zip(df["action"], df["label"], df["field"], df["old_value"], df["new_value"], strict=True)
            if t[0] != "added"}


def starts(engine) -> dict[str, str | None]:
    with engine.connect() as conn:
        return {r.title: (str(r.start) if r.start else None, r.start_raw)
                for r in conn.execute(select(M.c.title, M.c.start, M.c.start_raw))}


def test_a_tracker_without_a_start_column_keeps_the_stored_starts_and_a_blank_start_cell_clears_one(engine):
    with_start = xlsx({"Plan": [["Priority", "Milestone", "Start", "Due", "Status"],
                                ["Crisis response", "Hub in GP surgeries", "01/06/2016", "31/01/2017", "In progress"],
                                ["Crisis response", "Rapid response team", "01/04/2016", "30/09/2016", "Complete"]]})
    loaded(engine, with_start, "v1.xlsx")
    assert starts(engine) == {"Hub in GP surgeries": ("2016-06-01", "01/06/2016"),
                              "Rapid response team": ("2016-04-01", "01/04/2016")}

    # the same rows, no Start column, one due date moved: only the due date changes, in the preview and the load
    no_start = xlsx({"Plan": [["Priority", "Milestone", "Due", "Status"],
                              ["Crisis response", "Hub in GP surgeries", "30/09/2017", "In progress"],
                              ["Crisis response", "Rapid response team", "30/09/2016", "Complete"]]})
    expected = {("updated", "Hub in GP surgeries", "due", "2017-01-31", "2017-09-30")}
    assert planned(engine, no_start) == expected
    assert loaded(engine, no_start, "v2.xlsx") == expected
    assert starts(engine) == {"Hub in GP surgeries": ("2016-06-01", "01/06/2016"),
                              "Rapid response team": ("2016-04-01", "01/04/2016")}

    # a Start column whose cell the lead blanked: that start is cleared, and the change list says so beforehand
    blanked = xlsx({"Plan": [["Priority", "Milestone", "Start", "Due", "Status"],
                             ["Crisis response", "Hub in GP surgeries", None, "30/09/2017", "In progress"],
                             ["Crisis response", "Rapid response team", "01/04/2016", "30/09/2016", "Complete"]]})
    expected = {("updated", "Hub in GP surgeries", "start", "2016-06-01", None)}
    assert planned(engine, blanked) == expected
    assert loaded(engine, blanked, "v3.xlsx") == expected
    assert starts(engine) == {"Hub in GP surgeries": (None, None), "Rapid response team": ("2016-04-01", "01/04/2016")}


def test_a_register_without_owner_or_rating_columns_keeps_them(engine):
    RA = RiskAssessment.__table__
    loaded(engine, xlsx({"Register": [["Ref", "Priority", "Risk", "Likelihood", "Impact", "Mitigation", "Owner"],
                                      ["R1", "Crisis", "Funding cut", "H", "M", "Lobby", "CFO"]]}), "v1.xlsx")
    # no Likelihood, Impact or Owner columns; the mitigation changed
    v2 = xlsx({"Register": [["Ref", "Priority", "Risk", "Mitigation"], ["R1", "Crisis", "Funding cut", "Lobby harder"]]})
    expected = {("updated", "Funding cut", "mitigation", "Lobby", "Lobby harder")}
    assert planned(engine, v2) == expected
    assert loaded(engine, v2, "v2.xlsx") == expected
    with engine.connect() as conn:
        risk = conn.execute(select(Risk.__table__)).one()
        ratings = conn.execute(select(RA.c.likelihood, RA.c.impact, RA.c.score).order_by(RA.c.id)).all()
    assert (risk.owner, risk.mitigation) == ("CFO", "Lobby harder")
    assert [tuple(r) for r in ratings] == [(5, 3, 15)]  # no new assessment: the ratings did not change

    # the Owner column back, blank: the owner is cleared
    v3 = xlsx({"Register": [["Ref", "Priority", "Risk", "Mitigation", "Owner"],
                            ["R1", "Crisis", "Funding cut", "Lobby harder", None]]})
    assert planned(engine, v3) == {("updated", "Funding cut", "owner", "CFO", None)}


def test_a_budget_without_a_forecast_column_keeps_the_stored_forecasts(engine):
    BA = BudgetAmount.__table__
    head = ["Ref", "Priority", "Budget line", "Period", "Allocated", "Forecast", "Spent"]
    loaded(engine, xlsx({"Budget": [head, ["B1", "Crisis", "Hub staff", "2016-17", 1000, 900, 400]]}), "v1.xlsx")
    v2 = xlsx({"Budget": [["Ref", "Priority", "Budget line", "Period", "Allocated", "Spent"],
                          ["B1", "Crisis", "Hub staff", "2016-17", 1000, 600]]})
    expected = {("updated", "Hub staff (2016-17)", "spent", "£400", "£600")}
    assert planned(engine, v2) == expected
    assert loaded(engine, v2, "v2.xlsx") == expected
    with engine.connect() as conn:
        amount = conn.execute(select(BA.c.allocated_pence, BA.c.forecast_pence, BA.c.spent_pence)).one()
    assert tuple(amount) == (100000, 90000, 60000)


def test_a_metrics_return_without_a_target_column_keeps_the_stored_targets(engine):
    MV = MetricValue.__table__
    head = ["Priority", "Metric", "Period", "Target", "Actual", "Direction"]
    loaded(engine, xlsx({"Metrics": [head, ["Crisis", "Delayed transfers", "2016-17 Q1", 250, 262,
                                            "Lower is better"]]}), "v1.xlsx")
    v2 = xlsx({"Metrics": [["Priority", "Metric", "Period", "Actual", "Direction"],
                           ["Crisis", "Delayed transfers", "2016-17 Q1", 240, "Lower is better"]]})
    expected = {("updated", "Delayed transfers (2016-17 Q1)", "actual", "262", "240")}
    assert planned(engine, v2) == expected
    assert loaded(engine, v2, "v2.xlsx") == expected
    with engine.connect() as conn:
        value = conn.execute(select(MV.c.target, MV.c.actual, MV.c.target_raw)).one()
    assert (float(value.target), float(value.actual), value.target_raw) == (250, 240, "250")


def test_a_direction_the_lead_stated_is_never_replaced_by_one_guessed_from_the_metrics_name(engine):
    """"Delayed transfers" reads as lower-is-better from its name; this board counts a measure where more is better,
    and said so. A later return with no Direction column keeps what the lead said; a new metric in it takes the
    guess."""
    from data_model.tables import Metric

    directions = lambda: {r.name: r.direction for r in engine.connect().execute(  # noqa: E731
        select(Metric.__table__.c.name, Metric.__table__.c.direction))}
    loaded(engine, xlsx({"Metrics": [["Priority", "Metric", "Period", "Actual", "Direction"],
                                     ["Crisis", "Delayed transfers avoided", "2016-17 Q1", 26, "Higher is better"]]}),
           "v1.xlsx")
    v2 = xlsx({"Metrics": [["Priority", "Metric", "Period", "Actual"],
                           ["Crisis", "Delayed transfers avoided", "2016-17 Q1", 30],
                           ["Crisis", "Emergency admissions", "2016-17 Q1", 410]]})
    assert not [c for c in planned(engine, v2) if c[2] == "direction"]  # the preview lists no direction change
    loaded(engine, v2, "v2.xlsx")
    assert directions() == {"Delayed transfers avoided": "higher", "Emergency admissions": "lower"}


def test_a_tracker_without_a_phase_column_keeps_each_milestone_s_phase(engine):
    phases = Phase.__table__
    head = ["Ref", "Priority", "Phase", "Milestone", "Due"]
    loaded(engine, xlsx({"Plan": [head, ["M1", "Crisis", "Phase 1", "Open the hub", "31/01/2017"]]}), "v1.xlsx")
    v2 = xlsx({"Plan": [["Ref", "Priority", "Milestone", "Due"], ["M1", "Crisis", "Open the hub", "30/09/2017"]]})
    assert loaded(engine, v2, "v2.xlsx") == {("updated", "Open the hub", "due", "2017-01-31", "2017-09-30")}
    with engine.connect() as conn:
        phase = conn.execute(select(phases.c.name).join(M, M.c.phase_id == phases.c.id)).scalar()
    assert phase == "Phase 1"


def test_a_milestone_moved_to_another_phase_or_locality_is_listed_before_and_after_loading(engine):
    head = ["Ref", "Priority", "Phase", "Locality", "Milestone", "Due"]
    loaded(engine, xlsx({"Plan": [head, ["M1", "Crisis", "Phase 1", "Airdrie", "Open the hub", "31/01/2017"],
                                  ["M2", "Crisis", "Phase 1", "Airdrie", "Staff the hub", "31/03/2017"]]}), "v1.xlsx")
    v2 = xlsx({"Plan": [head, ["M1", "Crisis", "Phase 2", "Airdrie", "Open the hub", "31/01/2017"],
                        ["M2", "Crisis", "PHASE 1", "Coatbridge", "Staff the hub", "31/03/2017"]]})
    expected = {("updated", "Open the hub", "phase", "Phase 1", "Phase 2"),
                ("updated", "Staff the hub", "locality", "Airdrie", "Coatbridge")}  # "PHASE 1" is the same phase
    assert planned(engine, v2) == expected
    assert loaded(engine, v2, "v2.xlsx") == expected
    assert planned(engine, v2) == set()  # loaded: nothing left to change
