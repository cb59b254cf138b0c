"""axe-core on every page for every role, in the real browser on the sample boards: no critical and no serious
violation anywhere (WCAG 2.2 A and AA rules and axe's best practices).

Each role signs in once and walks its own menu in one session, as a person would; the four roles are four
tests, so they run side by side. A failure lists each violation with its rule, impact, page
and the element axe found it on, so it can be fixed without re-running anything.
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
from dataclasses import dataclass

import pytest
from axe_playwright_python.sync_playwright import Axe
from browser import add_account, app_server, grant, sign_in, wait_idle
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "correct horse battery"
BLOCKING = ("critical", "serious")
DESCRIBED = re.compile(r"^(?!Vega visualization$).{20,}")  # Vega's default name for a chart with no description
AXE_OPTIONS = {"resultTypes": ["violations"],
               "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa",
                                                     "best-practice"]}}


@dataclass(frozen=True)
class Visitor:
    """A person of one role, on the board whose views they walk (an admin needs no grant)."""

    role: str
    board: str | None


# Between them the four walk the board views on the boards with the most to show: Rutland (budget, SPC metrics, four
# risk registers), North Lanarkshire (localities, impact-only risks), Plymouth (unrated risks, phases), Bradford.
VISITORS = (Visitor("viewer", "rutland-hwb"), Visitor("lead", "north-lanarkshire-ijb"),
            Visitor("chair", "plymouth-send"), Visitor("admin", None))
ADMIN_BOARD = "bradford-tig"


@dataclass(frozen=True)
class Violation:
    rule: str
    impact: str
    page: str
    target: str  # axe's CSS selector for the element
    html: str  # the element's opening tag, which says what it is better than a generated class name
    summary: str

    def __str__(self) -> str:
        return f"{self.rule} ({self.impact}) on {self.page}: {self.html} at {self.target}: {self.summary}"


def violations_on(axe: Axe, page, where: str) -> list[Violation]:
    """Every violation axe finds on the page as it stands, one per element."""
    found = axe.run(page, options=AXE_OPTIONS).response["violations"]
    return [Violation(v["id"], v["impact"] or "", where, " ".join(map(str, node["target"])), node["html"][:160],
                      " ".join((node.get("failureSummary") or v["help"]).split()))
            for v in found for node in v["nodes"]]


def menu(page) -> dict[str, str]:
    """The pages this person's menu offers: each one's name (its last line: the icon comes first) and address."""
    links = page.get_by_test_id("stSidebarNav").get_by_role("link")
    expect(links.first).to_be_visible()
    return {link.inner_text().strip().splitlines()[-1]: link.get_attribute("href") for link in links.all()}


def walk(browser, base: str, db_url: str, visitor: Visitor, axe: Axe) -> tuple[list[Violation], dict[str, str]]:
    """Sign in as ``visitor``, run axe on the sign-in page, then open each page of their menu and run it there."""
    email = f"{visitor.role}@a11y.example.org"
    add_account(db_url, email, PASSWORD, admin=visitor.role == "admin")
    board = visitor.board or ADMIN_BOARD
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        page.goto(f"{base}/?board={board}")
        wait_idle(page)
        expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
        found = violations_on(axe, page, f"Sign in ({visitor.role})")
        if visitor.board:
            grant(db_url, email, visitor.board, visitor.role)
        sign_in(page, email, PASSWORD)
        names = menu(page)
        for name, href in names.items():
            page.get_by_test_id("stSidebarNav").locator(f'a[href="{href}"]').click()
            wait_idle(page)
            expect(page.get_by_test_id("stMain").get_by_role("heading", level=1).first).to_be_visible()
            for chart in page.get_by_test_id("stVegaLiteChart").all():  # each chart is named by its own summary
                expect(chart).to_have_attribute("aria-label", DESCRIBED)
            found += violations_on(axe, page, f"{name} ({visitor.role}, {board})")
        return found, names
    finally:
        page.close()


# What each role's menu must hold, so a walk that silently saw fewer pages fails.
EXPECTED_MENU = {"viewer": {"Overview", "Risks", "Metrics", "Localities"},
                 "lead": {"Overview", "Upload a tracker"},
                 "chair": {"Overview", "Audit trail", "Board pack"},
                 "admin": {"Overview", "Upload a tracker", "Audit trail", "Users and boards"}}


@pytest.mark.parametrize("visitor", VISITORS, ids=lambda v: v.role)
def test_no_page_has_a_critical_or_serious_accessibility_violation_for_any_role(browser, _sample_boards_sqlite,
                                                                                 tmp_path, visitor):
    """The sample boards as a first start leaves them; the database does not change what a page draws, so this
    runs on SQLite. One test per role, so the four walks share the cores."""
    path = tmp_path / "a11y.db"
    shutil.copyfile(_sample_boards_sqlite, path)
    db_url = f"sqlite:///{path}"
    with app_server(db_url) as base:
        found, names = walk(browser, base, db_url, visitor, Axe())
    # The walk really went everywhere this role's menu goes.
    assert EXPECTED_MENU[visitor.role] <= set(names), f"{visitor.role}'s menu: {sorted(names)}"
    counts = Counter(f"{v.rule} ({v.impact})" for v in found)
    print("axe violations by rule:", dict(sorted(counts.items())) or "none")
    for v in found:
        print(" ", v)
    blocking = [v for v in found if v.impact in BLOCKING]
    assert not blocking, f"{len(blocking)} critical or serious accessibility violations:\n" + "\n".join(map(str, blocking))
