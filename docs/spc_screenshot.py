"""Take the README's SPC screenshot: the Metrics page of the Rutland sample board in headless chromium.

    python docs/spc_screenshot.py        # writes docs/spc-metrics.png

Runs the app on a throwaway SQLite database loaded with the sample boards, the way the browser tests do.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browser import CHROMIUM_ARGS, add_account, app_server, chromium_path, sign_in, wait_idle  # noqa: E402

EMAIL, PASSWORD = "admin@screenshot.example.org", "screenshot only, thrown away"
CHART = "Non-elective admissions per month"


def main() -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/screenshot.db"
        add_account(url, EMAIL, PASSWORD, admin=True)
        with app_server(url, DASHBOARD_SAMPLE_DATA="1") as base, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 1400}, device_scale_factor=1)
            page.goto(f"{base}/metrics?board=rutland-hwb")
            wait_idle(page)
            sign_in(page, EMAIL, PASSWORD)
            page.get_by_text("Variation over time (SPC)").first.wait_for(timeout=60_000)
            header = page.locator("strong", has_text=CHART).first
            header.scroll_into_view_if_needed()
            page.locator("canvas, svg.marks").first.wait_for(timeout=30_000)
            page.wait_for_timeout(2000)  # let Vega finish drawing before the picture is taken
            top = page.evaluate("(el) => el.getBoundingClientRect().top + window.scrollY", header.element_handle())
            main = page.get_by_test_id("stMain").bounding_box()
            below = [c for c in page.get_by_text("Chart: ").all()
                     if page.evaluate("(el) => el.getBoundingClientRect().top + window.scrollY", c.element_handle())
                     > top]
            caption = below[0]
            bottom = page.evaluate("(el) => el.getBoundingClientRect().bottom + window.scrollY",
                                   caption.element_handle())
            page.screenshot(path=str(ROOT / "docs" / "spc-metrics.png"), full_page=True,
                            clip={"x": main["x"] + 40, "y": top - 24, "width": main["width"] - 80,
                                  "height": bottom - top + 48})
            browser.close()
    print("wrote docs/spc-metrics.png")


if __name__ == "__main__":
    main()
