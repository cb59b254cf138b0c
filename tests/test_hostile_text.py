"""Tracker text is shown as text on every page: a board loaded through the real import path with markdown links,
images, raw HTML and entities in every field, and every element of every page inspected for markup.

Streamlit renders markdown in the browser (GitHub-flavoured, via remark), so AppTest hands back the markdown
source. ``markup`` below reads that source as remark would for the constructs that matter here: links and images,
raw HTML and autolinks, character references, and the bare addresses GFM links after resolving backslash escapes.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from xml.sax.saxutils import escape, quoteattr

import pytest
from conftest import ROOT, xlsx
from signed_in import ADMIN, open_page

from data_model import accounts
from data_model.board_settings import add_board, add_meeting
from loaders import import_bytes
from loaders.text import clean_text
from presentation.safe import md

LINK = "[Session expired: sign in again](https://evil.example)"
IMAGE = "![x](https://evil.example/x.png)"
A_TAG = '<a href="https://evil.example">Session expired</a>'
IMG_TAG = '<img src="https://evil.example/x.png">'
SCRIPT = "<script>alert(1)</script>"
ENTITY = "&lt;script&gt;alert(2)&lt;/script&gt;"
BARE = "https://evil.example/login www.evil.example help@evil.example"
SLUG = "hostile-board"
AS_AT = "2016-09-27"
PAGES = sorted(p.name for p in (ROOT / "pages").glob("*.py"))

# What each page must show, as written (the text survives the cleaner unchanged: no tags, no entities).
MUST_SHOW = {
    "boards.py": [f"Board {LINK}"],
    "overview.py": [LINK, f"Board {LINK}"],
    "milestones.py": [LINK, IMAGE],
    "budget.py": [f"The total for '{LINK}'", f"sheet '{LINK}", "(evil.example) <img src=x> &lt;b&gt;.xlsx"],
    "metrics.py": [f"Readmissions {LINK}"],
    "forward_plan.py": [f"Meeting {LINK}"],
    "upload.py": [f"Board {LINK}", "(evil.example) <img src=x> &lt;b&gt;.xlsx"],
    "board_settings.py": [f"Board {LINK}"],
    "risks.py": [f"Risk {LINK} Session expired alert(1) alert(2)"],  # a table cell: plain text, tags cleaned away
    "localities.py": [LINK, IMAGE],  # locality names as table headers and rows
    "admin.py": [f"lead ({LINK})"],
}

# --------------------------------------------------------------------------------------------------------------
# Reading markdown source as Streamlit's renderer would
# --------------------------------------------------------------------------------------------------------------

_ESCAPABLE = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_URL = re.compile(r"(?i)(?<![a-z0-9])(https?://|www\.)[-\w]*\.[-\w.]*")  # remark's autolink-literal patterns
_EMAIL = re.compile(r"(?<![\w+\-.])[\w+\-.]+@[\w-]+(?:\.[\w-]+)+")
_ENTITY = re.compile(r"&(#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")


def _chars(source: str) -> list[tuple[str, bool]]:
    """Each character and whether markdown acts on it (False when backslash-escaped or inside a code span)."""
    out, i, in_code = [], 0, False
    while i < len(source):
        c = source[i]
        if c == "\\" and i + 1 < len(source) and source[i + 1] in _ESCAPABLE and not in_code:
            out.append((source[i + 1], False))
            i += 2
            continue
        if c == "`":
            in_code = not in_code
            out.append((c, True))
        else:
            out.append((c, not in_code))
        i += 1
    return out


def markup(source: str) -> list[str]:
    """What in ``source`` would render as something other than text: empty when it is all text."""
    chars = _chars(source)
    found = []
    active = "".join(c if on else "\0" for c, on in chars)
    # The app's own badges and colours (":gray-badge[Variation: ...]") are Streamlit directives, not links.
    if "[" in re.sub(r":[a-z]+(?:-badge|-background)?\[", "", active):
        found.append("link or image syntax")
    for m in re.finditer(r"<", active):
        after = active[m.start() + 1:m.start() + 2]
        if after and (after.isalpha() or after in "/!?"):
            found.append("raw HTML or an autolink")
    for m in re.finditer(r"&", active):
        if _ENTITY.match("".join(c for c, _ in chars[m.start():m.start() + 40])):
            found.append("a character reference")
    plain = "".join(c for c, on in chars if not (on and c == "`"))
    found += [f"bare address {m.group()!r}" for m in _URL.finditer(plain)]
    found += [f"bare email {m.group()!r}" for m in _EMAIL.finditer(plain)]
    return found


def shown(source: str) -> str:
    """The text a reader sees: escapes resolved, emphasis and code markers gone, zero-width spaces invisible."""
    return "".join(c for c, on in _chars(source) if not (on and c in "*_~`")).replace("\u200b", "")


MARKDOWN_BODIES = {"markdown", "caption", "latex", "title", "header", "subheader", "error", "warning", "info",
                   "success", "toast", "divider"}
PLAIN_BODIES = {"text", "code", "json", "exception"}
LABELLED_BLOCKS = {"expandable", "tab", "popover"}


def texts(at) -> list[tuple[str, str, bool]]:
    """(where, text, is_markdown) for every piece of text on the page: element bodies, labels, help, options,
    tab and expander labels, metric labels and values, table headers and cells."""
    return [piece for node in at._tree for piece in _node_texts(node)]


def _node_texts(node) -> list[tuple[str, str, bool]]:
    kind, proto = node.type, getattr(node, "proto", None)
    if kind in LABELLED_BLOCKS:
        label = getattr(node, "label", None)
        return [(kind, label if label is not None else getattr(getattr(proto, kind, None), "label", ""), True)]
    out = []
    if kind in MARKDOWN_BODIES | PLAIN_BODIES:
        out.append((kind, str(node.value), kind in MARKDOWN_BODIES))
    elif kind == "metric":
        out.append(("metric value", node.value, False))
    elif kind in ("arrow_data_frame", "dataframe", "table"):
        frame = node.value
        wraps = kind == "table"  # st.table reads its headers and cells as markdown; a data grid shows plain text
        out += [("table header", str(c), wraps) for c in frame.columns]
        out += [("table cell", str(v), wraps) for v in frame.astype(str).to_numpy().ravel()]
    if hasattr(node, "label"):
        out.append((f"{kind} label", node.label, True))
    if getattr(node, "options", None) is not None:  # radio options are markdown; select options plain text
        out += [(f"{kind} option", str(o), kind == "radio") for o in node.options]
    help_text = getattr(proto, "help", "") if proto is not None else ""
    if isinstance(help_text, str) and help_text:
        out.append((f"{kind} help", help_text, True))
    return out


def test_the_checker_sees_what_remark_would_render():
    assert markup(LINK) and markup(IMAGE) and markup(A_TAG) and markup("&lt;b&gt;") and markup(BARE)
    assert len(markup("see https://evil.example and jo@evil.example")) == 2
    assert markup(r"escaped is not enough: https\:\/\/evil\.example")  # GFM links it after resolving escapes
    for hostile in (LINK, IMAGE, A_TAG, IMG_TAG, SCRIPT, ENTITY, BARE, "**bold** $x^2$ # heading"):
        assert not markup(md(hostile)), hostile
        assert shown(md(hostile)) == hostile
    assert shown("**Board** \\[x\\]") == "Board [x]"


# --------------------------------------------------------------------------------------------------------------
# A board with hostile text in every field, loaded as a lead's files would be
# --------------------------------------------------------------------------------------------------------------

def _replace_in_parts(data: bytes, old: bytes, new: bytes, parts: tuple[str, ...] | None = None) -> bytes:
    """The workbook with ``old`` replaced by ``new`` in its XML parts (all, or those named): a crafted file."""
    src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if parts is None or item.filename in parts:
                body = body.replace(old, new)
            dst.writestr(item, body)
    return out.getvalue()


def _rename_sheet(data: bytes, placeholder: str, name: str) -> bytes:
    """Excel (and openpyxl) refuse [ ] : / in sheet names; a crafted file need not. Rewrite the workbook part."""
    parts = ("xl/workbook.xml", "docProps/app.xml")
    data = _replace_in_parts(data, f'"{placeholder}"'.encode(), quoteattr(name).encode(), parts)
    return _replace_in_parts(data, f">{placeholder}<".encode(), f">{escape(name)}<".encode(), parts)


@pytest.fixture
def hostile_board(engine, db_url, monkeypatch):
    import streamlit as st

    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("DASHBOARD_SAMPLE_DATA", "0")
    st.cache_resource.clear()
    st.cache_data.clear()
    accounts.add_user(engine, ADMIN, by="tests", admin=True, name=f"Admin {LINK}")
    accounts.add_user(engine, "lead@test.example.org", by="tests", name=IMAGE)
    board_id = add_board(engine, SLUG, f"Board {LINK}", by=ADMIN, board_type=IMAGE, area=A_TAG)
    add_meeting(engine, board_id, date(2016, 10, 20), f"Meeting {LINK} {SCRIPT}", by=ADMIN)
    html = f"{A_TAG} {IMG_TAG} {SCRIPT} {ENTITY}"
    files = {
        "milestones": xlsx({"Plan": [
            ["Ref", "Priority", "Scheme", "Locality", "Milestone", "Owner", "Due", "Status"],
            ["M1", LINK, IMAGE, LINK, f"Recruit {html}", IMAGE, "Aug 16", "In progress"],
            ["M2", LINK, f"Scheme {A_TAG}", IMAGE, f"Title {BARE}", LINK, "10/10/16", "In progress"],
            ["M3", IMAGE, f"Other {ENTITY}", LINK, LINK, html, "March 2017", "Delayed"]]}),
        "risks": xlsx({"Register": [
            ["Ref", "Priority", "Risk", "Likelihood", "Impact", "Owner", "Mitigation", "Review date"],
            ["R1", LINK, f"Risk {LINK} {html}", "High", "High", IMAGE, BARE, "Aug 16"],
            ["R2", IMAGE, IMAGE, None, None, LINK, html, "Sept 16"]]}),
        "metrics": xlsx({"Metrics": [
            ["Priority", "Metric", "Locality", "Period", "Target", "Actual", "Direction"],
            [LINK, f"Readmissions {LINK}", LINK, "2016-17 Q1", 100, 120, "lower"],
            [LINK, f"Readmissions {LINK}", IMAGE, "2016-17 Q1", 100, 90, "lower"],
            [IMAGE, f"Waits {html}", A_TAG, "2016-17 Q1", 80, 78, "higher"]]}),
    }
    for kind, data in files.items():
        result = import_bytes(data, f"{kind} {LINK.replace('https://', '')}.xlsx", SLUG, engine=engine, kind=kind)
        assert result.status == "ok", [i.message for i in result.analysis.errors]
    budget = _rename_sheet(xlsx({"SHEET": [
        ["Priorities and schemes", "Lead/ commissioner", "Funding"],
        [LINK, None, "£898k"], [f"1. {IMAGE}", "RCC", "£40k"], [f"2. {html}", LINK, "£100k"]]}),
        "SHEET", f"{LINK}{IMG_TAG}")
    result = import_bytes(budget, BUDGET_FILE, SLUG, engine=engine, kind="budget")
    assert result.status == "ok" and any(i.code == "total_mismatch" for i in result.analysis.warnings)
    accounts.grant(engine, "lead@test.example.org", SLUG, "lead", by=ADMIN, workstreams=[LINK])
    yield budget
    st.cache_resource.clear()
    st.cache_data.clear()


BUDGET_FILE = "[Session expired: sign in again](evil.example) <img src=x> &lt;b&gt;.xlsx"


# An account's own email in the admin's people list: a mailto link to exactly the address it shows (ui.tables), the
# one link the app writes on purpose. A tracker's text never becomes one.
_OWN_ADDRESS = re.compile(r"\[([\w.+\\-]+@[\w-]+(?:\.[\w-]+)+)\]\(mailto:([\w.+-]+@[\w-]+(?:\.[\w-]+)+)\)")


def _own_address(text: str) -> bool:
    m = _OWN_ADDRESS.fullmatch(text)
    return bool(m) and m[1].replace("\\", "") == m[2]


def _check(at, page: str) -> str:
    """Fail on any markup in the page's text; return all of it as a reader would see it."""
    assert not at.exception, f"{page}: {at.exception}"
    seen = []
    for where, text, is_markdown in texts(at):
        if is_markdown and _own_address(text):
            seen.append(text.split("](mailto:")[1][:-1])
        elif is_markdown:
            assert not markup(text), f"{page}: {where} {text!r} renders {markup(text)}"
            seen.append(shown(text))
        else:
            assert "\\[" not in text and "\u200b" not in text, f"{page}: {where} {text!r} is plain text, escaped"
            seen.append(text)
    return "\n".join(seen)


@pytest.mark.slow
def test_every_page_shows_hostile_tracker_text_as_text(hostile_board):
    for page in PAGES:
        at = open_page(page, board=SLUG, as_at=AS_AT)
        if page == "upload.py":  # the file's own preview, problems and sheet list, before it is loaded
            at.file_uploader[0].set_value((BUDGET_FILE, hostile_board, "application/vnd.ms-excel")).run()
        everything = _check(at, page)
        assert f"Admin {LINK}" in everything, f"{page}: the signed-in name is not shown as written"
        for expected in MUST_SHOW.get(page, []):
            assert expected in everything, f"{page} does not show {expected!r} as written"


@pytest.mark.slow  # a page run per filter and link; the stored-text tests stay in the fast loop
def test_the_filters_and_bad_links_show_text_as_text(hostile_board):
    at = open_page("overview.py", board=SLUG, as_at=AS_AT, workstream=LINK + "x", locality=IMAGE + "y")
    everything = _check(at, "overview.py with a crafted link")
    assert f"the workstream '{LINK}x'" in everything and f"the locality '{IMAGE}y'" in everything
    options = at.sidebar.selectbox(key=f"filter_ws_{SLUG}").options
    assert any(o.endswith(f": {LINK}") for o in options)  # plain text in a select: no backslashes
    at = open_page("boards.py", board=f"{LINK}", as_at=AS_AT)
    _check(at, "boards.py with a crafted board link")


def test_clean_text_decodes_entities_before_stripping_tags():
    assert clean_text("&lt;script&gt;alert(1)&lt;/script&gt;") == "alert(1)"
    assert clean_text("&amp;lt;b&amp;gt;bold&amp;lt;/b&amp;gt;") == "bold"  # decoded until stable
    assert clean_text("<scr<b>ipt>alert(1)</script>") == "alert(1)"  # stripped until stable
    assert clean_text("Fish &amp; chips") == "Fish & chips"
    assert clean_text("a < b and c > d") == "a < b and c > d"  # comparisons are not tags
    assert clean_text(A_TAG) == "Session expired" and clean_text(IMG_TAG) == ""


def test_clean_text_drops_nul_and_bidi_overrides():
    assert clean_text("Recruit\x00 staff") == "Recruit staff"
    assert clean_text("invoice\u202egpj.exe") == "invoicegpj.exe"
    assert clean_text("\u2066isolated\u2069 \u202aembedded\u202c") == "isolated embedded"
    assert clean_text("x&#x202e;y&#0;") == "xy\ufffd"
    assert clean_text("\x1b[31mred") == "[31mred"


def test_stored_titles_hold_no_tags_nul_or_overrides(engine):
    from sqlalchemy import select

    from data_model.tables import Milestone

    # Excel writes a NUL in a cell as "_x0000_" (openpyxl refuses to write one at all).
    data = _replace_in_parts(xlsx({"Plan": [["Milestone", "Owner", "Due"],
                                            [f"Recruit {ENTITY}NUL\u202e", f"Kim\u2067 {SCRIPT}", "May 16"]]}),
                             b"NUL", b"_x0000_")
    assert import_bytes(data, "m.xlsx", "b", engine=engine).status == "ok"
    with engine.connect() as conn:
        title, owner = conn.execute(select(Milestone.__table__.c.title, Milestone.__table__.c.owner)).one()
    assert (title, owner) == ("Recruit alert(2)", "Kim alert(1)")
