"""SPC on the pages and in the pack: each metric's series as an XmR chart (data_model.spc), its two icons as words,
a summary table, and the verdict the Overview and Localities pages show (SPC from 13 points, RAG below that).

No Streamlit here: the board pack draws the same charts from the same specs.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

import pandas as pd

from data_model.spc import (
    ASSURANCE_LABELS,
    CLASS_WORDS,
    MIN_POINTS,
    RULE_WORDS,
    VARIATION_LABELS,
    SpcOptions,
    SpcResult,
    SpcSettings,
    calculate,
    direction_of,
)
from presentation.metric_view import month_words, time_axis, unit_words
from presentation.rag_view import WORDS
from presentation.vega import SCHEMA, VIEW, PlainChart

# MDC's colours (grey common cause, blue improvement, orange concern, purple neither), chosen from the Okabe-Ito set
# so colour-blind readers can tell them apart; every point also has its own shape and every icon its words.
CLASS_COLOURS = {"common_cause": "#7F7F7F", "improvement": "#0072B2", "concern": "#E69F00", "neutral": "#8E44AD"}
CLASS_SHAPES = {"common_cause": "circle", "improvement": "triangle-up", "concern": "square", "neutral": "diamond"}
BADGE_COLOURS = {"common_cause": "gray", "improvement": "blue", "concern": "orange", "neutral": "violet",
                 "consistent_pass": "blue", "consistent_fail": "orange", "inconsistent": "gray", None: "gray"}
NO_WORKSTREAM, NO_LOCALITY = "(no workstream)", "(area-wide)"


@dataclass(frozen=True)
class SeriesSpc:
    """One metric in one place (or area-wide) over time, with its XmR result."""

    metric_id: int
    name: str
    top: str | None
    locality: str | None
    unit: str | None
    direction: str | None  # as stored: higher, lower or None
    period_starts: tuple[date | None, ...]
    targets: tuple[float | None, ...]
    result: SpcResult

    @property
    def label(self) -> str:
        return f"{self.name} ({self.locality})" if self.locality else self.name

    @property
    def uses_spc(self) -> bool:
        return self.result.values >= MIN_POINTS


@dataclass(frozen=True)
class SeriesInput:
    """One series ready for the calculation: what it is, its periods and values (None for a gap), and its options."""

    metric_id: int
    name: str
    top: str | None
    locality: str | None
    unit: str | None
    direction: str | None
    period_starts: tuple[date, ...]
    actuals: tuple[float | None, ...]
    targets: tuple[float | None, ...]
    labels: tuple[str, ...]
    options: SpcOptions


def board_series(values: pd.DataFrame, settings: SpcSettings) -> list[SeriesSpc]:
    """Every metric's series per locality from ``registers.metric_values``, each with its XmR result."""
    return [SeriesSpc(s.metric_id, s.name, s.top, s.locality, s.unit, s.direction, s.period_starts, s.targets,
                      calculate(s.actuals, s.options, s.labels)) for s in series_inputs(values, settings)]


def series_inputs(values: pd.DataFrame, settings: SpcSettings) -> list[SeriesInput]:
    """The values grouped into one series per metric and locality, in time order.

    Values with no period cannot be placed in time and are left out. A month (or quarter) missing between the first
    and last reported ones becomes a missing point, so the chart shows the gap and the sums leave it out.
    """
    dated = values.loc[values["period_start"].notna()]
    columns = [dated[c].astype(object).tolist() for c in ("metric_id", "name", "top", "locality", "unit", "direction",
                                                           "period")]
    columns.append(dated["period_start"].to_numpy().astype("datetime64[D]").tolist())  # dates, converted in C
    columns += [dated[c].tolist() for c in ("target", "actual")]
    groups: dict[tuple[int, str | None], dict[date, tuple]] = {}
    for row in zip(*columns, strict=True):
        loc = row[3] if isinstance(row[3], str) else None
        groups.setdefault((int(row[0]), loc), {})[row[7]] = row  # a repeated period: the last one counts
    out = []
    for (metric_id, loc), by_start in groups.items():
        reported = sorted(d for d, row in by_start.items() if _number(row[9]) is not None)
        if not reported:
            continue
        starts = sorted(d for d in by_start if reported[0] <= d <= reported[-1])
        step = _step_months(starts)
        if step:
            full = [starts[0]]
            while full[-1] < starts[-1]:
                m = full[-1].month - 1 + step
                full.append(date(full[-1].year + m // 12, m % 12 + 1, 1))
            if full[-1] == starts[-1] and set(starts) <= set(full):
                starts = full
        rows = [by_start.get(d) for d in starts]
        actuals = tuple(_number(r[9]) if r else None for r in rows)
        targets = tuple(_number(r[8]) if r else None for r in rows)
        labels = tuple(month_words(d) if step == 1 or not r or not isinstance(r[6], str) or not r[6] else r[6]
                       for d, r in zip(starts, rows, strict=True))
        first = by_start[reported[0]]
        target = next((t for t in reversed(targets) if t is not None), None)
        out.append(SeriesInput(
            metric_id=metric_id, name=first[1], top=first[2] if isinstance(first[2], str) else None, locality=loc,
            unit=first[4], direction=first[5], period_starts=tuple(starts), actuals=actuals, targets=targets,
            labels=labels, options=settings.options(metric_id, direction_of(first[5]), target, starts)))
    return out


def _number(value: object) -> float | None:
    return None if value is None or value != value else float(value)


def _step_months(starts: list[date]) -> int | None:
    """1 for a monthly series, 3 for quarterly, 12 for yearly (all on the first of a month); None otherwise."""
    if len(starts) < 2 or any(s.day != 1 for s in starts):
        return None
    gaps = {(b.year - a.year) * 12 + b.month - a.month for a, b in zip(starts, starts[1:], strict=False)}
    step = min(gaps)
    return step if step in (1, 3, 12) and all(g % step == 0 for g in gaps) else None


# -- Words --------------------------------------------------------------------------------------------------------


def variation_label(result: SpcResult) -> str:
    """'Variation: Concern (low)'; the icon as a text label."""
    return f"Variation: {VARIATION_LABELS[result.variation]}" if result.variation else "Variation: no icon yet"


def assurance_label(result: SpcResult) -> str:
    return f"Assurance: {ASSURANCE_LABELS[result.assurance]}" if result.assurance else "Assurance: no icon"


def variation_colour(result: SpcResult) -> str:
    cls = (result.variation or "").split("_")[0]
    return BADGE_COLOURS.get({"common": "common_cause"}.get(cls, cls), "gray")


def assurance_colour(result: SpcResult) -> str:
    return BADGE_COLOURS.get(result.assurance, "gray")


def verdict(series: SeriesSpc, rag: str | None) -> str:
    """What the Overview and Localities show for one series: the SPC variation from 13 points (marked "SPC:"),
    else its RAG word as everywhere else."""
    if series is not None and series.uses_spc and series.result.variation:
        return f"SPC: {VARIATION_LABELS[series.result.variation]}"
    return WORDS.get(rag or "unrated", "Not rated")


def summary_table(series: list[SeriesSpc]) -> pd.DataFrame:
    """Every metric (per locality) with its two icons as text labels and the one-line reading (the cards below the
    table give each icon's full words)."""
    rows = []
    for s in series:
        r = s.result
        short = f"none yet ({r.values} of {MIN_POINTS} points)" if r.values < MIN_POINTS else "none"
        rows.append({
            "Metric": s.label, "Points": r.values,
            "Variation": VARIATION_LABELS[r.variation] if r.variation else short,
            "Assurance": ASSURANCE_LABELS[r.assurance] if r.assurance else (
                short if r.values < MIN_POINTS else f"none ({r.no_assurance_reason()})"),
            "Reading": r.reading})
    return pd.DataFrame(rows, columns=["Metric", "Points", "Variation", "Assurance", "Reading"])


def metric_cells(latest: pd.DataFrame, series: list[SeriesSpc], by: str) -> dict[str, str]:
    """The Metrics cell of the RAG matrix per group ('root' workstream, 'workstream' path or 'locality'): the SPC
    verdict of each metric
    with 13 points or more and the RAG of the others, each counted and named, like
    'SPC: Concern (low) 1 · Common cause 2; RAG: Red 1', or 'Red 1 · Green 1' where no metric has 13 points."""
    found = {(s.metric_id, s.locality or ""): s for s in series}
    spc: dict[str, Counter] = {}
    rag: dict[str, Counter] = {}
    rated = latest[latest["actual"].notna()]
    names = rated["locality"] if by == "locality" else rated["workstream" if by == "workstream" else "top"]
    # Plain columns, not itertuples: the Overview words four matrices a run from this.
    for metric_id, locality, named, row_rag in zip(rated["metric_id"], rated["locality"], names, rated["rag"],
                                                   strict=True):
        loc = locality if isinstance(locality, str) else None
        if by == "locality":
            group = loc or NO_LOCALITY
        else:
            group = named if isinstance(named, str) else NO_WORKSTREAM
        s = found.get((int(metric_id), loc or ""))
        if s is not None and s.uses_spc and s.result.variation:
            spc.setdefault(group, Counter())[VARIATION_LABELS[s.result.variation]] += 1
        else:
            rag.setdefault(group, Counter())[WORDS.get(row_rag or "unrated", "Not rated")] += 1
    cells = {}
    for group in {*spc, *rag}:
        parts = []
        if group in spc:
            parts.append("SPC: " + " · ".join(f"{k} {n}" for k, n in sorted(spc[group].items())))
        if group in rag:
            order = ["Red", "Amber", "Green", "Not rated"]
            counts = " · ".join(f"{'not rated' if k == 'Not rated' else k} {rag[group][k]}"  # as rag_view words it
                                for k in order if rag[group][k])
            parts.append(("RAG: " if group in spc else "") + counts)
        cells[group] = "; ".join(parts)
    return cells


# -- The chart ------------------------------------------------------------------------------------------------------


def chart_frame(series: SeriesSpc) -> pd.DataFrame:
    r = series.result
    return pd.DataFrame({
        "period_start": pd.to_datetime(list(series.period_starts)),
        "period": [p.period for p in r.points], "value": [p.value for p in r.points],
        "mean": [p.mean for p in r.points], "upper": [p.upper for p in r.points], "lower": [p.lower for p in r.points],
        "upper_two_sigma": [p.upper_two_sigma for p in r.points],
        "lower_two_sigma": [p.lower_two_sigma for p in r.points], "section": [p.section for p in r.points],
        "class": [CLASS_WORDS.get(p.point_class or "", "Missing") for p in r.points],
        "rules": [", ".join(RULE_WORDS[x] for x in p.rules) or "none" for p in r.points],
        "target": list(series.targets),
    })


LINE_STYLES = {"Mean": ("#1A1A1A", [1, 0]), "Upper process limit": ("#595959", [6, 3]),
               "Lower process limit": ("#595959", [6, 3]), "Upper two-sigma line": ("#8C8C8C", [2, 3]),
               "Lower two-sigma line": ("#8C8C8C", [2, 3]), "Target": ("#C0392B", [8, 3, 2, 3])}
LINE_COLUMNS = (("Mean", "mean"), ("Upper process limit", "upper"), ("Lower process limit", "lower"),
                ("Upper two-sigma line", "upper_two_sigma"), ("Lower two-sigma line", "lower_two_sigma"),
                ("Target", "target"))


def spc_chart(series: SeriesSpc, two_sigma: bool = False) -> PlainChart:
    """The XmR chart for the pages: the spec the board pack prints (``spc_spec``)."""
    return PlainChart(spc_spec(series, two_sigma))


def spc_spec(series: SeriesSpc, two_sigma: bool = False) -> dict:
    """The XmR chart as a Vega-Lite spec: points by class (colour and shape, named in the legend), the mean, the
    process limits (only from 13 points), optional two-sigma lines, the target, and where the baseline ends and
    each recalculation starts.

    Written as plain Vega-Lite, not through Altair's encoding shorthands: Altair parses each of those against the
    schema (tens of milliseconds a chart), and the board pack prints a dozen of these charts. The data sit in the
    spec's ``datasets``, named, as Altair writes them (ui.charts sends them to the browser as Arrow)."""
    r = series.result
    starts = [_iso(d) for d in series.period_starts]
    x = {"field": "period_start", "type": "temporal", "title": None, "axis": time_axis(series.period_starts)}
    present, gaps = [], 0
    for p, start, target in zip(r.points, starts, series.targets, strict=True):
        if p.value is None:
            gaps += 1
            continue
        present.append({"period_start": start, "period": p.period, "value": p.value, "mean": p.mean, "upper": p.upper,
                        "lower": p.lower, "upper_two_sigma": p.upper_two_sigma, "lower_two_sigma": p.lower_two_sigma,
                        "section": p.section, "class": CLASS_WORDS.get(p.point_class or "", "Missing"),
                        "rules": ", ".join(RULE_WORDS[x] for x in p.rules) or "none", "target": target,
                        "segment": gaps})
    datasets = {"points": present}
    layers = [{"data": {"name": "points"}, "mark": {"type": "line", "color": "#595959", "strokeWidth": 1.5},
               "encoding": {"x": x, "y": {"field": "value", "type": "quantitative", "title": unit_words(series.unit) or "Value",
                                          "scale": {"zero": False}},
                            "detail": {"field": "segment", "type": "nominal"}}}]

    lines: dict[str, list[dict]] = {}
    for name, column in LINE_COLUMNS:
        if column.endswith("two_sigma") and not two_sigma:
            continue
        levels = series.targets if column == "target" else [getattr(p, column) for p in r.points]
        rows = [{"period_start": start, "section": p.section, "level": float(level), "line": name,
                 "path": f"{column}-{p.section}"}
                for p, start, level in zip(r.points, starts, levels, strict=True) if level is not None]
        if rows:
            lines[name] = rows
    for name, (colour, dash) in LINE_STYLES.items():
        if name in lines:
            key = f"line-{len(datasets)}"
            datasets[key] = lines[name]
            layers.append({"data": {"name": key},
                           "mark": {"type": "line", "interpolate": "step-after", "strokeWidth": 1.5, "color": colour,
                                    "strokeDash": dash},
                           "encoding": {"x": x, "y": {"field": "level", "type": "quantitative"},
                                        "detail": {"field": "path", "type": "nominal"},
                                        "tooltip": [{"field": "line", "type": "nominal", "title": "Line"},
                                                    {"field": "level", "type": "quantitative", "title": "Value",
                                                     "format": ",.2f"}]}})
    if lines:
        # Each line is named where its last section starts (words on the chart itself, not a colour key); the
        # target at the chart's right end, so a target near the mean never writes its name over the mean's.
        last = max(row["section"] for rows in lines.values() for row in rows)
        named = [next(row for row in lines[name] if row["section"] == last)
                 for name in sorted(lines) if name != "Target" and any(row["section"] == last for row in lines[name])]
        labels = [(f"labels-{baseline}", "left", baseline, dy, [row for row in named
                                                                 if row["line"].startswith("Lower") == below])
                  for below, baseline, dy in ((False, "bottom", -3), (True, "top", 3))]
        if "Target" in lines:
            labels.append(("labels-target", "right", "bottom", -3, [lines["Target"][-1]]))
        for key, align, baseline, dy, part in labels:
            if part:
                datasets[key] = part
                layers.append({"data": {"name": key},
                               "mark": {"type": "text", "align": align, "baseline": baseline, "dy": dy,
                                        "fontSize": 11, "color": "#1A1A1A"},
                               "encoding": {"x": x, "y": {"field": "level", "type": "quantitative"},
                                            "text": {"field": "line", "type": "nominal"}}})

    shown = {row["class"] for row in present}
    classes = [c for c in ("common_cause", "improvement", "concern", "neutral") if CLASS_WORDS[c] in shown]
    domain = [CLASS_WORDS[c] for c in classes]
    layers.append({"data": {"name": "points"}, "mark": {"type": "point", "filled": True, "size": 70, "opacity": 1},
                   "encoding": {
                       "x": x, "y": {"field": "value", "type": "quantitative"},
                       "color": {"field": "class", "type": "nominal", "title": "Points", "sort": domain,
                                 "scale": {"domain": domain, "range": [CLASS_COLOURS[c] for c in classes]}},
                       "shape": {"field": "class", "type": "nominal", "title": "Points", "sort": domain,
                                 "scale": {"domain": domain, "range": [CLASS_SHAPES[c] for c in classes]}},
                       "tooltip": [{"field": "period", "type": "nominal", "title": "Period"},
                                   {"field": "value", "type": "quantitative", "title": "Value", "format": ",.2f"},
                                   {"field": "class", "type": "nominal", "title": "Variation"},
                                   {"field": "rules", "type": "nominal", "title": "Rules"}]}})

    marks = [{"period_start": _iso(when), "mark": mark} for when, mark in _mark_rows(series)]
    if marks:
        datasets["marks"] = marks
        at = {"field": "period_start", "type": "temporal"}
        layers.append({"data": {"name": "marks"}, "mark": {"type": "rule", "color": "#1A1A1A", "strokeDash": [2, 2]},
                       "encoding": {"x": at, "tooltip": [{"field": "mark", "type": "nominal", "title": "Mark"}]}})
        layers.append({"data": {"name": "marks"},
                       "mark": {"type": "text", "align": "left", "baseline": "top", "dx": 3, "dy": 2, "fontSize": 11,
                                "color": "#1A1A1A"},
                       "encoding": {"x": at, "y": {"value": 0}, "text": {"field": "mark", "type": "nominal"}}})
    return {"$schema": SCHEMA, "config": VIEW, "layer": layers, "height": 260,
            "title": {"text": series.label, "anchor": "start", "fontSize": 13},
            "description": f"{series.label}: {chart_summary(series)}", "datasets": datasets}


def _iso(when: date) -> str:
    """A period's start as Altair writes a date column (local midnight, as the pages' charts read it)."""
    return f"{when:%Y-%m-%d}T00:00:00"


def _mark_rows(series: SeriesSpc) -> list[tuple[date, str]]:
    """Where the baseline ends and each recalculation starts."""
    r = series.result
    rows = []
    if any(p.in_baseline for p in r.points):
        end = max(p.index for p in r.points if p.in_baseline) + 1
        if end < len(r.points):
            rows.append((series.period_starts[end], "Baseline ends"))
    rows += [(series.period_starts[sec.start], "Recalculated") for sec in r.sections[1:]]
    return rows


def chart_summary(series: SeriesSpc) -> str:
    """A text alternative for the chart: what a screen-reader user needs from it in one or two sentences."""
    r = series.result
    first = next((p for p in r.points if p.value is not None), None)
    span = f"{first.period} to {r.last.period}" if first and r.last and first.period and r.last.period else ""
    limits = ""
    if r.last is not None and r.last.upper is not None:
        limits = f" Process limits {r.last.lower:,.2f} to {r.last.upper:,.2f} around a mean of {r.last.mean:,.2f}."
    return f"{r.values} values{', ' + span if span else ''}.{limits} {r.reading}"


VERDICT_NOTE = ("Metrics column: the SPC variation (marked SPC) where a metric has 13 points or more, as Making Data "
                "Count reads it; the RAG against target for the others.")


def with_metric_verdicts(table: pd.DataFrame, group_label: str, latest: pd.DataFrame, series: list[SeriesSpc],
                         by: str, group_of=None) -> pd.DataFrame:
    """The RAG matrix table (``rag_view.matrix_table``) with its Metrics column read the SPC way where it can be.

    ``group_of`` turns the table's labels into the groups counted (a next-level table labels its rows by the path
    below its top workstream)."""
    cells = metric_cells(latest, series, by)
    name = group_of or (lambda g: g)
    return table.assign(Metrics=table[group_label].map(lambda g: cells.get(name(g), "—")))

