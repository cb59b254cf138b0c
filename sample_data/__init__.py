"""The sample boards: five programmes from real board papers, loaded through the same loaders a lead uses.

``load_sample_data`` creates each board with its meetings, then plays its history in date order
(``sample_data.timeline``): each tracker uploaded with ``loaders.import_bytes`` in dated versions before the meetings
(the earlier ones made from the committed file and labelled illustrative, ``sample_data.history``), each meeting given
its seed's agenda and decisions and a snapshot frozen by the chair on its day, and the actions arising opened after it
and closed on their day. It is what the app runs on its first start against an empty database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.engine import Engine

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class SampleBoard:
    slug: str
    name: str
    board_type: str
    area: str
    description: str
    files: tuple[tuple[str, str], ...]  # (file under sample_data/, kind)
    meetings: tuple[date, ...]
    uploads: tuple[date, ...] = ()  # when its trackers were uploaded: earlier versions, then the committed files


SAMPLE_BOARDS = (
    SampleBoard(
        "nottinghamshire-p2is", "Nottinghamshire P2IS Project Board", "Project board", "Nottinghamshire",
        "Pathway to Integrated Services: children's integrated early intervention (PID, 2008-10).",
        (("nottinghamshire-p2is/milestones.xlsx", "milestones"), ("nottinghamshire-p2is/project-costs.xlsx", "budget"),
         ("nottinghamshire-p2is/meeting-schedule.xlsx", "schedule")),
        tuple(date(y, m, 15) for y, m in [(2008, 11), (2008, 12)] + [(2009, m) for m in range(1, 13)]
              + [(2010, m) for m in (1, 2, 3)]),
        (date(2008, 11, 8), date(2009, 1, 8), date(2009, 3, 8)),
    ),
    SampleBoard(
        "plymouth-send", "Plymouth SEND Integration Steering Group", "Steering group", "Plymouth",
        "Integrated Offer for Community Health, Wellbeing and SEND across PCC, Livewell South West and PHNT (2017-18).",
        (("plymouth-send/project-plan.xlsx", "milestones"), ("plymouth-send/risks.xlsx", "risks"),
         ("plymouth-send/project-costs.csv", "budget"), ("plymouth-send/benefits.xlsx", "metrics")),
        (date(2017, 10, 12), date(2017, 12, 14), date(2018, 2, 8), date(2018, 4, 12), date(2018, 6, 14),
         date(2018, 9, 13)),
        (date(2017, 10, 5), date(2018, 2, 1), date(2018, 9, 6)),
    ),
    SampleBoard(
        "bradford-tig", "Bradford TIG Children's Sub-group", "Sub-group of the Shadow Health and Wellbeing Board",
        "Bradford District",
        "Transformation and Integration Group, children's sub-group: three areas of integration (2011-13).",
        (("bradford-tig/workstreams.xlsx", "milestones"), ("bradford-tig/risks.csv", "risks"),
         ("bradford-tig/front-door-measures.xlsx", "metrics")),
        (date(2012, 1, 17), date(2012, 4, 17), date(2012, 7, 17), date(2012, 10, 16)),
        (date(2012, 1, 10), date(2012, 4, 10), date(2012, 7, 10)),
    ),
    SampleBoard(
        "rutland-hwb", "Rutland Health and Wellbeing Board", "Health and Wellbeing Board", "Rutland",
        "Better Care Fund 2016-17: four priorities, thirteen schemes and a £2.4m pooled budget.",
        (("rutland-hwb/bcf-budget.xlsx", "budget"), ("rutland-hwb/bcf-milestones.xlsx", "milestones"),
         ("rutland-hwb/bcf-risks.xlsx", "risks"), ("rutland-hwb/bcf-metrics.xlsx", "metrics")),
        (date(2016, 3, 22), date(2016, 6, 28), date(2016, 9, 27), date(2016, 11, 22), date(2017, 1, 17),
         date(2017, 3, 21)),
        (date(2016, 3, 15), date(2016, 6, 21), date(2016, 9, 20), date(2017, 3, 14)),
    ),
    SampleBoard(
        "north-lanarkshire-ijb", "North Lanarkshire Integration Joint Board", "Integration Joint Board",
        "North Lanarkshire",
        "Integrated Service Review Board programme plan: three phases, three care groups, six localities (2018-19).",
        (("north-lanarkshire-ijb/programme-plan.xlsx", "milestones"), ("north-lanarkshire-ijb/risks.xlsx", "risks"),
         ("north-lanarkshire-ijb/budget.xlsx", "budget"), ("north-lanarkshire-ijb/outcome-measures.xlsx", "metrics")),
        (date(2018, 2, 7), date(2018, 3, 27), date(2018, 6, 26), date(2018, 8, 28), date(2018, 11, 27),
         date(2019, 3, 26)),
        (date(2018, 1, 31), date(2018, 6, 19), date(2019, 3, 19)),
    ),
)


def sample_files() -> list[tuple[SampleBoard, Path, str]]:
    return [(board, HERE / name, kind) for board in SAMPLE_BOARDS for name, kind in board.files]


def database_is_empty(engine: Engine) -> bool:
    from data_model.tables import Board

    with engine.connect() as conn:
        return conn.execute(select(Board.__table__.c.id).limit(1)).first() is None


def load_sample_data(engine: Engine, *, uploaded_by: str = "sample data") -> list:
    """Create the sample boards and their meetings, and load each new board's dated history; a board already loaded
    has its committed trackers imported again (which changes nothing). Returns the import results."""
    from data_model.board_settings import ensure_board
    from data_model.locks import write_transaction
    from data_model.tables import Meeting, Upload
    from loaders.importer import import_bytes
    from sample_data.meetings import load_sample_meetings
    from sample_data.timeline import play_history

    results = []
    for board in SAMPLE_BOARDS:
        with write_transaction(engine) as conn:
            board_id, _programme, _created = ensure_board(
                conn, board.slug, board.name, board_type=board.board_type, area=board.area,
                description=board.description)
            existing = {r.date for r in conn.execute(select(Meeting.__table__.c.date)
                                                     .where(Meeting.__table__.c.board_id == board_id))}
            rows = [{"board_id": board_id, "date": d, "title": f"{board.name} meeting", "status": "planned"}
                    for d in board.meetings if d not in existing]
            if rows:
                conn.execute(insert(Meeting.__table__), rows)
            fresh = conn.execute(select(Upload.__table__.c.id).where(Upload.__table__.c.board_id == board_id)
                                 .limit(1)).first() is None
        if fresh and board.uploads:
            results += play_history(engine, board, board_id, by=uploaded_by)
            continue
        for name, kind in board.files:
            path = HERE / name
            results.append(import_bytes(path.read_bytes(), path.name, board.slug, engine=engine, kind=kind,
                                        uploaded_by=uploaded_by))
    load_sample_meetings(engine, by=uploaded_by)
    return results
