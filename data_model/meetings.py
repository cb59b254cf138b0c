"""Meetings as the board runs them: each meeting's agenda, the decisions taken on its items, and the action log.

Actions arise at a meeting and are carried forward, meeting to meeting, as "matters arising" until they are done or
dropped. Every change is checked against the board it claims to be on and audited in its own transaction (as
``meeting_change``, which also tells every server's page cache that the board's meetings changed). Read queries take
an engine or a read snapshot (``source``), as the other queries in ``data_model`` do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time

import pandas as pd
from sqlalchemy import and_, delete, func, insert, or_, select, update
from sqlalchemy.engine import Connection, Engine

from data_model import audit
from data_model.board_settings import SettingsError
from data_model.rollups import read_frame
from data_model.tables import (
    Action,
    AgendaItem,
    AgendaItemWorkstream,
    Decision,
    Meeting,
    Programme,
    Workstream,
)

MTG, AI, AIW, DEC, ACT = (t.__table__ for t in (Meeting, AgendaItem, AgendaItemWorkstream, Decision, Action))
WS, P = Workstream.__table__, Programme.__table__

# What the board is asked to do with an item, in the words an agenda prints.
PURPOSES = {"approval": "For approval", "endorsement": "For endorsement", "decision": "For decision",
            "note": "To note", "information": "For information"}
ACTION_STATUSES = {"open": "Open", "done": "Done", "dropped": "Dropped"}
MEETING_STATUS_WORDS = {"planned": "Planned", "held": "Held", "cancelled": "Cancelled"}
UNMARKED = "Date passed: not yet marked held or cancelled"
MAX_TITLE, MAX_SHORT, MAX_TEXT = 500, 200, 4000
_REPORT_PREFIX = re.compile(r"^\s*(report\s*)?(no\.?|number|ref\.?)?\s*[:.]?\s*", re.IGNORECASE)


class MeetingError(SettingsError):
    """A meeting change that can't be made, in words the chair can act on."""


# --------------------------------------------------------------------------------------------------------------
# Typed input: what a chair fills in
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingDetails:
    date: date
    title: str
    start_time: time | None = None
    venue: str | None = None


@dataclass(frozen=True)
class AgendaItemInput:
    number: str
    title: str
    report_number: str | None = None
    presenter: str | None = None
    purpose: str | None = None
    workstream_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class ActionInput:
    title: str
    owner: str | None = None
    due: date | None = None
    ref: str | None = None
    agenda_item_id: int | None = None
    workstream_id: int | None = None


def unmarked(status: str, when: date, today: date) -> bool:
    """A meeting whose date is before ``today`` but is still recorded as planned: nobody has said it was held or
    cancelled. Its stored status stays as it is (only the chair changes it); the views say so instead."""
    return status == "planned" and when < today


def status_day(taken_at: datetime | None) -> date:
    """The day a view's meeting statuses are read on: the day a snapshot was taken (it froze them as they stood
    then), else today."""
    return taken_at.date() if taken_at is not None else date.today()


def meeting_status_words(status: str, when: date, today: date) -> str:
    """A meeting's status as a board member should read it on ``today`` (the day the view is of: today, or the day a
    snapshot was taken): "Held", "Cancelled", "Planned", or, for a planned meeting whose date has passed, that it
    has not been marked, rather than a "Planned" that reads as if it were still to come."""
    return UNMARKED if unmarked(status, when, today) else MEETING_STATUS_WORDS.get(status, str(status).capitalize())


def report_label(report_number: str | None) -> str:
    """'123/2016' as the agenda prints it: 'Report No. 123/2016' (blank for none)."""
    return f"Report No. {report_number}" if report_number else ""


def parse_report_number(text: str | None) -> str | None:
    """'Report No. 123/2016', 'No.130/2016' or '123/2016' → '123/2016'; refuses text that numbers nothing."""
    text = (text or "").strip()
    if not text:
        return None
    number = _REPORT_PREFIX.sub("", text, count=1).strip()
    if not number or not any(ch.isdigit() for ch in number) or len(number) > 40:
        raise MeetingError(f"'{text[:60]}' is not a report number: write it as the papers do, like 123/2016 "
                           "(or Report No. 123/2016).")
    return number


def _text(value: str | None, what: str, limit: int, *, required: bool = False) -> str | None:
    value = " ".join((value or "").split()) if limit <= MAX_TITLE else (value or "").strip()
    if required and not value:
        raise MeetingError(f"Give the {what}.")
    if len(value) > limit:
        raise MeetingError(f"The {what} is {len(value):,} characters long; keep it under {limit:,}.")
    return value or None


# --------------------------------------------------------------------------------------------------------------
# Writes, each checked against its board and audited
# --------------------------------------------------------------------------------------------------------------


def _meeting_row(conn: Connection, board_id: int, meeting_id: int):
    row = conn.execute(select(MTG).where(MTG.c.id == meeting_id, MTG.c.board_id == board_id)).first()
    if row is None:
        raise MeetingError("That meeting is not on this board (it may have been removed): reload the page.")
    return row


def _item_row(conn: Connection, board_id: int, item_id: int):
    row = conn.execute(select(AI, MTG.c.date.label("meeting_date"))
                       .join(MTG, MTG.c.id == AI.c.meeting_id)
                       .where(AI.c.id == item_id, MTG.c.board_id == board_id)).first()
    if row is None:
        raise MeetingError("That agenda item is not on this board (it may have been removed): reload the page.")
    return row


def _action_row(conn: Connection, board_id: int, action_id: int):
    row = conn.execute(select(ACT, MTG.c.date.label("meeting_date")).join(MTG, MTG.c.id == ACT.c.meeting_id)
                       .where(ACT.c.id == action_id, ACT.c.board_id == board_id)).first()
    if row is None:
        raise MeetingError("That action is not on this board's log (it may have been removed): reload the page.")
    return row


def _check_workstreams(conn: Connection, board_id: int, ids: tuple[int, ...]) -> None:
    if not ids:
        return
    found = set(conn.execute(select(WS.c.id).join(P, P.c.id == WS.c.programme_id)
                             .where(P.c.board_id == board_id, WS.c.id.in_(sorted(set(ids))))).scalars())
    if found != set(ids):
        raise MeetingError("A workstream chosen is not one of this board's: reload the page and choose again.")


def _details(details: MeetingDetails) -> dict:
    return {"date": details.date, "title": _text(details.title, "meeting's title", MAX_TITLE) or "Board meeting",
            "start_time": details.start_time, "venue": _text(details.venue, "venue", MAX_SHORT)}


def update_meeting(engine: Engine, board_id: int, meeting_id: int, details: MeetingDetails, *, by: str) -> list[str]:
    """Change a meeting's date, time, venue or title; returns what changed, in words."""
    values = _details(details)
    with engine.begin() as conn:
        row = _meeting_row(conn, board_id, meeting_id)
        clash = conn.execute(select(MTG.c.id).where(MTG.c.board_id == board_id, MTG.c.date == values["date"],
                                                    MTG.c.title == values["title"], MTG.c.id != meeting_id)).first()
        if clash:
            raise MeetingError(f"There is already a meeting called '{values['title']}' on "
                               f"{values['date']:%d %B %Y}.")
        changed = [f"{k}: {_show(getattr(row, k))} → {_show(v)}" for k, v in values.items() if getattr(row, k) != v]
        if not changed:
            return []
        conn.execute(update(MTG).where(MTG.c.id == meeting_id).values(**values))
        audit.record(conn, by, "meeting_change", board_id=board_id,
                     detail=f"{row.date.isoformat()} {row.title}: " + "; ".join(changed))
    return changed


def _show(value: object) -> str:
    if value is None or value == "":
        return "(none)"
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _item_values(item: AgendaItemInput) -> dict:
    purpose = item.purpose or None
    if purpose is not None and purpose not in PURPOSES:
        raise MeetingError(f"'{purpose}' is not a purpose: use one of {', '.join(PURPOSES.values())}.")
    return {"number": _text(item.number, "item's number", 20, required=True),
            "title": _text(item.title, "item's title", MAX_TITLE, required=True),
            "report_number": parse_report_number(item.report_number),
            "presenter": _text(item.presenter, "presenter", MAX_SHORT), "purpose": purpose}


def add_agenda_item(engine: Engine, board_id: int, meeting_id: int, item: AgendaItemInput, *, by: str) -> int:
    return add_agenda_items(engine, board_id, meeting_id, [item], by=by)[0]


def add_agenda_items(engine: Engine, board_id: int, meeting_id: int, items: list[AgendaItemInput], *,
                     by: str) -> list[int]:
    """Items added after the agenda's last, all or none (such as the reporting schedule's suggestions)."""
    rows = [_item_values(item) for item in items]
    ids = []
    with engine.begin() as conn:
        meeting = _meeting_row(conn, board_id, meeting_id)
        for item, values in zip(items, rows, strict=True):
            _check_workstreams(conn, board_id, item.workstream_ids)
            if conn.execute(select(AI.c.id).where(AI.c.meeting_id == meeting_id,
                                                  AI.c.number == values["number"])).first():
                raise MeetingError(f"This agenda already has an item {values['number']}: give the new one its own "
                                   "number.")
            order = conn.execute(select(func.coalesce(func.max(AI.c.sort_order), 0))
                                 .where(AI.c.meeting_id == meeting_id)).scalar_one() + 1
            item_id = conn.execute(insert(AI).values(meeting_id=meeting_id, sort_order=order, **values)
                                   .returning(AI.c.id)).scalar_one()
            _set_item_workstreams(conn, item_id, item.workstream_ids)
            audit.record(conn, by, "meeting_change", board_id=board_id,
                         detail=f"{meeting.date.isoformat()} {meeting.title}: agenda item {values['number']} added: "
                                f"{values['title']}")
            ids.append(item_id)
    return ids


def next_number(agenda: pd.DataFrame, offset: int = 0) -> str:
    """The number after the agenda's highest plain number ('13' after '12' and '12a')."""
    numbers = [int(n) for n in agenda["number"] if str(n).isdigit()] if not agenda.empty else []
    return str(max(numbers, default=0) + 1 + offset)


def _set_item_workstreams(conn: Connection, item_id: int, ids: tuple[int, ...]) -> None:
    conn.execute(delete(AIW).where(AIW.c.agenda_item_id == item_id))
    if ids:
        conn.execute(insert(AIW), [{"agenda_item_id": item_id, "workstream_id": w} for w in sorted(set(ids))])


def update_agenda_item(engine: Engine, board_id: int, item_id: int, item: AgendaItemInput, *, by: str) -> None:
    values = _item_values(item)
    with engine.begin() as conn:
        row = _item_row(conn, board_id, item_id)
        _check_workstreams(conn, board_id, item.workstream_ids)
        if conn.execute(select(AI.c.id).where(AI.c.meeting_id == row.meeting_id, AI.c.number == values["number"],
                                              AI.c.id != item_id)).first():
            raise MeetingError(f"This agenda already has an item {values['number']}: give this one its own number.")
        conn.execute(update(AI).where(AI.c.id == item_id).values(**values))
        _set_item_workstreams(conn, item_id, item.workstream_ids)
        audit.record(conn, by, "meeting_change", board_id=board_id,
                     detail=f"{row.meeting_date.isoformat()}: agenda item {row.number} changed: {values['number']} "
                            f"{values['title']}")


def remove_agenda_item(engine: Engine, board_id: int, item_id: int, *, by: str) -> None:
    """Only an item with no decisions or actions recorded against it: the record of what was decided stays."""
    with engine.begin() as conn:
        row = _item_row(conn, board_id, item_id)
        decided = conn.execute(select(func.count()).where(DEC.c.agenda_item_id == item_id)).scalar_one()
        actions = conn.execute(select(func.count()).where(ACT.c.agenda_item_id == item_id)).scalar_one()
        if decided or actions:
            raise MeetingError(f"Item {row.number} has {decided} decision(s) and {actions} action(s) recorded against "
                               "it, so it stays on the agenda. Remove those first if they were recorded by mistake.")
        conn.execute(delete(AIW).where(AIW.c.agenda_item_id == item_id))
        conn.execute(delete(AI).where(AI.c.id == item_id))
        audit.record(conn, by, "meeting_change", board_id=board_id,
                     detail=f"{row.meeting_date.isoformat()}: agenda item {row.number} removed: {row.title}")


def add_decision(engine: Engine, board_id: int, item_id: int, text: str, *, by: str) -> int:
    text = _text(text, "decision", MAX_TEXT, required=True)
    with engine.begin() as conn:
        row = _item_row(conn, board_id, item_id)
        order = conn.execute(select(func.coalesce(func.max(DEC.c.sort_order), 0))
                             .where(DEC.c.agenda_item_id == item_id)).scalar_one() + 1
        decision_id = conn.execute(insert(DEC).values(agenda_item_id=item_id, sort_order=order, text=text,
                                                      recorded_by=by).returning(DEC.c.id)).scalar_one()
        audit.record(conn, by, "meeting_change", board_id=board_id,
                     detail=f"{row.meeting_date.isoformat()}: decision recorded on item {row.number}: {text}")
    return decision_id


def remove_decision(engine: Engine, board_id: int, decision_id: int, *, by: str) -> None:
    with engine.begin() as conn:
        row = conn.execute(select(DEC.c.text, AI.c.number, MTG.c.date).select_from(
            DEC.join(AI, AI.c.id == DEC.c.agenda_item_id).join(MTG, MTG.c.id == AI.c.meeting_id))
            .where(DEC.c.id == decision_id, MTG.c.board_id == board_id)).first()
        if row is None:
            raise MeetingError("That decision is not on this board (it may have been removed): reload the page.")
        conn.execute(delete(DEC).where(DEC.c.id == decision_id))
        audit.record(conn, by, "meeting_change", board_id=board_id,
                     detail=f"{row.date.isoformat()}: decision removed from item {row.number}: {row.text}")


def _action_values(conn: Connection, board_id: int, meeting_id: int, action: ActionInput) -> dict:
    values = {"title": _text(action.title, "action", MAX_TITLE, required=True),
              "owner": _text(action.owner, "owner", MAX_SHORT), "due": action.due,
              "ref": _text(action.ref, "reference", 40), "agenda_item_id": action.agenda_item_id,
              "workstream_id": action.workstream_id}
    if action.agenda_item_id is not None and not conn.execute(select(AI.c.id).where(
            AI.c.id == action.agenda_item_id, AI.c.meeting_id == meeting_id)).first():
        raise MeetingError("The agenda item chosen is not on the agenda of the meeting the action arose at.")
    if action.workstream_id is not None:
        _check_workstreams(conn, board_id, (action.workstream_id,))
    return values


def _next_ref(conn: Connection, board_id: int) -> str:
    """The next number on the board's action log: one more than the highest plain-number reference."""
    refs = conn.execute(select(ACT.c.ref).where(ACT.c.board_id == board_id)).scalars()
    return str(max((int(r) for r in refs if r and r.isdigit()), default=0) + 1)


def add_action(engine: Engine, board_id: int, meeting_id: int, action: ActionInput, *, by: str) -> int:
    """An action arising at ``meeting_id``; open until closed. A blank reference takes the log's next number."""
    with engine.begin() as conn:
        meeting = _meeting_row(conn, board_id, meeting_id)
        values = _action_values(conn, board_id, meeting_id, action)
        values["ref"] = values["ref"] or _next_ref(conn, board_id)
        if conn.execute(select(ACT.c.id).where(ACT.c.board_id == board_id, ACT.c.ref == values["ref"])).first():
            raise MeetingError(f"The action log already has an action {values['ref']}: give this one its own "
                               "reference, or leave it blank for the next number.")
        action_id = conn.execute(insert(ACT).values(board_id=board_id, meeting_id=meeting_id, status="open",
                                                    closed_on=None, **values).returning(ACT.c.id)).scalar_one()
        audit.record(conn, by, "meeting_change", board_id=board_id,
                     detail=f"{meeting.date.isoformat()}: action {values['ref']} opened: {values['title']}"
                            + (f" (owner {values['owner']})" if values["owner"] else ""))
    return action_id


def update_action(engine: Engine, board_id: int, action_id: int, action: ActionInput, *, by: str) -> list[str]:
    """Change an action's words, owner, due date, item or workstream; returns what changed."""
    with engine.begin() as conn:
        row = _action_row(conn, board_id, action_id)
        values = _action_values(conn, board_id, row.meeting_id, action)
        values["ref"] = values["ref"] or row.ref
        if values["ref"] != row.ref and conn.execute(select(ACT.c.id).where(
                ACT.c.board_id == board_id, ACT.c.ref == values["ref"], ACT.c.id != action_id)).first():
            raise MeetingError(f"The action log already has an action {values['ref']}.")
        changed = [f"{k}: {_show(getattr(row, k))} → {_show(v)}" for k, v in values.items() if getattr(row, k) != v]
        if not changed:
            return []
        conn.execute(update(ACT).where(ACT.c.id == action_id).values(**values))
        audit.record(conn, by, "meeting_change", board_id=board_id,
                     detail=f"action {row.ref or row.id} changed: " + "; ".join(changed))
    return changed


def set_action_status(engine: Engine, board_id: int, action_id: int, status: str, *, by: str,
                      closed_on: date | None = None) -> bool:
    """Close an action (done or dropped, on ``closed_on``, today by default) or open it again. False if unchanged."""
    if status not in ACTION_STATUSES:
        raise MeetingError(f"'{status}' is not an action status: use {', '.join(ACTION_STATUSES.values())}.")
    closed = None if status == "open" else (closed_on or date.today())
    with engine.begin() as conn:
        row = _action_row(conn, board_id, action_id)
        if closed is not None and closed < row.meeting_date:
            raise MeetingError(f"Action {row.ref or row.id} arose at the meeting of {row.meeting_date:%d %B %Y}, so "
                               f"it can't have closed on {closed:%d %B %Y}.")
        if row.status == status and row.closed_on == closed:
            return False
        conn.execute(update(ACT).where(ACT.c.id == action_id).values(status=status, closed_on=closed))
        audit.record(conn, by, "meeting_change", board_id=board_id,
                     detail=f"action {row.ref or row.id}: {row.status} → {status}"
                            + (f" on {closed.isoformat()}" if closed else ""))
    return True


# --------------------------------------------------------------------------------------------------------------
# Reads
# --------------------------------------------------------------------------------------------------------------

MEETING_COLUMNS = ["id", "date", "title", "status", "start_time", "venue", "notes", "items", "actions_raised"]


def meetings(source, board_id: int) -> pd.DataFrame:
    """The board's meetings in date order, with how many agenda items each has and how many actions arose at it."""
    items = select(AI.c.meeting_id, func.count().label("items")).group_by(AI.c.meeting_id).subquery()
    raised = (select(ACT.c.meeting_id, func.count().label("actions_raised")).where(ACT.c.board_id == board_id)
              .group_by(ACT.c.meeting_id).subquery())
    q = (select(MTG.c.id, MTG.c.date, MTG.c.title, MTG.c.status, MTG.c.start_time, MTG.c.venue, MTG.c.notes,
                func.coalesce(items.c["items"], 0).label("items"),
                func.coalesce(raised.c.actions_raised, 0).label("actions_raised"))
         .select_from(MTG.outerjoin(items, items.c.meeting_id == MTG.c.id)
                      .outerjoin(raised, raised.c.meeting_id == MTG.c.id))
         .where(MTG.c.board_id == board_id).order_by(MTG.c.date, MTG.c.id))
    return read_frame(source, q)


AGENDA_COLUMNS = ["id", "number", "title", "report_number", "presenter", "purpose", "workstreams", "workstream_ids"]


def agenda(source, board_id: int, meeting_id: int) -> pd.DataFrame:
    """A meeting's agenda in order, each item with the workstreams it covers (names and ids)."""
    q = (select(AI.c.id, AI.c.number, AI.c.title, AI.c.report_number, AI.c.presenter, AI.c.purpose, AI.c.sort_order)
         .join(MTG, MTG.c.id == AI.c.meeting_id)
         .where(AI.c.meeting_id == meeting_id, MTG.c.board_id == board_id))
    items = read_frame(source, q)
    covered = read_frame(source, select(AIW.c.agenda_item_id, WS.c.id, WS.c.path)
                         .join(WS, WS.c.id == AIW.c.workstream_id).join(AI, AI.c.id == AIW.c.agenda_item_id)
                         .where(AI.c.meeting_id == meeting_id).order_by(WS.c.path))
    if items.empty:
        return pd.DataFrame(columns=AGENDA_COLUMNS)
    names = covered.groupby("agenda_item_id")["path"].agg(", ".join).to_dict() if not covered.empty else {}
    ids = covered.groupby("agenda_item_id")["id"].agg(tuple).to_dict() if not covered.empty else {}
    items["workstreams"] = items["id"].map(lambda i: names.get(i, ""))
    items["workstream_ids"] = items["id"].map(lambda i: ids.get(i, ()))
    items["_key"] = items["number"].map(_number_key)
    items = items.sort_values(["sort_order", "_key"]).reset_index(drop=True)
    return items[AGENDA_COLUMNS]


def _number_key(number: str) -> tuple:
    """'10' after '9', '5a' after '5'."""
    parts = re.findall(r"\d+|\D+", number or "")
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p.lower()) for p in parts)


def decisions(source, board_id: int, meeting_id: int) -> pd.DataFrame:
    """The decisions taken at a meeting, by agenda item."""
    q = (select(DEC.c.id, DEC.c.agenda_item_id, AI.c.number.label("item_number"), AI.c.title.label("item_title"),
                DEC.c.text, DEC.c.recorded_by, DEC.c.recorded_at, AI.c.sort_order, DEC.c.sort_order.label("d_order"))
         .select_from(DEC.join(AI, AI.c.id == DEC.c.agenda_item_id).join(MTG, MTG.c.id == AI.c.meeting_id))
         .where(AI.c.meeting_id == meeting_id, MTG.c.board_id == board_id)
         .order_by(AI.c.sort_order, DEC.c.sort_order, DEC.c.id))
    return read_frame(source, q).drop(columns=["sort_order", "d_order"])


ACTION_COLUMNS = ["id", "ref", "title", "owner", "due", "status", "closed_on", "raised_at", "meeting_id",
                  "agenda_item_id", "item_number", "workstream_id", "workstream"]


def _actions_query():
    return (select(ACT.c.id, ACT.c.ref, ACT.c.title, ACT.c.owner, ACT.c.due, ACT.c.status, ACT.c.closed_on,
                   MTG.c.date.label("raised_at"), ACT.c.meeting_id, ACT.c.agenda_item_id,
                   AI.c.number.label("item_number"), ACT.c.workstream_id, WS.c.path.label("workstream"))
            .select_from(ACT.join(MTG, MTG.c.id == ACT.c.meeting_id).outerjoin(AI, AI.c.id == ACT.c.agenda_item_id)
                         .outerjoin(WS, WS.c.id == ACT.c.workstream_id)))


def actions(source, board_id: int, meeting_id: int | None = None) -> pd.DataFrame:
    """The board's action log (or the actions that arose at one meeting), oldest first."""
    q = _actions_query().where(ACT.c.board_id == board_id)
    if meeting_id is not None:
        q = q.where(ACT.c.meeting_id == meeting_id)
    return read_frame(source, q.order_by(MTG.c.date, ACT.c.id))


MATTERS_COLUMNS = [*ACTION_COLUMNS, "overdue", "meetings_carried"]


def matters_arising(source, board_id: int, meeting_date: date) -> pd.DataFrame:
    """The matters arising at the board's meeting on ``meeting_date``: every action that arose at an earlier meeting
    and was still open when this one met (open now, or closed on or after its date), oldest first.

    ``overdue`` is True for one due before the meeting; ``meetings_carried`` counts the meetings (cancelled ones
    aside) it has been carried to before this one.
    """
    q = (_actions_query()
         .where(ACT.c.board_id == board_id, MTG.c.date < meeting_date,
                or_(ACT.c.status == "open", and_(ACT.c.closed_on.is_not(None), ACT.c.closed_on >= meeting_date)))
         .order_by(MTG.c.date, ACT.c.id))
    df = read_frame(source, q)
    if df.empty:
        return pd.DataFrame(columns=MATTERS_COLUMNS)
    held = read_frame(source, select(MTG.c.date).where(MTG.c.board_id == board_id, MTG.c.date < meeting_date,
                                                       MTG.c.status != "cancelled"))
    held_dates = sorted(pd.to_datetime(held["date"]).dt.date) if not held.empty else []
    raised = pd.to_datetime(df["raised_at"]).dt.date
    due = pd.to_datetime(df["due"]).dt.date
    df["overdue"] = [d is not None and not pd.isna(d) and d < meeting_date for d in due]
    df["meetings_carried"] = [sum(1 for h in held_dates if r < h) for r in raised]
    return df[MATTERS_COLUMNS]


def open_actions_as_at(source, board_id: int, as_at: date) -> pd.DataFrame:
    """Actions open on ``as_at``: arisen at a meeting on or before it and not closed by then."""
    q = (_actions_query()
         .where(ACT.c.board_id == board_id, MTG.c.date <= as_at,
                or_(ACT.c.status == "open", and_(ACT.c.closed_on.is_not(None), ACT.c.closed_on > as_at)))
         .order_by(ACT.c.due, MTG.c.date, ACT.c.id))
    return read_frame(source, q)
