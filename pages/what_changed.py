"""What changed: milestones, risks, budget, metrics and actions between two readings of the board's data."""

from datetime import date, timedelta

import streamlit as st

from data_model import attention
from data_model.changes import Changes, Reading, compare, live_changes
from presentation.changes_view import SECTION_TABLES, SECTION_TITLES, section_counts
from presentation.safe import md
from ui.board_page import BoardPage, open_board_page

NOW, EARLIER = "now", "earlier"


def reading_choices(view: BoardPage) -> dict[str, str]:
    """The readings a comparison can run from and to, token: label. Snapshots of the board's meetings join these."""
    return {NOW: "Now", EARLIER: "The same data as at an earlier date"}


def open_reading(view: BoardPage, token: str, earlier: date) -> Reading:
    """The reading a token names: the live data as at the page's as-at date, or as at the earlier date."""
    if token == NOW:
        return Reading(view.engine, view.filters.as_at, view.rules, f"now (as at {view.filters.as_at:%d %B %Y})")
    return Reading(view.engine, earlier, view.rules, f"as at {earlier:%d %B %Y}")


def changes_between(view: BoardPage, before: Reading, after: Reading) -> Changes:
    """Two readings of the live data go through the page cache; any other pair is compared directly."""
    if before.source is view.engine and after.source is view.engine and before.rules == after.rules:
        return view.read(live_changes, view.board["slug"], before.as_at, after.as_at, after.rules)
    return compare(before, after, view.board["slug"])


view = open_board_page()
board, filters = view.board, view.filters
st.title("What changed")

def _url_date(param: str) -> date | None:
    """A date the link carries (YYYY-MM-DD); a bad one is explained and dropped."""
    raw = st.query_params.get(param)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        st.warning(f"'{md(raw)}' in the link is not a date (use YYYY-MM-DD). Showing the default instead.")
        del st.query_params[param]
        return None


choices = reading_choices(view)
tokens = list(choices)
wanted = {param: st.query_params.get(param) for param in ("from", "to")}
from_col, to_col, date_col = st.columns(3)
from_token = from_col.selectbox("From", tokens, index=tokens.index(wanted["from"] if wanted["from"] in choices else
                                                                   EARLIER), format_func=choices.get, key="changes_from")
to_token = to_col.selectbox("To", tokens, index=tokens.index(wanted["to"] if wanted["to"] in choices else NOW),
                            format_func=choices.get, key="changes_to")
last_meeting = view.read(attention.previous_meeting, filters.board_id, filters.as_at)
earlier = last_meeting or filters.as_at - timedelta(days=28)
earlier = min(_url_date("since") or earlier, filters.as_at)
if EARLIER in (from_token, to_token):
    earlier = date_col.date_input("Earlier date", value=earlier, max_value=filters.as_at, format="DD/MM/YYYY",
                                  key="changes_earlier", help="Defaults to the last meeting before the as-at date.")
# Kept in the address, like the filters, so a link pasted into an email opens the same comparison.
st.query_params.update({"from": from_token, "to": to_token})
if EARLIER in (from_token, to_token):
    st.query_params["since"] = earlier.isoformat()
elif "since" in st.query_params:
    del st.query_params["since"]

before, after = open_reading(view, from_token, earlier), open_reading(view, to_token, earlier)
if before.label == after.label:
    st.info("Pick two different readings: From and To are the same, so nothing can have changed.")
    st.stop()
st.caption(f"{md(board['name'])}: the whole board, from {md(before.label)} to {md(after.label)}. Each change names its "
           "workstream and, where an upload made it since the earlier reading, the file and who uploaded it.")
if before.source is after.source:
    st.caption("Both readings are of the data as it stands, so this shows what time alone has changed: milestones "
               "falling due, risk reviews passing and new metric periods. Changes made by uploads show between "
               "snapshots.")

changes = changes_between(view, before, after)
if changes.rules_changed:
    st.caption("The two readings judge RAG by different rules, so some RAG changes come from the rules, not the data.")

counts = section_counts(changes)
for column, count in zip(st.columns(len(counts)), counts, strict=True):
    column.metric(count.section, count.total)
    column.caption(count.detail)

for section, build in SECTION_TABLES.items():
    st.subheader(SECTION_TITLES[section], anchor=False)
    table = build(changes)
    if table.empty:
        st.write(f"No change to the {SECTION_TITLES[section].lower()}.")
    else:
        # The item's name at medium width, so Before and After stay in view beside a long title.
        names = {c: st.column_config.TextColumn(c, width="medium") for c in ("Milestone", "Risk", "Line", "Metric",
                                                                             "Action") if c in table.columns}
        st.dataframe(table, hide_index=True, width="stretch", key=f"changes_{section}", column_config=names)
