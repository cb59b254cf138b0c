"""The span of a board's own dates, for views that open at the data's own time and date pickers that reach it all.

A board run years ago (the sample boards' programmes ran 2008-2019) would otherwise open as at today, with every
milestone overdue, and its as-at picker would refuse most of its history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from data_model.tables import Meeting, Metric, MetricValue, Milestone, Programme, Upload

STALE_AFTER_DAYS = 365  # a board whose own dates all end longer ago than this opens as at its latest meeting


@dataclass(frozen=True)
class BoardDates:
    earliest: date | None  # the first dated milestone, meeting, upload or metric period
    latest: date | None  # the last of them
    newest_upload: date | None  # when the board's newest data arrived
    latest_meeting: date | None
    data_latest: date | None = None  # the last date the data itself names: a milestone, a meeting, a metric period

    def opening_as_at(self, today: date) -> date | None:
        """The date to open the board as at when the data's own dates all end over a year ago (its latest meeting,
        else that last date); None when they reach within a year of today, or name no date: it opens as at today.
        Judged by what the data describes, not when it arrived: one upload today of a 2016 tracker does not make an
        old programme's every milestone overdue."""
        if self.data_latest is None or (today - self.data_latest).days <= STALE_AFTER_DAYS:
            return None
        return min(d for d in (self.latest_meeting, self.data_latest) if d is not None)

    def picker_range(self, today: date, pad_years: int = 1) -> tuple[date, date]:
        """The as-at picker's bounds: the board's whole span and today, a year either side."""
        low = min(d for d in (self.earliest, today) if d is not None)
        high = max(d for d in (self.latest, today) if d is not None)
        return _years(low, -pad_years), _years(high, pad_years)


def _years(d: date, n: int) -> date:
    try:
        return d.replace(year=d.year + n)
    except ValueError:  # 29 February
        return d.replace(year=d.year + n, day=28)


def _day(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


def board_dates(source, board_id: int) -> BoardDates:
    """``source`` is an engine or a snapshot's source (anything with ``connect()``)."""
    ms, mtg, up, mt, mv, p = (Milestone.__table__, Meeting.__table__, Upload.__table__, Metric.__table__,
                              MetricValue.__table__, Programme.__table__)
    programmes = select(p.c.id).where(p.c.board_id == board_id)
    live = ms.c.removed_upload_id.is_(None)
    with source.connect() as conn:
        spans = [
            conn.execute(select(func.min(ms.c.start), func.max(ms.c.start))
                         .where(ms.c.programme_id.in_(programmes), live)).one(),
            conn.execute(select(func.min(ms.c.due), func.max(ms.c.due))
                         .where(ms.c.programme_id.in_(programmes), live)).one(),
            conn.execute(select(func.min(mtg.c.date), func.max(mtg.c.date)).where(mtg.c.board_id == board_id)).one(),
            conn.execute(select(func.min(up.c.uploaded_at), func.max(up.c.uploaded_at))
                         .where(up.c.board_id == board_id)).one(),
            conn.execute(select(func.min(mv.c.period_start), func.max(mv.c.period_end))
                         .where(mv.c.metric_id.in_(select(mt.c.id).where(mt.c.programme_id.in_(programmes))))).one(),
        ]
        newest = conn.execute(select(func.max(up.c.uploaded_at)).where(up.c.board_id == board_id)).scalar()
        meeting = conn.execute(select(func.max(mtg.c.date))
                               .where(mtg.c.board_id == board_id, mtg.c.status != "cancelled")).scalar()
    found = [d for span in spans for d in map(_day, span) if d is not None]
    described = [d for span in spans[:3] + spans[4:] for d in map(_day, span) if d is not None]  # not the uploads
    return BoardDates(min(found) if found else None, max(found) if found else None, _day(newest), _day(meeting),
                      max(described) if described else None)
