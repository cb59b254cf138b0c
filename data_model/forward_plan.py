"""The forward plan: meetings ahead, what each is due to hear (milestones, risk reviews and the board's reporting
schedule), and workstreams that have gone quiet."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pandas as pd
from sqlalchemy import func, select, union_all
from sqlalchemy.engine import Engine

from data_model.rag import RagRules
from data_model.rollups import BL, MS, MT, RK, ROOT_WS, WS, Filters, P, _scope, read_frame
from data_model.tables import Meeting, ScheduleItem, Upload

MTG, UP, SI = Meeting.__table__, Upload.__table__, ScheduleItem.__table__
ROOT = ROOT_WS



def meetings_ahead(engine: Engine, board_id: int, as_at: date, count: int = 6) -> pd.DataFrame:
    q = (select(MTG.c.id, MTG.c.date, MTG.c.title, MTG.c.status)
         .where(MTG.c.board_id == board_id, MTG.c.date >= as_at, MTG.c.status != "cancelled")
         .order_by(MTG.c.date, MTG.c.id).limit(count))
    return read_frame(engine, q)


def _by_meeting(df: pd.DataFrame, column: str, meeting_dates: list[date]) -> pd.DataFrame:
    """Each row against the first meeting on or after its date in ``column`` (rows are all due by the last)."""
    if df.empty:
        return df.assign(meeting=pd.Series(dtype="object"))
    dates = sorted(meeting_dates)
    return df.assign(meeting=[next(m for m in dates if m >= d) for d in pd.to_datetime(df[column]).dt.date])


def due_before_meetings(engine: Engine, filters: Filters, meeting_dates: list[date]) -> pd.DataFrame:
    """Open milestones due by each meeting (and after the one before it), with the meeting they are due before."""
    if not meeting_dates:
        return pd.DataFrame(columns=["meeting", "workstream", "title", "owner", "due", "status"])
    last = max(meeting_dates)
    q = (select(WS.c.path.label("workstream"), ROOT.c.name.label("top"), MS.c.title, MS.c.owner, MS.c.due, MS.c.status)
         .select_from(MS.join(P, P.c.id == MS.c.programme_id).outerjoin(WS, WS.c.id == MS.c.workstream_id)
                      .outerjoin(ROOT, ROOT.c.id == WS.c.root_id))
         .where(_scope(MS, filters), MS.c.due.is_not(None), MS.c.due <= last,
                RagRules.milestone_open_sql(status=MS.c.status, completed=MS.c.completed))
         .order_by(MS.c.due, MS.c.id))
    return _by_meeting(read_frame(engine, q), "due", meeting_dates)


def reviews_before_meetings(engine: Engine, filters: Filters, meeting_dates: list[date]) -> pd.DataFrame:
    """Open risks whose review falls due by each meeting (and after the one before it): what the board should
    hear reviewed. Reviews already overdue at the first meeting are listed against it."""
    if not meeting_dates:
        return pd.DataFrame(columns=["meeting", "workstream", "top", "ref", "title", "owner", "review_due"])
    q = (select(WS.c.path.label("workstream"), ROOT.c.name.label("top"), RK.c.ref, RK.c.title, RK.c.owner,
                RK.c.review_due)
         .select_from(RK.join(P, P.c.id == RK.c.programme_id).outerjoin(WS, WS.c.id == RK.c.workstream_id)
                      .outerjoin(ROOT, ROOT.c.id == WS.c.root_id))
         .where(_scope(RK, filters), RK.c.status == "open", RK.c.review_due.is_not(None),
                RK.c.review_due <= max(meeting_dates))
         .order_by(RK.c.review_due, RK.c.id))
    return _by_meeting(read_frame(engine, q), "review_due", meeting_dates)


SCHEDULE_COLUMNS = ["meeting", "month", "month_label", "workstream", "top", "milestones", "agenda_items", "owner"]


def schedule_before_meetings(engine: Engine, filters: Filters, meeting_dates: list[date]) -> pd.DataFrame:
    """What the reporting schedule (the ``schedule`` tracker) has each of ``meeting_dates`` hear.

    A schedule month belongs to the board's first meeting (cancelled ones aside) in or after that month, so a month
    with no meeting of its own goes to the next one; only months belonging to one of ``meeting_dates`` are returned.
    ``milestones`` and ``agenda_items`` are lists, one entry a line of the schedule's cell.
    """
    if not meeting_dates:
        return pd.DataFrame(columns=SCHEDULE_COLUMNS)
    q = (select(SI.c.month, SI.c.month_label, WS.c.path.label("workstream"), ROOT.c.name.label("top"),
                SI.c.milestones, SI.c.agenda_items, SI.c.owner)
         .select_from(SI.join(P, P.c.id == SI.c.programme_id).outerjoin(WS, WS.c.id == SI.c.workstream_id)
                      .outerjoin(ROOT, ROOT.c.id == WS.c.root_id))
         .where(_scope(SI, filters, has_locality=False), SI.c.month <= max(meeting_dates))
         .order_by(SI.c.month, WS.c.path, SI.c.id))
    rows = read_frame(engine, q)
    held = read_frame(engine, select(MTG.c.date).where(MTG.c.board_id == filters.board_id,
                                                       MTG.c.status != "cancelled"))
    every = sorted(set(pd.to_datetime(held["date"]).dt.date) | set(meeting_dates)) if not held.empty else \
        sorted(meeting_dates)
    wanted = set(meeting_dates)
    if rows.empty:
        return pd.DataFrame(columns=SCHEDULE_COLUMNS)
    months = pd.to_datetime(rows["month"]).dt.date
    rows["meeting"] = [next((m for m in every if m >= month), None) for month in months]
    rows = rows[rows["meeting"].isin(wanted)].reset_index(drop=True)
    for column in ("milestones", "agenda_items"):
        rows[column] = [text.split("\n") if isinstance(text, str) and text else [] for text in rows[column]]
    return rows[SCHEDULE_COLUMNS]


def last_reports(engine: Engine, filters: Filters) -> pd.DataFrame:
    """When each top-level workstream last reported: the newest upload that changed or re-sent any of its rows."""
    parts = []
    for table in (MS, RK, BL, MT):
        parts.append(select(WS.c.root_id.label("root_id"), table.c.upload_id.label("upload_id"))
                     .select_from(table.join(P, P.c.id == table.c.programme_id).join(WS, WS.c.id == table.c.workstream_id))
                     .where(P.c.board_id == filters.board_id))
    touched = union_all(*parts).subquery()
    q = (select(ROOT.c.name.label("workstream"), func.max(UP.c.uploaded_at).label("last_report"))
         .select_from(touched.join(UP, UP.c.id == touched.c.upload_id).join(ROOT, ROOT.c.id == touched.c.root_id))
         .group_by(ROOT.c.name).order_by(ROOT.c.name))
    return read_frame(engine, q)


def quiet_workstreams(engine: Engine, filters: Filters, gap_meetings: int) -> pd.DataFrame:
    """Workstreams whose last report came before more than ``gap_meetings`` of the meetings held up to the as-at date."""
    reports = last_reports(engine, filters)
    held = read_frame(engine, select(MTG.c.date).where(MTG.c.board_id == filters.board_id, MTG.c.date <= filters.as_at,
                                                 MTG.c.status != "cancelled"))
    held_dates = sorted(pd.to_datetime(held["date"]).dt.date) if not held.empty else []
    rows = []
    for r in reports.itertuples():
        reported = pd.Timestamp(r.last_report).to_pydatetime()
        if reported.tzinfo is None:
            reported = reported.replace(tzinfo=UTC)
        missed = sum(1 for d in held_dates if datetime.combine(d, time.max, tzinfo=UTC) > reported)
        if missed > gap_meetings:
            rows.append({"workstream": r.workstream, "last_report": reported, "meetings_missed": missed})
    return pd.DataFrame(rows, columns=["workstream", "last_report", "meetings_missed"])
