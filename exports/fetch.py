"""WeasyPrint's URL fetcher for the pack: nothing is ever fetched from a network or the disk.

The pack's HTML carries its charts as data: URIs and names its fonts (found by fontconfig on this machine), so it
needs no other resource. Anything else (a link a person typed that reached the HTML, a stray stylesheet) is refused.
"""

from __future__ import annotations

from weasyprint.urls import URLFetcher


class RefusedFetch(ValueError):
    """A URL the pack may not fetch."""


class LocalOnlyFetcher(URLFetcher):
    """Serves data: URIs (the pack's own charts); refuses every other URL, without opening it."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("data",))
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        if not url.startswith("data:"):
            self.refused.append(url)
            raise RefusedFetch(f"The board pack fetches nothing from outside itself: {url[:80]}")
        return super().fetch(url, headers)
