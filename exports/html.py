"""The pack's HTML from its one template (Jinja2, autoescaped): the page WeasyPrint typesets, and the single-file
HTML pack. Jinja2 is already installed with Altair; every value goes through its escaping, so text a lead typed
can never become markup in either."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from exports import charts
from exports.content import Chart, PackContent
from presentation.rag_view import MISSING, WORDS, money

TEMPLATES = Path(__file__).resolve().parent / "templates"
NUMERIC = frozenset({"money", "number", "integer"})


def day(value: date | None) -> str:
    """'27 Sep 2016'."""
    return f"{value.day} {value:%b %Y}" if value else ""


def longday(value: date | None) -> str:
    """'Tuesday 27 September 2016'."""
    return f"{value:%A} {value.day} {value:%B %Y}" if value else ""


def stamp(value: datetime | None) -> str:
    """'27 Sep 2016 14:05 UTC'."""
    return f"{day(value)} {value:%H:%M} UTC" if value else ""


def number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")


def text(value: object, kind: str) -> str:
    """A cell's value as printed: a blank reads "—" (not given), as on the pages."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return MISSING
    if kind == "rag":
        return WORDS.get(str(value), str(value).capitalize())
    if kind == "money":
        return money(float(value))
    if kind == "integer":
        return f"{int(value):,}"
    if kind == "number":
        return number(float(value)) if isinstance(value, int | float) else str(value)
    if kind == "datetime" and isinstance(value, datetime):
        return stamp(value)
    if kind in ("date", "datetime") and isinstance(value, date):
        return day(value)
    return str(value)


def td(value: object, kind: str) -> Markup:
    """One <td>, classed for its kind: RAG cells carry their colour and their word."""
    css = {"money": "num", "number": "num", "integer": "num", "date": "date", "datetime": "date"}.get(kind, "")
    if kind == "rag":
        css = f"rag-{value}" if value in WORDS and value != "unrated" else "rag-none"
        if value is None:
            value = "unrated"
    if isinstance(value, str) and len(value) == 64 and all(ch in "0123456789abcdef" for ch in value):
        css = "hash"
    cls = f' class="{css}"' if css else ""
    return Markup(f"<td{cls}>") + escape(text(value, kind)) + Markup("</td>")


# Column widths for print: WeasyPrint's automatic table layout measures every cell's text twice more (its widest and
# narrowest line) before laying it out, most of a long pack's typesetting. The pack's tables are laid out fixed, at
# widths worked out here from the text they hold: DejaVu Sans at the tables' 7.5 pt runs about 1.5 mm a letter (1.7 mm
# a digit), and each cell has 2.4 mm of padding and a rule.
PAGE_MM = 269.0  # A4 landscape (every page of the pack), less the margins
LETTER_MM, DIGIT_MM, BOLD_MM, CELL_MM = 1.5, 1.7, 2.0, 2.8
WRAP_AT = 40  # letters: a longer text wraps within its column
NOWRAP = frozenset({"money", "number", "integer", "date", "datetime", "rag"})


def widths(ds) -> list[str]:
    """The width of each of ``ds``'s columns as a share of the table, from the headings and the printed values:
    columns whose values never wrap (numbers, dates, RAG words) as wide as their widest value; text shares the rest,
    each column by its length up to ``WRAP_AT`` letters, never narrower than its longest word."""
    want, least, fixed = [], [], []
    for i, col in enumerate(ds.columns):
        values = [text(row[i], col.kind) for row in ds.rows]
        heading = max((len(w) for w in col.title.split()), default=1) * LETTER_MM * 1.1  # bold
        if col.kind in NOWRAP:
            per = BOLD_MM if col.kind == "rag" else DIGIT_MM  # RAG words print bold
            size = max([len(v) * per for v in values] + [heading]) + CELL_MM
            want.append(size), least.append(size), fixed.append(True)
            continue
        hashes = values and all(len(v) == 64 for v in values if v)
        longest = max((len(v) for v in values), default=0)
        word = max((len(w) for v in values for w in v.split()), default=0)
        if hashes:  # a sha256 wraps anywhere, in a small monospace
            longest, word = 24, 8
        size = max(min(longest, WRAP_AT) * LETTER_MM, heading) + CELL_MM
        want.append(size), least.append(max(min(word, WRAP_AT) * LETTER_MM, heading) + CELL_MM), fixed.append(False)
    room = PAGE_MM
    over = sum(want) - room
    if over > 0:  # narrow the text columns, each in proportion to what it can give, down to its longest word
        give = [0.0 if f else w - m for w, m, f in zip(want, least, fixed, strict=True)]
        spare = sum(give)
        if spare > 0:
            want = [w - g * min(1.0, over / spare) for w, g in zip(want, give, strict=True)]
    total = sum(want) or 1.0
    return [f"{100 * w / total:.2f}%" for w in want]


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["j2", "html"]),
                      trim_blocks=False, lstrip_blocks=False)
    env.filters.update(td=td, day=day, longday=longday, stamp=stamp, chart_uri=charts.data_uri, widths=widths)
    return env


def contents(content: PackContent) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """The contents page: (anchor, label, children)."""
    items = [("agenda", "Agenda", [("matters-arising", "Matters arising")]),
             ("overview", "RAG overview", [("exceptions", "Exceptions")]),
             ("changes", "What changed", [])]
    items += [(s.anchor, f"Workstream: {s.name}", []) for s in content.sections]
    items += [("forward-plan", "Forward plan", []),
              ("appendix", "Appendix: uploads", [("warnings", "Import warnings")])]
    return items


def printed_charts(content: PackContent) -> list[Chart]:
    """Every chart the pack prints, in its order."""
    found = [content.rag_chart]
    for s in content.sections:
        found += [s.timeline, s.heat_map, s.budget_chart, *s.metric_charts]
    return [chart for chart in found if chart is not None]


def render(content: PackContent, *, pdf: bool) -> str:
    """The pack as one HTML document. ``pdf``: page references are printed page numbers (CSS target-counter, which
    only a paged renderer fills); otherwise they are links."""
    css = (TEMPLATES / "pack.css").read_text(encoding="utf-8")
    charts.start(chart.spec for chart in printed_charts(content))  # any not already sent by build_content
    return environment().get_template("pack.html.j2").render(
        c=content, pdf=pdf, css=Markup(css), numeric=NUMERIC, contents=contents(content),
        stamp=content.stamp.strftime("%Y-%m-%dT%H:%M:%SZ"))
