"""Home: every board with what it tracks and its RAG, a way into each, and the chosen board's latest uploads."""

from datetime import date

import streamlit as st

from data_model import queries
from data_model.board_dates import board_dates
from data_model.permissions import visible_boards
from data_model.rag import RagRules
from data_model.rollups import Filters, milestone_counts, risk_counts
from loaders.kinds import BY_NAME
from presentation.board_cards import RagTally, counts_line, rag_line
from presentation.moments import when_words
from presentation.safe import md
from presentation.upload_report import changes_frame
from ui.auth import actor, require
from ui.context import boards, cached_read, get_engine, require_entry, run_version
from ui.row_detail import whole_or_detail
from ui.tables import wrapping_table

require_entry()
require("view")
st.title("Boards")
df = boards(visible_boards(actor()))
if df.empty:
    st.info("There are no boards to show yet. An administrator adds boards on **Users and boards**, then leads "
            "upload their trackers.")
    st.stop()

CARDS_UP_TO = 8  # more boards than this read better as one table than as a wall of cards
OVERVIEW = "pages/overview.py"
WHOLE_UP_TO = 40  # uploads or changes listed whole; more scroll in a grid whose chosen row is written out beneath


def asked_as_at() -> date | None:
    """The as-at date the address asks for (as the board views read it), if any."""
    try:
        return date.fromisoformat(st.query_params.get("as_at", ""))
    except ValueError:
        return None


def opening(board_id: int) -> date:
    """The date a board's views open as at (ui.filters): the address's, else today, or for a board whose own dates
    end over a year ago its latest meeting, so a card counts what its Overview shows."""
    return asked or cached_read(run_version(), board_dates, board_id).opening_as_at(date.today()) or date.today()


def tallies(board_id: int, slug: str, when: date) -> tuple[RagTally, RagTally]:
    """The board's milestones and open risks by RAG, under its own rules, as the Overview counts them."""
    version = run_version()
    settings = (cached_read(version, queries.board, slug) or {}).get("settings")
    rules, filters = RagRules.from_settings(settings), Filters(board_id, as_at=when)
    return (RagTally.of(cached_read(version, milestone_counts, filters, rules)),
            RagTally.of(cached_read(version, risk_counts, filters, rules)))


def choose(slug: str) -> None:
    """Make ``slug`` the sidebar's board before the next run draws the picker. The picker's own state is set too:
    the browser shows a widget's value as it last had it unless the app sets it (and the picker would keep it)."""
    st.session_state["board"] = st.session_state["board_select"] = slug


def open_overview(slug: str) -> None:
    params = {"board": slug, **({"as_at": st.query_params["as_at"]} if "as_at" in st.query_params else {})}
    st.switch_page(OVERVIEW, query_params=params)


asked = asked_as_at()
whens = {int(i): opening(int(i)) for i in df["id"]}
if asked or len(set(whens.values())) == 1:
    when = next(iter(whens.values()))
    said = f"RAG as at {when.day} {when:%B %Y}"
else:
    said = "each board's RAG as at the date its Overview opens at (shown on it)"
st.caption(f"{len(df)} board{'s' if len(df) != 1 else ''}, {said}. Open a board's overview here, or choose a board "
           "in the sidebar.")
if len(df) > CARDS_UP_TO:
    df[["milestone_rag", "risk_rag"]] = [[t.words() for t in tallies(int(b["id"]), b["slug"], whens[int(b["id"])])]
                                         for _, b in df.iterrows()]
    df["as_at"] = [whens[int(i)] for i in df["id"]]
    # an organisation's boards, a few dozen at most: each name and RAG count read whole, one Tab press to pass
    wrapping_table(df.assign(last_upload=df["last_upload"].map(when_words)), name="Boards", labels={
        "name": "Board", "board_type": "Type", "area": "Area", "milestones": "Milestones",
        "milestone_rag": "Milestones by RAG", "risks": "Risks", "risk_rag": "Open risks by RAG",
        "as_at": "RAG as at", "budget_lines": "Budget lines", "metrics": "Metrics", "last_upload": "Last upload"})
    names = dict(zip(df["slug"], df["name"], strict=True))
    pick, go = st.columns([3, 1], vertical_alignment="bottom")
    slug = pick.selectbox("Open a board", list(names), format_func=names.get, key="boards_open_pick")
    if go.button("Open its overview", key="boards_open", icon=":material/arrow_forward:", on_click=choose,
                 args=(slug,)):
        open_overview(slug)
else:
    for start in range(0, len(df), 2):
        for col, (_, b) in zip(st.columns(2), df.iloc[start:start + 2].iterrows(), strict=False):
            with col.container(border=True, key=f"board-card-{b['slug']}"):
                st.markdown(f"**{md(b['name'])}**")
                st.caption(" · ".join(md(x) for x in (b["board_type"], b["area"]) if isinstance(x, str) and x))
                st.markdown(counts_line(int(b["milestones"]), int(b["risks"]), int(b["budget_lines"]),
                                        int(b["metrics"])))
                when = whens[int(b["id"])]
                milestones, risks = tallies(int(b["id"]), b["slug"], when)
                st.markdown(rag_line("Milestones", milestones) + "  \n" + rag_line("Open risks", risks)
                            + f"  \n*RAG as at {when.day} {when:%B %Y}*")
                last = b["last_upload"]
                st.caption(f"Last upload {when_words(last)}" if when_words(last) else "Nothing uploaded yet")
                if st.button(f"Open {md(b['name'])}", key=f"open_{b['slug']}", icon=":material/arrow_forward:",
                             on_click=choose, args=(b["slug"],), help="Its Overview, with this board chosen"):
                    open_overview(b["slug"])

board = st.session_state.get("current_board")
if board:
    st.subheader(md(board["name"]), anchor=False)
    if board.get("description"):
        st.text(board["description"])
    version = queries.data_version(get_engine())
    history = cached_read(version, queries.uploads, int(board["id"]))
    if history.empty:
        st.info("Nothing has been uploaded for this board yet. Open **Upload a tracker** to load one.")
    else:
        st.markdown("**Recent uploads**")
        history["kind"] = history["kind"].map(lambda k: (BY_NAME[k].label if k in BY_NAME else k).capitalize())
        history["summary"] = history["changes"].map(
            lambda c: f"{c.get('added', 0)} added, {c.get('updated', 0)} updated, {c.get('removed', 0)} removed"
            if isinstance(c, dict) else "")
        # whole while the history is short; a long one scrolls, and the upload chosen in it is written out beneath
        whole_or_detail(history[["uploaded_at", "file_name", "kind", "uploaded_by", "row_count", "summary"]].assign(
            uploaded_at=history["uploaded_at"].map(when_words)), up_to=WHOLE_UP_TO, key="boards_uploads",
            name="Recent uploads", heading="file_name", column_config={
                "uploaded_at": "When", "file_name": "File", "kind": "What", "uploaded_by": "By", "row_count": "Rows",
                "summary": "What changed"})
        latest = int(history["id"].iloc[0])
        changes = st.expander("What the latest upload changed", on_change="rerun", key=f"boards_changes_{board['slug']}")
        if changes.open:  # drawn once opened: a closed expander's table would still be read, sent and drawn
            with changes:
                whole_or_detail(changes_frame(cached_read(version, queries.upload_changes, latest)), up_to=WHOLE_UP_TO,
                                key="boards_latest_changes", name="What the latest upload changed", heading="Item")
