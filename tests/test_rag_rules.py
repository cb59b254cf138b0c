"""Each RAG rule is written twice in data_model.rag, as SQL (the pages' counts) and in Python (the upload preview, the
heat map). Both forms must give every row the same answer: here they are run on the same rows, the SQL form by a
SELECT over rows inserted into a real database (SQLite and PostgreSQL), with the columns typed as the app stores
them, and the Python form on the same values."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from conftest import examples
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    case,
    delete,
    func,
    insert,
    select,
)

from data_model.rag import RagRules

META = MetaData()
MILESTONES = Table("rule_milestone", META, Column("id", Integer, primary_key=True), Column("status", String(20)),
                   Column("due", Date), Column("completed", Date))
RISKS = Table("rule_risk", META, Column("id", Integer, primary_key=True), Column("score", Integer),
              Column("given_rag", String(10)))
# Pence, as budget_amount stores them; the SQL rule sees their sums (NUMERIC on PostgreSQL), as the pages do.
BUDGET = Table("rule_budget", META, Column("id", Integer, primary_key=True), Column("allocated", BigInteger),
               Column("compare", BigInteger))
METRICS = Table("rule_metric", META, Column("id", Integer, primary_key=True), Column("target", Float),
                Column("actual", Float), Column("direction", String(10)))

STATUSES = (None, "not_started", "in_progress", "complete", "delayed", "on_hold", "cancelled")
EXAMPLES = settings(max_examples=examples(120), deadline=None)


@pytest.fixture
def tables(engine):
    META.create_all(engine)
    return engine


def select_rows(engine, table, rows: list[dict], *columns, group: bool = False) -> list[tuple]:
    """Insert ``rows`` (numbered in order) into ``table`` and return ``columns`` per row, in that order."""
    numbered = [{"id": i, **row} for i, row in enumerate(rows, start=1)]
    with engine.begin() as conn:
        conn.execute(delete(table))
        if numbered:
            conn.execute(insert(table), numbered)
        q = select(*columns).select_from(table).order_by(table.c.id)
        return [tuple(r) for r in conn.execute(q.group_by(table.c.id) if group else q).all()]


def flag(predicate):
    """A SQL condition as 1 or 0 (NULL, as in a WHERE clause, counts as false)."""
    return case((predicate, 1), else_=0)


# -- Hypothesis strategies: a board's rules, and rows that sit on and around their thresholds -----------------

PCTS = st.sampled_from([0.0, 0.5, 1.0, 2.5, 5.0, 7.3, 10.0, 12.5, 33.3])


@st.composite
def rules(draw) -> RagRules:
    amber = draw(st.integers(1, 24))
    budget_amber = draw(PCTS)
    return RagRules(
        milestone_due_soon_days=draw(st.sampled_from([0, 1, 7, 30]) | st.integers(0, 90)),
        milestone_grace_days=draw(st.sampled_from([0, 1, 5]) | st.integers(0, 30)),
        risk_amber_from=amber, risk_red_from=draw(st.integers(amber + 1, 25)),
        budget_amber_pct=budget_amber,
        budget_red_pct=draw(PCTS.filter(lambda p: p > budget_amber) | st.just(budget_amber + 5.0)),
        metric_tolerance_pct=draw(PCTS | st.floats(0, 50).map(lambda x: round(x, 2))),
    )


AS_AT = st.dates(date(2000, 1, 1), date(2040, 12, 31))


@st.composite
def milestone_rows(draw, rules: RagRules, as_at: date) -> list[dict]:
    grace, soon = rules.milestone_grace_days, rules.milestone_due_soon_days
    edges = [-grace - 1, -grace, -grace + 1, -1, 0, 1, soon - 1, soon, soon + 1]
    offset = st.sampled_from(edges) | st.integers(-800, 800)
    due = st.none() | offset.map(lambda days: as_at + timedelta(days=days))
    completed = st.none() | offset.map(lambda days: as_at + timedelta(days=days))
    return draw(st.lists(st.fixed_dictionaries({"status": st.sampled_from(STATUSES), "due": due,
                                                "completed": completed}), max_size=25))


def risk_rows(rules: RagRules):
    edges = [rules.risk_amber_from - 1, rules.risk_amber_from, rules.risk_red_from - 1, rules.risk_red_from]
    score = st.none() | st.sampled_from(edges) | st.integers(0, 25)
    return st.lists(st.fixed_dictionaries({"score": score, "given_rag": st.sampled_from([None, "red", "amber", "green"])}),
                    max_size=25)


@st.composite
def budget_row(draw, rules: RagRules) -> dict:
    allocated = draw(st.none() | st.just(0) | st.integers(-10**12, 10**12) | st.integers(-10**6, 10**6).map(
        lambda n: n * 1000))
    if allocated is None:
        return {"allocated": None, "compare": draw(st.none() | st.integers(-10**12, 10**12))}
    # On a tolerance exactly (in whole pence where it is one), a penny either side, or anywhere.
    pct = draw(st.sampled_from([rules.budget_amber_pct, rules.budget_red_pct]))
    off = round(abs(allocated) * pct / 100) * draw(st.sampled_from([1, -1]))
    compare = draw(st.none() | st.just(0) | st.just(allocated) | st.integers(-10**12, 10**12)
                   | st.sampled_from([allocated + off, allocated + off + 1, allocated + off - 1]))
    return {"allocated": allocated, "compare": compare}


@st.composite
def metric_row(draw, rules: RagRules) -> dict:
    number = st.floats(-1e9, 1e9, allow_nan=False, allow_subnormal=False)
    target = draw(st.none() | st.just(0.0) | number | st.integers(-1000, 1000).map(float))
    direction = draw(st.sampled_from([None, "higher", "lower"]))
    if target is None:
        return {"target": None, "actual": draw(st.none() | number), "direction": direction}
    slack = abs(target) * (rules.metric_tolerance_pct / 100.0)  # the rule's own edge, computed as the rule does
    actual = draw(st.none() | number | st.sampled_from([target, target - slack, target + slack, target - 2 * slack,
                                                         target + 2 * slack, target * 1.0000001]))
    return {"target": target, "actual": actual, "direction": direction}


# -- The SQL and Python forms agree -------------------------------------------------------------------------

def milestones_agree(engine, rules: RagRules, as_at: date, rows: list[dict]) -> None:
    t = MILESTONES.c
    sql = select_rows(engine, MILESTONES, rows,
                      rules.milestone_sql(status=t.status, due=t.due, completed=t.completed, as_at=as_at),
                      flag(rules.milestone_open_sql(status=t.status, completed=t.completed)),
                      flag(rules.milestone_overdue_sql(due=t.due, as_at=as_at)),
                      flag(rules.milestone_due_soon_sql(due=t.due, as_at=as_at)))
    python = [(rules.milestone(status=r["status"], due=r["due"], completed=r["completed"], as_at=as_at),
               int(rules.milestone_open(status=r["status"], completed=r["completed"])),
               int(rules.milestone_overdue(due=r["due"], as_at=as_at)),
               int(rules.milestone_due_soon(due=r["due"], as_at=as_at))) for r in rows]
    assert sql == python, (rules, as_at, rows)


def risks_agree(engine, rules: RagRules, rows: list[dict]) -> None:
    sql = select_rows(engine, RISKS, rows, rules.risk_sql(score=RISKS.c.score, given_rag=RISKS.c.given_rag))
    assert sql == [(rules.risk(score=r["score"], given_rag=r["given_rag"]),) for r in rows], (rules, rows)


def budget_agrees(engine, rules: RagRules, rows: list[dict]) -> None:
    sums = {"allocated": func.sum(BUDGET.c.allocated), "compare": func.sum(BUDGET.c["compare"])}  # .c.compare is a method
    sql = select_rows(engine, BUDGET, rows, rules.budget_sql(**sums), *sums.values(), group=True)
    assert [rag for rag, _, _ in sql] == [rules.budget(**r) for r in rows], (rules, rows)
    # The Python form gives the same answer for the database's own sums (Decimal on PostgreSQL) as for plain ints.
    assert [rag for rag, _, _ in sql] == [rules.budget(allocated=a, compare=c) for _, a, c in sql]


def metrics_agree(engine, rules: RagRules, rows: list[dict]) -> None:
    t = METRICS.c
    sql = select_rows(engine, METRICS, rows, rules.metric_sql(target=t.target, actual=t.actual, direction=t.direction))
    assert sql == [(rules.metric(**r),) for r in rows], (rules, rows)


def test_milestone_rule_and_its_overdue_and_due_soon_predicates_agree(tables):
    @EXAMPLES
    @given(st.data(), rules(), AS_AT)
    def check(data, rules, as_at):
        milestones_agree(tables, rules, as_at, data.draw(milestone_rows(rules, as_at)))

    check()


def test_risk_rule_agrees(tables):
    @EXAMPLES
    @given(st.data(), rules())
    def check(data, rules):
        risks_agree(tables, rules, data.draw(risk_rows(rules)))

    check()


def test_budget_rule_agrees(tables):
    @EXAMPLES
    @given(st.data(), rules())
    def check(data, rules):
        budget_agrees(tables, rules, data.draw(st.lists(budget_row(rules), max_size=25)))

    check()


def test_metric_rule_agrees(tables):
    @EXAMPLES
    @given(st.data(), rules())
    def check(data, rules):
        metrics_agree(tables, rules, data.draw(st.lists(metric_row(rules), max_size=25)))

    check()


# -- The edges, named: what a board reads under the default rules, from both forms ---------------------------

DAY = timedelta(days=1)
TODAY = date(2016, 9, 27)


def test_named_edges_under_the_default_rules(tables):
    rules = RagRules()  # due soon 30 days, no grace; risk amber 5, red 15; budget 5% / 10%; metric 5%
    milestones = [  # (status, due, completed) -> rag
        ((None, TODAY - DAY, None), "red"), (("in_progress", TODAY, None), "amber"),
        (("not_started", TODAY + 30 * DAY, None), "amber"), (("not_started", TODAY + 31 * DAY, None), "green"),
        (("on_hold", TODAY + 400 * DAY, None), "amber"), (("delayed", TODAY - 2 * DAY, None), "red"),
        (("complete", TODAY - 99 * DAY, None), "green"), (("in_progress", TODAY - 9 * DAY, TODAY - DAY), "green"),
        (("cancelled", TODAY - 9 * DAY, None), None), (("cancelled", None, TODAY), None),
        (("in_progress", None, None), None)]
    rows = [dict(zip(("status", "due", "completed"), key, strict=True)) for key, _ in milestones]
    milestones_agree(tables, rules, TODAY, rows)
    assert [rules.milestone(**r, as_at=TODAY) for r in rows] == [rag for _, rag in milestones]
    graced = RagRules(milestone_grace_days=3)
    assert [graced.milestone(status=None, due=TODAY - d * DAY, completed=None, as_at=TODAY) for d in (3, 4)] == [
        "amber", "red"]  # three days' grace: due three days ago is not yet overdue, four days ago is
    milestones_agree(tables, graced, TODAY, [{"status": None, "due": TODAY - d * DAY, "completed": None}
                                             for d in (2, 3, 4)])

    risks = [((None, None), None), ((None, "red"), "red"), ((0, None), "green"), ((4, None), "green"),
             ((5, None), "amber"), ((14, "green"), "amber"), ((15, None), "red"), ((25, None), "red")]
    rows = [dict(zip(("score", "given_rag"), key, strict=True)) for key, _ in risks]
    risks_agree(tables, rules, rows)
    assert [rules.risk(**r) for r in rows] == [rag for _, rag in risks]

    budget = [((None, 100), None), ((100, None), None), ((0, 0), "green"), ((0, 1), "red"), ((0, -1), "red"),
              ((100_000, 105_000), "green"), ((100_000, 105_001), "amber"), ((100_000, 94_999), "amber"),
              ((100_000, 110_000), "amber"), ((100_000, 110_001), "red"), ((100_000, -100_000), "red"),
              ((-100_000, -105_000), "green"), ((-100_000, -108_000), "amber"), ((-100_000, 100_000), "red")]
    rows = [dict(zip(("allocated", "compare"), key, strict=True)) for key, _ in budget]
    budget_agrees(tables, rules, rows)
    assert [rules.budget(**r) for r in rows] == [rag for _, rag in budget]

    metrics = [((None, 1.0, "higher"), None), ((1.0, None, "lower"), None), ((1.0, 1.0, None), None),
               ((100.0, 100.0, "lower"), "green"), ((100.0, 105.0, "lower"), "amber"),
               ((100.0, 105.01, "lower"), "red"), ((100.0, 95.0, "higher"), "amber"), ((100.0, 94.99, "higher"), "red"),
               ((0.0, 0.0, "higher"), "green"), ((0.0, -0.01, "higher"), "red"), ((-10.0, -10.5, "higher"), "amber")]
    rows = [dict(zip(("target", "actual", "direction"), key, strict=True)) for key, _ in metrics]
    metrics_agree(tables, rules, rows)
    assert [rules.metric(**r) for r in rows] == [rag for _, rag in metrics]


def test_the_heat_map_bands_are_the_risk_rule():
    import pandas as pd

    from presentation.risk_view import heat_cells

    rules = RagRules(risk_amber_from=4, risk_red_from=12)
    cells = heat_cells(pd.DataFrame(columns=["likelihood", "impact", "status"]), rules)
    words = {"red": "Red", "amber": "Amber", "green": "Green"}
    assert cells["rag"].tolist() == [words[rules.risk(score=s, given_rag=None)] for s in cells["score"]]
    assert cells.set_index("score").loc[[3, 4, 12], "rag"].drop_duplicates().tolist() == ["Green", "Amber", "Red"]
