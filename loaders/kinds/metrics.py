"""Metrics returns: performance measures with targets and actuals, by period and locality."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Annotated, Literal

from pydantic import Field

from data_model import kinds as stored_kinds
from data_model.rag import RagRules
from data_model.vocabulary import fold, join_path
from loaders import headers as h
from loaders.dates import DateParseError
from loaders.find_tables import Table, TableRow
from loaders.headers import Column, words
from loaders.issues import Issue
from loaders.kinds.base import Children, Provenance, Record, Row, StoredRow, Template, TrackerKind
from loaders.normalise import Context, cell, dedupe_keys, raw_text, text_key, text_of
from loaders.numbers import parse_measure
from loaders.periods import NO_PERIOD, Period, period_in_cell

Text = Annotated[str, Field(min_length=1, max_length=4000)]
Short = Annotated[str, Field(min_length=1, max_length=500)]


class MetricRecord(Record):
    workstream: Short | None = None
    locality: Short | None = None
    name: Text
    period: Short | None = None
    target: float | None = None
    actual: float | None = None
    unit: Short | None = None
    direction: Literal["higher", "lower"] | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class MetricRow(Row):
    """One metric's value for one period and locality."""

    name: str
    period: str | None
    target: float | None
    actual: float | None
    unit: str | None
    direction: str | None
    metric_key: str  # the metric's own key; ``key`` adds the period and locality
    period_type: str = "none"
    period_start: date | None = None
    period_end: date | None = None
    direction_guessed: bool = False  # read from the metric's name, the file stating none: it never replaces one stated


@dataclass
class _Entry:
    """One period's figures on a row, while the row is read."""

    period: Period
    target: float | None
    actual: float | None
    target_raw: str | None
    actual_raw: str | None


def normalise(table: Table, rules: RagRules) -> tuple[list[MetricRow], list[Issue]]:
    ctx = Context(table)
    rows: list[MetricRow] = []
    directions: dict[str, str | None] = {}  # stated on some row of the metric
    for trow in table.rows:
        rows.extend(_rows(ctx, trow, directions))
    guesses = {row.metric_key: _direction_from_name(row.name) for row in rows if row.metric_key not in directions}
    # One direction and unit per metric, shared by all its rows.
    units: dict[str, str | None] = {}
    for row in rows:
        if row.unit:
            units.setdefault(row.metric_key, row.unit)
    shared = []
    for row in rows:
        stated = row.direction or directions.get(row.metric_key)
        guess = None if stated else guesses.get(row.metric_key)
        row = replace(row, direction=stated or guess, direction_guessed=guess is not None,
                      unit=row.unit or units.get(row.metric_key))
        if row.direction is None:
            ctx.warn_once(row.metric_key, f"'{row.name}' does not say whether higher or lower is better; add a "
                          "Direction column so the dashboard can rate it.", row=row.row, code="no_direction")
        shared.append(row)
    return dedupe_keys(shared, ctx, "metric value", label="name"), ctx.issues


def _rows(ctx: Context, trow: TableRow, directions: dict[str, str | None]) -> list[MetricRow]:
    m = ctx.table.mapping
    v, r = trow.values, trow.row
    if m.has("measure"):
        return _measure_rows(ctx, trow, directions)
    name = text_of(v, m.get("name"))
    if not name:
        ctx.fail("This row has figures but no metric name. Add the name or delete the row.", r, m.get("name"))
        return []
    path, labels = ctx.workstream_path(trow)
    unit = _unit(text_of(v, m.get("unit")))
    direction = _direction(ctx, text_of(v, m.get("direction")), r, m.get("direction"))
    period = _period(ctx, trow)
    if period is None:
        return []
    c_target, c_actual = m.get("target"), m.get("actual")
    target, t_unit, t_dir = _measure(ctx, v, c_target, r)
    actual, a_unit, _ = _measure(ctx, v, c_actual, r)
    unit = unit or t_unit or a_unit
    direction = direction or t_dir
    entries, unit = _entries(ctx, trow, period, target, actual, unit)
    loc = text_of(v, m.get("locality"))
    metric_key = text_key("m", join_path(path), name)
    if direction:
        directions[metric_key] = direction
    return [MetricRow(
        key=f"{metric_key}@{fold(e.period.label)}|{fold(loc or '')}", path=path, labels=labels,
        provenance=Provenance(ctx.sheet, r, {"target": e.target_raw, "actual": e.actual_raw}),
        workstream=join_path(path) or None, locality=loc, name=name, period=e.period.label or None,
        target=e.target, actual=e.actual, unit=unit, direction=direction, metric_key=metric_key,
        period_type=e.period.period_type, period_start=e.period.start, period_end=e.period.end,
    ) for e in entries]


def _measure_rows(ctx: Context, trow: TableRow, directions: dict[str, str | None]) -> list[MetricRow]:
    """A row of a wide table of measures: one value per measure column, for the row's area."""
    m = ctx.table.mapping
    v, r = trow.values, trow.row
    measures = [(col, _measure(ctx, v, col, r)) for col in m.all("measure")]
    measures = [(col, got) for col, got in measures if got[0] is not None]
    if not measures:
        return []
    loc = text_of(v, m.get("locality"))
    if not loc:
        ctx.fail("This row has figures but does not name its area. Add the area's name or delete the row.", r,
                 m.get("locality"))
        return []
    period = _period(ctx, trow)
    if period is None:
        return []
    path, labels = ctx.workstream_path(trow)
    out = []
    for col, (value, unit, _d) in measures:
        name = col.measure_name
        metric_key = text_key("m", join_path(path), name)
        out.append(MetricRow(
            key=f"{metric_key}@{fold(period.label)}|{fold(loc)}", path=path, labels=labels,
            provenance=Provenance(ctx.sheet, r, {"actual": raw_text(cell(v, col))}),
            workstream=join_path(path) or None, locality=loc, name=name, period=period.label or None,
            target=None, actual=value, unit=unit or _unit_in_name(name), direction=None, metric_key=metric_key,
            period_type=period.period_type, period_start=period.start, period_end=period.end))
    return out


_NAME_UNITS = ((re.compile(r"%|\b(percent|per cent|percentage|proportion)\b", re.I), "percent"),
               (re.compile(r"\bdays?\b", re.I), "days"), (re.compile(r"\bminutes?\b", re.I), "minutes"),
               (re.compile(r"\b(rate|per 1,?000|per 100,?000)\b", re.I), "rate"),
               (re.compile(r"\b(number|count|beds)\b", re.I), "count"))


def _unit_in_name(name: str) -> str | None:
    """The unit a measure's name says ("Delayed Days: Acute" counts days); None when it names none."""
    return next((unit for pattern, unit in _NAME_UNITS if pattern.search(name)), None)


def _period(ctx: Context, trow: TableRow) -> Period | None:
    col = ctx.table.mapping.get("period")
    value = cell(trow.values, col)
    if value is None and col is None and ctx.table.stated_period:
        return _stated_period(ctx)
    if value is None:
        return NO_PERIOD
    try:
        return period_in_cell(value, month_first=ctx.month_first(col))
    except DateParseError:
        ctx.fail(f"Period '{raw_text(value)}' is not a month, quarter or year we can read "
                 "(use e.g. Jul 2016, 2016-17 Q2 or 2016-17).", trow.row, col, value, "unknown_period")
        return None


def _stated_period(ctx: Context) -> Period:
    """The period the title block states ("Period: April 2019") for a table with no period column; read once."""
    text = ctx.table.stated_period
    try:
        return period_in_cell(text)
    except DateParseError:
        ctx.warn_once("stated_period", f"The sheet says 'Period: {text}', which is not a month, quarter or year we "
                      "can read, so its figures load with no period.", code="unknown_period")
        return NO_PERIOD


def _entries(ctx: Context, trow: TableRow, period: Period, target: float | None, actual: float | None,
             unit: str | None) -> tuple[list[_Entry], str | None]:
    """The row's figures per period: one entry, or one per period column of a wide layout."""
    m = ctx.table.mapping
    v, r = trow.values, trow.row
    t_raw, a_raw = raw_text(cell(v, m.get("target"))), raw_text(cell(v, m.get("actual")))
    period_cols = m.all("period_amount")
    if not period_cols:
        return [_Entry(period, target, actual, t_raw, a_raw)], unit
    by_label: dict[str, _Entry] = {}
    for col in period_cols:
        value, u, _d = _measure(ctx, v, col, r)
        if value is None:
            continue
        unit = unit or u
        entry = by_label.setdefault(col.period.label, _Entry(col.period, target, None, t_raw, None))
        if col.value_kind == "target":
            entry.target, entry.target_raw = value, raw_text(cell(v, col))
        else:
            entry.actual, entry.actual_raw = value, raw_text(cell(v, col))
    entries = list(by_label.values())
    if not entries and (target is not None or actual is not None):
        entries = [_Entry(period, target, actual, t_raw, a_raw)]
    return entries, unit


def _measure(ctx: Context, values: list[object], col: Column | None, row: int):
    v = cell(values, col)
    if v is None:
        return None, None, None
    try:
        return parse_measure(v, decimal_comma=ctx.table.sheet.decimal_comma,
                             percent_format=_percent_cell(ctx.table, v, row, col))
    except ValueError as exc:
        ctx.warn(f"{exc}; left blank.", row, col, v, "unknown_number")
        return None, None, None


def _percent_cell(table: Table, value: object, row: int, col: Column) -> bool:
    """Whether a typed number is shown as a percentage by its cell's format (0.9 shown as 90%). Only a figure a
    percentage format could show as a plain percentage is looked up, so a table of counts never reads styles."""
    sheet = table.sheet
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not sheet.has_styles or abs(value) > 10:
        return False
    return sheet.is_percent(row - 1, col.index)


def _unit(text: str | None) -> str | None:
    if not text:
        return None
    low = text.lower()
    for word, unit in (("%", "percent"), ("percent", "percent"), ("per cent", "percent"), ("£", "gbp"),
                       ("pound", "gbp"), ("day", "days"), ("minute", "minutes"), ("rate", "rate"),
                       ("per 100", "rate"), ("number", "count"), ("count", "count"), ("no.", "count")):
        if word in low:
            return unit
    return low


def _direction(ctx: Context, text: str | None, row: int, col: Column | None) -> str | None:
    if not text:
        return None
    low = text.lower()
    if re.search(r"\b(high|higher|up|increase|more|maximi[sz]e|bigger|↑)", low) or low in ("+", "h"):
        return "higher"
    if re.search(r"\b(low|lower|down|decrease|less|fewer|minimi[sz]e|smaller|reduce|↓)", low) or low in ("-", "l"):
        return "lower"
    ctx.warn(f"Direction '{text}' should say whether higher or lower is better.", row, col, text, "unknown_direction")
    return None


def _direction_from_name(name: str) -> str | None:
    low = name.lower()
    if re.match(r"^\s*(reduc|fewer|lower|decreas|minimi|cut)", low) or re.search(
            r"\b(delayed transfers|non[- ]elective|emergency admissions|waiting)\b", low):
        return "lower"
    if re.match(r"^\s*(increas|improv|more|higher|rais|grow)", low) or re.search(
            r"\b(satisfaction|still at home)\b", low):
        return "higher"
    return None


def stored(row: MetricRow) -> tuple[StoredRow, StoredRow]:
    metric = StoredRow(row.metric_key, {
        "name": row.name, "unit": row.unit, "direction": row.direction, "source_sheet": row.sheet,
        "source_row": row.row,
    }, row.name, row.path, row.labels,
        # A direction guessed from the name is written for a new metric, never over the one a lead stated before.
        unsaid=frozenset({"direction"}) if row.direction_guessed else frozenset())
    value = StoredRow(row.key, {
        "key": row.key, "period": row.period or "", "period_type": row.period_type,
        "period_start": row.period_start, "period_end": row.period_end, "target": row.target,
        "actual": row.actual, "target_raw": row.provenance.text("target"),
        "actual_raw": row.provenance.text("actual"), "source_sheet": row.sheet, "source_row": row.row,
    }, f"{row.name} ({row.period or 'no period'}{', ' + row.locality if row.locality else ''})",
        locality=row.locality, parent_key=row.metric_key)
    return metric, value


def rag(rules: RagRules, row: MetricRow, as_at: date) -> str | None:
    return rules.metric(target=row.target, actual=row.actual, direction=row.direction)


METRICS = TrackerKind(
    name="metrics",
    label="metrics return",
    noun="metric value",
    hint="a metric name column (Metric, Measure, Indicator) and Target or Actual columns",
    vocabulary=(
        *h.COMMON, h.WS2, h.TOTAL, h.PERIOD,
        words("name", 10, r"metric|metrics|measure|measures|indicator|indicators|kpi|kpis|performance indicator|"
              r"measure name|metric name|indicator name|outcome measure|bcf metric|performance measure|"
              r"key performance indicator|local measure|national metric|metric description|indicator description"),
        words("name", 5, r"description|name|title|outcome|outcomes"),
        words("target", 9, r"target|targets|target value|plan|planned|trajectory|goal|ambition|standard|threshold|"
              r"target / plan|plan / target|target level|planned level"),
        words("target", 7, r"\btarget", exact=False),
        words("actual", 9, r"actual|actuals|value|result|outturn|performance|achieved|actual value|current|"
              r"current performance|latest|latest value|position|actual performance|figure|out turn|"
              r"actual position|current position|performance to date|ytd actual|ytd performance"),
        words("unit", 8, r"unit|units|measure type|unit of measure|uom|format|unit type|value type"),
        words("unit", 7, r"measure"),  # beside an Indicator column, "Measure: Percentage" says the unit
        words("direction", 8, r"direction|polarity|good is|better is|higher or lower is better|good direction|"
              r"desired direction|higher is better|lower is better|better when"),
        words("period", 8, r"date|as at|as of|period ending|month ending|quarter ending|reporting date"),
        words("baseline", 7, r"baseline|baseline value|baseline position"),
    ),
    required=(frozenset({"name", "measure"}), frozenset({"target", "actual", "period_amount", "measure"})),
    weights={"name": 3, "target": 3, "actual": 3, "unit": 2, "direction": 2, "baseline": 2, "period_amount": 1,
             "measure": 3},
    anchors=("ref", "target", "actual", "period", "measure"),
    fill_down=("name", "unit", "direction"),
    # A period column in pounds is money, never a measure ("08/09 financial year £").
    wide=h.WideLayout("period_amount", default_value="actual", value_words=("target",),
                      skip=re.compile(r"[£$€]|\b(costs?|budget|spend|spent|funding|allocation|expenditure)\b")),
    totals_without_anchor=True,
    measures=True,
    normalise=normalise,
    row_type=MetricRow,
    record_model=MetricRecord,
    stored_as=stored_kinds.METRICS,
    fields=("name", "unit", "direction"),
    stored=stored,
    sources={"target": ("target", "period_amount"), "actual": ("actual", "period_amount", "measure")},
    companions={"target": ("target_raw",), "actual": ("actual_raw",)},
    children=Children(("target", "actual"), match=("key",),
                      counted=True, show=lambda f, v: (f, v),
                      removed_label=lambda old: f"{old['parent_label']} ({old['period'] or 'no period'})"),
    field_labels={"name": "Metric", "target": "Target", "actual": "Actual", "unit": "Unit",
                  "direction": "Direction", "period": "Period", "baseline": "Baseline (not stored yet)",
                  "measure": "Measure (one metric per column)"},
    template=Template(
        sheet="Metrics",
        headers=("Priority", "Metric", "Locality", "Period", "Target", "Actual", "Unit", "Direction"),
        example=("Crisis response", "Delayed transfers of care per 100,000", "", "2016-17 Q1", 250, 262, "rate",
                 "Lower is better"),
        notes=(
            "One row per metric, period and locality. Direction says whether higher or lower is better, so the "
            "dashboard can rate each figure against its target.",
        ),
    ),
    rag=rag,
)
