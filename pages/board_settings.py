"""Board settings, for the board's chair: the RAG rules every view uses, and the board's meetings."""

from dataclasses import asdict

import streamlit as st

from data_model import queries
from data_model.board_settings import (
    SettingsError,
    board_metrics,
    parse_recalculation,
    save_rules,
    save_spc_settings,
)
from data_model.meetings import meeting_status_words, status_day
from data_model.permissions import Resource
from data_model.rag import RagRules
from data_model.spc import RUN_MAX, RUN_MIN, MetricSpc, SpcSettings
from presentation.safe import md
from ui.auth import can
from ui.board_page import chosen_board
from ui.context import clear_caches, get_engine
from ui.row_detail import whole_or_detail
from ui.saved_mappings_section import saved_mappings_section

FIELDS = {  # field: (label, help, step)
    "milestone_due_soon_days": ("Milestone due soon (days)", "Not complete and due within this many days: Amber.", 1),
    "milestone_grace_days": ("Milestone grace (days)", "Not complete and overdue by more than this: Red.", 1),
    "risk_amber_from": ("Risk Amber from score", "Likelihood × impact (1-25) at or above this: Amber.", 1),
    "risk_red_from": ("Risk Red from score", "Likelihood × impact at or above this: Red.", 1),
    "budget_amber_pct": ("Budget Amber beyond (%)", "Forecast or spend off the allocation by more than this: Amber.",
                         0.5),
    "budget_red_pct": ("Budget Red beyond (%)", "Off the allocation by more than this: Red.", 0.5),
    "metric_tolerance_pct": ("Metric tolerance (%)", "Worse than target by up to this % of it: Amber; further: Red.",
                             0.5),
    "reporting_gap_meetings": ("Reporting gap (meetings)", "Flag a workstream silent for more meetings than this.", 1),
}

board, who = chosen_board("rules")
board_id = int(board["id"])
engine = get_engine()
st.title("Board settings")
st.caption(f"{md(board['name'])}: the RAG rules every view of this board uses, and its meetings. Changes are "
           "recorded in the audit trail.")

rules = RagRules.from_settings((queries.board(engine, board["slug"]) or {}).get("settings"))
st.subheader("RAG rules", anchor=False)
with st.form(f"rules_{board['slug']}"):
    values = {}
    cols = st.columns(4)
    for i, (name, (label, help_text, step)) in enumerate(FIELDS.items()):
        current = getattr(rules, name)
        values[name] = cols[i % 4].number_input(label, value=current, min_value=type(current)(0), step=type(current)(step),
                                                help=help_text, key=f"rule_{name}")
    saved = st.form_submit_button("Save the rules", type="primary")
if saved:
    try:
        changed = save_rules(engine, board_id, RagRules(**values), by=who.email)
    except SettingsError as exc:
        st.error(md(str(exc)), icon=":material/error:")
    else:
        clear_caches()
        st.success("Saved: " + "; ".join(md(c) for c in changed) if changed else "Nothing changed.", icon=":material/check_circle:")
if asdict(rules) != asdict(RagRules()):
    st.caption("This board's rules differ from the defaults: "
               + "; ".join(f"{FIELDS[k][0]} {v:g}" for k, v in asdict(rules).items() if v != getattr(RagRules(), k)))

st.subheader("Statistical process control (SPC)", anchor=False)
st.caption("How the Metrics page reads each metric over time, as NHS England's Making Data Count does. The run length "
           "is how many points in a row make a shift (one side of the mean) or a trend (rising or falling); Making "
           "Data Count allows 6 to 8, and older guidance used 7.")
spc = SpcSettings.from_settings((queries.board(engine, board["slug"]) or {}).get("settings"))
with st.form(f"spc_run_{board['slug']}"):
    run_length = st.number_input("Run length for shifts and trends (points)", min_value=RUN_MIN, max_value=RUN_MAX,
                                 value=spc.run_length, step=1, key="spc_run_length")
    if st.form_submit_button("Save the run length"):
        try:
            changed = save_spc_settings(engine, board_id, SpcSettings(int(run_length), spc.metrics), by=who.email)
        except SettingsError as exc:
            st.error(str(exc))
        else:
            clear_caches()
            st.success("Saved: " + "; ".join(changed) if changed else "Nothing changed.")
metric_names = dict(board_metrics(engine, board_id))
if metric_names:
    chosen_metric = st.selectbox("Metric", list(metric_names), format_func=metric_names.get, key="spc_metric")
    current = spc.for_metric(chosen_metric)
    with st.form(f"spc_metric_{board['slug']}_{chosen_metric}"):
        baseline = st.number_input("Baseline: fix the mean and limits on the first N points (0 for none)",
                                   min_value=0, value=current.baseline or 0, step=1, key="spc_baseline")
        recalc = st.text_input("Recalculate the limits from (months, such as 2016-08, separated by commas)",
                               value=", ".join(d[:7] for d in current.recalculate_from), key="spc_recalculate")
        screen = st.checkbox("Screen out unusually large moving ranges (as the NHS-R tools do; Making Data Count's "
                             "own tool does not)", value=current.screen_moving_ranges, key="spc_screen")
        if st.form_submit_button("Save for this metric"):
            try:
                choice = MetricSpc(baseline=int(baseline) or None, recalculate_from=parse_recalculation(recalc),
                                   screen_moving_ranges=bool(screen))
                changed = save_spc_settings(engine, board_id, spc.with_metric(chosen_metric, choice), by=who.email,
                                            names=metric_names)
            except SettingsError as exc:
                st.error(str(exc))
            else:
                clear_caches()
                st.success("Saved: " + "; ".join(changed) if changed else "Nothing changed.")
    st.caption(f"{md(metric_names[chosen_metric])}: {md(current.words())}.")

saved_mappings_section(board, who)

st.subheader("Meetings", anchor=False)
if not can("meetings", Resource(board_id)):
    st.stop()
meetings = queries.meetings(engine, board_id)
st.caption("Each meeting's date, time and venue, its agenda, decisions and action log are kept on the Meetings page.")
st.page_link("pages/meetings.py", label="Open the Meetings page", icon=":material/groups:")
if meetings.empty:
    st.info("No meetings yet. Add the board's meeting dates on the Meetings page: the forward plan and \"since the last "
            "meeting\" use them.")
else:
    today = status_day(None)
    meetings = meetings.assign(status=[meeting_status_words(s, d, today) for s, d in
                                       zip(meetings["status"], meetings["date"], strict=True)])
    # whole while the list is short; years of meetings scroll, with the chosen one written out beneath
    whole_or_detail(meetings[["date", "title", "status"]], up_to=40, key="settings_meetings", heading="title",
                    name="Meetings", column_config={"date": st.column_config.DateColumn("Date", format="D MMM YYYY"),
                                                    "title": "Meeting", "status": "Status"})
