"""Charts for print: the pages' Vega-Lite specs drawn as vector SVG by vl-convert, offline, in the pack's font."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache

FONT = "DejaVu Sans"
# Applied on top of each spec: the pack's font everywhere (embedded in the PDF), no interactive-only padding.
PRINT_CONFIG = {"font": FONT, "background": "white"}


def svg(spec: dict) -> str:
    """The chart as an SVG document. ``allowed_base_urls=[]``: a spec can never make vl-convert fetch anything."""
    return _svg(json.dumps(spec, sort_keys=True, default=str))


@lru_cache(maxsize=256)
def _svg(spec_json: str) -> str:
    import vl_convert as vlc

    return vlc.vegalite_to_svg(json.loads(spec_json), config=PRINT_CONFIG, allowed_base_urls=[])


def data_uri(spec: dict) -> str:
    """The SVG as a data: URI, so the HTML pack is one file and WeasyPrint reads the image without fetching."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg(spec).encode()).decode("ascii")


def draw_all(specs: Iterable[dict], workers: int = 2) -> None:
    """Draw every chart a pack prints before its template is filled, two at a time (vl-convert works outside
    Python's lock, so a second core halves the wait); the template then reads each from the cache."""
    todo = list(dict.fromkeys(json.dumps(spec, sort_keys=True, default=str) for spec in specs))
    if len(todo) < 2:
        for spec_json in todo:
            _svg(spec_json)
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(_svg, todo))
