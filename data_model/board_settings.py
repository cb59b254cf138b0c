"""Boards and their settings: adding a board (admins), its RAG rules and its meetings (chairs). Each change is
audited in its own transaction."""

from __future__ import annotations

import re
from dataclasses import asdict
from datetime import date, time

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection, Engine

from data_model import audit
from data_model.rag import RagRules
from data_model.spc import SpcSettings
from data_model.tables import Board, Meeting, Programme, utcnow

B, MTG, P = Board.__table__, Meeting.__table__, Programme.__table__
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$")
MEETING_STATUSES = ("planned", "held", "cancelled")


class SettingsError(ValueError):
    """A change that can't be made, in words the chair can act on."""


def slug_to_name(slug: str) -> str:
    return slug.replace("-", " ").replace("_", " ").title()


def ensure_board(conn: Connection, slug: str, name: str | None = None, **details) -> tuple[int, int, bool]:
    """The board's id and its main programme's id, creating both when the board is new."""
    board = conn.execute(select(B.c.id).where(B.c.slug == slug)).scalar()
    created = False
    if board is None:
        board = conn.execute(insert(B).values(slug=slug, name=name or slug_to_name(slug), created_at=utcnow(),
                                              **details).returning(B.c.id)).scalar_one()
        created = True
    programme = conn.execute(select(P.c.id).where(P.c.board_id == board).order_by(P.c.id)).scalar()
    if programme is None:
        board_name = conn.execute(select(B.c.name).where(B.c.id == board)).scalar_one()
        programme = conn.execute(insert(P).values(
            board_id=board, slug="main", name=board_name, level_labels=[], created_at=utcnow())
            .returning(P.c.id)).scalar_one()
    return board, programme, created


def board_rules(engine: Engine, slug: str) -> RagRules:
    """A board's RAG rules; the defaults for a board that does not exist yet (an admin's first upload makes it)."""
    with engine.connect() as conn:
        settings = conn.execute(select(B.c.settings).where(B.c.slug == slug)).scalar()
    return RagRules.from_settings(settings)


def add_board(engine: Engine, slug: str, name: str, *, by: str, board_type: str | None = None,
              area: str | None = None) -> int:
    """A new, empty board (an admin's job); its leads then upload the trackers."""
    slug = (slug or "").strip().lower()
    if not SLUG.match(slug):
        raise SettingsError("A board's short name uses 3 to 64 lower-case letters, digits and hyphens, like "
                            "'rutland-hwb'. It appears in links.")
    if not (name or "").strip():
        raise SettingsError("Give the board a name.")
    with engine.begin() as conn:
        if conn.execute(select(B.c.id).where(B.c.slug == slug)).first():
            raise SettingsError(f"There is already a board called '{slug}'.")
        board_id, _programme, _created = ensure_board(conn, slug, name.strip(), board_type=board_type or None,
                                                      area=area or None)
        audit.record(conn, by, "board_added", board_id=board_id, detail=f"{slug}: {name.strip()}")
    return board_id


def save_rules(engine: Engine, board_id: int, rules: RagRules, *, by: str) -> list[str]:
    """Store the board's RAG rules; returns what changed, in words. Refuses thresholds that don't make sense."""
    problems = rules.validate()
    if problems:
        raise SettingsError(" ".join(problems))
    with engine.begin() as conn:
        settings = dict(conn.execute(select(B.c.settings).where(B.c.id == board_id)).scalar_one() or {})
        old = asdict(RagRules.from_settings(settings))
        new = asdict(rules)
        changed = [f"{k}: {old[k]} → {new[k]}" for k in new if old[k] != new[k]]
        if not changed:
            return []
        settings.update(rules.as_settings())
        conn.execute(update(B).where(B.c.id == board_id).values(settings=settings))
        audit.record(conn, by, "rules_changed", board_id=board_id, detail="; ".join(changed))
    return changed


def board_spc(engine: Engine, slug: str) -> SpcSettings:
    """A board's SPC settings (the defaults for a board that does not exist yet)."""
    with engine.connect() as conn:
        settings = conn.execute(select(B.c.settings).where(B.c.slug == slug)).scalar()
    return SpcSettings.from_settings(settings)


def save_spc_settings(engine: Engine, board_id: int, spc: SpcSettings, *, by: str,
                      names: dict[int, str] | None = None) -> list[str]:
    """Store the board's SPC settings (audited with the RAG rules); returns what changed, in words."""
    problems = spc.validate()
    if problems:
        raise SettingsError(" ".join(problems))
    names = names or {}
    with engine.begin() as conn:
        settings = dict(conn.execute(select(B.c.settings).where(B.c.id == board_id)).scalar_one() or {})
        old = SpcSettings.from_settings(settings)
        changed = [f"SPC run length: {old.run_length} → {spc.run_length}"] if old.run_length != spc.run_length else []
        for metric_id in sorted({k for k, _m in old.metrics} | {k for k, _m in spc.metrics}):
            before, after = old.for_metric(metric_id), spc.for_metric(metric_id)
            if before != after:
                changed.append(f"SPC for '{names.get(metric_id, metric_id)}': {before.words()} → {after.words()}")
        if not changed:
            return []
        settings.update(spc.as_settings())
        conn.execute(update(B).where(B.c.id == board_id).values(settings=settings))
        audit.record(conn, by, "rules_changed", board_id=board_id, detail="; ".join(changed))
    return changed


def board_metrics(engine: Engine, board_id: int) -> list[tuple[int, str]]:
    """The board's current metrics as (id, name), for choosing one to set its SPC options."""
    from data_model.tables import Metric

    mt = Metric.__table__
    with engine.connect() as conn:
        rows = conn.execute(select(mt.c.id, mt.c.name).join(P, P.c.id == mt.c.programme_id)
                            .where(P.c.board_id == board_id, mt.c.removed_upload_id.is_(None))
                            .order_by(mt.c.name, mt.c.id)).all()
    return [(int(r.id), r.name) for r in rows]


def parse_recalculation(text: str) -> tuple[str, ...]:
    """'2016-08, 2017-01-01' → ISO dates (a month means its first day); refuses anything else in words."""
    out = []
    for part in (p.strip() for p in (text or "").replace(";", ",").split(",")):
        if not part:
            continue
        try:
            when = date.fromisoformat(part if len(part) > 7 else f"{part}-01")
        except ValueError:
            raise SettingsError(f"'{part}' is not a month or date: write months like 2016-08, separated by commas."
                                ) from None
        out.append(when.isoformat())
    return tuple(sorted(set(out)))


def add_meeting(engine: Engine, board_id: int, when: date, title: str, *, by: str, start_time: time | None = None,
                venue: str | None = None) -> int:
    """A planned meeting (its agenda, decisions and actions are data_model.meetings'); returns its id."""
    title = " ".join((title or "").split()) or "Board meeting"
    venue = " ".join((venue or "").split()) or None
    if len(title) > 500 or (venue and len(venue) > 200):
        raise SettingsError("Keep a meeting's title under 500 characters and its venue under 200.")
    with engine.begin() as conn:
        if conn.execute(select(MTG.c.id).where(MTG.c.board_id == board_id, MTG.c.date == when,
                                               MTG.c.title == title)).first():
            raise SettingsError(f"There is already a meeting called '{title}' on {when:%d %B %Y}.")
        meeting_id = conn.execute(insert(MTG).values(board_id=board_id, date=when, title=title, status="planned",
                                                     start_time=start_time, venue=venue)
                                  .returning(MTG.c.id)).scalar_one()
        audit.record(conn, by, "meeting_change", board_id=board_id, detail=f"added {when.isoformat()} {title}")
    return meeting_id


def set_meeting_status(engine: Engine, board_id: int, meeting_id: int, status: str, *, by: str) -> None:
    if status not in MEETING_STATUSES:
        raise SettingsError(f"'{status}' is not a meeting status: use {', '.join(MEETING_STATUSES)}.")
    with engine.begin() as conn:
        row = conn.execute(select(MTG.c.date, MTG.c.title, MTG.c.status)
                           .where(MTG.c.id == meeting_id, MTG.c.board_id == board_id)).first()
        if row is None:
            raise SettingsError("That meeting is not on this board.")
        if row.status == status:
            return
        conn.execute(update(MTG).where(MTG.c.id == meeting_id).values(status=status))
        audit.record(conn, by, "meeting_change", board_id=board_id,
                     detail=f"{row.date.isoformat()} {row.title}: {row.status} → {status}")
