"""The Users and boards page: an admin adds a person, gives them a role, and adds a board; each step audited."""

from datetime import UTC, datetime

from conftest import as_read
from signed_in import open_page
from sqlalchemy import select

from data_model import accounts
from data_model.tables import AuditEvent


def test_an_admin_adds_a_person_and_gives_them_a_role(engine, board, app_database, monkeypatch):
    monkeypatch.setenv("DASHBOARD_SAMPLE_DATA", "0")
    at = open_page("admin.py", board="test-board")
    form_inputs = {t.label: t for t in at.text_input}
    form_inputs["Email"].set_value("Sam.Lead@NHS.example.org")
    form_inputs["Name"].set_value("Sam _Lead_")
    next(b for b in at.button if b.label == "Add the person").click().run()
    assert not at.exception
    assert "Added sam.lead@nhs.example.org" in as_read(at.success[0].value)
    password = at.code[0].value
    assert accounts.sign_in(engine, "sam.lead@nhs.example.org", password).ok  # the password shown once works

    at.selectbox(key="role_email").set_value("sam.lead@nhs.example.org")
    at.selectbox(key="role_role").set_value("lead").run()
    at.multiselect(key="role_ws").set_value(["Prevention"])
    next(b for b in at.button if b.label == "Give the role").click().run()
    assert "sam.lead@nhs.example.org is now lead on Test Board" in as_read(at.success[0].value)
    # the people list in words, whole: the board by its name, the name as typed (escaped, not read as markdown)
    people = at.table[0].value.map(as_read).set_index("Email")
    assert people.loc["sam.lead@nhs.example.org", "Roles"] == "Test Board: lead (Prevention)"
    assert people.loc["sam.lead@nhs.example.org", "Name"] == "Sam _Lead_"
    assert people.loc["sam.lead@nhs.example.org", "Account"] == "Can sign in · Password"
    today = datetime.now(UTC)  # signed in above with the password shown: the moment in words, to the minute
    assert people.loc["sam.lead@nhs.example.org", "Last sign-in"].startswith(
        f"{today.day}\u00a0{today:%b}\u00a0{today.year}, ")

    board_inputs = {t.label: t for t in at.text_input}
    board_inputs["Board name"].set_value("Rutland Children's Partnership")
    board_inputs["Short name (used in links)"].set_value("Rutland Kids!")
    next(b for b in at.button if b.label == "Add the board").click().run()
    assert "lower-case letters" in as_read(at.error[0].value)  # refused in words, nothing added
    with engine.connect() as conn:
        trail = [tuple(r) for r in conn.execute(select(AuditEvent.action, AuditEvent.detail).order_by(AuditEvent.id))]
    assert ("user_added", "sam.lead@nhs.example.org") in trail
    assert ("role_change", "sam.lead@nhs.example.org: lead for Prevention") in trail
    assert not any(action == "board_added" for action, _ in trail)
