"""A board member with no mouse: Tab alone reaches every control of the Overview and the Risks page and comes back
round (no control traps the focus), and a heat-map cell is chosen with the keys alone."""

from __future__ import annotations

import re

import pytest
from browser import add_account, app_server, open_as, wait_idle
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "correct horse battery"
MAX_TABS = 400  # far more than either page needs: a page that never comes round has trapped the focus

# Marks the focused element the first time focus lands on it; returns its number, or None on the page itself.
MARK_FOCUS = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  if (!e.dataset.kb) e.dataset.kb = String(document.querySelectorAll('[data-kb]').length + 1);
  return Number(e.dataset.kb);
}"""
# Every control a person can see and Tab to (tabindex -1 is focusable by script only), that focus never reached.
UNREACHED = """() => [...document.querySelectorAll(
    'a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select, textarea, summary, [tabindex]')]
  .filter(e => e.tabIndex >= 0 && e.checkVisibility({visibilityProperty: true}) && !e.closest('[inert]'))
  .filter(e => !e.dataset.kb)
  .map(e => `${e.tagName.toLowerCase()} "${(e.getAttribute('aria-label') || e.innerText || '').trim().slice(0, 60)}"`)"""


def tab_round(page) -> list[int | None]:
    """Press Tab from the top of the page until focus comes back to where it started; what it landed on, in order.
    The pointer rests on the page, not the sidebar: Streamlit draws its Collapse sidebar button only under a hovering
    mouse, and a keyboard user has no such button (the sidebar just stays open)."""
    page.mouse.move(900, 500)
    page.evaluate("document.activeElement && document.activeElement.blur()")
    landed: list[int | None] = []
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        landed.append(page.evaluate(MARK_FOCUS))
        if landed[-1] == 1 and len(landed) > 1:
            return landed
    raise AssertionError(f"Tab never came back to the top of the page after {MAX_TABS} presses: focus is trapped "
                         f"(last on element {landed[-1]})")


def assert_every_control_reached(page, where: str) -> None:
    landed = tab_round(page)
    missed = page.evaluate(UNREACHED)
    assert not missed, f"{where}: Tab never reaches {missed}"
    assert len(set(landed)) > 10, f"{where}: only {len(set(landed))} controls took the focus"


def test_tab_reaches_every_control_and_a_heat_map_cell_is_chosen_by_keyboard(browser, _sample_boards_sqlite,
                                                                               tmp_path):
    import shutil

    path = tmp_path / "keyboard.db"
    shutil.copyfile(_sample_boards_sqlite, path)
    db_url = f"sqlite:///{path}"
    viewer = "viewer@keyboard.example.org"
    add_account(db_url, viewer, PASSWORD)
    with app_server(db_url) as base:
        page = open_as(browser, base, "overview?board=rutland-hwb", db_url, viewer, PASSWORD, "rutland-hwb", "viewer")
        main = page.get_by_test_id("stMain")
        expect(main.get_by_role("heading", name="Overview")).to_be_visible()
        assert_every_control_reached(page, "Overview")
        # The RAG chart is drawn on opening its expander (one of the controls just reached): opened with the keys, it is
        # named by its summary.
        chart_opener = main.locator("summary", has_text="The RAG counts as a chart")
        page.evaluate("document.activeElement && document.activeElement.blur()")
        for _ in range(MAX_TABS):
            page.keyboard.press("Tab")
            if chart_opener.evaluate("e => e === document.activeElement"):
                break
        else:
            raise AssertionError("Tab never reaches the Overview's 'The RAG counts as a chart'")
        page.keyboard.press("Enter")
        expect(main.get_by_test_id("stVegaLiteChart")).to_have_attribute("aria-label", re.compile("RAG counts"))
        wait_idle(page)

        page.get_by_test_id("stSidebarNav").get_by_role("link", name="Risks").click()
        wait_idle(page)
        expect(main.get_by_role("heading", name="Top risks")).to_be_visible()
        expect(main.get_by_test_id("stVegaLiteChart")).to_have_attribute("aria-label", re.compile("Risk heat map"))
        assert_every_control_reached(page, "Risks")

        # The heat map's cells by keyboard: Tab to the cell picker, open it, take the first cell that holds risks.
        picker = page.get_by_role("combobox", name="Show the risks in one cell")
        page.evaluate("document.activeElement && document.activeElement.blur()")
        for _ in range(MAX_TABS):
            page.keyboard.press("Tab")
            if picker.evaluate("e => e === document.activeElement"):
                break
        else:
            raise AssertionError("Tab never reaches the heat map's cell picker")
        page.keyboard.press("ArrowDown")  # opens the list
        expect(page.get_by_role("option").first).to_be_visible()
        page.keyboard.press("ArrowDown")  # down to a cell
        highlighted = page.locator("[role=option][data-focused=true]")  # react-aria's mark of the option under the keys
        expect(highlighted).to_have_text(re.compile(r"^Likelihood \d, impact \d: \d+ risks?"))
        chosen = highlighted.inner_text()
        page.keyboard.press("Enter")
        wait_idle(page)
        likelihood, impact, count = re.match(r"Likelihood (\d), impact (\d): (\d+)", chosen).groups()
        expect(main.get_by_role("heading", name=f"Likelihood {likelihood}, impact {impact} ({count})")).to_be_visible()
        expect(main.get_by_role("heading", name="Top risks")).to_have_count(0)
        page.close()
