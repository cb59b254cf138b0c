"""Overview: the board's RAG matrix by workstream and by locality, under the board's own RAG rules."""

from datetime import UTC, datetime, time

import pandas as pd
import streamlit as st

from data_model import attention, queries, registers
from data_model.rag import RagRules
from data_model.rollups import rag_matrix
from data_model.spc import SpcSettings
from data_model.vocabulary import PATH_SEP, join_path, split_path
from presentation.metric_view import better_when, period_words, units_in_words
from presentation.milestone_view import due_words
from presentation.rag_view import (
    WHOLE_BOARD,
    WORDS,
    budget_exceptions_table,
    group_words,
    level_heading,
    matrix_chart,
    matrix_table,
    status_words,
)
from presentation.register_tables import drop_empty
from presentation.safe import md
from presentation.spc_view import VERDICT_NOTE, board_series, with_metric_verdicts
from presentation.upload_report import changes_frame
from ui.board_page import open_board_page
from ui.charts import cached_result, show_chart
from ui.row_detail import whole_or_detail
from ui.tables import wrapping_table
from ui.tabs import lazy_tabs


def rag_table(frame: pd.DataFrame, name: str) -> None:
    """A RAG matrix as a table that wraps: every cell ("SPC: Common cause 4 · Concern (high) 1; RAG: Red 7") whole
    at any width, where a data grid cut it short."""
    wrapping_table(frame, name=name)  # its cells escaped: st.table reads them as markdown


CHANGES_WHOLE_UP_TO = 40  # changes listed whole; more scroll in a grid whose chosen row is written out beneath
# The most pressing rows of each attention list show whole; the rest are counted, with the page that lists them all.
# Fifteen, not the pack's forty: forty rows of wrapping cells took the browser 2.4 times the title page's time on the
# large synthetic board (bench/browser_bench.py), where the goal is at most twice.
ATTENTION_ROWS = 15


def milestones_tab(rows: pd.DataFrame, rules: RagRules) -> None:
    """Milestones overdue or due soon."""
    if rows.empty:
        st.write(f"No milestone is overdue or due in the next {rules.milestone_due_soon_days} days.")
    else:
        # When and how it stands first, so the due date and status read before the (wrapping, whole) title.
        rows = drop_empty(rows, always=("days", "due", "title"))  # no column of dashes alone ("Locality")
        if "status" in rows:
            rows = rows.assign(status=status_words(rows["status"]))
        wrapping_table(rows.assign(days=rows["days"].map(due_words)), name="Milestones needing attention", labels={
            "days": "When", "due": "Due", "title": "Milestone", "status": "Status",
            "workstream": "Workstream", "owner": "Owner", "locality": "Locality"},
            cap=ATTENTION_ROWS, noun="milestones needing attention", where="the Milestones page lists every milestone")


def risks_tab(rows: pd.DataFrame, rules: RagRules) -> None:
    """Open risks that are red or rising."""
    if rows.empty:
        st.write("No open risk is red or rising.")
    else:
        rows = drop_empty(rows.assign(rag=rows["rag"].map(WORDS)), always=("reason", "rag", "score", "title"))
        wrapping_table(rows, name="Risks red or rising", labels={
            "reason": "Why", "rag": "RAG", "score": "Score", "previous_score": "Was", "review_due": "Review due",
            "title": "Risk", "owner": "Owner", "workstream": "Workstream", "ref": "Ref"},
            cap=ATTENTION_ROWS, noun="risks red or rising", where="the Risks page lists every risk")


def budget_tab(rows: pd.DataFrame, rules: RagRules) -> None:
    """Budget lines off plan."""
    if rows.empty:
        st.write(f"Every budget line is within {rules.budget_amber_pct:g}% of its allocation (or has no forecast or "
                 "spend yet).")
    else:
        shown = budget_exceptions_table(rows)
        shown["Variance %"] = shown["Variance %"].map(lambda v: None if pd.isna(v) else f"{v:+.1f}%")
        wrapping_table(shown, name="Budget lines off plan", cap=ATTENTION_ROWS, noun="budget lines off plan",
                       where="the Budget page lists every line")


def metrics_tab(rows: pd.DataFrame, rules: RagRules) -> None:
    """Metrics off target."""
    if rows.empty:
        st.write("Every rated metric is on target.")
    else:
        words = [period_words(p, start) for p, start in zip(rows["period"], rows.get("period_start", [None] * len(rows)),
                                                            strict=True)]
        rows = drop_empty(rows.assign(rag=rows["rag"].map(WORDS), period=words, direction=better_when(rows["direction"]),
                                      unit=units_in_words(rows["unit"])), always=("rag", "name", "target", "actual"))
        wrapping_table(rows, name="Metrics off target", labels={
            "rag": "RAG", "workstream": "Workstream", "name": "Metric", "locality": "Locality", "period": "Period",
            "target": "Target", "actual": "Latest", "unit": "Unit", "direction": "Better when"},
            cap=ATTENTION_ROWS, noun="metrics off target", where="the Metrics page lists every metric")


def with_chart_on_opening(matrix: pd.DataFrame, key: str, group_label: str = "Workstream") -> None:
    """The RAG bars of the table above, drawn once their expander is opened: the table already says every count in
    words, and a faceted chart is the most the browser draws on this page (it was a quarter of a click's work)."""
    chart = st.expander("The RAG counts as a chart", icon=":material/bar_chart:", on_change="rerun", key=key)
    if chart.open:
        with chart:
            show_chart(matrix_chart, matrix, group_label, width="content")


def changes_label(changed: pd.DataFrame) -> str:
    """What the closed list holds, so it is plain there is more to open: "12 changes from 3 uploads"."""
    uploads = changed[["uploaded_at", "file_name"]].drop_duplicates().shape[0]
    return (f"{len(changed)} change{'s' if len(changed) != 1 else ''} from {uploads} upload{'s' if uploads != 1 else ''}"
            " — open to list them")


view = open_board_page()
board, rules, filters = view.board, view.rules, view.filters

# The title and the rules' button side by side, the button as wide as its words (a fifth of the page cut it to
# "How…" at 1024 px) and below the title where they do not fit on one line.
heading = st.container(horizontal=True, vertical_alignment="bottom", horizontal_alignment="distribute")
heading.title("Overview", width="content")
with heading.popover("How RAG is decided", icon=":material/info:", width="content"):
    # One block of markdown, not one element a line: each element is a message the browser handles on every visit.
    st.markdown("\n\n".join(f"**{kind}**\n\n" + "\n".join(f"- {line}" for line in lines)
                              for kind, lines in rules.explain().items()))
    st.caption("Every cell says Red, Amber or Green in words; colours are chosen to be told apart with colour blindness.")
st.caption(f"{md(board['name'])}, as at {filters.as_at:%-d %B %Y}.")

by_ws = view.read(rag_matrix, filters, rules, "root")
if by_ws.empty:
    view.nothing_yet("Nothing to show yet.", "Upload a milestone tracker, risk register, budget or metrics return for "
                     "this board")
    st.stop()

spc_settings = SpcSettings.from_settings((view.read(queries.board, board["slug"]) or {}).get("settings"))
series = cached_result(board_series, view.read(registers.metric_values, filters, rules), spc_settings,
                       cache_key=(view.version, filters, rules, spc_settings))
latest = view.read(registers.latest_metrics, filters, rules)
tree = view.read(queries.workstreams, int(board["id"]))
if tree.empty:  # a board with no workstreams: its RAG as one row, with no workstream split to read
    st.subheader("The whole board", anchor=False)
    whole = with_metric_verdicts(matrix_table(by_ws, "Workstream"), "Workstream", latest, series, "root")
    rag_table(whole.drop(columns=["Workstream"]), "RAG of the whole board")
    st.caption(VERDICT_NOTE + " This board's trackers name no workstreams.")
    with_chart_on_opening(by_ws.assign(group=WHOLE_BOARD), f"overview_chart_{board['slug']}", "Board")
else:
    st.subheader("By workstream", anchor=False)
    rag_table(group_words(with_metric_verdicts(matrix_table(by_ws, "Workstream"), "Workstream", latest, series,
                                               "root"), "Workstream"), "RAG by workstream")
    st.caption(VERDICT_NOTE)
    with_chart_on_opening(by_ws, f"overview_chart_{board['slug']}")

tops = tree[tree["level"] == 1]
by_path = view.read(rag_matrix, filters, rules, "workstream") if (tree["level"] > 1).any() else None
for _, top in tops.iterrows():
    children = tree[(tree["root_id"] == top["id"]) & (tree["level"] > 1)]
    if children.empty or (filters.workstream_id and filters.workstream_id != top["id"]):
        continue
    section = st.expander(md(level_heading(top["level_label"], top["name"])), on_change="rerun",
                          key=f"overview_open_{board['slug']}_{top['name']}")
    with section:
        if not section.open:  # drawn once opened: a board with many workstreams would send every table, hidden
            st.caption(f"Open to see the RAG within {md(top['name'])}.")
            continue
        inner = by_path[(by_path["group"] == top["name"]) | by_path["group"].str.startswith(top["name"] + PATH_SEP)]
        itself = f"{top['name']} itself"  # rows given the top-level workstream, none of those under it
        inner = inner.assign(group=inner["group"].map(lambda p: join_path(split_path(p)[1:])).replace("", itself))
        label = children["level_label"].iloc[0]
        rag_table(with_metric_verdicts(
            matrix_table(inner, label), label, latest, series, "workstream",
            group_of=lambda g, top=top["name"], itself=itself: top if g == itself else join_path((top, g))),
            f"RAG within {top['name']}")

by_loc = view.read(rag_matrix, filters, rules, "locality")
if set(by_loc["group"]) - {"(area-wide)"}:
    st.subheader("By locality", anchor=False)
    rag_table(group_words(with_metric_verdicts(matrix_table(by_loc, "Locality"), "Locality", latest, series,
                                               "locality"), "Locality"), "RAG by locality")

st.subheader("Needs attention", anchor=False)
ms = view.read(attention.milestones_needing_attention, filters, rules)
rk = view.read(attention.risks_needing_attention, filters, rules)
bl = view.read(attention.budget_lines_off_plan, filters, rules)
mt = view.read(attention.metrics_off_target, filters, rules)
ATTENTION = ("Milestones", "Risks", "Budget", "Metrics")
tabs = lazy_tabs(ATTENTION, [f"{name} ({len(rows)})" for name, rows in zip(ATTENTION, (ms, rk, bl, mt), strict=True)],
                 key=f"attention_{board['slug']}")
for tab, draw, rows in zip(tabs, (milestones_tab, risks_tab, budget_tab, metrics_tab), (ms, rk, bl, mt), strict=True):
    if tab.open:  # only the chosen tab is drawn
        with tab:
            draw(rows, rules)

st.subheader("Since the last meeting", anchor=False)
last = view.read(attention.previous_meeting, filters.board_id, filters.as_at)
since = datetime.combine(last, time.max, tzinfo=UTC) if last else None
until = datetime.combine(filters.as_at, time.max, tzinfo=UTC)
changed = view.read(attention.changes_since, filters.board_id, since, until)
st.caption(f"Uploads after the meeting of {last:%-d %B %Y}, up to the as-at date." if last else
           "There is no earlier meeting on record, so this lists every upload up to the as-at date.")
if changed.empty:
    st.write("Nothing has been uploaded in that time.")
elif (listed := st.expander(changes_label(changed), on_change="rerun", key=f"overview_since_{board['slug']}")).open:
    # drawn once opened, like the chart: a table is most of what the browser does to show this page
    with listed:
        whole_or_detail(pd.concat([changed[["uploaded_at", "file_name"]].reset_index(drop=True),
                                   changes_frame(changed).reset_index(drop=True)], axis=1),
                        up_to=CHANGES_WHOLE_UP_TO, key=f"overview_since_list_{board['slug']}", heading="Item",
                        name="Changes since the last meeting", column_config={
                            "uploaded_at": st.column_config.DatetimeColumn("Uploaded", format="D MMM YYYY"),
                            "file_name": "File", **{c: c for c in ("Change", "What", "Item", "Field", "Was", "Now")}})
