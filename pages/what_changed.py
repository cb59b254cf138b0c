"""What changed: milestones, risks, budget, metrics and actions between two readings of the board's data, each a
frozen snapshot or the data now (or as at an earlier date), kept in the link as ?from=…&to=…."""

from datetime import date, timedelta

import streamlit as st

from data_model import attention, queries
from data_model.changes import Changes, Reading, compare, live_changes
from data_model.rag import RagRules
from data_model.snapshots import SnapshotError, SnapshotInfo, list_snapshots
from presentation.changes_view import SECTION_TABLES, SECTION_TITLES, section_counts, snapshot_name
from presentation.safe import md
from ui.board_page import BoardPage, open_board_page
from ui.context import frozen_source, run_transaction, run_version
from ui.row_detail import whole_or_detail

WHOLE_UP_TO = 40  # changes of a section listed whole; more scroll in a grid whose chosen row is written out beneath

NOW, EARLIER = "now", "earlier"  # the other tokens are snapshot ids


def reading_choices(view: BoardPage, found: list[SnapshotInfo]) -> dict[str, str]:
    """The readings a comparison can run from and to, token: label: now, each snapshot (newest meeting first), and
    the live data as at an earlier date."""
    return {NOW: f"Now (the live data as at {view.filters.as_at:%-d %B %Y})",
            **{str(s.id): snapshot_name(s) for s in found}, EARLIER: "The live data as at an earlier date"}


def default_tokens(found: list[SnapshotInfo], to: str | None = None) -> tuple[str, str]:
    """From the previous meeting's snapshot to the latest one (or to the snapshot ``to`` names); with no earlier
    meeting's snapshot, from it to now; with no snapshot at all, from an earlier date to now."""
    if not found:
        return EARLIER, to or NOW
    latest = next((s for s in found if str(s.id) == to), None) or found[0]  # newest meeting first, its newest first
    previous = next((s for s in found if s.meeting < latest.meeting and not s.superseded), None)
    if to is not None and to != str(latest.id):  # to now, or to an earlier date: from the latest snapshot
        return str(found[0].id), to
    if previous is not None:
        return str(previous.id), str(latest.id)
    return (EARLIER, to) if to is not None else (str(latest.id), NOW)  # a linked first snapshot stays the To


def link_token(raw: str | None, found: list[SnapshotInfo], what: str) -> str | None:
    """The reading a link's ?from= or ?to= names: now, earlier, a snapshot id or a meeting date (its current
    snapshot, as `python -m data_model snapshot diff` reads it). Anything else is explained and dropped."""
    if not raw:
        return None
    text = raw.strip().lower()
    if text in (NOW, EARLIER) or (text.isdigit() and any(s.id == int(text) for s in found)):
        return text
    try:
        day = date.fromisoformat(text)
    except ValueError:
        day = None
    current = next((s for s in found if s.meeting == day and not s.superseded), None)
    if current is not None:
        return str(current.id)
    st.warning(f"The link asks to compare {what} '{md(raw)}', which is not a snapshot of this board (a snapshot's "
               "number, a meeting date with a snapshot, or now). Showing the default instead.")
    return None


def open_reading(view: BoardPage, token: str, earlier: date, found: list[SnapshotInfo]) -> Reading:
    """The reading a token names: the live data as at the page's as-at date or the earlier date, or a snapshot's
    frozen copy as at its date under the RAG rules frozen with it."""
    if token == NOW:
        return Reading(view.engine, view.filters.as_at, view.rules, f"now (as at {view.filters.as_at:%-d %B %Y})")
    if token == EARLIER:
        return Reading(view.engine, earlier, view.rules, f"as at {earlier:%-d %B %Y}")
    info = next(s for s in found if str(s.id) == token)
    source = frozen_source(info.id)
    rules = RagRules.from_settings((queries.board(source, view.board["slug"]) or {}).get("settings"))
    return Reading(source, info.as_at, rules, f"the snapshot for the meeting of {info.meeting.day} "
                                              f"{info.meeting:%B %Y} (snapshot {info.id}, hash {info.short_hash}…)")


@st.cache_data(ttl=600, max_entries=64, show_spinner=False)
def _compared(key: tuple, _before: Reading, _after: Reading, slug: str) -> Changes:
    """A comparison involving a snapshot, kept under ``key`` (each side's snapshot and hash, or the data version)."""
    return compare(_before, _after, slug)


def changes_between(view: BoardPage, before: Reading, after: Reading, tokens: tuple[str, str],
                    found: list[SnapshotInfo]) -> Changes:
    """Two readings of the live data go through the page cache; a pair with a snapshot is cached by what it reads."""
    if before.source is view.engine and after.source is view.engine and before.rules == after.rules:
        return view.read(live_changes, view.board["slug"], before.as_at, after.as_at, after.rules)
    hashes = {str(s.id): s.hash for s in found}
    live = run_version() if NOW in tokens or EARLIER in tokens else None
    key = (view.board["slug"], *(hashes.get(t, t) for t in tokens), before.as_at, after.as_at, repr(view.rules), live)
    return _compared(key, before, after, view.board["slug"])


view = open_board_page(None)  # no sidebar snapshot: From and To below each pick one
board, filters = view.board, view.filters
st.title("What changed")
found = list_snapshots(run_transaction() or view.engine, int(board["id"]))
if "snapshot" in st.query_params:  # a link from a view of a snapshot: compare up to that snapshot
    if "to" not in st.query_params:
        st.query_params["to"] = st.query_params["snapshot"]
    del st.query_params["snapshot"]


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


choices = reading_choices(view, found)
tokens = list(choices)
linked_to = link_token(st.query_params.get("to"), found, "to")
default_from, wanted_to = default_tokens(found, linked_to)
wanted_from = link_token(st.query_params.get("from"), found, "from") or default_from
from_col, to_col = st.columns(2)  # wide enough to read a snapshot's meeting, number and hash
from_token = from_col.selectbox("From", tokens, index=tokens.index(wanted_from), format_func=choices.get,
                                key=f"changes_from_{board['slug']}",
                                help="The earlier reading: a snapshot frozen for a meeting, or the live data.")
to_token = to_col.selectbox("To", tokens, index=tokens.index(wanted_to), format_func=choices.get,
                            key=f"changes_to_{board['slug']}",
                            help="The later reading: a snapshot frozen for a meeting, or the live data.")
last_meeting = view.read(attention.previous_meeting, filters.board_id, filters.as_at)
earlier = last_meeting or filters.as_at - timedelta(days=28)
earlier = min(_url_date("since") or earlier, filters.as_at)
if EARLIER in (from_token, to_token):
    earlier = st.columns(2)[0].date_input("Earlier date", value=earlier, max_value=filters.as_at, format="DD/MM/YYYY",
                                          key="changes_earlier", help="Defaults to the last meeting before the as-at date.")
# Kept in the address, like the filters, so a link pasted into an email opens the same comparison.
st.query_params.update({"from": from_token, "to": to_token})
if EARLIER in (from_token, to_token):
    st.query_params["since"] = earlier.isoformat()
elif "since" in st.query_params:
    del st.query_params["since"]

if from_token == to_token:
    st.info("Pick two different readings: From and To are the same, so nothing can have changed.")
    st.stop()
try:
    before = open_reading(view, from_token, earlier, found)
    after = open_reading(view, to_token, earlier, found)
except SnapshotError as exc:  # a stored copy that no longer matches its hash
    st.error(md(str(exc)), icon=":material/error:")
    st.stop()
st.caption(f"{md(board['name'])}: the whole board, from {md(before.label)} to {md(after.label)}. Each change names its "
           "workstream and, where an upload made it, the file and who uploaded it.")
if before.source is after.source:
    st.caption("Both readings are of the data as it stands, so this shows what time alone has changed: milestones "
               "falling due, risk reviews passing and new metric periods. Changes made by uploads show between "
               "snapshots, or between a snapshot and now.")

changes = changes_between(view, before, after, (from_token, to_token), found)
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
        # Whole while short: a long title and its Before and After read in full, where a grid cut them. A longer list
        # scrolls, and the change chosen in it is written out in full beneath.
        item = next(c for c in ("Milestone", "Risk", "Line", "Metric", "Action", "Change") if c in table.columns)
        whole_or_detail(table, up_to=WHOLE_UP_TO, key=f"changes_{section}", heading=item,
                        name=f"What changed: {SECTION_TITLES[section].lower()}")
