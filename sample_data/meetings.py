"""The sample boards' meetings as their seed papers describe them: time, venue, agenda items (with Rutland's report
numbers), the decisions the papers ask for, and a few actions.

Agendas, presenters, report numbers and recommendations come from the seeds (Rutland's agenda of 28 June 2016 and
its proposed items for 27 September; the P2IS PID's Appendix 2; Bradford's and North Lanarkshire's covering
reports). That the board decided as recommended, and the actions with their owners, due dates and closure, are
ILLUSTRATIVE, and each such meeting's notes say so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import select, update
from sqlalchemy.engine import Engine

NO_PAPERS = ("The published board papers give no agenda or minutes for this meeting; the sample's history has the "
             "board meet on this day, so it is marked held (illustrative).")
ILLUSTRATIVE = ("Agenda from the published board papers; the decisions recorded and the actions (owners, due dates, "
                "closure) are illustrative.")


@dataclass(frozen=True)
class SampleItem:
    number: str
    title: str
    report_number: str | None = None
    presenter: str | None = None
    purpose: str | None = None
    workstreams: tuple[str, ...] = ()  # top-level workstream names on the board
    decisions: tuple[str, ...] = ()


@dataclass(frozen=True)
class SampleAction:
    item: str | None  # the agenda item number it arose under
    title: str
    owner: str | None
    due: date | None
    closed: tuple[str, date] | None = None  # ("done" or "dropped", the day it closed)
    workstream: str | None = None


@dataclass(frozen=True)
class SampleMeeting:
    board: str
    date: date
    start_time: time | None
    venue: str | None
    held: bool
    items: tuple[SampleItem, ...]
    actions: tuple[SampleAction, ...] = ()


RUTLAND_BCF = ("Unified Prevention", "Crisis response", "LTC Management", "Enablers")
CHAMBER = "Council Chamber, Catmose, Oakham, Rutland, LE15 6HP"

SAMPLE_MEETINGS = (
    # 003: the agenda of 28 June 2016, item by item, with its report numbers and presenters.
    SampleMeeting("rutland-hwb", date(2016, 6, 28), time(14, 0), CHAMBER, True, (
        SampleItem("1", "Apologies"),
        SampleItem("2", "Record of meeting: the meeting of 22 March 2016", purpose="approval",
                   decisions=("The record of the meeting held on 22 March 2016 was confirmed.",)),
        SampleItem("3", "Declarations of interest", purpose="note"),
        SampleItem("4", "Petitions, deputations and questions"),
        SampleItem("5", "Better Care Fund 2016-2017", "123/2016",
                   "Mark Andrews, Deputy Director for People, and Sandra Taylor, Health and Social Care Integration "
                   "Project Manager", "approval", RUTLAND_BCF,
                   ("The priority level business plans for 2016-17 were approved.",)),
        SampleItem("6", "Children, Young People and Families Plan 2016-2019", "124/2016",
                   "Bernadette Caffrey, Head of Families Support – Early Intervention", "note", (),
                   ("The Board noted the plan and its priority actions for 2016/2017, and asked for a progress report "
                    "on them at its November 2016 meeting.",)),
        SampleItem("7", "Update on emergency care and the Leicestershire, Leicester and Rutland (LLR) Vanguard",
                   "130/2016", "Tim Sacks, Chief Operating Officer, East Leicestershire and Rutland CCG", "note",
                   ("Crisis response",), ("The Board received and noted the update from ELRCCG.",)),
        SampleItem("8", "NTDI SEND review", "125/2016",
                   "Dr Tim O'Neill, Director for People, and Mark Fowler, Head of Learning and Skills", "note", (),
                   ("The Board noted the contents of the report.",)),
        SampleItem("9", "NHS Quality Premium 2016-2017", "126/2016",
                   "Yasmin Sidyot, Head of Planning and Strategic Commissioning, ELRCCG", "information"),
        SampleItem("10", "Integrating Leicestershire, Leicester and Rutland (LLR) points of access", "127/2016",
                   "Mark Andrews, Deputy Director for People", "endorsement", ("Crisis response", "Enablers"),
                   ("The Board supported the overall vision and direction of travel set out in the business case.",)),
        SampleItem("11", "Any urgent business"),
        SampleItem("12", "Date of next meeting: Tuesday 27 September 2016 at 2.00 pm, Council Chamber"),
    ), (
        SampleAction("5", "Finalise the Section 75 agreement and submit it to NHS England", "Mark Andrews",
                     date(2016, 6, 30), ("done", date(2016, 6, 30)), "Enablers"),
        SampleAction("6", "Progress report on the Children, Young People and Families Plan priority actions",
                     "Bernadette Caffrey", date(2016, 11, 22)),
        SampleAction(None, "Review and update the Board's terms of reference", "Mark Andrews", date(2016, 9, 27),
                     ("done", date(2016, 9, 27))),
        SampleAction("10", "Bring the points of access business case back once partners have considered it",
                     "Mark Andrews", date(2016, 9, 27), workstream="Crisis response"),
    )),
    # 003: the "proposed agenda items" for the next meeting (held: the terms of reference it was to review are
    # recorded reviewed on its day).
    SampleMeeting("rutland-hwb", date(2016, 9, 27), time(14, 0), CHAMBER, True, (
        SampleItem("1", "HWB: Terms of Reference – review", presenter="Mark Andrews", purpose="approval"),
        SampleItem("2", "Local Safeguarding Children's Board and Safeguarding Adults Board: annual reports",
                   presenter="Paul Burnett", purpose="information"),
    )),
    # 000: Appendix 2's suggested agenda for the first meeting, and for December.
    SampleMeeting("nottinghamshire-p2is", date(2008, 11, 15), None, None, True, (
        SampleItem("1", "Agreement of Group Terms of Reference", purpose="approval", workstreams=("P2IS Project Board",),
                   decisions=("The Terms of Reference in Appendix 1 of the PID were agreed.",)),
        SampleItem("2", "Overview of all projects and developments to be overseen by P2IS Project Board",
                   purpose="information",
                   workstreams=("District Test Beds", "Programme for Change", "ContactPoint",
                                "JAT, CAF and Lead Professional")),
    ), (
        SampleAction("1", "Appoint the project manager for the P2IS board work (1/3 full-time post)",
                     "Children's Services Executive Group", date(2008, 12, 15), ("done", date(2008, 12, 15)),
                     "P2IS Project Board"),
        SampleAction("2", "Hold the first meetings of the District Review Groups overseeing the Test Beds",
                     "District Test Bed leads", date(2008, 12, 15), workstream="District Test Beds"),
    )),
    # Held: the reporting schedule has the board meet monthly from November 2008, and its project manager was
    # appointed by this meeting.
    SampleMeeting("nottinghamshire-p2is", date(2008, 12, 15), None, None, True, (
        SampleItem("1", "Reports from Test Beds and Programme for Change", purpose="note",
                   workstreams=("District Test Beds", "Programme for Change")),
        SampleItem("2", "ContactPoint and eCAF", purpose="note", workstreams=("ContactPoint",)),
        SampleItem("3", "Identify interdependencies with other development areas", purpose="decision"),
    )),
    # 002: the covering report to the Shadow Health and Wellbeing Board.
    SampleMeeting("bradford-tig", date(2012, 1, 17), time(10, 0), "Committee Room 1, City Hall, Bradford", True, (
        SampleItem("1", "Proposal from Transformation and Integration Group - Children's sub-group",
                   presenter="Julie Jenkins (BMDC) and Nancy O'Neill (BDCT)", purpose="endorsement",
                   workstreams=("Children's Services Front Door", "Integrated Care Pathway for 0-4s",
                                "Integrated Early Support Pathway (disabled children)"),
                   decisions=("The Board endorsed the approach to the development of further integration between "
                              "services to improve outcomes for children.",)),
    ), (
        SampleAction("1", "Develop the scope of the three pilot areas and report back", "Julie Jenkins",
                     date(2012, 4, 17)),
    )),
    # 004: the programme plan's recommendations to the IJB.
    SampleMeeting("north-lanarkshire-ijb", date(2018, 2, 7), None, None, True, (
        SampleItem("1", "Integrated Service Review Board: programme plan", presenter="Medical Director",
                   purpose="approval", workstreams=("Phase 1", "Phase 2", "Phase 3", "Cross cutting"),
                   decisions=("The programme plan for implementing the Integrated Service Review Board report "
                              "(appendix 1) was approved.",
                              "The Chief Accountable Officer was given delegated authority to progress the "
                              "employment of a Programme Support Team, within £250k from IJB reserves.")),
    ), (
        SampleAction("1", "Interim structure report to the IJB", "Chief Accountable Officer", date(2018, 3, 27)),
        SampleAction("1", "Financial plan for the programme to the IJB", "Chief Finance Officer", date(2018, 3, 27)),
        SampleAction("1", "Full progress update against the programme plan", "Medical Director", date(2018, 8, 28)),
    )),
    # 001: the proposal's recommendation to the steering group.
    SampleMeeting("plymouth-send", date(2017, 10, 12), None, None, True, (
        SampleItem("1", "Integrated Offer for Community Health, Wellbeing and SEND: integration proposal",
                   presenter="Jo Siney", purpose="approval",
                   workstreams=("Establishing and confirming project governance",
                                "Develop 'Single Point of Access' operating model – proof of concept"),
                   decisions=("The governance arrangements were confirmed and the project plan to achieve Phase I "
                              "Single Point of Access was approved.",)),
    ), (
        SampleAction("1", "Confirm the project group's membership across PCC, Livewell South West and PHNT",
                     "Jo Siney", date(2017, 12, 14), workstream="Establishing and confirming project governance"),
    )),
)


@dataclass(frozen=True)
class Prepared:
    """A sample meeting given its agenda, with what its actions need: the board, the items and the workstreams."""

    sample: SampleMeeting
    board_id: int
    meeting_id: int
    item_ids: dict[str, int]
    top: dict[str, int]  # top-level workstream name -> id


def sample_meetings_of(board: str) -> list[SampleMeeting]:
    return [m for m in SAMPLE_MEETINGS if m.board == board]


def prepare_meeting(engine: Engine, sample: SampleMeeting, *, by: str) -> Prepared | None:
    """Give the meeting its time, venue, agenda and decisions (through data_model.meetings, so each is audited as
    a chair's would be). None when the board or meeting is missing, or the meeting already has an agenda."""
    from data_model import meetings as mt
    from data_model import queries
    from data_model.tables import Decision, Meeting

    mtg = Meeting.__table__
    board = queries.board(engine, sample.board)
    if board is None:
        return None
    with engine.connect() as conn:
        meeting_id = conn.execute(select(mtg.c.id).where(mtg.c.board_id == board["id"],
                                                         mtg.c.date == sample.date)).scalar()
    if meeting_id is None or not mt.agenda(engine, board["id"], meeting_id).empty:
        return None
    with engine.begin() as conn:
        conn.execute(update(mtg).where(mtg.c.id == meeting_id).values(
            start_time=sample.start_time, venue=sample.venue, notes=ILLUSTRATIVE))
    tree = queries.workstreams(engine, board["id"])
    top = {p: int(i) for p, i, level in zip(tree["path"], tree["id"], tree["level"], strict=True) if level == 1}
    item_ids: dict[str, int] = {}
    decisions = []
    for item in sample.items:
        ids = tuple(top[w] for w in item.workstreams if w in top)
        item_ids[item.number] = mt.add_agenda_item(engine, board["id"], meeting_id, mt.AgendaItemInput(
            item.number, item.title, item.report_number, item.presenter, item.purpose, ids), by=by)
        decisions += [mt.add_decision(engine, board["id"], item_ids[item.number], text, by=by)
                      for text in item.decisions]
    if decisions:  # recorded on the meeting's day, as its minutes were
        with engine.begin() as conn:
            conn.execute(update(Decision.__table__).where(Decision.__table__.c.id.in_(decisions))
                         .values(recorded_at=datetime.combine(sample.date, time(17, 0), tzinfo=UTC)))
    return Prepared(sample, int(board["id"]), int(meeting_id), item_ids, top)


def mark_held(engine: Engine, prepared: Prepared) -> None:
    """After the meeting: held, if its seed says it was (a snapshot taken before it shows it planned)."""
    from data_model.tables import Meeting

    if prepared.sample.held:
        mtg = Meeting.__table__
        with engine.begin() as conn:
            conn.execute(update(mtg).where(mtg.c.id == prepared.meeting_id).values(status="held"))


def mark_held_on_its_day(engine: Engine, board_id: int, day: date) -> None:
    """A sample meeting with no agenda in its seed, once its day has passed in the sample's history: held, with a
    note saying the papers hold nothing for it (else every past meeting without papers would still read planned)."""
    from data_model.tables import Meeting

    mtg = Meeting.__table__
    with engine.begin() as conn:
        conn.execute(update(mtg).where(mtg.c.board_id == board_id, mtg.c.date == day, mtg.c.status == "planned",
                                       mtg.c.notes.is_(None)).values(status="held", notes=NO_PAPERS))


def add_actions(engine: Engine, prepared: Prepared, *, by: str) -> list[tuple[int, SampleAction]]:
    """The actions arising at the meeting, open: (id, sample action) for closing them on their day."""
    from data_model import meetings as mt

    made = []
    for action in prepared.sample.actions:
        action_id = mt.add_action(engine, prepared.board_id, prepared.meeting_id, mt.ActionInput(
            action.title, action.owner, action.due, None,
            prepared.item_ids.get(action.item) if action.item else None,
            prepared.top.get(action.workstream) if action.workstream else None), by=by)
        made.append((action_id, action))
    return made


def close_action(engine: Engine, board_id: int, action_id: int, action: SampleAction, *, by: str) -> None:
    from data_model import meetings as mt

    if action.closed:
        mt.set_action_status(engine, board_id, action_id, action.closed[0], by=by, closed_on=action.closed[1])


def load_sample_meetings(engine: Engine, *, by: str = "sample data") -> None:
    """Every sample meeting's agenda, decisions and actions at once (a board whose history is already loaded is
    left alone: a meeting that already has an agenda is skipped). The first start uses sample_data.history's
    timeline instead, which does the same steps on each meeting's day. A past meeting the seeds give no agenda for
    is marked held, as the timeline marks it on its day."""
    from data_model import queries
    from sample_data import SAMPLE_BOARDS

    for sample in SAMPLE_MEETINGS:
        prepared = prepare_meeting(engine, sample, by=by)
        if prepared is None:
            continue
        mark_held(engine, prepared)
        for action_id, action in add_actions(engine, prepared, by=by):
            close_action(engine, prepared.board_id, action_id, action, by=by)
    for board in SAMPLE_BOARDS:
        found = queries.board(engine, board.slug)
        if found is not None:
            for day in board.meetings:
                if day < date.today():
                    mark_held_on_its_day(engine, int(found["id"]), day)
