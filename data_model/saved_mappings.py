"""A board's remembered mappings: how a lead mapped a tracker sheet, kept under its header row's signature.

The choices themselves are ``loaders.mapping.SheetChoice`` as JSON; this module only stores and lists them,
so the data model never imports the loaders.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection, Engine

from data_model import audit
from data_model.tables import Board, SavedMapping, utcnow

SM = SavedMapping.__table__
B = Board.__table__


def by_signature(conn: Connection, board_slug: str) -> dict[str, dict]:
    """Every remembered sheet mapping of the board, by header signature ({} for a board not yet made)."""
    rows = conn.execute(select(SM.c.signature, SM.c.choice).join(B, B.c.id == SM.c.board_id)
                        .where(B.c.slug == board_slug))
    return {r.signature: dict(r.choice) for r in rows}


def remember(conn: Connection, board_id: int, signature: str, sheet: str, headers: list[str], choice: dict,
             by: str | None) -> None:
    """Save (or replace) the mapping of one sheet, inside the caller's transaction (the upload's own)."""
    found = conn.execute(select(SM.c.id).where(SM.c.board_id == board_id, SM.c.signature == signature)).scalar()
    values = {"sheet": sheet, "headers": headers, "choice": choice, "saved_by": by, "saved_at": utcnow()}
    if found is None:
        conn.execute(insert(SM).values(board_id=board_id, signature=signature, **values))
    else:
        conn.execute(update(SM).where(SM.c.id == found).values(**values))


def for_board(source, board_id: int) -> pd.DataFrame:
    """The board's remembered mappings, newest first, for Board settings."""
    with source.connect() as conn:
        rows = conn.execute(select(SM.c.id, SM.c.sheet, SM.c.headers, SM.c.choice, SM.c.saved_by, SM.c.saved_at)
                            .where(SM.c.board_id == board_id).order_by(SM.c.saved_at.desc(), SM.c.id.desc())).all()
    return pd.DataFrame([r._asdict() for r in rows],
                        columns=["id", "sheet", "headers", "choice", "saved_by", "saved_at"])


def change(engine: Engine, board_id: int, mapping_id: int, choice: dict, by: str) -> bool:
    """Replace a remembered mapping's choices (Board settings); audited. False when there is no such mapping."""
    with engine.begin() as conn:
        done = conn.execute(update(SM).where(SM.c.id == mapping_id, SM.c.board_id == board_id)
                            .values(choice=choice, saved_by=by, saved_at=utcnow())).rowcount
        if done:
            audit.record(conn, by, "mapping_change", board_id=board_id, detail=f"remembered mapping {mapping_id}")
    return bool(done)


def forget(engine: Engine, board_id: int, mapping_id: int, by: str) -> bool:
    """Delete a remembered mapping: the next upload of that tracker is read afresh. Audited."""
    with engine.begin() as conn:
        sheet = conn.execute(select(SM.c.sheet).where(SM.c.id == mapping_id, SM.c.board_id == board_id)).scalar()
        if sheet is None:
            return False
        conn.execute(delete(SM).where(SM.c.id == mapping_id))
        audit.record(conn, by, "mapping_change", board_id=board_id,
                     detail=f"forgot the remembered mapping of sheet '{sheet}'")
    return True
