"""The sample boards' meetings, as their seeds describe them: Rutland's numbered reports, matters arising carried
from June to September 2016, and the P2IS reporting schedule heard at the meetings it names."""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy import func, select

from data_model import forward_plan, queries
from data_model import meetings as mt
from data_model.rollups import Filters
from data_model.tables import Action, AgendaItem
from sample_data import load_sample_data


@pytest.mark.slow  # loads every sample board
def test_sample_meetings_follow_their_seeds_and_load_once(sample_boards, engine):
    # sample_boards is the first start's database, made by load_sample_data once per test session (test_sample_data
    # times it); here it is loaded again below, which must add nothing.
    rutland = queries.board(engine, "rutland-hwb")["id"]
    listed = mt.meetings(engine, rutland).set_index("date")
    june = listed.loc[date(2016, 6, 28)]
    assert june["start_time"] == time(14, 0) and june["venue"].startswith("Council Chamber, Catmose")
    assert "illustrative" in june["notes"]
    agenda = mt.agenda(engine, rutland, int(june["id"])).set_index("number")
    assert len(agenda) == 12
    assert mt.report_label(agenda.loc["5", "report_number"]) == "Report No. 123/2016"
    assert agenda.loc["7", "report_number"] == "130/2016" and agenda.loc["5", "purpose"] == "approval"
    assert agenda.loc["5", "workstreams"] == "Crisis response, Enablers, LTC Management, Unified Prevention"
    assert not mt.decisions(engine, rutland, int(june["id"])).empty

    # September hears the actions still open from June; the Section 75 action closed on 30 June is not among them.
    arising = mt.matters_arising(engine, rutland, date(2016, 9, 27))
    assert "Finalise the Section 75 agreement and submit it to NHS England" not in set(arising["title"])
    assert "Progress report on the Children, Young People and Families Plan priority actions" in set(arising["title"])

    p2is = queries.board(engine, "nottinghamshire-p2is")["id"]
    first = [date(2008, 11, 15), date(2008, 12, 15), date(2009, 1, 15)]
    plan = forward_plan.schedule_before_meetings(engine, Filters(p2is, as_at=date(2008, 11, 1)), first)
    november = plan[plan["meeting"] == date(2008, 11, 15)]
    assert "Agreement of Group Terms of Reference" in [i for items in november["agenda_items"] for i in items]

    with engine.connect() as conn:
        counts = conn.execute(select(select(func.count()).select_from(AgendaItem).scalar_subquery(),
                                     select(func.count()).select_from(Action).scalar_subquery())).one()
    load_sample_data(engine)
    with engine.connect() as conn:
        again = conn.execute(select(select(func.count()).select_from(AgendaItem).scalar_subquery(),
                                    select(func.count()).select_from(Action).scalar_subquery())).one()
    assert tuple(again) == tuple(counts)
