"""WeasyPrint draws SVG text one code point at a time: a Pango layout per letter, so a chart's labels cost more to
typeset than the pack's tables (Kozea/WeasyPrint#2249; the upstream fix, #2754, is not released). A chart from
vl-convert places each label with one x and y and nothing per letter, so it can be shaped as one run: the same
glyphs in the same place (with the font's kerning, which letter by letter loses), in a tenth of the time.

``install`` wraps WeasyPrint's SVG text drawing so that such a text node is handed over as one "letter". Text that
positions, rotates or spaces its letters one by one goes through WeasyPrint's own path unchanged.
"""

from __future__ import annotations

PER_LETTER = ("letter-spacing", "textLength")
POSITIONS = ("x", "y", "dx", "dy", "rotate")


class _Run(str):
    """A string that iterates as one item: WeasyPrint's letter loop lays it out in one piece."""

    __slots__ = ()

    def __iter__(self):
        yield str(self)


def _one_run(node) -> bool:
    """True when nothing in ``node`` is placed letter by letter: at most one value for each position list, no
    letter spacing, no stretched length."""
    attrib = node.attrib
    if any(name in attrib for name in PER_LETTER):
        return False
    return all(len(attrib[name].replace(",", " ").split()) <= 1 for name in POSITIONS if name in attrib)


def install() -> bool:
    """Shape simple SVG text runs whole in this process's WeasyPrint; idempotent. False (and WeasyPrint left as
    it is) when its SVG module is not laid out as this expects."""
    import weasyprint.svg as wsvg

    original = getattr(wsvg, "text", None)
    if getattr(original, "_one_run", False):
        return True
    if not callable(original) or any(wsvg.TAGS.get(tag) is not original for tag in ("text", "tspan")):
        return False

    def text(svg, node, font_size):
        value = node.text
        element = getattr(node, "_etree_node", None)
        if element is None or not value or len(value) < 2 or not _one_run(node):
            return original(svg, node, font_size)
        element.text = _Run(value)
        try:
            return original(svg, node, font_size)
        finally:
            element.text = value

    text._one_run = True
    for tag, drawer in list(wsvg.TAGS.items()):
        if drawer is original:
            wsvg.TAGS[tag] = text
    wsvg.text = text  # draw_node compares TAGS[tag] with this name to find text nodes
    return True
