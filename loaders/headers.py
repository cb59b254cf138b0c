"""Header vocabulary: which tracker column holds which field, and what kind of table it is.

Each pattern gives a field a strength. A header row is mapped greedily, strongest match first, so
"Activity | Milestone" makes Milestone the title and Activity a workstream level, while
"Activity | Start | End" makes Activity the title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING

from loaders.money import header_unit
from loaders.periods import Period, period_in_header
from loaders.text import header_key

if TYPE_CHECKING:
    from loaders.kinds.base import TrackerKind

@dataclass(frozen=True)
class HeaderPattern:
    """Header words that name a field, with how strongly (a header row is mapped strongest match first)."""

    field: str
    strength: int
    pattern: re.Pattern


def words(fld: str, strength: int, alternatives: str, exact: bool = True) -> HeaderPattern:
    """A header pattern from regex alternatives; ``exact`` means the whole header must be one of them."""
    return HeaderPattern(fld, strength, re.compile(rf"^(?:{alternatives})$" if exact else alternatives))


# Fields that several columns may hold at once.
MULTI = {"period_amount", "gantt", "total", "ws1", "ws2", "ws3", "ignored", "measure"}


# --- header words every kind (or several) share; each kind lists these beside its own -------------------
REF = words("ref", 9, r"ref|ref no|ref number|reference|reference no|id|no|number|item|item no|#|risk no|risk number|"
            r"risk ref|risk id|action no|action ref|action id|milestone ref|milestone id|milestone no|ms ref|scheme no|"
            r"code|line ref|budget code|cost centre|metric id|kpi ref|kpi no|indicator id|identifier|key|issue key|"
            r"unique id|ref id")
WS1 = words("ws1", 7, r"priority|priorities|workstream|work stream|workstreams|work streams|theme|themes|key theme|"
            r"programme area|area|care group|initiative|test bed|strategic priority|board priority|work programme|"
            r"programme|priority name|workstream name|objective")
WS2 = words("ws2", 6, r"scheme|schemes|strand|strands|work strand|workstrand|sub workstream|sub work stream|"
            r"sub theme|priority area|priority action|sub project|project|scheme name|project name|service")
PHASE = words("phase", 7, r"phase|stage|phase name|programme phase")
LOCALITY = words("locality", 8, r"locality|localities|district|site|location|place|geography|neighbourhood|ward|"
                 r"borough|patch|hub|cluster|pcn|primary care network|locality name|area served|local authority area|"
                 r"region|region name|area name|local authority|local authority name|la name|place name")
OWNER = words("owner", 8, r"owner|owners|lead|leads|lead officer|lead officers|responsible|responsibility|"
              r"responsible officer|who|by whom|who will lead on this|who will lead|accountable|accountable officer|"
              r"risk owner|action owner|milestone owner|named lead|sro|assigned to|lead person|lead name|lead s|"
              r"person responsible|resourcing|resources|resource|developer|assignee|assigned|owned by|"
              r"responsible person|lead contact|contact")
OWNER_LOOSE = words("owner", 4, r"\b(owner|responsib)", exact=False)
NOTES = words("notes", 5, r"comments?|notes?|update|updates|commentary|progress update|progress updates|narrative|"
              r"latest update|remarks|progress notes|exception report|delivery targets?|update / comments|"
              r"comments / update|progress commentary|status update|position statement")
COMMON = (REF, WS1, PHASE, LOCALITY, OWNER, OWNER_LOOSE, NOTES)
RAG = words("rag", 10, r"rag|rag status|rag rating|brag|b rag|overall rag|rag score|delivery confidence|"
            r"red amber green|traffic light|status rag|rag / status|current rag|risk rag|rating rag|rag rating current")
TOTAL = words("total", 9, r"totals?( £| £k| £m| cost| costs| budget)?|grand total|overall total|total funding|total plan|"
              r"total per (task|line|item|activity|scheme|project|row)|total for (the )?(task|line|item|row)")
PERIOD = words("period", 8, r"period|year|financial year|fy|quarter|month|reporting period|time period")


@dataclass(frozen=True)
class WideLayout:
    """How a kind reads one column per period: Gantt months, or amounts and values by year or quarter."""

    field: str  # "gantt" or "period_amount"
    period_types: tuple[str, ...] | None = None  # the periods a column may name; None for any
    default_value: str | None = None  # what a period column holds unless its header says otherwise
    value_words: tuple[str, ...] = ()  # which of forecast / spent / target a header may name instead
    skip: re.Pattern | None = None  # headers never read as a period column ("Variance 2016-17")


_VALUE_KIND_WORDS = (
    (re.compile(r"\b(forecast|outturn|projected|projection|fot)\b", re.I), "forecast"),
    (re.compile(r"\b(actual|actuals|spend|spent|expenditure)\b", re.I), "spent"),
    (re.compile(r"\b(target|plan|planned|trajectory)\b", re.I), "target"),
)


@dataclass(frozen=True)
class ColumnProfile:
    """What a column holds under a candidate header row, so the cells can overrule the header words.

    Shares are of the data rows looked at (the first hundred under the header)."""

    filled: float  # cells with anything in them
    numbers: float  # numbers (typed, or text that is only a number or an amount)
    dates: float  # typed dates
    words: float  # text that is neither a number nor a date
    nothing: float  # placeholder text: none, n/a, -, tbc
    ratings: float  # High / Medium / Low and the like
    populations: float = 0.0  # who is counted (Persons, Males, Households): a population, not a unit

    @property
    def empty(self) -> bool:
        return self.filled < 0.05

    @property
    def weak(self) -> bool:
        """Empty, or mostly "none" and "n/a": another column for the same field should win."""
        return self.empty or self.nothing >= 0.5 * self.filled


# Fields a column of numbers can never be, and fields a column of words can never be.
NOT_NUMBERS = frozenset({"title", "line", "name", "owner", "mitigation", "consequence", "ws1", "ws2", "ws3",
                         "locality", "funder", "commissioner", "notes"})
NOT_WORDS = frozenset({"allocated", "forecast", "spent", "period_amount", "total", "variance", "target", "actual"})
# Fields a column of dates can never be: a "Target Date" is a due date, not a metric's target.
NOT_DATES = frozenset({"allocated", "forecast", "spent", "total", "variance", "target", "actual", "baseline",
                       "likelihood", "impact", "score"})


STRONG = 8  # header words at least this strong are the lead's own naming of the field
KEY_FIELDS = frozenset({"title", "line", "name"})  # what names a row: a sparse column loses it to a full one


def unfit(fld: str, profile: ColumnProfile | None) -> bool:
    """Whether a column's cells rule out a field its header suggests ("Budget" holding 50000 is no line name)."""
    if profile is None or profile.filled == 0:
        return False
    held = profile.filled
    if fld in NOT_NUMBERS and profile.numbers + profile.dates >= 0.8 * held:
        return True
    if fld in NOT_WORDS and profile.words >= 0.5 * held:
        return True
    if fld in NOT_DATES and profile.dates >= 0.8 * held:
        return True
    if fld == "unit" and profile.populations >= 0.8 * held:
        return True  # "Unit: Persons" says who is counted, not what the number is
    return fld in ("ws1", "ws2", "ws3") and profile.ratings >= 0.8 * held  # a High/Medium/Low "Priority"


@dataclass
class Column:
    index: int
    header: str  # as written
    field: str
    strength: int = 0  # how strongly the header words named the field
    level: int | None = None  # workstream level for ws1/ws2/ws3
    period: Period | None = None  # period columns of a wide layout
    value_kind: str | None = None  # allocated/forecast/spent (budget) or target/actual (metrics)
    unit: Decimal = Decimal(1)  # money multiplier from the header: 1000 under "(£k)"
    group: str | None = None  # the heading over it in a row above ("Delayed Days" over "Acute | Non-Acute")

    @property
    def measure_name(self) -> str:
        """A measure column's metric name: its group and its own header ("Delayed Days: Acute")."""
        return f"{self.group}: {self.header}" if self.group else self.header


@dataclass
class Mapping:
    kind: TrackerKind
    columns: list[Column]
    ignored: list[tuple[int, str]] = field(default_factory=list)  # headers we did not use
    score: int = 0
    date_orders: dict[int, str] = field(default_factory=dict)  # column -> month_first/day_first, as the lead chose

    def get(self, fld: str) -> Column | None:
        for c in self.columns:
            if c.field == fld:
                return c
        return None

    def all(self, fld: str) -> list[Column]:
        return [c for c in self.columns if c.field == fld]

    def has(self, fld: str) -> bool:
        return any(c.field == fld for c in self.columns)

    @property
    def fields(self) -> set[str]:
        return {c.field for c in self.columns}

    def describe(self) -> list[dict]:
        """How each header was read, for the upload page and the JSON report."""
        out = []
        for c in sorted(self.columns, key=lambda c: c.index):
            label = c.field
            if c.field in ("ws1", "ws2", "ws3"):
                label = f"workstream (level {c.level})"
            elif c.field == "period_amount":
                label = f"{c.value_kind} for {c.period.label}"
            elif c.field == "gantt":
                label = f"milestone month {c.period.label}"
            elif c.field == "measure":
                label = f"measure '{c.measure_name}'"
            out.append({"column": _column_letter(c.index), "header": c.header, "field": label})
        for index, header in self.ignored:
            out.append({"column": _column_letter(index), "header": header, "field": None})
        return out


def _column_letter(index: int) -> str:
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


column_letter = _column_letter


def map_headers(cells: list[object], kind: TrackerKind,
                profiles: dict[int, ColumnProfile] | None = None) -> Mapping:
    """Map one header row for one kind. With the columns' ``profiles`` the cells overrule the words: a field the
    cells rule out is not given to the column, an empty column loses to a filled one for the same field, and
    empty columns count for nothing towards recognising the kind."""
    texts = {i: _header_text(v) for i, v in enumerate(cells)}
    texts = {i: t for i, t in texts.items() if t}
    candidates: list[tuple[bool, int, int, str]] = []  # (column weak or unfit, -strength, column, field)
    periods: dict[int, Period] = {}
    for i, text in texts.items():
        # Match the header as written and without its brackets: "Status (illustrative)" is a status column,
        # "Probability (High, Med, Low)" a likelihood one.
        best = _field_strengths(kind, text)
        if best is None:
            continue
        profile = profiles.get(i) if profiles else None
        for fld, strength in best.items():
            ruled_out = unfit(fld, profile)
            if ruled_out and strength < STRONG:
                continue  # loose words and the wrong cells: "Cost Factor" holding contractor names is no amount
            # An empty (or all-"none") column, or one whose cells do not fit, is tried only after the others: a full
            # "Predecessors" beats an empty "Predecessor", "Project Name" beats a "Budget" column of numbers as the
            # line. With no other column for the field, the header's word stands and the cells are reported.
            weak = profile is not None and profile.weak
            candidates.append((weak or ruled_out, -strength, i, fld))
        period = _header_period(cells[i])
        if period is not None:
            periods[i] = period

    # One date among a row's cells is a data row's date, not a calendar of period columns (those come in runs).
    typed_dates = [i for i in periods if not isinstance(cells[i], str)]
    if len(typed_dates) == 1:
        del periods[typed_dates[0]]
    candidates = _sparse_names_last(candidates, profiles)
    taken_cols: set[int] = set()
    taken_fields: set[str] = set()
    columns: list[Column] = []

    # A column naming a period in a wide layout wins over weaker words in the same header
    # ("Amount 2016-17" is the 2016-17 allocation, not a period-less amount).
    for col in _period_columns(kind.wide, periods, texts):
        columns.append(col)
        taken_cols.add(col.index)
    for col in _numbered_columns(kind.wide, texts, taken_cols):
        columns.append(col)
        taken_cols.add(col.index)

    for _weak, minus_strength, i, fld in sorted(candidates):
        if i in taken_cols or (fld in taken_fields and fld not in MULTI):
            continue
        col = Column(i, texts[i], fld, strength=-minus_strength)
        if fld in kind.money_fields:
            col.unit = header_unit(texts[i])
        columns.append(col)
        taken_cols.add(i)
        taken_fields.add(fld)

    _number_workstream_levels(columns)
    if kind.measures:
        columns = measure_columns(columns, texts, profiles)
        taken_cols = {c.index for c in columns}
    ignored = [(i, texts[i]) for i in sorted(texts) if i not in taken_cols]
    mapping = Mapping(kind, columns, ignored)
    empty = {i for i, p in (profiles or {}).items() if p.empty}
    mapping.score = _score(mapping, empty)
    return mapping


@lru_cache(maxsize=16384)
def _field_strengths(kind: TrackerKind, text: str) -> dict[str, int] | None:
    """The fields a header's words name for ``kind``, each with its strongest pattern's strength (None for a header
    with no words to match). Pure, and asked for the same header under every candidate row and kind: cached. The
    answer is shared: read it, never change it."""
    keys = header_keys(text)
    if not keys:
        return None
    best: dict[str, int] = {}
    for p in kind.vocabulary:
        if p.strength > best.get(p.field, 0) and any(p.pattern.search(k) for k in keys):
            best[p.field] = p.strength
    return best


_TRAILING_NUMBER = re.compile(r"\s+\d{1,2}$")


def header_keys(text: str) -> set[str]:
    """The forms of a header worth matching: as written, without its brackets ("Status (illustrative)" is a
    status column, "Probability (High, Med, Low)" a likelihood one), and without a trailing number ("Budget 1")."""
    keys = {header_key(text), header_key(re.sub(r"\(.*?\)|\[.*?\]", " ", text))}
    keys |= {_TRAILING_NUMBER.sub("", k) for k in keys}
    return keys - {""}


def _period_columns(wide: WideLayout | None, periods: dict[int, Period], texts: dict[int, str]) -> list[Column]:
    if wide is None:
        return []
    out = []
    for i, period in periods.items():
        key = header_key(texts[i])
        if wide.period_types is not None and period.period_type not in wide.period_types:
            continue
        if (wide.skip is not None and wide.skip.search(key)) or re.fullmatch(r"(total|totals)\b.*", key):
            continue
        out.append(_period_column(i, texts[i], period, wide))
    return out


_AREA_FIELDS = ("locality", "name")
_MEASURE_SKIP = re.compile(r"^(code|codes|ref|id|no|number|year|rank|ons code|la code|org code|"
                           r".*\b(code|id)|population)$")


def measure_columns(columns: list[Column], texts: dict[int, str],
                    profiles: dict[int, ColumnProfile] | None) -> list[Column]:
    """A wide table of measures by area: one row per area, one column of figures per measure (delayed days by
    type of care for every local authority). When a row names its area (a locality column, or a plain "Name")
    and has no target, actual or period column, each unnamed column of figures is a measure, and the finest
    area column is the locality. Anything else is left as it was."""
    if not profiles or any(c.field in ("target", "actual", "period_amount") for c in columns):
        return columns
    # A "Total" column in a table of measures is one more measure (delayed days of every type), not a check.
    taken = {c.index for c in columns if c.field != "total"}
    # Figures, where there are any: "-" for a suppressed value is no word.
    figures = [i for i, t in texts.items() if i not in taken and i in profiles and profiles[i].filled >= 0.5
               and profiles[i].numbers > 0 and profiles[i].numbers >= 0.8 * (profiles[i].filled - profiles[i].nothing)
               and not _MEASURE_SKIP.match(header_key(t))]
    # A plain "Name" names an area only beside a code or another area column ("Code | Name", "Region | Name").
    beside = any(c.field in ("ref", "locality") for c in columns)
    areas = [c for c in columns if c.field in _AREA_FIELDS
             and (c.field == "locality" or (c.strength < STRONG and beside))
             and profiles.get(c.index) is not None and profiles[c.index].words >= 0.8 * profiles[c.index].filled]
    if len(figures) < 2 or not areas:
        return columns
    # The area is the column that names a row: a plain "Name" beside a Region is the local authority.
    area = next((c for c in areas if c.field == "name"), areas[0])
    out = []
    for c in columns:
        if c is area:
            out.append(Column(c.index, c.header, "locality", strength=c.strength, group=c.group))
        elif c.field in _AREA_FIELDS or c.index in figures:
            continue  # a coarser area (Region over local authorities) is no field of a metric
        else:
            out.append(c)
    out += [Column(i, texts[i], "measure", strength=1) for i in sorted(figures)]
    return out


_NUMBERED = re.compile(r"^(budget|allocation|allocated|amount|funding|cost|costs|value|spend|spent|actual|actuals|"
                       r"expenditure|forecast|outturn|target|plan|planned) (\d{1,2})$")


def _numbered_columns(wide: WideLayout | None, texts: dict[int, str], taken: set[int]) -> list[Column]:
    """Numbered amount columns that pair up: "budget1, spend1, budget2, spend2" are the allocation and spend of
    number 1 and of number 2, one amount each, as the period columns of a wide layout are. Read so only when
    there are at least two numbers and one of them has a pair; a lone "Budget 1" is just a budget."""
    if wide is None or wide.default_value is None:
        return []
    found: dict[int, tuple[str, str]] = {}
    for i, text in texts.items():
        m = _NUMBERED.match(header_key(text)) if i not in taken else None
        if m:
            value_kind = next((vk for pattern, vk in _VALUE_KIND_WORDS if pattern.search(m.group(1))), None)
            found[i] = (m.group(2), value_kind if value_kind in wide.value_words else wide.default_value)
    numbers: dict[str, set[str]] = {}
    for number, value_kind in found.values():
        numbers.setdefault(number, set()).add(value_kind)
    if len(numbers) < 2 or not any(len(kinds) > 1 for kinds in numbers.values()):
        return []
    return [Column(i, texts[i], wide.field, period=Period(f"No. {number}", "numbered", None, None),
                   value_kind=value_kind, unit=header_unit(texts[i])) for i, (number, value_kind) in found.items()]


def _sparse_names_last(candidates: list[tuple[bool, int, int, str]],
                       profiles: dict[int, ColumnProfile] | None) -> list[tuple[bool, int, int, str]]:
    """The column that names the rows must name most of them: "(Optional) Milestone Coding", filled on a third of
    the rows, loses the title to a Description filled on all of them (less than half as full as the fullest)."""
    if not profiles:
        return candidates
    strongest: dict[int, int] = {}
    for _weak, s, i, _fld in candidates:
        strongest[i] = min(strongest.get(i, 0), s)
    fullest: dict[str, float] = {}
    for _weak, s, i, fld in candidates:
        # Only a column for which this is its best reading competes ("Risk Number" is a reference, not a name).
        if fld in KEY_FIELDS and i in profiles and s == strongest[i]:
            fullest[fld] = max(fullest.get(fld, 0.0), profiles[i].filled)
    return [(weak or (fld in fullest and i in profiles and profiles[i].filled < 0.5 * fullest[fld]), s, i, fld)
            for weak, s, i, fld in candidates]


def _header_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    from loaders.text import cell_text

    return cell_text(value)


def _header_period(value: object) -> Period | None:
    if isinstance(value, date):
        from loaders.dates import DateParseError
        from loaders.periods import period_in_cell

        try:
            return period_in_cell(value)
        except DateParseError:  # a typed date outside 1900-2100 names no period
            return None
    if isinstance(value, str):
        return period_in_header(value)
    return None


def _period_column(i: int, text: str, period: Period, wide: WideLayout) -> Column:
    if wide.default_value is None:
        return Column(i, text, wide.field, period=period)
    value_kind = wide.default_value
    for pattern, vk in _VALUE_KIND_WORDS:
        if pattern.search(text):
            if vk in wide.value_words:
                value_kind = vk
            break
    return Column(i, text, wide.field, period=period, value_kind=value_kind, unit=header_unit(text))


def _number_workstream_levels(columns: list[Column]) -> None:
    ws = sorted((c for c in columns if c.field in ("ws1", "ws2", "ws3")), key=lambda c: (c.field, c.index))
    for level, c in enumerate(ws, start=1):
        c.level = level


def _score(mapping: Mapping, empty: set[int] = frozenset()) -> int:
    """How well a header row fits its kind: the header words decide whether it can be the kind at all, and only
    the columns that hold something count towards how well (two empty "Planned Dates" columns do not make a
    grants list a milestone tracker)."""
    kind = mapping.kind
    for group in kind.required:
        if not mapping.fields & group:
            return 0
    if kind.recognised is not None and not kind.recognised(mapping):
        return 0
    fields = {c.field for c in mapping.columns if c.index not in empty} or mapping.fields
    weights = kind.weights
    score = sum(weights.get(f, 1) for f in fields if f not in MULTI)
    score += sum(weights.get(f, 0) for f in fields & MULTI)
    return score


def detect(cells: list[object], kinds: tuple[TrackerKind, ...],
           profiles: dict[int, ColumnProfile] | None = None) -> Mapping | None:
    """The best mapping of a row over the given kinds, or None when the row is no header."""
    best = None
    for kind in kinds:
        mapping = map_headers(cells, kind, profiles)
        if mapping.score and (best is None or mapping.score > best.score):
            best = mapping
    return best
