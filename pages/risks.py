"""Risks: the heat map, the top risks and their trend, unscored risks and overdue reviews."""

import pandas as pd
import streamlit as st

from data_model import registers
from presentation.rag_view import RAID_WORDS
from presentation.register_tables import drop_empty
from presentation.risk_view import cell_words, heat_cells, heat_map
from presentation.stated_rag import LEAD, RULE, differing, differing_note, with_stated
from ui.board_page import open_board_page
from ui.charts import show_chart
from ui.row_detail import whole_or_detail
from ui.tables import TITLE_WIDTH
from ui.tabs import lazy_tabs

view = open_board_page()
board, rules, filters = view.board, view.rules, view.filters
st.title("Risks")
RAID_WHOLE_UP_TO = 40  # RAID entries listed whole; a longer log scrolls, with the chosen entry written out beneath
df = view.read(registers.risks, filters, rules)
raid = view.read(registers.raid_items, filters)


def show_raid() -> None:
    """A RAID log's other entries, apart from the risks and counted nowhere as risks."""
    if raid.empty:
        return
    kinds = ", ".join(f"{n} {RAID_WORDS[t].lower()}{'s' if n != 1 else ''}"
                      for t, n in raid["raid_type"].value_counts().sort_index().items())
    st.subheader(f"Issues, assumptions and dependencies ({len(raid)})", anchor=False)
    st.caption(f"From the board's RAID log ({kinds}). They are not risks, so no risk count includes them.")
    # Whole while short (each entry and its action read in full); a long log scrolls, with the chosen entry beneath.
    shown = raid.assign(raid_type=raid["raid_type"].map(RAID_WORDS))[
        ["raid_type", "ref", "title", "workstream", "owner", "mitigation", "status", "review_due"]]
    whole_or_detail(shown, up_to=RAID_WHOLE_UP_TO, key="raid_items", name="Issues, assumptions and dependencies",
                    heading="title", column_config={
                        "raid_type": "Type", "ref": "Ref", "title": st.column_config.TextColumn("Entry", width="large"),
                        "workstream": "Workstream", "owner": "Owner", "mitigation": "Action or resolution",
                        "status": "Status", "review_due": st.column_config.DateColumn("Review due", format="D MMM YYYY")})


if df.empty:
    show_raid()
    view.nothing_yet("No risks yet for this selection.", "Upload a risk register (a Risk or Description column, with "
                     "Likelihood or Probability and Impact)", "risks", registers.risks, rules)
    st.stop()

open_risks = df[df["status"] == "open"]
scored = open_risks[open_risks["score"].notna()]
unscored = open_risks[open_risks["score"].isna()]
overdue = open_risks[open_risks["review_due"].notna() & (open_risks["review_due"] < pd.Timestamp(filters.as_at))]
a, b, c, d = st.columns(4)
a.metric("Open risks", len(open_risks))
b.metric("Red", int((open_risks["rag"] == "red").sum()))
c.metric("Unscored", len(unscored))
d.metric("Reviews overdue", len(overdue))

# In the order a member reads a risk: how bad, what it is, whose, when it is next looked at; then the ratings.
COLUMNS = {"rag": RULE, "reported_rag": LEAD, "score": "Score", "trend": "Trend", "previous_score": "Was",
           "ref": "Ref", "title": st.column_config.TextColumn("Risk", width=TITLE_WIDTH), "workstream": "Workstream",
           "owner": "Owner", "review_due": st.column_config.DateColumn("Review due", format="D MMM YYYY"),
           "likelihood": "Likelihood", "impact": "Impact",
           "mitigation": st.column_config.TextColumn("Mitigation", width="large"), "locality": "Locality"}
SHORT = ("rag", "reported_rag", "score", "title", "workstream", "owner")  # beside the heat map: what a member scans first
# The lists beside the heat map are short: up to this many, a table that wraps (whole text, one Tab press, and far
# less for the browser to draw than a data grid); longer, a grid whose chosen row is written out beneath it.
WHOLE_UP_TO = 10
DETAIL = {"rag": RULE, "reported_rag": LEAD, "score": "Score", "trend": "Trend", "previous_score": "Was",
          "likelihood": "Likelihood", "impact": "Impact", "ref": "Ref", "workstream": "Workstream", "owner": "Owner",
          "review_due": "Review due", "mitigation": "Mitigation", "locality": "Locality"}


def show(frame: pd.DataFrame, key: str, name: str, columns: tuple[str, ...] | None = None, whole_up_to: int = 0) -> None:
    """The risks as a table, any one of them in full beneath it; at most ``whole_up_to`` of them, a table that
    wraps, every word shown without a click. Columns empty for every risk are left out (an impact-only register has
    no score to show); the lead's RAG only where some risk states one its score overrides."""
    shown = with_stated(frame)
    wanted = [c for c in (columns or COLUMNS) if c != "reported_rag" or differing(frame)]
    table_frame = drop_empty(shown[wanted], always=("rag", "title"))
    whole_or_detail(table_frame, up_to=whole_up_to, key=key, name=name, heading="title", full=shown,
                    column_config={c: COLUMNS[c] for c in table_frame.columns},
                    detail_labels={c: w for c, w in DETAIL.items() if c != "reported_rag" or c in table_frame})


stated_differs = differing(open_risks)
if stated_differs:
    st.caption(differing_note(stated_differs, "open risk", "from its score under the board's bands"))


def heat_map_and_picker() -> tuple | None:
    """The heat map and its cell picker; the cell chosen, if any."""
    cells = heat_cells(scored, rules)
    # Keyed by board: a cell chosen on one board never stays chosen on another.
    event = show_chart(heat_map, cells, on_select="rerun", key=f"risk_heat_map_{board['id']}")
    st.caption("Likelihood and impact run from 1 to 5, higher is worse. Click a cell, or choose one below, to list "
               "its risks.")
    filled = cells[cells["count"] > 0]
    options = [None, *zip(filled["likelihood"].astype(int), filled["impact"].astype(int), strict=True)]
    # One choice, whichever way it was made: a cell clicked on the map sets the picker below (so the two never
    # disagree), and the picker, changed after, wins until the map is clicked again.
    chosen = (event.selection.get("cell") or []) if event else []
    clicked = (int(chosen[0]["likelihood"]), int(chosen[0]["impact"])) if chosen else None
    seen_key, cell_key = f"risk_cell_clicked_{board['id']}", f"risk_cell_{board['id']}"
    if clicked != st.session_state.get(seen_key):
        st.session_state[seen_key] = clicked
        if clicked in options:
            st.session_state[cell_key] = clicked
    return st.selectbox("Show the risks in one cell", options, key=cell_key,
                        format_func=lambda c: "Top risks (no cell chosen)" if c is None else cell_words(cells, *c))


if scored.empty:  # an impact-only register: an empty grid, with cells to click that hold nothing, would mislead
    which = "The open risk has" if len(open_risks) == 1 else f"None of the {len(open_risks)} open risks has"
    st.info(f"{which} both a likelihood and an impact, so the heat map and the top risks by score are left out. "
            "The risks are listed under **Unscored**, below.", icon=":material/info:")
else:
    left, right = st.container(key="side_by_side").columns([1, 1])  # one above the other on a narrow screen (ui.app)
    with left:
        st.subheader("Heat map", anchor=False)
        pick = heat_map_and_picker()
    with right:
        if pick:
            in_cell = scored[(scored["likelihood"] == pick[0]) & (scored["impact"] == pick[1])]
            st.subheader(f"Likelihood {pick[0]}, impact {pick[1]} ({len(in_cell)})", anchor=False)
            show(in_cell, "risks_in_cell", f"Risks with likelihood {pick[0]} and impact {pick[1]}", SHORT,
                 WHOLE_UP_TO)
        else:
            st.subheader("Top risks", anchor=False)
            show(scored.head(WHOLE_UP_TO), "risks_top", "Top risks by score", SHORT, WHOLE_UP_TO)
            st.caption("Each open risk's mitigation, review date and ratings: **All open risks**, below.")


def all_open() -> None:
    show(open_risks, "risks_all", "All open risks")


def unscored_risks() -> None:
    if unscored.empty:
        st.write("Every open risk has a likelihood and an impact.")
    else:
        st.caption("These risks have no likelihood or impact rating, so they cannot be placed on the heat map.")
        show(unscored, "risks_unscored", "Unscored risks")


def reviews_overdue() -> None:
    if overdue.empty:
        st.write(f"No open risk was due a review before {filters.as_at:%-d %B %Y}.")
    else:
        show(overdue, "risks_overdue", "Risks whose review is overdue")


# The three lists as tabs of which only the chosen one is drawn: each is a data grid of up to every open risk, and
# drawn together they cost the browser most of the page's time on every visit. The choice is kept by name.
LISTS = ("All open risks", "Unscored", "Reviews overdue")
tabs = lazy_tabs(LISTS, [f"{name} ({len(rows)})" for name, rows in zip(LISTS, (open_risks, unscored, overdue),
                                                                        strict=True)], key=f"risk_lists_{board['id']}")
for tab, draw in zip(tabs, (all_open, unscored_risks, reviews_overdue), strict=True):
    if tab.open:  # only the chosen tab is drawn
        with tab:
            draw()

show_raid()
