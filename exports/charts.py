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

    return simplify(vlc.vegalite_to_svg(json.loads(spec_json), config=PRINT_CONFIG, allowed_base_urls=[]))


SVG_NS, XLINK_NS = "http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"
QUIET = frozenset({"class", "role", "aria-roledescription", "aria-label", "aria-hidden", "pointer-events"})
EMPTY_PATHS = frozenset({"", "M0,0h0v0h0Z"})  # Vega's zero-sized axis backgrounds and unused foregrounds


def simplify(svg_text: str) -> str:
    """The same drawing with less for WeasyPrint to walk (it draws an SVG node by node, in Python, and a chart from
    Vega is half empty groups): elements not displayed and zero-sized paths are dropped, groups that carry nothing
    but names for interactive use are dissolved into their parent, and those names (class, role, aria-*, pointer
    events: the PDF names each chart by its alt text) are left out. Nothing drawn changes."""
    from xml.etree import ElementTree as ET

    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    root = ET.fromstring(svg_text)

    def clean(element) -> None:
        kept = []
        for child in list(element):
            tag = child.tag.rsplit("}", 1)[-1]
            if child.get("display") == "none" or (tag == "path" and child.get("d", "").strip() in EMPTY_PATHS):
                continue
            clean(child)
            if tag == "g" and not set(child.attrib) - QUIET and not (child.text or "").strip():
                kept.extend(child)
            else:
                kept.append(child)
        element[:] = kept
        for name in QUIET & set(element.attrib):
            del element.attrib[name]

    clean(root)
    return ET.tostring(root, encoding="unicode")


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
