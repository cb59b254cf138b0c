"""The benchmark data generator writes trackers the loaders accept."""

from sqlalchemy import func, select

from data_model.tables import BudgetAmount, Milestone, Risk
from sample_data.synthetic import build, load


def test_synthetic_set_loads_with_the_counts_asked_for(tmp_path, db_url, engine):
    files = build(tmp_path, boards=2, milestones=40, risks=20, budget_amounts=48)
    load(files, db_url)
    with engine.connect() as conn:
        counts = [conn.execute(select(func.count()).select_from(t.__table__)).scalar_one()
                  for t in (Milestone, Risk, BudgetAmount)]
    assert counts == [40, 20, 48]
