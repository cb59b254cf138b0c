"""A board's remembered mappings, shown and editable: how each tracker sheet a lead mapped will be read next time.

One self-contained section, called from Board settings (and the upload page, where leads reach it). Shown only to
those who may upload for the board or set its rules; every change and "forget" is audited by
``data_model.saved_mappings``.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data_model import saved_mappings
from data_model.permissions import Actor, Resource, allowed
from loaders.kinds import BY_NAME
from loaders.mapping import IGNORE, SheetChoice, choosable_fields
from presentation.safe import md
from presentation.upload_report import ALL_FIELD_WORDS, saved_mappings_frame, saved_words
from ui.context import get_engine
from ui.tables import wrapping_table

AS_READ = ""  # the importer's own reading for a header (no remembered choice)


def may_manage(board_id: int, who: Actor | None) -> bool:
    """Chairs, admins and the board's leads: those who upload for it or set its rules."""
    return allowed("upload", Resource(board_id), who) or allowed("rules", Resource(board_id), who)


def saved_mappings_section(board: dict, who: Actor | None, *, heading: bool = True) -> None:
    """The board's remembered mappings: list them, change a header's field, or forget one. ``heading``: under a
    subheader of its own (Board settings), or not (inside the upload page's expander that names it)."""
    board_id = int(board["id"])
    if not may_manage(board_id, who):
        return
    engine = get_engine()
    if heading:
        st.subheader("Remembered mappings", anchor=False)
    st.caption("When a lead changes how a tracker's headers are read and loads it, the choices are remembered under "
               "that tracker's header row: the next upload of the same tracker is read the same way with no clicks. "
               "Changes here are recorded in the audit trail.")
    saved = saved_mappings.for_board(engine, board_id)
    note = st.session_state.pop(f"mapping_note_{board_id}", None)
    if note:
        st.success(md(note), icon=":material/check_circle:")
    if saved.empty:
        st.info("No remembered mappings yet: they are saved when a lead maps a tracker's headers and loads it.")
        return
    # a board remembers one mapping a tracker layout, so a few rows: each header list and choice read whole
    listed = saved_mappings_frame(saved)
    listed["Saved"] = listed["Saved"].map(lambda t: f"{t.day}\u00a0{t:%b}\u00a0{t.year}, {t:%H:%M}" if pd.notna(t)
                                          else None)
    wrapping_table(listed, name="Remembered mappings")
    labels = {int(r.id): f"Sheet '{r.sheet}', saved by {r.saved_by or 'unknown'} on {r.saved_at:%-d %b %Y}"
              for r in saved.itertuples()}
    chosen = st.selectbox("Remembered mapping", list(labels), format_func=labels.get, key=f"mapping_pick_{board_id}")
    row = saved[saved["id"] == chosen].iloc[0]
    choice = SheetChoice.from_json(row["choice"] or {})
    st.caption("Now: " + md(saved_words(choice, row["headers"])) + ".")
    headers = [str(h) for h in (row["headers"] or []) if str(h).strip()]
    with st.form(f"mapping_edit_{board_id}_{chosen}"):
        left, right = st.columns(2)
        header = left.selectbox("Header", headers, key=f"mapping_header_{board_id}_{chosen}")
        fields = choosable_fields(BY_NAME[choice.kind]) if choice.kind in BY_NAME else ALL_FIELD_WORDS
        options = {AS_READ: "as the importer reads it", **dict(sorted(fields.items(), key=lambda p: p[1].lower())),
                   IGNORE: "not read"}
        field = right.selectbox("Read as", list(options), format_func=options.get,
                                key=f"mapping_field_{board_id}_{chosen}")
        save = st.form_submit_button("Save this header's field")
    if save and header:
        changed = choice.with_field(header, field or None)
        if saved_mappings.change(engine, board_id, int(chosen), changed.as_json(), by=who.email):
            st.session_state[f"mapping_note_{board_id}"] = (
                f"Saved: '{header}' is now read as {options[field].lower()} on sheet '{row['sheet']}'.")
        st.rerun()
    if st.button("Forget this mapping", key=f"mapping_forget_{board_id}_{chosen}", icon=":material/delete:"):
        if saved_mappings.forget(engine, board_id, int(chosen), by=who.email):
            st.session_state[f"mapping_note_{board_id}"] = (
                f"Forgotten: the next upload of sheet '{row['sheet']}' is read afresh.")
        st.rerun()
