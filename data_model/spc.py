"""Statistical process control as NHS England's "Making Data Count" (MDC) draws it: the XmR chart, its four
special-cause rules, and the variation and assurance icons, each with its words.

Plain Python (no pandas, no Streamlit) so the pages, the board pack, the CLI and the benchmark share one
calculation. Where the sources differ, the choice is said beside the code:

- MDC's Single Chart Tool and its SPC SQL (v2.x): mean; moving ranges |xᵢ − xᵢ₋₁| within a section; process limits
  mean ± 2.66 × mean moving range; two-sigma lines at mean ± (2/3) × 2.66 × mean moving range; no moving-range
  screening by default; limits and icons only from 13 points; a shift and a trend of a configurable run (6 to 8);
  two of three points beyond the same two-sigma line, all three on the same side of the mean, a point beyond the
  limit not counting; a point that is both improvement and concern shows as improvement.
- Screening (an option per metric, as the NHS-R "plot the dots" package does by default): moving ranges above
  3.267 × the mean moving range are dropped and the mean moving range recomputed; the mean is unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

MIN_POINTS = 13  # MDC: process limits and icons from 13 points; fewer gives a run chart with its mean
LIMIT = 2.66  # 3 / d2 (1.128): three sigma from the mean moving range
SCREEN = 3.267  # D4 for n = 2: the upper limit of the moving range chart
RUN_MIN, RUN_MAX, RUN_DEFAULT = 6, 8, 6  # MDC's SQL warns outside 6-8; older guidance used 7

DIRECTIONS = ("increase", "decrease", "neutral")
RULES = ("outside_limits", "shift", "trend", "two_of_three")
CLASSES = ("common_cause", "improvement", "concern", "neutral")
VARIATIONS = ("common_cause", "improvement_high", "improvement_low", "concern_high", "concern_low", "neutral_high",
              "neutral_low")
ASSURANCES = ("consistent_pass", "consistent_fail", "inconsistent")

VARIATION_WORDS = {
    "common_cause": "Common cause variation: no significant change",
    "improvement_high": "Special cause of improving nature: higher values",
    "improvement_low": "Special cause of improving nature: lower values",
    "concern_high": "Special cause of concerning nature: higher values",
    "concern_low": "Special cause of concerning nature: lower values",
    "neutral_high": "Special cause, neither improving nor concerning: higher values",
    "neutral_low": "Special cause, neither improving nor concerning: lower values",
}
ASSURANCE_WORDS = {
    "consistent_pass": "Consistently passing the target",
    "consistent_fail": "Consistently failing the target",
    "inconsistent": "Inconsistent: the target will be met or missed by chance",
}
CLASS_WORDS = {"common_cause": "Common cause", "improvement": "Improvement", "concern": "Concern",
               "neutral": "Neither improvement nor concern"}
RULE_WORDS = {"outside_limits": "beyond a process limit", "shift": "shift", "trend": "trend",
              "two_of_three": "two of three beyond a two-sigma line"}
# Short text labels for the icons: words stand in for MDC's pictures (no icon font, no remote image).
VARIATION_LABELS = {"common_cause": "Common cause", "improvement_high": "Improving (high)",
                    "improvement_low": "Improving (low)", "concern_high": "Concern (high)",
                    "concern_low": "Concern (low)", "neutral_high": "Neither (high)", "neutral_low": "Neither (low)"}
ASSURANCE_LABELS = {"consistent_pass": "Pass", "consistent_fail": "Fail", "inconsistent": "Hit and miss"}


def direction_of(stored: str | None) -> str:
    """A metric's stored direction as MDC names it: higher is better → increase, lower → decrease, else neutral."""
    return {"higher": "increase", "lower": "decrease"}.get(stored or "", "neutral")


@dataclass(frozen=True)
class SpcOptions:
    """How one chart is drawn: the metric's direction and target, and the performance lead's choices."""

    direction: str = "neutral"  # increase | decrease | neutral: which way is improvement
    target: float | None = None
    baseline: int | None = None  # fix the mean and limits on the first N points and extend them
    recalculate_at: tuple[int, ...] = ()  # index (from 0) of the first point of each new section
    screen_moving_ranges: bool = False
    shift_points: int = RUN_DEFAULT
    trend_points: int = RUN_DEFAULT

    def problems(self, n: int | None = None) -> list[str]:
        """What is wrong with these options, in words; empty when they can be used."""
        out = []
        if self.direction not in DIRECTIONS:
            out.append(f"The direction must be one of {', '.join(DIRECTIONS)}.")
        for name, value in (("shift", self.shift_points), ("trend", self.trend_points)):
            if not RUN_MIN <= value <= RUN_MAX:
                out.append(f"The {name} run length must be between {RUN_MIN} and {RUN_MAX} points (it is {value}).")
        if self.baseline is not None and self.baseline < 2:
            out.append("A baseline needs at least 2 points.")
        if any(i < 1 for i in self.recalculate_at):
            out.append("A recalculation point is the index of the first point of a new section: 1 or more "
                       "(index 0 already starts the first section).")
        if n is not None and any(i >= n for i in self.recalculate_at):
            out.append(f"A recalculation point must be below {n}, the number of points.")
        return out


@dataclass(slots=True)
class SpcPoint:
    index: int
    period: str | None
    value: float | None  # None: a missing period, shown as a gap and left out of every sum
    mean: float | None
    upper: float | None  # None where no process limits are shown
    lower: float | None
    upper_two_sigma: float | None
    lower_two_sigma: float | None
    section: int
    in_baseline: bool
    point_class: str | None  # one of CLASSES; None for a missing value
    rules: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    """A stretch of the chart with its own mean and limits (a recalculation starts a new one)."""

    start: int  # index of its first point
    end: int  # index after its last point
    mean: float | None
    mean_moving_range: float | None
    upper: float | None
    lower: float | None
    baseline_points: int | None  # the limits were fixed on this many points (the baseline), or None
    screened: int = 0  # moving ranges dropped by screening


@dataclass(frozen=True)
class SpcResult:
    points: tuple[SpcPoint, ...]
    options: SpcOptions
    sections: tuple[Section, ...]
    limits_shown: bool  # 13 or more values and some variation
    variation: str | None  # one of VARIATIONS, or None when no icon is shown
    assurance: str | None  # one of ASSURANCES, or None
    reading: str  # one line a board member can read
    values: int = 0  # how many points have a value
    missing: int = 0  # how many periods have none

    @property
    def variation_words(self) -> str:
        return VARIATION_WORDS.get(self.variation or "", "No variation icon: " + self.no_icon_reason())

    @property
    def assurance_words(self) -> str:
        if self.assurance:
            return ASSURANCE_WORDS[self.assurance]
        return "No assurance icon: " + self.no_assurance_reason()

    def no_icon_reason(self) -> str:
        if self.values < MIN_POINTS:
            return f"{self.values} of the {MIN_POINTS} points needed"
        return "no variation in the values"

    def no_assurance_reason(self) -> str:
        if self.values < MIN_POINTS:
            return f"{self.values} of the {MIN_POINTS} points needed"
        if self.options.direction == "neutral":
            return "the metric does not say whether higher or lower is better"
        if self.options.target is None:
            return "no target"
        return "no process limits to compare the target with"

    @property
    def last(self) -> SpcPoint | None:
        return next((p for p in reversed(self.points) if p.value is not None), None)


def calculate(values: Sequence[float | None], options: SpcOptions = SpcOptions(),
              periods: Sequence[str | None] | None = None) -> SpcResult:
    """The XmR chart of ``values`` in time order (None for a missing period) under ``options``.

    Raises ValueError with a sentence when the options do not fit the series.
    """
    n = len(values)
    problems = options.problems(n)
    if problems:
        raise ValueError(" ".join(problems))
    labels = list(periods) if periods is not None else [None] * n
    present = [i for i in range(n) if values[i] is not None]
    count = len(present)
    starts = sorted({0, *options.recalculate_at}) if n else [0]
    bounds = list(zip(starts, [*starts[1:], n], strict=True))
    enough = count >= MIN_POINTS

    sections: list[Section] = []
    section_of = [0] * n
    for s, (start, end) in enumerate(bounds):
        for i in range(start, end):
            section_of[i] = s
        own = [values[i] for i in range(start, end) if values[i] is not None]
        pool = own[:options.baseline] if (s == 0 and options.baseline) else own
        sections.append(_section(start, end, pool, options.screen_moving_ranges,
                                 options.baseline if s == 0 and options.baseline and options.baseline < len(own)
                                 else None, enough))
    flat = enough and all(sec.mean_moving_range == 0 for sec in sections if sec.mean is not None)
    shown = enough and not flat

    fired: list[dict[str, str]] = [{} for _ in range(n)]  # rule -> "high" | "low"
    if shown:
        _rules(values, present, sections, section_of, options, fired)

    first = [i for i in present if i < bounds[0][1]]
    baseline_end = first[options.baseline - 1] + 1 if options.baseline and options.baseline < len(first) else -1
    lines = []  # per section: mean, upper, lower and the two-sigma lines as shown (None: not shown)
    for sec in sections:
        if shown and sec.upper is not None and sec.mean_moving_range:  # never a zero-width band
            two = 2 / 3 * LIMIT * sec.mean_moving_range
            lines.append((sec.mean, sec.upper, sec.lower, sec.mean + two, sec.mean - two))
        else:
            lines.append((sec.mean, None, None, None, None))
    points = []
    direction = options.direction
    for i in range(n):
        mean, upper, lower, up2, low2 = lines[section_of[i]]
        v, rules = values[i], fired[i]
        points.append(SpcPoint(i, labels[i], v, mean, upper, lower, up2, low2, section_of[i], i < baseline_end,
                               None if v is None else _classify(rules, direction) if rules else "common_cause",
                               tuple(r for r in RULES if r in rules) if rules else ()))
    last = next((p for p in reversed(points) if p.value is not None), None)
    variation = _variation(last, fired[last.index] if last else {}, options.direction) if enough and last else None
    assurance = _assurance(sections[section_of[last.index]], options) if enough and last else None
    result = SpcResult(points=tuple(points), options=options, sections=tuple(sections), limits_shown=shown,
                       variation=variation, assurance=assurance, reading="", values=count, missing=n - count)
    return _with_reading(result, flat)


def _section(start: int, end: int, pool: list[float], screen: bool, baseline: int | None, enough: bool) -> Section:
    if not pool:
        return Section(start, end, None, None, None, None, baseline)
    mean = sum(pool) / len(pool)
    ranges = [abs(b - a) for a, b in zip(pool, pool[1:], strict=False)]
    if not ranges:
        return Section(start, end, mean, None, None, None, baseline)
    mr = sum(ranges) / len(ranges)
    dropped = 0
    if screen and mr > 0:
        kept = [r for r in ranges if r <= SCREEN * mr]
        dropped = len(ranges) - len(kept)
        mr = sum(kept) / len(kept) if kept else mr
    if not enough:
        return Section(start, end, mean, mr, None, None, baseline, dropped)
    return Section(start, end, mean, mr, mean + LIMIT * mr, mean - LIMIT * mr, baseline, dropped)


def _rules(values, present: list[int], sections: list[Section], section_of: list[int], options: SpcOptions,
           fired: list[dict[str, str]]) -> None:
    side: list[int] = []  # per present point: +1 above its section's mean, -1 below, 0 on it
    near: list[int] = []  # +1 beyond the upper two-sigma line but not the limit, -1 the same below, else 0
    for i in present:
        sec = sections[section_of[i]]
        d = values[i] - sec.mean
        side.append((d > 0) - (d < 0))
        mr = sec.mean_moving_range
        if sec.upper is None or not mr:
            near.append(0)
            continue
        three = LIMIT * mr
        two = 2 / 3 * three
        # A point beyond a process limit (strictly; a point on the limit is not beyond it).
        if d > three:
            fired[i]["outside_limits"] = "high"
        elif d < -three:
            fired[i]["outside_limits"] = "low"
        near.append(1 if two < d <= three else -1 if -three <= d < -two else 0)
    # A shift: a run of points on one side of the mean, within a section (a point on the mean breaks it).
    for start, end, s in _runs([(section_of[i], side[k]) if side[k] else None for k, i in enumerate(present)]):
        if end - start >= options.shift_points:
            for i in present[start:end]:
                fired[i]["shift"] = "high" if s[1] > 0 else "low"
    # A trend: points each higher (or each lower) than the one before, counted with both ends, across the whole
    # chart as MDC's SQL does; an equal value breaks it.
    steps = [_sign(values[b] - values[a]) or None for a, b in zip(present, present[1:], strict=False)]
    for start, end, s in _runs(steps):
        if end - start + 1 >= options.trend_points:
            for i in present[start:end + 1]:
                fired[i].setdefault("trend", "high" if s > 0 else "low")
    # Two of three consecutive points beyond the same two-sigma line (not beyond the limit), all three on the same
    # side of the mean, within a section; only the points beyond the line are marked.
    for k in range(len(present) - 2):
        s = side[k]
        if s == 0 or side[k + 1] != s or side[k + 2] != s or section_of[present[k]] != section_of[present[k + 2]]:
            continue
        beyond = [present[j] for j in (k, k + 1, k + 2) if near[j] == s]
        if len(beyond) >= 2:
            for i in beyond:
                fired[i]["two_of_three"] = "high" if s > 0 else "low"


def _runs(keys: list) -> list[tuple[int, int, object]]:
    """Maximal runs [start, end) of equal keys that are not None."""
    out, start, n = [], 0, len(keys)
    for k in range(1, n + 1):
        if k == n or keys[k] != keys[start]:
            if keys[start] is not None:
                out.append((start, k, keys[start]))
            start = k
    return out


def _sign(x: float) -> int:
    return (x > 0) - (x < 0)


def _improving_side(direction: str) -> str | None:
    return {"increase": "high", "decrease": "low"}.get(direction)


def _classify(rules: dict[str, str], direction: str) -> str:
    if not rules:
        return "common_cause"
    good = _improving_side(direction)
    if good is None:
        return "neutral"
    # MDC's Single Chart Tool shows a point that is both improvement and concern as improvement.
    return "improvement" if good in rules.values() else "concern"


def _variation(last: SpcPoint, rules: dict[str, str], direction: str) -> str:
    cls = last.point_class
    if cls == "common_cause" or cls is None:
        return "common_cause"
    if cls == "neutral":
        return "neutral_high" if "high" in rules.values() else "neutral_low"
    good = _improving_side(direction)
    if cls == "improvement":
        return f"improvement_{good}"
    return f"concern_{'low' if good == 'high' else 'high'}"


def _assurance(sec: Section, options: SpcOptions) -> str | None:
    """MDC: a target beyond the process limits means consistently passing or failing; between them, hit and miss."""
    if options.target is None or options.direction == "neutral" or sec.upper is None or sec.lower is None:
        return None
    t = options.target
    if options.direction == "increase":
        return "consistent_pass" if t <= sec.lower else "consistent_fail" if t >= sec.upper else "inconsistent"
    return "consistent_pass" if t >= sec.upper else "consistent_fail" if t <= sec.lower else "inconsistent"


def _when(p: SpcPoint) -> str:
    return p.period or f"the point at index {p.index}"


def _number(x: float) -> str:
    return f"{x:,.2f}".rstrip("0").rstrip(".")


def _with_reading(result: SpcResult, flat: bool) -> SpcResult:
    return replace(result, reading=reading(result, flat=flat))


def reading(result: SpcResult, *, flat: bool = False) -> str:
    """One sentence on what the chart says now, such as "Special cause of concerning nature: 6 points below the
    mean since June 2016"."""
    n, last = result.values, result.last
    gap = f" ({result.missing} period{'s' if result.missing != 1 else ''} missing)" if result.missing else ""
    if last is None:
        return "No values yet."
    if n < MIN_POINTS:
        mean = result.sections[-1].mean
        return (f"Run chart: {n} point{'s' if n != 1 else ''}, fewer than the {MIN_POINTS} needed for process limits"
                f"{'' if mean is None else f'; the mean is {_number(mean)}'}{gap}.")
    if flat:
        return (f"Common cause: all {n} values are {_number(last.value)}, so there is no variation to set process "
                f"limits from{gap}.")
    if last.point_class == "common_cause":
        where = (f"within the process limits ({_number(last.lower)} to {_number(last.upper)})"
                 if last.upper is not None else "without a signal")
        return f"Common cause variation: the latest value, {_number(last.value)} ({_when(last)}), is {where}{gap}."
    nature = {"improvement": "improving nature", "concern": "concerning nature",
              "neutral": "neither improving nor concerning nature"}[last.point_class]
    return f"Special cause of {nature}: {'; '.join(_details(result, last))}{gap}."


def _details(result: SpcResult, last: SpcPoint) -> list[str]:
    present = [p for p in result.points if p.value is not None]
    out = []
    if "outside_limits" in last.rules:
        above = last.value > (last.upper or 0)
        out.append(f"the latest value, {_number(last.value)} ({_when(last)}), is "
                   f"{'above the upper' if above else 'below the lower'} process limit")
    if "shift" in last.rules:
        run = _run_back(present, lambda p: "shift" in p.rules and p.section == last.section
                        and (p.value > p.mean) == (last.value > last.mean))
        out.append(f"{len(run)} points {'above' if last.value > last.mean else 'below'} the mean since {_when(run[0])}")
    if "trend" in last.rules:
        prev = present[-2]
        rising = last.value > prev.value
        run = [last]
        for p in reversed(present[:-1]):
            if (p.value < run[-1].value) if rising else (p.value > run[-1].value):
                run.append(p)
            else:
                break
        out.append(f"{len(run)} points {'rising' if rising else 'falling'} since {_when(run[-1])}")
    if "two_of_three" in last.rules:
        above = last.value > last.mean
        out.append(f"two of the last three points are beyond the {'upper' if above else 'lower'} two-sigma line")
    return out


def _run_back(points: list[SpcPoint], keep) -> list[SpcPoint]:
    run: list[SpcPoint] = []
    for p in reversed(points):
        if not keep(p):
            break
        run.append(p)
    return run[::-1]


# -- Where the choices live: board.settings["spc"] ---------------------------------------------------------------


@dataclass(frozen=True)
class MetricSpc:
    """A performance lead's choices for one metric's chart."""

    baseline: int | None = None  # fix the mean and limits on the first N points
    recalculate_from: tuple[str, ...] = ()  # ISO dates: each starts a new section (the period starting then)
    screen_moving_ranges: bool = False

    def words(self) -> str:
        parts = []
        if self.baseline:
            parts.append(f"baseline of the first {self.baseline} points")
        if self.recalculate_from:
            parts.append("recalculated from " + ", ".join(self.recalculate_from))
        if self.screen_moving_ranges:
            parts.append("moving ranges screened")
        return "; ".join(parts) or "no baseline, no recalculation, no screening"


@dataclass(frozen=True)
class SpcSettings:
    """A board's SPC settings: one run length for shifts and trends, and per-metric baselines, recalculations and
    screening (keyed by the metric's id). Hashable, so the pages can cache on it."""

    run_length: int = RUN_DEFAULT
    metrics: tuple[tuple[int, MetricSpc], ...] = ()

    @classmethod
    def from_settings(cls, settings: dict | None) -> SpcSettings:
        raw = (settings or {}).get("spc") or {}
        metrics = []
        for key, value in sorted((raw.get("metrics") or {}).items(), key=lambda kv: int(kv[0])):
            value = value or {}
            metrics.append((int(key), MetricSpc(
                baseline=int(value["baseline"]) if value.get("baseline") else None,
                recalculate_from=tuple(str(d) for d in value.get("recalculate_from") or ()),
                screen_moving_ranges=bool(value.get("screen_moving_ranges")))))
        return cls(run_length=int(raw.get("run_length") or RUN_DEFAULT), metrics=tuple(metrics))

    def as_settings(self) -> dict:
        return {"spc": {"run_length": self.run_length, "metrics": {
            str(k): {"baseline": m.baseline, "recalculate_from": list(m.recalculate_from),
                     "screen_moving_ranges": m.screen_moving_ranges}
            for k, m in self.metrics if m != MetricSpc()}}}

    def for_metric(self, metric_id: int) -> MetricSpc:
        return dict(self.metrics).get(metric_id, MetricSpc())

    def with_metric(self, metric_id: int, choice: MetricSpc) -> SpcSettings:
        others = [(k, m) for k, m in self.metrics if k != metric_id]
        return SpcSettings(self.run_length, tuple(sorted([*others, (metric_id, choice)])))

    def validate(self) -> list[str]:
        out = []
        if not RUN_MIN <= self.run_length <= RUN_MAX:
            out.append(f"The run length for shifts and trends must be between {RUN_MIN} and {RUN_MAX} points.")
        for _k, m in self.metrics:
            if m.baseline is not None and m.baseline < 2:
                out.append("A baseline needs at least 2 points.")
            for d in m.recalculate_from:
                try:
                    date.fromisoformat(d)
                except ValueError:
                    out.append(f"'{d}' is not a date to recalculate from.")
        return out

    def options(self, metric_id: int, direction: str, target: float | None,
                period_starts: Sequence[date | None]) -> SpcOptions:
        """The calculation's options for one series: recalculation dates become the index of the first point on
        or after each date (a date before the series or after its end is ignored)."""
        choice = self.for_metric(metric_id)
        starts = []
        for d in choice.recalculate_from:
            when = date.fromisoformat(d)
            i = next((k for k, p in enumerate(period_starts) if p is not None and p >= when), None)
            if i:
                starts.append(i)
        return SpcOptions(direction=direction, target=target, baseline=choice.baseline,
                          recalculate_at=tuple(sorted(set(starts))), screen_moving_ranges=choice.screen_moving_ranges,
                          shift_points=self.run_length, trend_points=self.run_length)
