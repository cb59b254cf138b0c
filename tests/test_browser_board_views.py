"""What a board member reads in a real browser, where only a browser shows it: the home page answers at /boards as well
as /, a long sign-in email wraps between its parts (never mid-word) in the sidebar, and the Budget page's pooled-fund
amounts show whole at 1400 and 1024 px. Screenshots of each are kept as test artifacts."""

import pytest
from browser import add_account, app_server, open_as, save_screenshot, wait_idle
from playwright.sync_api import expect

MEMBER, PASSWORD = "member@journeys.example.org", "correct horse battery"

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.any_database]

# Each run of text between the places a line may break (spaces and the zero-width spaces the sidebar puts after "@"
# and before dots), with the number of lines it is drawn on.
PIECES_JS = """(el) => {
  const out = [];
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, text = node.textContent;
    let start = 0;
    for (let i = 0; i <= text.length; i++) {
      if (i === text.length || text[i] === '\\u200b' || text[i] === ' ') {
        if (i > start) {
          const range = document.createRange();
          range.setStart(node, start); range.setEnd(node, i);
          const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
          out.push([text.slice(start, i), lines.size]);
        }
        start = i + 1;
      }
    }
  }
  return out;
}"""

LONG_MILESTONE = ("Understand Information Governance gaps for integrated working including Information sharing "
                  "agreements, training and fair processing adjustments")  # a Rutland milestone overdue in March 2017

# Every table cell and total on the page whose text is wider than the box it shows in (cut off, or "£2,44…").
CUT_CELLS_JS = """() => [...document.querySelectorAll(
    "[data-testid='stTable'] td, [data-testid='stTable'] th, [data-testid='stMetricValue'] *")]
  .filter(c => c.scrollWidth > c.clientWidth + 1).map(c => c.innerText)"""


def test_home_at_boards_a_long_email_wraps_whole_and_budget_amounts_show_whole(browser, sample_boards, db_url):
    add_account(db_url, MEMBER, PASSWORD)
    with app_server(db_url) as base:
        page = open_as(browser, base, "boards?board=rutland-hwb", db_url, MEMBER, PASSWORD, "rutland-hwb", "viewer")
        main, sidebar = page.get_by_test_id("stMain"), page.get_by_test_id("stSidebar")

        # /boards is the home page (it answered Streamlit's "Page not found"), and so is /.
        expect(main.get_by_role("heading", name="Boards", exact=True)).to_be_visible()
        expect(main).to_contain_text("Rutland Health and Wellbeing Board")
        expect(page.get_by_text("Page not found")).to_have_count(0)
        page.goto(f"{base}/")
        wait_idle(page)
        expect(main.get_by_role("heading", name="Boards", exact=True)).to_be_visible()
        page.goto(f"{base}/boards")
        wait_idle(page)
        expect(main.get_by_role("heading", name="Boards", exact=True)).to_be_visible()
        expect(page.get_by_text("Page not found")).to_have_count(0)

        # The email, whole, each of its parts on one line.
        who = sidebar.locator(".st-key-account [data-testid='stCaptionContainer']")
        expect(who).to_contain_text("Signed in as")
        assert who.inner_text().replace("\u200b", "").split("Signed in as")[1].split()[0] == MEMBER
        pieces = who.evaluate(PIECES_JS)
        assert "journeys" in "".join(p for p, _ in pieces)
        split = [p for p, lines in pieces if lines > 1]
        assert not split, f"cut mid-word across lines: {split}"
        save_screenshot(page, "sidebar-long-email")

        for width in (1400, 1024):
            page.set_viewport_size({"width": width, "height": 1600})
            page.goto(f"{base}/budget?board=rutland-hwb")
            wait_idle(page)
            contributions = main.get_by_test_id("stTable").first
            expect(contributions).to_contain_text("£2,061,000")  # cut to "£2,061,00" by a narrow grid column
            expect(main.get_by_test_id("stTable").nth(1)).to_contain_text("£117,000")  # the reserves' amounts too
            expect(main.get_by_test_id("stMetricValue").first).to_have_text("£2,447,000")
            assert page.evaluate(CUT_CELLS_JS) == [], f"cut at {width} px"
            save_screenshot(page, f"budget-pooled-fund-{width}")

            # The Overview's attention list: a long milestone title whole, where a grid cut it to a dozen words.
            page.goto(f"{base}/overview?board=rutland-hwb&as_at=2017-03-01")
            wait_idle(page)
            attention = main.get_by_test_id("stTable").filter(has_text="When")
            expect(attention).to_contain_text(LONG_MILESTONE)
            assert page.evaluate(CUT_CELLS_JS) == [], f"Overview cut at {width} px"
        page.close()
