"""A sample board's history played in date order, so every snapshot holds what the board had on its meeting's day.

On each upload day the trackers are imported as they stood then (``sample_data.history``); on each meeting's day the
meeting gets its seed's agenda and decisions and the chair freezes a snapshot before it (09:00), after which it is
held and its actions arising are opened; an action is closed on the day its seed closes it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time

from sqlalchemy import update
from sqlalchemy.engine import Engine

from sample_data.demo_accounts import DEMO_PEOPLE

CHAIR = next(email for email, _name, role in DEMO_PEOPLE if role == "chair")
SNAPSHOT_AT = time(9, 0)  # before the meeting, as a chair freezes the papers
ACTIONS_AT = time(17, 0)  # arising at the meeting
CLOSED_AT = time(18, 0)


def at(day: date, when: time) -> datetime:
    return datetime.combine(day, when, tzinfo=UTC)


def play_history(engine: Engine, board, board_id: int, *, by: str) -> list:
    """Upload, meet, freeze and follow up, in date order. ``board`` is a sample_data.SampleBoard."""
    from data_model.board_settings import board_rules
    from data_model.snapshots import take_snapshot
    from data_model.tables import Board, Programme
    from loaders.importer import import_bytes, store_analysis
    from sample_data import HERE
    from sample_data.history import ILLUSTRATIVE_BY, versions
    from sample_data.meetings import (
        add_actions,
        close_action,
        mark_held,
        mark_held_on_its_day,
        prepare_meeting,
        sample_meetings_of,
    )

    first = min(board.uploads)
    with engine.begin() as conn:  # the board was set up with its first upload, not on the day the demo started
        conn.execute(update(Board.__table__).where(Board.__table__.c.id == board_id)
                     .values(created_at=at(first, time(9, 0))))
        conn.execute(update(Programme.__table__).where(Programme.__table__.c.board_id == board_id)
                     .values(created_at=at(first, time(9, 0))))

    events: list[tuple[datetime, int, Callable[[], None]]] = []
    results: list = []
    rules = board_rules(engine, board.slug)
    for name, kind in board.files:
        for version in versions(HERE / name, kind, board.uploads, rules):
            def upload(version=version, kind=kind) -> None:
                who = ILLUSTRATIVE_BY if version.illustrative else by
                if version.analysis is not None:  # read already, under the board's rules: stored as the page does
                    results.append(store_analysis(version.analysis, board.slug, engine=engine, uploaded_by=who,
                                                  uploaded_at=version.uploaded_at))
                else:
                    results.append(import_bytes(version.data, version.file_name, board.slug, engine=engine,
                                                kind=kind, uploaded_by=who, uploaded_at=version.uploaded_at))
            events.append((version.uploaded_at, 0, upload))

    samples = {m.date: m for m in sample_meetings_of(board.slug)}
    for day in board.meetings:
        def meet(day=day) -> None:
            sample = samples.get(day)
            prepared = prepare_meeting(engine, sample, by=by) if sample is not None else None
            take_snapshot(engine, board.slug, day, CHAIR, taken_at=at(day, SNAPSHOT_AT))
            if prepared is None:  # no agenda in the seed: the board met all the same
                mark_held_on_its_day(engine, board_id, day)
                return
            mark_held(engine, prepared)
            for action_id, action in add_actions(engine, prepared, by=by):
                if action.closed:
                    events.append((at(action.closed[1], CLOSED_AT), 2, lambda a=action_id, s=action: close_action(
                        engine, board_id, a, s, by=by)))
                    events.sort(key=lambda e: (e[0], e[1]))
        events.append((at(day, SNAPSHOT_AT), 1, meet))

    events.sort(key=lambda e: (e[0], e[1]))
    done = 0
    while done < len(events):  # a meeting adds its actions' closing days as it goes
        events[done][2]()
        done += 1

    return results
