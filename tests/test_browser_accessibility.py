"""axe-core on every page for every role, in the real browser on the sample boards: no critical and no serious
violation anywhere (WCAG 2.2 A and AA rules and axe's best practices).

Each role signs in once and walks its own menu in one session, as a person would; the four roles are four
tests, so they run side by side. On each page axe also reads what is drawn only once asked for: each pop-over, each
tab's panel (in the page only while chosen; a lazy tab draws it only then) and every section (some draw only once
opened), each read on its own so nothing is read twice. A failure lists each violation with its rule, impact, page
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


def violations_on(axe: Axe, page, where: str, scope=None) -> list[Violation]:
    """Every violation axe finds, one per element: on the whole page, or only within ``scope`` (a locator: the content
    a section or tab has just drawn, so what axe has read already is not read again). axe is put into the page once:
    the menu changes pages without loading a new document."""
    if not page.evaluate("() => typeof window.axe?.run === 'function'"):
        page.evaluate(axe.axe_script)
    if scope is None:
        found = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    else:
        found = scope.evaluate_all("(nodes, options) => axe.run({include: nodes}, options)", AXE_OPTIONS)
    return [Violation(v["id"], v["impact"] or "", where, " ".join(map(str, node["target"])), node["html"][:160],
                      " ".join((node.get("failureSummary") or v["help"]).split()))
            for v in found["violations"] for node in v["nodes"]]


def menu(page) -> dict[str, str]:
    """The pages this person's menu offers: each one's name (its last line: the icon comes first) and address."""
    links = page.get_by_test_id("stSidebarNav").get_by_role("link")
    expect(links.first).to_be_visible()
    return {link.inner_text().strip().splitlines()[-1]: link.get_attribute("href") for link in links.all()}


def charts_are_named(page) -> None:
    for chart in page.get_by_test_id("stVegaLiteChart").all():  # each chart is named by its own summary
        expect(chart).to_have_attribute("aria-label", DESCRIBED)


# A section or tab that draws its content only once opened (pages/overview.py, meetings.py, risks.py, boards.py,
# milestones.py) sends it in a rerun; until then it is empty or holds only the caption "Open to see ...". Content is
# waited for, not a rerun: a click's rerun may start late on a busy machine, and some sections and tabs draw at once.
CLOSED = "[data-testid='stExpander'] > details:not([open]) > summary:visible"
SETTLED = """([tabs, placeholder]) => {
    const app = document.querySelector("[data-testid='stApp']");
    const main = document.querySelector("[data-testid='stMain']");
    const root = tabs === null ? main : main?.querySelectorAll("[data-testid='stTabs']")[tabs]
        ?.querySelector("[role='tabpanel']");  // found again on each look: a rerun may draw it anew
    if (!root || app?.dataset.testScriptState !== "notRunning") return false;
    // An expander opening slides its content in: while it moves, the section below overlaps the buttons in it, and
    // axe's target-size check saw them "partially obscured". Read once every finite animation has ended.
    if (document.getAnimations().some(a => a.playState === "running"
        && a.effect?.getComputedTiming().iterations !== Infinity)) return false;
    const own = (box, section) => [...box.querySelectorAll("[data-testid='stElementContainer']")]
        .filter(item => item.closest("[data-testid='stExpander']") === section);
    const drawn = section => {
        const items = own(section.querySelector("[data-testid='stExpanderDetails']") ?? section, section);
        return items.length > 0 && !items.some(item => item.innerText.trim().startsWith(placeholder));
    };
    const panel = root.matches("[role='tabpanel']");
    return (!panel || root.querySelector("[data-testid='stElementContainer']") !== null)
        && [...root.querySelectorAll("[data-testid='stExpander']:not([data-a11y-seen])")]
            .filter(section => section.querySelector(":scope > details")?.open).every(drawn);
}"""
NOT_YET_DRAWN = "Open to see"
LABELS = """summaries => summaries.map(summary => [...summary.querySelectorAll("[data-testid='stMarkdownContainer']")]
    .map(label => label.innerText).join(" ").split(/\\s+/).join(" ").trim())"""  # the words, not the icon's name
MAX_OPENINGS = 3  # clicks on one section before the walk gives up on it: something keeps closing it


def settle(page, tabs: int | None) -> None:
    """Until the app is idle and the main region (or the chosen panel of its ``tabs``-th set of tabs) has drawn what
    was opened in it."""
    page.wait_for_function(SETTLED, arg=[tabs, NOT_YET_DRAWN], timeout=90_000)


def mark_seen(root) -> None:
    """What is open now has been read: the sections opened next are read on their own."""
    root.evaluate("""root => root.querySelectorAll("[data-testid='stExpander']").forEach(section => {
        if (section.querySelector(':scope > details')?.open) section.dataset.a11ySeen = ''; })""")


def open_every_section(page, root, tabs: int | None = None) -> list[str]:
    """Open every closed section a person can see in ``root`` (the main region, or the panel of its ``tabs``-th set
    of tabs) one click after another, so their reruns fold into one or two; then again for any that opening revealed.
    The labels opened, in order."""
    opened: list[str] = []
    while (closed := root.locator(CLOSED)).count():
        labels = closed.evaluate_all(LABELS)
        stuck = [label for label in labels if opened.count(label) >= MAX_OPENINGS]
        assert not stuck, f"these sections close again each time they are opened: {stuck}"
        # Each summary held as the element it is now, clicked from the last, so that one opening moves none of those
        # still to click, and a rerun started by one click does not shift which element the next click finds.
        for summary in closed.element_handles()[::-1]:
            summary.click()
        opened += labels
        settle(page, tabs)
    return opened


def open_and_read(page, axe: Axe, root, where: str, tabs: int | None = None) -> list[Violation]:
    """Open the closed sections in ``root`` and run axe on what they drew, and on nothing read already."""
    if not (opened := open_every_section(page, root, tabs)):
        return []
    print(f"{where}: opened {opened}")
    charts_are_named(page)
    found = violations_on(axe, page, f"{where}, sections opened",
                          root.locator("[data-testid='stExpander']:not([data-a11y-seen])"))
    mark_seen(root)
    return found


def choose_every_tab(page, axe: Axe, where: str) -> list[Violation]:
    """Choose each tab not yet chosen, by its name (a lazy tab's rerun draws the list of tabs again), open its sections
    and read its panel: a tab's panel is in the page only while it is chosen, lazy or not."""
    found: list[Violation] = []
    main = page.get_by_test_id("stMain")
    for i in range(main.get_by_test_id("stTabs").count()):
        tabs = main.get_by_test_id("stTabs").nth(i)
        panel = tabs.get_by_role("tabpanel")
        found += open_and_read(page, axe, panel, where, i)  # the tab chosen on arrival, read with the page
        names = [" ".join(tab.split()) for tab in tabs.get_by_role("tab").all_inner_texts()]
        for name in names:
            tab = tabs.get_by_role("tab", name=name, exact=True)
            if tab.get_attribute("aria-selected") == "true":
                continue
            tab.click()
            expect(tab).to_have_attribute("aria-selected", "true")
            settle(page, i)
            open_every_section(page, panel, i)
            charts_are_named(page)
            found += violations_on(axe, page, f"{where}, tab {name!r}", panel)
            print(f"{where}: read tab {name!r}")
            mark_seen(panel)
    return found


def open_every_popover(page, axe: Axe, where: str) -> list[Violation]:
    """Open each pop-over (such as the Overview's "How RAG is decided"), whose content is in the page only while it is
    open, read it, and close it again with Escape, as a keyboard user would."""
    found: list[Violation] = []
    buttons = page.get_by_test_id("stMain").get_by_test_id("stPopoverButton")
    for i in range(buttons.count()):
        button = buttons.nth(i)
        name = " ".join(button.get_by_test_id("stMarkdownContainer").all_inner_texts()) or f"number {i + 1}"
        button.click()
        body = page.get_by_test_id("stPopoverBody")
        expect(body).to_be_visible()
        expect(body.get_by_test_id("stElementContainer").first).to_be_visible()
        found += violations_on(axe, page, f"{where}, pop-over {name!r}", body)
        print(f"{where}: read pop-over {name!r}")
        page.keyboard.press("Escape")
        expect(body).to_have_count(0)
    return found


def read_page(page, axe: Axe, where: str) -> list[Violation]:
    """axe on the page as it opens; on each pop-over; then on each other tab's panel; then on what the page's closed
    sections draw once opened, all opened together. Tabs first: an opened section is drawn again by every later tab's
    rerun."""
    charts_are_named(page)
    found = violations_on(axe, page, where)
    mark_seen(page.get_by_test_id("stMain"))
    found += open_every_popover(page, axe, where)
    found += choose_every_tab(page, axe, where)
    return found + open_and_read(page, axe, page.get_by_test_id("stMain"), where)


def walk(browser, base: str, db_url: str, visitor: Visitor, axe: Axe) -> tuple[list[Violation], dict[str, str]]:
    """Sign in as ``visitor``, run axe on the sign-in page, then open each page of their menu and read it there, with
    every section opened and every tab chosen in turn."""
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
            found += read_page(page, axe, f"{name} ({visitor.role}, {board})")
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
