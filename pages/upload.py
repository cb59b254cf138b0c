"""Upload a tracker: see how each sheet was read and change it, fix what it reports, see what loading will change
row by row, confirm."""

import hashlib
import json
from datetime import date

import streamlit as st

from data_model import audit
from data_model.board_dates import board_dates
from data_model.board_settings import board_rules
from data_model.permissions import Resource, upload_refusal
from data_model.rag import RagRules
from loaders import analyse
from loaders.importer import file_workstreams, only_workstreams, remembered_mappings, store_analysis
from loaders.kinds import BY_NAME, KINDS
from loaders.mapping import IGNORE, Choices, SheetChoice
from loaders.pipeline import Analysis
from loaders.templates import template_bytes
from presentation.counts import numbered
from presentation.safe import csv_bytes, md
from presentation.upload_report import (
    AS_READ,
    DATE_ORDER_WORDS,
    RULE_RAG,
    STATED_RAG,
    SheetView,
    changes_frame,
    counted,
    is_day_column,
    issues_frame,
    left_out_words,
    mapping_frame,
    only_mine_words,
    partial_offer_words,
    problem_words,
    rag_rule_notes,
    records_frame,
    remembered_words,
    removal_words,
    sheet_views,
    sheets_frame,
    sheets_without,
    unread_words,
)
from ui.auth import can, require
from ui.context import clear_caches, get_engine, require_entry
from ui.row_detail import table_with_detail, whole_or_detail
from ui.saved_mappings_section import saved_mappings_section
from ui.tables import TITLE_WIDTH, table, wrapping_table

PREVIEW_HEADINGS = ("Title", "Metric", "Budget line", "Milestones", "Reference")  # what names a preview row
WRAPPED_UP_TO = 60  # problems or changes shown whole in a wrapping table; more read better in a scrolling one

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


@st.cache_data(max_entries=16, show_spinner="Reading the file…")
def analysed(file_hash: str, name: str, rules: RagRules, choices_json: str, remembered_json: str, *,
             _data: bytes) -> Analysis:
    """One reading of the file per (file, choices, remembered mappings): a changed control re-reads it once."""
    remembered = {sig: SheetChoice.from_json(c) for sig, c in json.loads(remembered_json).items()}
    return analyse(_data, name, rules=rules, choices=Choices.from_json(json.loads(choices_json)),
                   remembered=remembered)


with st.expander("Download a blank template"):
    st.write("Start from a template, or upload the tracker you already keep: most layouts are understood.")
    cols = st.columns(len(KINDS))
    for col, kind in zip(cols, KINDS, strict=True):
        col.download_button(kind.label.capitalize(), data=template_bytes(kind), file_name=f"{kind.name}-template.xlsx",
                            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                            on_click="ignore", key=f"template_{kind.name}", icon=":material/download:")

with st.expander("Remembered mappings for this board"):
    saved_mappings_section(board, who, heading=False)

done = st.session_state.pop("upload_done", None)
if done:
    c = done["changes"]
    if done.get("already"):
        st.info(f"**{md(done['file'])}** was already loaded: it is the same file, byte for byte, as an earlier "
                "upload to this board, so nothing changed. The audit trail says when it was first loaded.")
    else:
        st.success(f"Loaded **{md(done['file'])}** for {md(done['board'])}: {c['added']} added, {c['updated']} updated, "
                   f"{c['removed']} removed, {c['unchanged']} unchanged.")
    if done.get("left_out"):
        st.caption(f"Left out, as you asked: {md(done['left_out'])}.")
    if done["rows"]:
        # each change whole while the list is short; a long one scrolls, with the chosen change written out beneath
        whole_or_detail(changes_frame(done["rows"]), up_to=WRAPPED_UP_TO, key="upload_done_changes", heading="Item",
                        name="What the upload changed")

nonce = st.session_state.setdefault("upload_nonce", 0)
uploaded = st.file_uploader("Tracker file (.xlsx, .xlsm or .csv)", type=["xlsx", "xlsm", "csv"],
                            key=f"upload_file_{nonce}")
if uploaded is None:
    st.stop()

data = uploaded.getvalue()
file_key = hashlib.sha256(data).hexdigest()[:20]
CHOICES = f"upload_choices_{file_key}"  # the lead's choices for this file, kept across reruns
own: Choices = st.session_state.setdefault(CHOICES, Choices())
engine = get_engine()
remembered = {sig: c.as_json() for sig, c in remembered_mappings(engine, board["slug"]).items()}
rules = board_rules(engine, board["slug"])
analysis = analysed(file_key, uploaded.name, rules,
                    json.dumps(own.as_json(), sort_keys=True), json.dumps(remembered, sort_keys=True), _data=data)
file_name = analysis.file_name  # the bare name: a label, never a path
views = sheet_views(analysis, own)


# -- the mapping step: what each sheet holds and how its headers are read; every change re-reads the file ------
def _set(sheet: str, change) -> None:
    choices: Choices = st.session_state[CHOICES]
    st.session_state[CHOICES] = choices.with_sheet(sheet, change(dict(choices.per_sheet).get(sheet, SheetChoice())))


def _on_kind(sheet: str, key: str) -> None:
    _set(sheet, lambda c: SheetChoice(kind=st.session_state[key], header_row=c.header_row, dates=c.dates))


def _on_header_row(sheet: str, key: str) -> None:
    value = st.session_state[key]
    _set(sheet, lambda c: SheetChoice(c.kind, int(value) if value else None, c.fields, c.dates))


def _on_field(sheet: str, header: str, key: str) -> None:
    value = st.session_state[key]
    _set(sheet, lambda c: c.with_field(header, None if value == AS_READ else value))


def _on_dates(sheet: str, header: str, key: str) -> None:
    value = st.session_state[key]
    _set(sheet, lambda c: c.with_date_order(header, value or None))


def _reset(sheet: str) -> None:
    choices: Choices = st.session_state[CHOICES]
    st.session_state[CHOICES] = choices.with_sheet(sheet, SheetChoice())


def _synced(key: str, value) -> str:
    """The widget's key, its state set to what the file now reads as (the reading, not the last click, is what
    the control shows: a field taken by another header moves)."""
    if st.session_state.get(key) != value:
        st.session_state[key] = value
    return key


KIND_OPTIONS = [*BY_NAME, IGNORE]


def kind_words(name: str) -> str:
    return "Don't read this sheet" if name == IGNORE else BY_NAME[name].label.capitalize()


def sheet_controls(view: SheetView, index: int) -> None:
    base = f"map_{file_key}_{index}"
    with st.container(border=True):
        st.markdown(f"**{md(view.summary)}**")
        if view.others:
            st.caption(f"Also fits: {md(view.others)}.")
        for problem in view.problems:
            st.error(md(problem), icon=":material/error:")
        left, right, reset = st.columns([3, 1, 1], vertical_alignment="bottom")
        current = {"unsure": None, "none": None, "ignored": IGNORE}.get(view.confidence, view.kind and view.kind.name)
        key = _synced(f"{base}_kind", current)
        left.selectbox(f"What sheet '{md(view.sheet)}' holds", KIND_OPTIONS, format_func=kind_words, key=key,
                       index=None, placeholder="Choose what this sheet holds", on_change=_on_kind,
                       args=(view.sheet, key))
        key = _synced(f"{base}_row", view.header_row)
        right.number_input("Header row", min_value=1, step=1, key=key, on_change=_on_header_row,
                           args=(view.sheet, key), help="The spreadsheet row that holds the column headers.")
        if dict(own.per_sheet).get(view.sheet) is not None:
            reset.button("Undo my changes", key=f"{base}_reset", on_click=_reset, args=(view.sheet,),
                         icon=":material/undo:")
        if not view.columns:
            return
        # open by itself where the lead should look, but not on a sheet of others' rows only, which they can't load
        attention = view.sheet in dict(own.per_sheet) or (
            view.sheet not in not_theirs and (bool(view.problems) or view.confidence != "sure"))
        box = st.expander(f"How each of the {len(view.columns)} headers is read (change any that is wrong)",
                          expanded=attention)
        # Three headers a row, each row its own: in three long columns a "Dates in" picker pushed the headers below it
        # out of line, and they read A, B, C, E, F, D.
        for i, col in enumerate(view.columns):
            if i % 3 == 0:
                row = box.columns(3)
            cell = row[i % 3]
            key = _synced(f"{base}_field_{col.column}", col.current)
            cell.selectbox(f"{col.column} · {md(col.header)}", list(col.options), format_func=col.options.get,
                           key=key, on_change=_on_field, args=(view.sheet, col.header, key))
            cell.caption(md(col.evidence))
            if col.dates:
                key = _synced(f"{base}_dates_{col.column}", col.date_order)
                cell.selectbox(f"Dates in {md(col.header)}", list(DATE_ORDER_WORDS), format_func=DATE_ORDER_WORDS.get,
                               key=key, on_change=_on_dates, args=(view.sheet, col.header, key))


errors, warnings = analysis.errors, analysis.warnings
unsure = [v for v in views if v.needs_choice]
if analysis.kinds:
    st.markdown(f"**{md(file_name)}** reads as " + " and ".join(f"a **{md(k.label)}**" for k in analysis.kinds) + ".")
else:
    st.markdown(f"No tracker is read from **{md(file_name)}** yet: say below what each sheet holds.")
for note in rag_rule_notes(analysis):
    st.info(md(note), icon=":material/rule:")
if unsure:
    st.error("The importer needs you to choose before this file can be loaded: "
             + "; ".join(f"sheet '{md(v.sheet)}' could be {md(v.others) or 'more than one kind'}" for v in unsure)
             + ". Choose what each holds below.", icon=":material/help:")
if analysis.choices.remembered:
    st.info("Read using the mapping remembered from your last upload of this tracker ("
            + md("; ".join(remembered_words(analysis))) + "). Change it below, or forget it under \"Remembered mappings "
            "for this board\" above.",
            icon=":material/history:")

b, c, d = st.columns(3)
rows_shown = b.empty()  # the rows that would load: known once the verdict below is
c.metric("Errors", len(errors))
d.metric("Warnings", len(warnings))

# the sheets holding only other workstreams' rows, for a lead (an admin, or a lead with no workstreams, has none)
not_theirs = (sheets_without(analysis, grant.workstreams) if not who.is_admin and grant is not None
              and grant.role == "lead" and grant.workstreams else set())
st.subheader("What each sheet holds", anchor=False)
for i, view in enumerate(views):
    sheet_controls(view, i)

# -- the verdict: errors first and alone; a refusal is an error too -------------------------------------------
refusal = None if errors else upload_refusal(who, int(board["id"]), board["name"], file_workstreams(analysis))
to_load, left_out = analysis, {}
if refusal and grant is not None and grant.role == "lead" and grant.workstreams:
    mine, left_out = only_workstreams(analysis, grant.workstreams)
    if mine.parts:
        # Offered, not refused: the file can't be loaded as it is, and the lead may load their own rows. Once they
        # choose to, the refusal goes; the note says which rows are left out and why.
        offer = st.empty()
        if st.toggle(f"Load only the rows for your workstreams ({md(', '.join(grant.workstreams))})",
                     key=f"only_mine_{file_key}"):
            to_load, refusal = mine, None
            st.info(md(only_mine_words(len(mine.records), len(analysis.records), left_out, board["name"])),
                    icon=":material/filter_alt:")
        else:
            offer.error(md(partial_offer_words(left_out, board["name"], grant.workstreams)), icon=":material/block:")
    else:
        left_out = {}
        st.error(md(refusal), icon=":material/block:")
elif refusal:
    st.error(md(refusal), icon=":material/block:")

if errors:
    st.error(f"**{md(file_name)}** can't be loaded until the {numbered(len(errors), 'errors')} below {'are' if len(errors) != 1 else 'is'} fixed. Nothing has been "
             "saved. Change how a sheet is read above, or fix the file and upload it again."
             + "".join(f"\n\n{md(i.message)}" for i in errors if i.sheet is None)[:2000], icon=":material/error:")
elif refusal:
    pass  # said above, alone
elif to_load.warnings:
    st.warning(f"{numbered(len(to_load.warnings), 'warnings')}: the file can be loaded, but "
               "check them first.",
               icon=":material/warning:")
unread = None if errors or refusal else unread_words(to_load)
if unread:  # said whether or not there are warnings: nothing else tells the lead a filled column is dropped
    st.info(unread, icon=":material/visibility_off:")
elif not errors and not refusal and not to_load.warnings:
    st.success("The file reads cleanly.", icon=":material/check_circle:")

# "Rows read 20 · Errors 0" above a refused file, or above a load of the lead's 8 rows, read as a clean load of 20.
loadable = 0 if errors or refusal else len(to_load.records)
rows_shown.metric("Rows to load", f"{loadable:,}" if loadable == len(analysis.records) else
                  f"{loadable:,} of {len(analysis.records):,}",
                  help="The rows this file would load, of the rows read from it: none while it can't be loaded.")

tabs = st.tabs([f"Problems ({len(analysis.issues)})", "Preview", "How your headers were read", "Sheets"],
               default=None if errors or warnings else "Preview")
with tabs[0]:
    if analysis.issues:
        problems = issues_frame(analysis)
        if len(problems) <= WRAPPED_UP_TO:
            wrapping_table(problems, name="Problems found in the file")  # wraps: every word of "What to do" shows
        else:
            table(problems, name="Problems found in the file", key="upload_problems",
                  column_config={"What to do": st.column_config.TextColumn(width="large")})
            shown = st.selectbox(f"Read one of the {len(problems):,} problems in full", range(len(problems)),
                                 format_func=lambda i: problem_words(analysis.issues[i])[:120],
                                 key=f"upload_problem_{file_key}")
            st.info(md(problem_words(analysis.issues[shown])), icon=":material/search:")
        st.download_button("Download the problems (CSV)", data=csv_bytes(problems),
                           file_name=f"problems-{file_name.rsplit('.', 1)[0]}.csv", mime="text/csv",
                           icon=":material/download:", on_click=audit.record_now,
                           args=(engine, who.email, "export"),
                           kwargs={"board_id": int(board["id"]), "detail": f"problems list of {file_name} (CSV)"})
    else:
        st.write("No problems found.")
with tabs[1]:
    # As at the date the board's views open at (its last meeting, for a board whose data end long before today),
    # so the preview's RAG is the one the Overview will show after loading.
    opens_at = board_dates(engine, int(board["id"])).opening_as_at(date.today())
    preview = records_frame(to_load, rules, opens_at or date.today())
    if preview.empty:
        st.write("No rows to show.")
    else:
        if RULE_RAG in preview:
            when = "today" if opens_at is None else f"as at {opens_at:%-d %b %Y}, the date the board's views open at"
            st.caption(f"\"{RULE_RAG}\" is the RAG the board's rule gives each row {when}, the one the views will "
                       "show" + (f"; \"{STATED_RAG}\" is the RAG your file states." if STATED_RAG in preview else "."))
        # a grid (hundreds of rows scroll), whose chosen row is written out whole beneath it: a cell cuts long text
        shown_rows = preview.head(500)
        heading = next((c for c in PREVIEW_HEADINGS if c in shown_rows.columns), "Row")
        # Days as every table writes them; the naming column medium-wide, so the RAG beside it shows at 1024 px.
        config = {c: st.column_config.DateColumn(str(c), format="D MMM YYYY") if is_day_column(shown_rows[c]) else
                  st.column_config.TextColumn(str(c), width=TITLE_WIDTH) if c == heading else str(c)
                  for c in shown_rows.columns}
        table_with_detail(shown_rows, key="upload_preview", name="The rows as they will be stored",
                          column_config=config, heading=heading)
        if len(preview) > 500:
            st.caption(f"Showing the first 500 of {len(preview):,} rows.")
with tabs[2]:
    # one row a header of the file's sheets, each read whole (a header's wording is the point); a workbook of many
    # wide sheets scrolls instead, with the chosen header's reading written out beneath
    whole_or_detail(mapping_frame(analysis), up_to=WRAPPED_UP_TO, key="upload_mapping", heading="Your header",
                    name="How your headers were read")
with tabs[3]:
    wrapping_table(sheets_frame(analysis), name="Sheets")

if errors or refusal or not to_load.parts:
    st.stop()

# The preview stores nothing and takes no write lock: it reads the file's one analysis against what is stored.
trial = store_analysis(to_load, board["slug"], engine=engine, dry_run=True, actor=who)
if trial.status != "ok":
    for issue in trial.analysis.errors:
        st.error(md(issue.message), icon=":material/block:")
    st.stop()
t = trial.changes
st.subheader("What loading will change", anchor=False)
if trial.already_imported:
    st.info("This exact file has already been loaded for this board, and the board still holds these rows as it "
            "has them: there is nothing to load. The audit trail says when it was loaded.", icon=":material/check:")
st.write(f"Loading this file will make {counted(t['added'], 'addition')}, {counted(t['updated'], 'update')} and "
         f"{counted(t['removed'], 'removal')}; {counted(t['unchanged'], 'row is', 'rows are')} unchanged.")
removing = bool(t["removed"] and trial.stored and trial.stored.change_rows)
if removing:
    st.warning(md(removal_words(trial.stored.change_rows, file_workstreams(to_load))), icon=":material/delete:")
if trial.stored and trial.stored.change_rows:
    # the lead reads each change before confirming: whole while the list is short; a long one (a first load adds
    # every row) scrolls, and the change chosen in it is written out in full beneath
    whole_or_detail(changes_frame(trial.stored.change_rows), up_to=WRAPPED_UP_TO, key="upload_changes",
                    heading="Item", name="What loading will change")

# A file that removes more rows than it holds looks like a part of its tracker: the lead says so before it loads.
kept = t["added"] + t["updated"] + t["unchanged"]
confirmed = not (removing and t["removed"] > kept) or st.checkbox(
    f"Yes: remove the {t['removed']} rows this file does not have", key=f"confirm_removals_{file_key}")
if st.button(f"Load into {md(board['name'])}", type="primary", icon=":material/publish:", disabled=not confirmed or bool(trial.already_imported)):
    result = store_analysis(to_load, board["slug"], engine=engine, actor=who)
    if result.status != "ok":
        for issue in result.analysis.errors:
            st.error(md(issue.message))
        st.stop()
    clear_caches()
    st.session_state["upload_done"] = {
        "file": file_name, "board": board["name"], "changes": result.changes,
        "already": result.already_imported, "rows": result.stored.change_rows if result.stored else [],
        "left_out": left_out_words(left_out) if to_load is not analysis else "",
    }
    st.session_state.pop(CHOICES, None)
    st.session_state["upload_nonce"] = nonce + 1
    st.rerun()
