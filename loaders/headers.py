"""Header vocabulary: which tracker column holds which field, and what kind of table it is.

Each pattern gives a field a strength. A header row is mapped greedily, strongest match first, so
"Activity | Milestone" makes Milestone the title and Activity a workstream level, while
"Activity | Start | End" makes Activity the title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from loaders.money import header_unit
from loaders.periods import Period, period_in_header
from loaders.text import header_key

KINDS = ("milestones", "risks", "budget", "metrics")
ALL = frozenset(KINDS)
M, R, B, X = frozenset({"milestones"}), frozenset({"risks"}), frozenset({"budget"}), frozenset({"metrics"})

# Fields that several columns may hold at once.
MULTI = {"period_amount", "gantt", "total", "ws1", "ws2", "ws3", "ignored"}


def _p(kinds: frozenset, fld: str, strength: int, words: str, exact: bool = True) -> tuple:
    pattern = re.compile(rf"^(?:{words})$" if exact else words)
    return kinds, fld, strength, pattern


PATTERNS: list[tuple[frozenset, str, int, re.Pattern]] = [
    # --- shared by every kind ----------------------------------------------------------------
    _p(ALL, "ref", 9, r"ref|ref no|ref number|reference|reference no|id|no|number|item|item no|#|risk no|risk number|"
       r"risk ref|risk id|action no|action ref|action id|milestone ref|milestone id|milestone no|ms ref|scheme no|"
       r"code|line ref|budget code|cost centre|metric id|kpi ref|kpi no|indicator id"),
    _p(ALL, "ws1", 7, r"priority|priorities|workstream|work stream|workstreams|work streams|theme|themes|key theme|"
       r"programme area|area|care group|initiative|test bed|strategic priority|board priority|work programme|"
       r"programme|priority name|workstream name|objective"),
    _p(M | R | X, "ws2", 6, r"scheme|schemes|strand|strands|work strand|workstrand|sub workstream|sub work stream|"
       r"sub theme|priority area|priority action|sub project|project|scheme name|project name|service"),
    _p(M, "ws2", 4, r"activity|activities"),
    _p(ALL, "phase", 7, r"phase|stage|phase name|programme phase"),
    _p(ALL, "locality", 8, r"locality|localities|district|site|location|place|geography|neighbourhood|ward|borough|"
       r"patch|hub|cluster|pcn|primary care network|locality name|area served|local authority area"),
    _p(ALL, "owner", 8, r"owner|owners|lead|leads|lead officer|lead officers|responsible|responsibility|"
       r"responsible officer|who|by whom|who will lead on this|who will lead|accountable|accountable officer|risk owner|"
       r"action owner|milestone owner|named lead|sro|assigned to|lead person|lead name|lead s|person responsible"),
    _p(ALL, "owner", 4, r"\b(owner|responsib)", exact=False),
    _p(ALL, "notes", 5, r"comments?|notes?|update|updates|commentary|progress update|progress updates|narrative|"
       r"latest update|remarks|progress notes|exception report|delivery targets?|update / comments|"
       r"comments / update|progress commentary|status update|position statement"),
    # --- milestones ----------------------------------------------------------------------------
    _p(M, "title", 10, r"milestone|milestones|key milestone|key milestones|milestone description|milestone name|action|"
       r"actions|task|tasks|task name|deliverable|deliverables|key deliverable|key deliverables|activity / milestone|"
       r"activity milestone|actions milestones deliverables|actions , milestones , deliverables|milestone / deliverable|"
       r"milestone / action|action / milestone|actions / milestones|action description|what|what will be done"),
    _p(M, "title", 9, r"^key activities|^actions?\b|\bmilestones?\b|\bdeliverables?\b", exact=False),
    _p(M, "title", 5, r"activity|activities|aim|aims|objective"),
    _p(M, "title", 4, r"description|name|item|title"),
    _p(M, "start", 9, r"start|start date|starts|from|begin|begins|planned start|planned start date|start month|"
       r"commence|commencement|date started|start by|baseline start|forecast start|actual start"),
    _p(M, "start", 6, r"\bstart", exact=False),
    _p(M, "due", 10, r"forecast date|forecast end|forecast end date|forecast completion|forecast completion date|"
       r"revised date|revised due date|revised end date|revised deadline|current due date|expected date|"
       r"expected completion"),
    _p(M, "due", 9, r"end|end date|finish|finish date|due|due date|due by|deadline|target date|target completion|"
       r"target completion date|planned delivery date|delivery date|completion date|planned end|planned end date|"
       r"planned completion|planned completion date|planned finish|by when|when|date|timescale|timescales|"
       r"timeline|target end|target end date|date due"),
    _p(M, "due", 7, r"by|month|target month|due month|quarter|deadline month"),
    _p(M, "due", 6, r"\b(end|due|finish|deadline)\b|delivery date", exact=False),
    _p(M, "baseline_due", 7, r"baseline|baseline date|baseline due|baseline due date|baseline end|baseline end date|"
       r"original date|original due date|original end date|original deadline|planned end|planned end date|"
       r"planned completion date|planned delivery date|planned date"),
    _p(M, "completed", 9, r"completed|completed date|completed on|date completed|completion|actual completion|"
       r"actual completion date|actual end|actual end date|actual finish|actual date|date achieved|achieved|"
       r"date delivered|actual delivery date|date closed"),
    _p(M, "status", 8, r"status|current status|progress|progress status|state|delivery status|milestone status|"
       r"action status|% complete|percent complete|complete"),
    _p(M | R, "rag", 10, r"rag|rag status|rag rating|brag|b rag|overall rag|rag score|delivery confidence|"
       r"red amber green|traffic light|status rag|rag / status|current rag|risk rag|rating rag|rag rating current"),
    _p(M, "rag", 5, r"rating|confidence"),
    _p(M, "dependency", 9, r"dependenc|interdependenc|depends on|predecessor", exact=False),
    # --- risks -------------------------------------------------------------------------------
    _p(R, "title", 10, r"risk|risks|risk description|description of risk|risk title|risk / issue|issue|risk or issue|"
       r"key risk|key risks|risk event|risk name|risks / dependencies|risk / dependency|risks / dependency|"
       r"risk & consequence|risk and consequence|the risk|risk detail|risk details|risk identified|identified risk"),
    _p(R, "title", 6, r"description|cause|title|risks? [a-z ]*"),
    _p(R, "consequence", 8, r"consequence|consequences|effect|effects|impact description|possible outcomes?|impact on|"
       r"implications?|risk impact description|potential impact|what could happen"),
    _p(R, "likelihood", 11, r"(residual|current|net|revised) (likelihood|probability)( score| rating)?"),
    _p(R, "likelihood", 10, r"likelihood|probability|prob|likelihood score|probability score|l|p|likelihood rating|"
       r"probability rating"),
    _p(R, "likelihood", 9, r"^(likelihood|probability)\b", exact=False),
    _p(R, "likelihood", 6, r"(inherent|gross|initial|original) (likelihood|probability)( score| rating)?"),
    _p(R, "impact", 11, r"(residual|current|net|revised) (impact|severity)( score| rating)?"),
    _p(R, "impact", 10, r"impact|severity|impact score|i|impact rating|s|consequence score|consequence rating"),
    _p(R, "impact", 9, r"^(impact|severity)\b", exact=False),
    _p(R, "impact", 6, r"(inherent|gross|initial|original) (impact|severity)( score| rating)?"),
    _p(R, "score", 10, r"(residual|current|net|revised) (risk )?(score|rating)"),
    _p(R, "score", 9, r"score|risk score|rating score|overall score|total score|l x i|l × i|lxi|l×i|p x i|p × i|"
       r"probability x impact|likelihood x impact|risk rating|risk level|rating|overall rating"),
    _p(R, "score", 5, r"(inherent|gross|initial|original) (risk )?(score|rating)"),
    _p(R, "mitigation", 9, r"mitigation|mitigations|mitigating actions?|mitigation actions?|controls|existing controls|"
       r"controls in place|actions? to mitigate|management actions?|response|risk response|countermeasures?|"
       r"treatment|actions taken|planned actions?|further actions?|mitigation / actions?|actions|action|"
       r"mitigation / controls|mitigating action / controls"),
    _p(R, "mitigation", 6, r"mitigat|control", exact=False),
    _p(R, "opened", 8, r"date opened|opened|date raised|raised|date identified|identified|date logged|logged|date added|"
       r"date entered|open date|date registered|raised on"),
    _p(R, "opened", 4, r"date"),
    _p(R, "review_due", 8, r"\breview", exact=False),
    _p(R, "status", 8, r"status|risk status|open / closed|open closed|state|current status|open or closed"),
    # --- budget ------------------------------------------------------------------------------
    _p(B, "line", 10, r"budget line|line|description|item|cost item|expenditure item|heading|category|scheme|schemes|"
       r"scheme name|funding stream|priorities and schemes|scheme / service|service|element|component|spend area|"
       r"line item|budget heading|activity|contribution|contributions|income|funding line|cost heading|"
       r"project|budget description|line description|budget|expenditure heading|costs? breakdown|name"),
    _p(B, "line", 9, r"cost|costs|cost item|costs item"),
    _p(B, "line", 5, r"funding source|source of funding|source"),
    _p(B, "funder", 9, r"funder|funders|funded by|funding source|source of funding|contributor|contributing partner|"
       r"partner|partner organisation|organisation|organization|org|funding organisation|paid by|from|funding body|"
       r"funding partner|source"),
    _p(B, "commissioner", 9, r"commissioner|commissioned by|lead commissioner|lead / commissioner|"
       r"commissioning organisation|provider|lead organisation|held by|budget holder|spending organisation|"
       r"lead / provider"),
    _p(B, "commissioner", 8, r"commission", exact=False),
    _p(B, "line_kind", 7, r"type|kind|line type|budget type|contribution type|fund type"),
    _p(B, "allocated", 8, r"budget|allocation|allocated|allocated budget|plan|planned|planned spend|planned budget|"
       r"funding|amount|approved budget|annual budget|budget allocation|value|total budget|original budget|"
       r"revised budget|£|cost|costs|estimated cost|estimated costs|full year budget|agreed budget|pooled budget|"
       r"contribution|contribution £|budget £|amount £|funding £|cost £|costs £|allocation £"),
    _p(B, "allocated", 6, r"^(budget|allocation|allocated|plan|funding|amount|cost|costs|contribution)\b", exact=False),
    _p(B, "forecast", 9, r"forecast|forecast outturn|forecast spend|projected|projected outturn|projection|outturn|"
       r"forecast £|expected spend|fot|full year forecast|forecast out turn|projected spend|forecast outturn £"),
    _p(B, "spent", 9, r"actual|actuals|actual spend|spend|spent|spend to date|expenditure to date|ytd actual|ytd spend|"
       r"actual to date|actual £|expenditure|actual expenditure|paid|spend £|actual spend £|actual to date £"),
    _p(B, "spent", 7, r"^(actual|actuals|spent|spend|expenditure)\b", exact=False),
    _p(B, "variance", 8, r"variance|var|difference|over / under|under / over|over / under spend|variance £|variance %|"
       r"% variance|variance to budget"),
    _p(B | X, "total", 9, r"totals?( £| £k| £m| cost| costs| budget)?|grand total|overall total|total funding|total plan"),
    _p(B | X, "period", 8, r"period|year|financial year|fy|quarter|month|reporting period|time period"),
    _p(B, "confidence", 6, r"confidence|confidence rating.*", exact=True),
    # --- metrics -----------------------------------------------------------------------------
    _p(X, "name", 10, r"metric|metrics|measure|measures|indicator|indicators|kpi|kpis|performance indicator|"
       r"measure name|metric name|indicator name|outcome measure|bcf metric|performance measure|"
       r"key performance indicator|local measure|national metric|metric description|indicator description"),
    _p(X, "name", 5, r"description|name|title|outcome|outcomes"),
    _p(X, "target", 9, r"target|targets|target value|plan|planned|trajectory|goal|ambition|standard|threshold|"
       r"target / plan|plan / target|target level|planned level"),
    _p(X, "target", 7, r"\btarget", exact=False),
    _p(X, "actual", 9, r"actual|actuals|value|result|outturn|performance|achieved|actual value|current|"
       r"current performance|latest|latest value|position|actual performance|figure|out turn|actual position|"
       r"current position|performance to date|ytd actual|ytd performance"),
    _p(X, "unit", 8, r"unit|units|measure type|unit of measure|uom|format|unit type"),
    _p(X, "direction", 8, r"direction|polarity|good is|better is|higher or lower is better|good direction|"
       r"desired direction|higher is better|lower is better|better when"),
    _p(X, "period", 8, r"date|as at|as of|period ending|month ending|quarter ending|reporting date"),
    _p(X, "baseline", 7, r"baseline|baseline value|baseline position"),
]

# What a table must have to be of a kind, and how much each field counts towards recognising it.
REQUIRED = {
    "milestones": [{"title"}, {"due", "start", "gantt", "completed", "status", "rag"}],
    "risks": [{"title"}, {"likelihood", "impact", "score", "mitigation", "rag"}],
    "budget": [{"line", "ws1", "ws2", "funder", "commissioner"}, {"allocated", "forecast", "spent", "period_amount", "total"}],
    "metrics": [{"name"}, {"target", "actual", "period_amount"}],
}
WEIGHT = {
    "milestones": {"title": 3, "due": 3, "start": 3, "gantt": 3, "completed": 2, "dependency": 2, "status": 1, "rag": 1},
    "risks": {"title": 2, "likelihood": 4, "impact": 3, "score": 3, "mitigation": 3, "consequence": 2, "review_due": 2},
    "budget": {"line": 2, "allocated": 3, "forecast": 3, "spent": 3, "period_amount": 3, "funder": 2, "commissioner": 2,
               "total": 1, "variance": 2},
    "metrics": {"name": 3, "target": 3, "actual": 3, "unit": 2, "direction": 2, "baseline": 2, "period_amount": 1},
}

_VALUE_KIND_WORDS = (
    (re.compile(r"\b(forecast|outturn|projected|projection|fot)\b", re.I), "forecast"),
    (re.compile(r"\b(actual|actuals|spend|spent|expenditure)\b", re.I), "spent"),
    (re.compile(r"\b(target|plan|planned|trajectory)\b", re.I), "target"),
)


@dataclass
class Column:
    index: int
    header: str  # as written
    field: str
    level: int | None = None  # workstream level for ws1/ws2/ws3
    period: Period | None = None  # period columns of a wide layout
    value_kind: str | None = None  # allocated/forecast/spent (budget) or target/actual (metrics)
    unit: Decimal = Decimal(1)  # money multiplier from the header: 1000 under "(£k)"


@dataclass
class Mapping:
    kind: str
    columns: list[Column]
    ignored: list[tuple[int, str]] = field(default_factory=list)  # headers we did not use
    score: int = 0

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


def map_headers(cells: list[object], kind: str) -> Mapping:
    """Map one header row for one kind."""
    texts = {i: _header_text(v) for i, v in enumerate(cells)}
    texts = {i: t for i, t in texts.items() if t}
    candidates: list[tuple[int, int, str]] = []  # (-strength, column, field)
    periods: dict[int, Period] = {}
    for i, text in texts.items():
        # Match the header as written and without its brackets: "Status (illustrative)" is a status column,
        # "Probability (High, Med, Low)" a likelihood one.
        keys = {header_key(text), header_key(re.sub(r"\(.*?\)|\[.*?\]", " ", text))} - {""}
        if not keys:
            continue
        best: dict[str, int] = {}
        for kinds, fld, strength, pattern in PATTERNS:
            if kind in kinds and any(pattern.search(k) for k in keys):
                best[fld] = max(best.get(fld, 0), strength)
        candidates.extend((-strength, i, fld) for fld, strength in best.items())
        period = _header_period(cells[i])
        if period is not None:
            periods[i] = period

    taken_cols: set[int] = set()
    taken_fields: set[str] = set()
    columns: list[Column] = []

    # A column naming a period in a wide layout wins over weaker words in the same header
    # ("Amount 2016-17" is the 2016-17 allocation, not a period-less amount).
    period_field = {"budget": "period_amount", "metrics": "period_amount", "milestones": "gantt"}.get(kind)
    if period_field:
        for i, period in periods.items():
            key = header_key(texts[i])
            if kind == "milestones" and period.period_type not in ("month", "quarter"):
                continue
            if kind == "budget" and re.search(r"\b(variance|var)\b", key):
                continue
            if re.fullmatch(r"(total|totals)\b.*", key):
                continue
            columns.append(_period_column(i, texts[i], period, kind))
            taken_cols.add(i)

    for _strength, i, fld in sorted(candidates):
        if i in taken_cols or (fld in taken_fields and fld not in MULTI):
            continue
        col = Column(i, texts[i], fld)
        if kind == "budget" and fld in ("allocated", "forecast", "spent", "total", "variance"):
            col.unit = header_unit(texts[i])
        columns.append(col)
        taken_cols.add(i)
        taken_fields.add(fld)

    _number_workstream_levels(columns)
    ignored = [(i, texts[i]) for i in sorted(texts) if i not in taken_cols]
    mapping = Mapping(kind, columns, ignored)
    mapping.score = _score(mapping)
    return mapping


def _header_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    from loaders.text import cell_text

    return cell_text(value)


def _header_period(value: object) -> Period | None:
    from datetime import date

    from loaders.dates import DateParseError
    from loaders.periods import period_in_cell

    if isinstance(value, date):
        try:
            return period_in_cell(value)
        except DateParseError:  # a typed date outside 1900-2100 names no period
            return None
    if isinstance(value, str):
        return period_in_header(value)
    return None


def _period_column(i: int, text: str, period: Period, kind: str) -> Column:
    if kind == "milestones":
        return Column(i, text, "gantt", period=period)
    value_kind = "allocated" if kind == "budget" else "actual"
    for pattern, vk in _VALUE_KIND_WORDS:
        if pattern.search(text):
            if kind == "budget" and vk in ("forecast", "spent"):
                value_kind = vk
            elif kind == "metrics" and vk == "target":
                value_kind = "target"
            break
    return Column(i, text, "period_amount", period=period, value_kind=value_kind, unit=header_unit(text))


def _number_workstream_levels(columns: list[Column]) -> None:
    ws = sorted((c for c in columns if c.field in ("ws1", "ws2", "ws3")), key=lambda c: (c.field, c.index))
    for level, c in enumerate(ws, start=1):
        c.level = level


def _score(mapping: Mapping) -> int:
    fields = mapping.fields
    for group in REQUIRED[mapping.kind]:
        if not fields & group:
            return 0
    weights = WEIGHT[mapping.kind]
    score = sum(weights.get(f, 1) for f in fields if f not in MULTI)
    score += sum(weights.get(f, 0) for f in fields & MULTI)
    return score


def detect(cells: list[object], kinds: tuple[str, ...] = KINDS) -> Mapping | None:
    """The best mapping of a row over the given kinds, or None when the row is no header."""
    best = None
    for kind in kinds:
        mapping = map_headers(cells, kind)
        if mapping.score and (best is None or mapping.score > best.score):
            best = mapping
    return best
