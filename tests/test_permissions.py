"""Every role against every page and every action, allowed and refused, on both databases.

Five people on a known board: a viewer, a lead for one priority (Prevention), a chair, an admin, and someone with
a role only on another board. The permission function is checked as a table; then the pages (an AppTest per page
and person: the page opens, or it does not and the person sees something else); then the actions themselves.
"""

from __future__ import annotations

import pytest
from conftest import as_read, dump, xlsx
from signed_in import open_page
from sqlalchemy import select

from data_model import accounts, queries
from data_model.permissions import ACTIONS, Resource, allowed
from data_model.rag import RagRules
from data_model.tables import AuditEvent
from loaders import import_bytes

PEOPLE = {  # email: (role on test-board, workstreams)
    "viewer@t.example.org": ("viewer", []),
    "lead@t.example.org": ("lead", ["Prevention"]),
    "chair@t.example.org": ("chair", []),
    "admin@t.example.org": ("admin", []),
    "elsewhere@t.example.org": ("elsewhere", []),  # a chair, but of another board
}
EMAIL = {role: email for email, (role, _) in PEOPLE.items()}

# action -> the roles (on the board) that may do it
MAY = {
    "view": {"viewer", "lead", "chair", "admin"},
    "upload": {"lead", "admin"},
    "meetings": {"chair", "admin"},
    "snapshot": {"chair", "admin"},
    "export": {"chair", "admin"},
    "pack": {"viewer", "lead", "chair", "admin"},
    "rules": {"chair", "admin"},
    "audit": {"chair", "admin"},
    "users": {"admin"},
}

# page file -> (its title, the action it needs)
PAGES = {
    "boards.py": ("Boards", "view"), "overview.py": ("Overview", "view"), "milestones.py": ("Milestones", "view"),
    "risks.py": ("Risks", "view"), "budget.py": ("Budget", "view"), "metrics.py": ("Metrics", "view"),
    "localities.py": ("Localities", "view"), "forward_plan.py": ("Forward plan", "view"),
    "upload.py": ("Upload a tracker", "upload"), "board_settings.py": ("Board settings", "rules"),
    "audit.py": ("Audit trail", "audit"), "admin.py": ("Users and boards", "users"),
}
# The pages each person's menu lists (the chair of another board sees a chair's pages, for that board only).
LISTED = {
    "viewer": {p for p, (_, a) in PAGES.items() if a == "view"},
    "lead": {p for p, (_, a) in PAGES.items() if a in ("view", "upload")},
    "chair": {p for p, (_, a) in PAGES.items() if a in ("view", "rules", "audit")},
    "admin": set(PAGES),
    "elsewhere": {p for p, (_, a) in PAGES.items() if a in ("view", "rules", "audit")},
}


@pytest.fixture
def people(engine, board, monkeypatch, app_database):
    """The five people on the known board ("test-board": Prevention and Crisis) and on "other-board"."""
    monkeypatch.setenv("DASHBOARD_SAMPLE_DATA", "0")
    other = xlsx({"Plan": [["Priority", "Milestone", "Due"], ["Housing", "Open the hub", "March 2017"]]})
    assert import_bytes(other, "other.xlsx", "other-board", engine=engine).status == "ok"
    for email, (role, workstreams) in PEOPLE.items():
        accounts.add_user(engine, email, by="tests", admin=role == "admin")
        if role in ("viewer", "lead", "chair"):
            accounts.grant(engine, email, "test-board", role, by="tests", workstreams=workstreams)
        elif role == "elsewhere":
            accounts.grant(engine, email, "other-board", "chair", by="tests")
    actors = {role: accounts.load_actor(engine, accounts.user_id(engine, email)) for role, email in EMAIL.items()}
    return actors, board["id"], queries.board(engine, "other-board")["id"]


def test_the_permission_table(people):
    actors, here, there = people
    for role, actor in actors.items():
        for action in ACTIONS:
            expected_here = role in MAY[action]
            assert allowed(action, Resource(here), actor) is expected_here, (role, action, "own board")
            expected_there = role == "admin" or (role == "elsewhere" and "chair" in MAY[action])
            assert allowed(action, Resource(there), actor) is expected_there, (role, action, "other board")
    lead = actors["lead"]
    assert allowed("upload", Resource(here, ("Prevention",)), lead)
    assert not allowed("upload", Resource(here, ("Prevention", "Crisis")), lead)
    assert not allowed("upload", Resource(here, ("",)), lead)  # rows with no workstream
    assert not allowed("view", Resource(here), None)
    assert not allowed("no such action", Resource(here), actors["admin"])


@pytest.mark.slow
def test_every_page_for_every_role(people):
    """A page opens only when the person's menu lists it; one it doesn't list, opened by its address, says it is
    refused and shows nothing of the page."""
    for role, email in EMAIL.items():
        for page, (title, _action) in PAGES.items():
            if page not in LISTED[role]:
                at = open_page(page, email=email, board="test-board")
                assert not at.exception and not at.title, (role, page)
                assert "You don't have permission to" in at.error[0].value, (role, page)
                continue
            at = open_page(page, email=email, board="test-board")
            assert not at.exception, (role, page, at.exception)
            assert [t.value for t in at.title] == [title], (role, page)
            # The link asks for test-board; someone without a role there gets their own board, and is told why.
            shown = at.sidebar.selectbox[0].value
            assert shown == ("other-board" if role == "elsewhere" else "test-board"), (role, page)


def test_a_link_to_a_board_without_a_role_on_it_opens_their_own_board_and_says_why(people):
    at = open_page(email=EMAIL["elsewhere"], board="test-board")
    assert "no board called 'test-board' that you can open" in as_read(at.sidebar.warning[0].value)
    assert at.sidebar.selectbox[0].value == "other-board"


def test_a_lead_on_a_board_where_they_only_view_is_refused_by_the_page_itself(engine, people):
    """The page checks again: the lead's menu lists Upload, but on a board where they are a viewer it refuses."""
    accounts.grant(engine, "lead@t.example.org", "other-board", "viewer", by="tests")
    at = open_page("upload.py", email=EMAIL["lead"], board="other-board")
    assert not at.exception
    assert "You don't upload for Other Board" in at.warning[0].value
    assert not at.file_uploader


PREVENTION = xlsx({"Plan": [["Ref", "Priority", "Milestone", "Due", "Status"],
                            ["P9", "Prevention", "New falls service", "Jan 17", "In progress"]]})
CRISIS_TOO = xlsx({"Plan": [["Ref", "Priority", "Milestone", "Due", "Status"],
                            ["P9", "Prevention", "New falls service", "Jan 17", "In progress"],
                            ["C9", "Crisis", "Night team", "Feb 17", "In progress"]]})


def _audit(engine, action: str) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(AuditEvent.actor, AuditEvent.outcome, AuditEvent.detail)
                                               .where(AuditEvent.action == action).order_by(AuditEvent.id))]


@pytest.mark.slow
def test_a_lead_uploads_for_their_workstream_only(engine, people):
    actors, _, _ = people
    before = dump(engine)
    refused = import_bytes(CRISIS_TOO, "mixed.xlsx", "test-board", engine=engine, actor=actors["lead"])
    assert refused.status == "rejected"
    assert "rows for Crisis" in refused.analysis.errors[0].message and "only for Prevention" in \
        refused.analysis.errors[0].message
    assert dump(engine) == before  # nothing written
    assert _audit(engine, "upload")[-1][:2] == (EMAIL["lead"], "rejected")
    ok = import_bytes(PREVENTION, "prevention.xlsx", "test-board", engine=engine, actor=actors["lead"])
    assert ok.status == "ok" and ok.changes["added"] == 1
    assert _audit(engine, "upload")[-1][:2] == (EMAIL["lead"], "ok")


@pytest.mark.slow
def test_a_lead_uploading_for_another_boards_workstream_is_refused_and_nothing_is_written(engine, people):
    actors, _, _ = people
    before = dump(engine)
    housing = xlsx({"Plan": [["Priority", "Milestone", "Due"], ["Housing", "Open the hub", "April 2017"]]})
    result = import_bytes(housing, "housing.xlsx", "other-board", engine=engine, actor=actors["lead"])
    assert result.status == "rejected" and "needs the lead role" in result.analysis.errors[0].message
    assert dump(engine) == before
    for role in ("viewer", "chair", "elsewhere"):
        assert import_bytes(PREVENTION, "p.xlsx", "test-board", engine=engine, actor=actors[role]).status == "rejected"
    assert dump(engine) == before
    new_board = import_bytes(PREVENTION, "p.xlsx", "brand-new", engine=engine, actor=actors["lead"])
    assert new_board.status == "rejected" and "only an administrator" in new_board.analysis.errors[0].message
    assert dump(engine) == before


def test_a_lead_is_refused_on_the_upload_page_before_anything_is_written(engine, people):
    at = open_page("upload.py", email=EMAIL["lead"], board="test-board")
    before = dump(engine)
    at.file_uploader[0].set_value(("mixed.xlsx", CRISIS_TOO, "application/vnd.ms-excel")).run()
    assert not at.exception
    assert any("rows for Crisis" in e.value for e in at.error)
    assert not [b for b in at.button if b.label.startswith("Load into")]
    assert dump(engine) == before


@pytest.mark.slow
def test_a_chair_changes_the_rag_rules_and_it_is_audited(engine, people):
    at = open_page("board_settings.py", email=EMAIL["chair"], board="test-board")
    at.number_input(key="rule_risk_red_from").set_value(20)
    submit = next(b for b in at.button if b.label == "Save the rules")
    submit.click().run()
    assert not at.exception, at.exception
    assert not at.error, at.error[0].value
    assert "risk_red_from: 15 → 20" in as_read(at.success[0].value)
    assert RagRules.from_settings(queries.board(engine, "test-board")["settings"]).risk_red_from == 20
    assert _audit(engine, "rules_changed")[-1] == (EMAIL["chair"], "ok", "risk_red_from: 15 → 20")
    at.number_input(key="rule_risk_amber_from").set_value(22)
    next(b for b in at.button if b.label == "Save the rules").click().run()
    assert "Risk bands must rise" in at.error[0].value  # refused, not saved
    assert RagRules.from_settings(queries.board(engine, "test-board")["settings"]).risk_amber_from == 5


def test_a_chair_reads_only_their_own_boards_audit_trail(engine, people):
    actors, here, there = people
    accounts.grant(engine, "viewer@t.example.org", "test-board", "lead", by="admin@t.example.org",
                   workstreams=["Crisis"])
    accounts.grant(engine, "admin@t.example.org", "other-board", "viewer", by="admin@t.example.org")
    at = open_page("audit.py", email=EMAIL["chair"], board="test-board")
    assert not at.exception
    assert at.selectbox(key="audit_board").options == ["Test Board"]
    events = at.table[0].value.map(as_read)  # a short trail, listed whole
    assert "viewer@t.example.org: lead for Crisis (was viewer)" in set(events["Detail"])
    assert not any("other-board" in str(d) or "admin@t.example.org: viewer" in str(d) for d in events["Detail"])
    everything = open_page("audit.py", email=EMAIL["admin"], board="test-board")
    picker = everything.selectbox(key="audit_board")
    assert picker.options[0].startswith("Everything")
    assert picker.value == queries.board(engine, "test-board")["id"]  # from the sidebar's board, as the sidebar says
    picker.set_value(0).run()  # widened to everything
    assert "admin@t.example.org: viewer" in " ".join(everything.table[0].value.map(as_read)["Detail"])
