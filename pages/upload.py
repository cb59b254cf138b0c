"""Upload a tracker: see how it was read, fix what it reports, confirm, and see what changed."""

import streamlit as st

from data_model import audit
from data_model.board_settings import board_rules
from data_model.permissions import Resource, upload_refusal
from data_model.rag import RagRules
from loaders import analyse
from loaders.importer import file_workstreams, store_analysis
from loaders.kinds import BY_NAME, KINDS
from loaders.templates import template_bytes
from presentation.safe import csv_bytes, md
from presentation.upload_report import (
    changes_frame,
    issues_frame,
    kind_label,
    mapping_frame,
    records_frame,
    sheets_frame,
)
from ui.auth import can, require
from ui.context import clear_caches, get_engine, require_entry

require_entry()
who = require("upload")
st.title("Upload a tracker")
board = st.session_state.get("current_board")
if not board:
    st.warning("Choose a board in the sidebar first.")
    st.stop()
grant = who.grant(int(board["id"]))
if not can("upload", Resource(int(board["id"]))):
    st.warning(f"You don't upload for {md(board['name'])}. Choose a board where you are a lead in the sidebar.",
               icon=":material/block:")
    st.stop()
st.caption(f"Uploading for **{md(board['name'])}**. To upload for another board, change it in the sidebar.")
if not who.is_admin and grant is not None:
    st.caption("You upload for: " + (", ".join(md(w) for w in grant.workstreams) or "no workstreams yet (ask your "
                                     "board administrator to assign yours)") + ".")


@st.cache_data(max_entries=8, show_spinner="Reading the file…")
def analysed(data: bytes, name: str, kind: str | None, rules: RagRules):
    return analyse(data, name, kind=kind, rules=rules)


with st.expander("Download a blank template"):
    st.write("Start from a template, or upload the tracker you already keep: most layouts are understood.")
    cols = st.columns(len(KINDS))
    for col, kind in zip(cols, KINDS, strict=True):
        col.download_button(kind.label.capitalize(), data=template_bytes(kind), file_name=f"{kind.name}-template.xlsx",
                            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                            on_click="ignore", key=f"template_{kind.name}", icon=":material/download:")

done = st.session_state.pop("upload_done", None)
if done:
    c = done["changes"]
    if done.get("already"):
        st.info(f"**{md(done['file'])}** was already loaded (upload {done['already']}); nothing changed.")
    else:
        st.success(f"Loaded **{md(done['file'])}** for {md(done['board'])}: {c['added']} added, {c['updated']} updated, "
                   f"{c['removed']} removed, {c['unchanged']} unchanged.")
    if done["rows"]:
        st.dataframe(changes_frame(done["rows"]), hide_index=True, width="stretch")

choice = st.selectbox("What is in the file?", ["detect", *BY_NAME],
                      format_func=lambda k: "Work it out from the headers" if k == "detect" else BY_NAME[k].label.capitalize(),
                      key="upload_kind")
nonce = st.session_state.setdefault("upload_nonce", 0)
uploaded = st.file_uploader("Tracker file (.xlsx, .xlsm or .csv)", type=["xlsx", "xlsm", "csv"],
                            key=f"upload_file_{nonce}")
if uploaded is None:
    st.stop()

data = uploaded.getvalue()
analysis = analysed(data, uploaded.name, None if choice == "detect" else choice, board_rules(get_engine(), board["slug"]))
file_name = analysis.file_name  # the bare name: a label, never a path
errors, warnings = analysis.errors, analysis.warnings

st.markdown(f"**{md(file_name)}** reads as a **{kind_label(analysis)}**.")
b, c, d = st.columns(3)
b.metric("Rows read", len(analysis.records))
c.metric("Errors", len(errors))
d.metric("Warnings", len(warnings))

if errors:
    st.error(f"**{md(file_name)}** can't be loaded until the {len(errors)} error(s) below are fixed. Nothing has been "
             "saved. Fix the file and upload it again.", icon=":material/error:")
elif warnings:
    st.warning(f"{len(warnings)} warning(s): the file can be loaded, but check them first.", icon=":material/warning:")
else:
    st.success("The file reads cleanly.", icon=":material/check_circle:")

tabs = st.tabs([f"Problems ({len(analysis.issues)})", "How your headers were read", "Preview", "Sheets"])
with tabs[0]:
    if analysis.issues:
        problems = issues_frame(analysis)
        st.dataframe(problems, hide_index=True, width="stretch",
                     column_config={"What to do": st.column_config.TextColumn(width="large")})
        st.download_button("Download the problems (CSV)", data=csv_bytes(problems),
                           file_name=f"problems-{file_name.rsplit('.', 1)[0]}.csv", mime="text/csv",
                           icon=":material/download:", on_click=audit.record_now,
                           args=(get_engine(), who.email, "export"),
                           kwargs={"board_id": int(board["id"]), "detail": f"problems list of {file_name} (CSV)"})
    else:
        st.write("No problems found.")
with tabs[1]:
    st.dataframe(mapping_frame(analysis), hide_index=True, width="stretch")
with tabs[2]:
    preview = records_frame(analysis)
    if preview.empty:
        st.write("No rows to show.")
    else:
        st.dataframe(preview.head(500), hide_index=True, width="stretch")
        if len(preview) > 500:
            st.caption(f"Showing the first 500 of {len(preview):,} rows.")
with tabs[3]:
    st.dataframe(sheets_frame(analysis), hide_index=True, width="stretch")

if errors:
    st.stop()

refusal = upload_refusal(who, int(board["id"]), board["name"], file_workstreams(analysis))
if refusal:
    st.error(md(refusal), icon=":material/block:")
    st.stop()

engine = get_engine()
# The preview stores nothing and takes no write lock: it reads the file's one analysis against what is stored.
trial = store_analysis(analysis, board["slug"], engine=engine, dry_run=True, actor=who)
if trial.status != "ok":
    for issue in trial.analysis.errors:
        st.error(md(issue.message))
    st.stop()
t = trial.changes
if trial.already_imported:
    st.info("This exact file has already been loaded for this board; loading it again changes nothing.")
st.write(f"Loading this file will make **{t['added']}** additions, **{t['updated']}** updates and **{t['removed']}** "
         f"removals; **{t['unchanged']}** rows are unchanged.")
if t["removed"]:
    st.caption("Rows are only removed within the workstreams this file covers. Removed rows are kept in the history.")
if trial.stored and trial.stored.change_rows:
    with st.expander(f"What loading will change, row by row ({len(trial.stored.change_rows):,})"):
        st.dataframe(changes_frame(trial.stored.change_rows), hide_index=True, width="stretch")

if st.button(f"Load into {md(board['name'])}", type="primary", icon=":material/publish:"):
    result = store_analysis(analysis, board["slug"], engine=engine, actor=who)
    if result.status != "ok":
        for issue in result.analysis.errors:
            st.error(md(issue.message))
        st.stop()
    clear_caches()
    st.session_state["upload_done"] = {
        "file": file_name, "board": board["name"], "changes": result.changes,
        "already": result.already_imported, "rows": result.stored.change_rows if result.stored else [],
    }
    st.session_state["upload_nonce"] = nonce + 1
    st.rerun()
