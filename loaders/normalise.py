"""Turn a table's rows into normalised records of one kind, with an issue for every cell we could not read.

A record is a plain dict: the public fields of the CLI contract (``ref``, ``title``, ``due``...) plus
private ones, prefixed ``_``, that the store needs (sheet, row, raw text, precision, match key).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from functools import lru_cache

from loaders.dates import DateParseError, ParsedDate, describe, parse_date
from loaders.headers import Column
from loaders.issues import Issue, error, warning
from loaders.money import MoneyParseError, parse_money
from loaders.periods import NO_PERIOD, Period, period_in_cell
from loaders.ratings import (
    DEFAULT_BANDS,
    RatingParseError,
    ScoreBands,
    choose_scale,
    parse_rag,
    parse_rating,
    rag_from_colour,
)
from loaders.tables import Table, TableRow, _section_name
from loaders.text import cell_text, clean_text, fold

PATH_SEP = " › "


class Context:
    """Per-table helpers: issue collection and cell access."""

    def __init__(self, table: Table):
        self.table = table
        self.sheet = table.sheet.name
        self.issues: list[Issue] = list(table.issues)
        self._once: set[str] = set()

    def warn(self, message: str, row: int | None = None, col: Column | None = None, value: object = None,
             code: str | None = None) -> None:
        self.issues.append(warning(message, sheet=self.sheet, row=row, column=col.header if col else None,
                                   value=_raw(value), code=code))

    def fail(self, message: str, row: int | None = None, col: Column | None = None, value: object = None,
             code: str | None = None) -> None:
        self.issues.append(error(message, sheet=self.sheet, row=row, column=col.header if col else None,
                                 value=_raw(value), code=code))

    def warn_once(self, key: str, message: str, **kw) -> None:
        if key not in self._once:
            self._once.add(key)
            self.warn(message, **kw)


def _raw(value: object) -> str | None:
    if value is None:
        return None
    text = cell_text(value)
    return text if text != "" else None


def _get(values: list[object], col: Column | None) -> object:
    if col is None:
        return None
    v = values[col.index]
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    return v


def _text(values: list[object], col: Column | None) -> str | None:
    if col is None:
        return None
    v = values[col.index]
    if v is None or v == "":
        return None
    t = clean_text(v)
    return t or None


def workstream_path(table: Table, row: TableRow) -> tuple[tuple[str, ...], tuple[str | None, ...]]:
    """The row's workstream path from the top, and the board's label for each level where the table gives it."""
    ws_cols = table.__dict__.get("_ws_cols")
    if ws_cols is None:
        ws_cols = table.__dict__["_ws_cols"] = sorted(
            (c for c in table.mapping.columns if c.field in ("ws1", "ws2", "ws3")), key=lambda c: c.level)
    cache = table.__dict__.setdefault("_path_cache", {})
    key = (row.table_group, row.section, *(row.values[c.index] for c in ws_cols))
    try:
        return cache[key]
    except (KeyError, TypeError):
        pass
    result = _workstream_path(table, row, ws_cols)
    try:
        cache[key] = result
    except TypeError:
        pass
    return result


def _workstream_path(table: Table, row: TableRow, ws_cols: list[Column]) -> tuple[tuple, tuple]:
    mapping = table.mapping
    path: list[str] = []
    labels: list[str | None] = []
    if row.table_group:
        path.append(row.table_group)
        labels.append(row.table_group.split(" ")[0])
    elif table.sheet_workstream and not mapping.has("ws1"):
        path.append(table.sheet_workstream)
        labels.append(None)
    if row.section:
        path.append(row.section)
        labels.append(None)
    for c in ws_cols:
        v = _text(row.values, c)
        if v:
            path.append(_section_name(v))
            labels.append(_label(c.header))
    return tuple(path), tuple(labels)


def _label(header: str) -> str:
    """A header as a level name: 'Priorities' -> 'Priority', 'Schemes' -> 'Scheme'."""
    text = re.sub(r"\s*\(.*\)\s*$", "", clean_text(header)).strip()
    low = text.lower()
    if low.endswith("ies"):
        text = text[:-3] + "y"
    elif low.endswith("s") and not low.endswith("ss"):
        text = text[:-1]
    return text[:1].upper() + text[1:]


def _date(ctx: Context, values: list[object], col: Column | None, row: int, what: str) -> tuple[ParsedDate | None, str | None]:
    v = _get(values, col)
    if v is None:
        return None, None
    raw = _raw(v)
    try:
        parsed = parse_date(v)
    except DateParseError as exc:
        ctx.warn(f"{what.capitalize()} {exc}; the text is kept and the {what} left blank.", row, col, v, "unparsed_date")
        return None, raw
    if parsed.qualifier == "from_text":
        ctx.warn(f"Read the {what} '{raw}' as {describe(parsed)}.", row, col, v, "date_from_text")
    return parsed, raw


def _ref_key(path: tuple[str, ...], ref: str) -> str:
    """A reference is unique within its top-level workstream: each priority's register may start at 1."""
    return f"ref:{_fold_cached(path[0]) if path else ''}|{fold(ref)}"


@lru_cache(maxsize=4096)
def _fold_cached(text: str) -> str:
    return fold(text)


def _key(*parts: object) -> str:
    return "|".join(fold(str(p)) if p is not None else "" for p in parts)


def _dedupe_keys(records: list[dict], ctx: Context, what: str) -> None:
    """Two rows with the same key would overwrite each other: a repeated ref is an error, a repeated title is numbered."""
    seen: Counter = Counter()
    first_row: dict[str, int] = {}
    for rec in records:
        key = rec["_key"]
        seen[key] += 1
        if seen[key] == 1:
            first_row[key] = rec["_row"]
            continue
        if key.startswith("ref:") and rec.get("_ref_unique", True):
            ctx.fail(f"Reference '{rec['ref']}' is used twice (rows {first_row[key]} and {rec['_row']}); each {what} "
                     "needs its own reference.", rec["_row"], ctx.table.col("ref"), rec["ref"], "duplicate_ref")
        else:
            rec["_key"] = f"{key}#{seen[key]}"
            ctx.warn(f"This {what} appears more than once (first at row {first_row[key]}); both are kept.",
                     rec["_row"], None, rec.get("title") or rec.get("line") or rec.get("name"), "duplicate_row")


# ------------------------------------------------------------------------------------------------
# Milestones
# ------------------------------------------------------------------------------------------------

STATUS_WORDS = [
    (re.compile(r"\b(complete|completed|done|achieved|delivered|closed|finished|met)\b"), "complete"),
    (re.compile(r"\b(cancel+ed|withdrawn|stopped|superseded|no longer required|dropped)\b"), "cancelled"),
    (re.compile(r"\b(on hold|paused|suspended|deferred)\b"), "on_hold"),
    (re.compile(r"\b(delayed|late|slipped|slipping|behind|overdue|at risk|off track|missed)\b"), "delayed"),
    (re.compile(r"\b(not started|not yet started|planned|not begun|to start|pending|scheduled|future)\b"), "not_started"),
    (re.compile(r"\b(in progress|progressing|started|ongoing|on going|underway|under way|on track|active|open|"
                r"in hand|live|commenced)\b"), "in_progress"),
]


def parse_status(text: str) -> str | None:
    s = text.lower()
    if m := re.fullmatch(r"\s*(\d{1,3})\s*%?\s*(complete)?\s*", s):
        pct = int(m.group(1))
        return "complete" if pct >= 100 else ("not_started" if pct == 0 else "in_progress")
    for pattern, status in STATUS_WORDS:
        if pattern.search(s):
            return status
    return None


_COMPLETE_MARK = re.compile(r"\s*[\[(](complete|completed|done)[\])]\s*", re.I)
_GANTT_MARK = re.compile(r"^\s*(x+|✓|✔|■|□|●|◆|\*|1|yes|y|tick|milestone|m)\s*$", re.I)


def milestones(table: Table) -> tuple[list[dict], list[Issue]]:
    ctx = Context(table)
    m = table.mapping
    c_title, c_ref, c_owner, c_dep = m.get("title"), m.get("ref"), m.get("owner"), m.get("dependency")
    c_start, c_due, c_done, c_base = m.get("start"), m.get("due"), m.get("completed"), m.get("baseline_due")
    c_status, c_rag, c_loc, c_notes, c_phase = m.get("status"), m.get("rag"), m.get("locality"), m.get("notes"), m.get("phase")
    gantt = sorted(m.all("gantt"), key=lambda c: c.period.start)
    gantt_by_fill = bool(gantt) and not any(_get(r.values, c) for r in table.rows for c in gantt) and table.sheet.has_styles
    records: list[dict] = []
    for row in table.rows:
        v, r = row.values, row.row
        title = _text(v, c_title)
        if not title:
            ctx.fail("This row has dates or a status but no milestone title. Add the title or delete the row.", r, c_title)
            continue
        status_raw = _text(v, c_status)
        status = None
        if _COMPLETE_MARK.search(title):
            title = _COMPLETE_MARK.sub(" ", title).strip()
            status = "complete"
        if status_raw:
            parsed_status = parse_status(status_raw)
            if parsed_status is None:
                ctx.warn(f"Status '{status_raw}' is not one we know (use Not started, In progress, Complete, Delayed, "
                         "On hold or Cancelled); kept as text.", r, c_status, status_raw, "unknown_status")
            status = parsed_status or status
        rag, rag_raw = _rag(ctx, row, c_rag, table)
        start, start_raw = _date(ctx, v, c_start, r, "start date")
        due, due_raw = _date(ctx, v, c_due, r, "due date")
        done, done_raw = _date(ctx, v, c_done, r, "completion date")
        base, _ = _date(ctx, v, c_base, r, "baseline date")
        if done and done.end and status is None:
            status = "complete"
        path, labels = workstream_path(table, row)
        ref = _text(v, c_ref)
        base_record = {
            "ref": ref,
            "workstream": PATH_SEP.join(path) or None,
            "locality": _text(v, c_loc),
            "title": title,
            "owner": _text(v, c_owner),
            "dependency": _text(v, c_dep),
            "start": start.iso("start") if start else None,
            "due": due.iso("end") if due else None,
            "status": status,
            "rag": rag,
            "_row": r, "_sheet": table.sheet.name, "_path": path, "_labels": labels,
            "_phase": _text(v, c_phase),
            "_start_raw": start_raw, "_start_precision": start.precision if start else None,
            "_due_raw": due_raw, "_due_precision": due.precision if due else None,
            "_completed": done.iso("end") if done else None, "_completed_raw": done_raw,
            "_baseline_due": base.iso("end") if base else None,
            "_status_raw": status_raw, "_rag_raw": rag_raw, "_notes": _text(v, c_notes),
            "_key": _ref_key(path, ref) if ref else _key("t", PATH_SEP.join(path), title, _text(v, c_loc)),
        }
        if start and due and start.start and due.end and start.start > due.end:
            ctx.warn(f"The start ({start_raw}) is after the due date ({due_raw}).", r, c_due, due_raw, "start_after_due")
        marks = [c for c in gantt if (_get(v, c) is not None and _GANTT_MARK.match(str(_get(v, c))))
                 or (gantt_by_fill and table.sheet.fill(row.row - 1, c.index))]
        odd = [c for c in gantt if _get(v, c) is not None and not _GANTT_MARK.match(str(_get(v, c)))]
        for c in odd:
            ctx.warn(f"'{_raw(_get(v, c))}' in the {c.header} column is not a milestone mark (use X); ignored.", r, c,
                     _get(v, c), "gantt_mark")
        if marks and not due:
            for c in marks:
                rec = dict(base_record)
                rec.update({"due": c.period.end.isoformat(), "_due_raw": c.header, "_due_precision": c.period.period_type,
                            "_key": (f"{_ref_key(path, ref)}|{c.period.label}" if ref else
                                     _key("t", PATH_SEP.join(path), title, _text(v, c_loc), c.period.label))})
                rec["_ref_unique"] = False
                records.append(rec)
        else:
            records.append(base_record)
    _dedupe_keys(records, ctx, "milestone")
    return records, ctx.issues


def _rag(ctx: Context, row: TableRow, col: Column | None, table: Table) -> tuple[str | None, str | None]:
    if col is None:
        return None, None
    value = _get(row.values, col)
    if value is None:
        if table.sheet.has_styles:
            colour = table.sheet.fill(row.row - 1, col.index)
            rag = rag_from_colour(colour)
            if rag:
                return rag, f"cell colour #{colour}"
        return None, None
    try:
        parsed = parse_rag(value)
    except RatingParseError as exc:
        ctx.warn(f"{exc}; left unrated.", row.row, col, value, "unknown_rag")
        return None, _raw(value)
    if parsed.note:
        ctx.warn(parsed.note + ".", row.row, col, value, "rag_judgement")
    return parsed.rag, _raw(value)


# ------------------------------------------------------------------------------------------------
# Risks
# ------------------------------------------------------------------------------------------------

RISK_STATUS = [
    (re.compile(r"\b(closed|retired|resolved|archived|ceased|no longer|expired|removed)\b"), "closed"),
    (re.compile(r"\b(open|live|active|current|new|ongoing|escalated|monitor|monitoring|on going)\b"), "open"),
]


def risks(table: Table, bands: ScoreBands = DEFAULT_BANDS) -> tuple[list[dict], list[Issue]]:
    ctx = Context(table)
    m = table.mapping
    c_title, c_ref, c_owner, c_loc = m.get("title"), m.get("ref"), m.get("owner"), m.get("locality")
    c_l, c_i, c_score, c_rag = m.get("likelihood"), m.get("impact"), m.get("score"), m.get("rag")
    c_mit, c_cons, c_open, c_rev, c_status = (m.get("mitigation"), m.get("consequence"), m.get("opened"),
                                               m.get("review_due"), m.get("status"))
    rows = table.rows
    if c_i is not None and c_cons is None and _mostly_text(rows, c_i):
        # "Impact" holding sentences is the consequence, not a rating.
        c_cons, c_i = c_i, None
    scale_l = choose_scale([r.values[c_l.index] for r in rows]) if c_l else None
    scale_i = choose_scale([r.values[c_i.index] for r in rows]) if c_i else None
    if c_l is None and c_i is not None:
        ctx.warn("This register has no likelihood (probability) column, so its risks load unscored. Add a "
                 "Likelihood column rated High/Medium/Low or 1-5 to score them.", None, None, None, "impact_only")
    elif c_l is None and c_i is None and c_score is None:
        ctx.warn("This register has no likelihood or impact ratings, so its risks load unscored.", None, None, None,
                 "unrated")
    score_words = c_score is not None and _mostly_text(rows, c_score)
    records: list[dict] = []
    l_get = _rating_reader(ctx, c_l, scale_l, "likelihood")
    i_get = _rating_reader(ctx, c_i, scale_i, "impact")
    for row in rows:
        v, r = row.values, row.row
        title = _text(v, c_title)
        if not title:
            ctx.fail("This row has ratings but no risk description. Add the description or delete the row.", r, c_title)
            continue
        likelihood, l_raw = l_get(v, r)
        impact, i_raw = i_get(v, r)
        score = likelihood * impact if likelihood is not None and impact is not None else None
        rag, rag_raw = _rag(ctx, row, c_rag, table)
        if c_score is not None:
            given = _get(v, c_score)
            if given is not None:
                if score_words:
                    if rag is None:
                        rag, rag_raw = _rating_to_rag(ctx, given, r, c_score)
                elif score is None and likelihood is None and impact is None:
                    score = _score_only(ctx, given, r, c_score)
        if rag is None and score is not None:
            rag = bands.rag(score)
        opened, opened_raw = _date(ctx, v, c_open, r, "date opened")
        review, review_raw = _date(ctx, v, c_rev, r, "review date")
        status_raw = _text(v, c_status)
        status = "open"
        if status_raw:
            status = _risk_status(status_raw)
            if status is None:
                ctx.warn(f"Status '{status_raw}' is neither open nor closed; read as open.", r, c_status, status_raw,
                         "unknown_status")
                status = "open"
        path, labels = workstream_path(table, row)
        ref = _text(v, c_ref)
        records.append({
            "ref": ref,
            "workstream": PATH_SEP.join(path) or None,
            "locality": _text(v, c_loc),
            "title": title,
            "owner": _text(v, c_owner),
            "opened": opened.iso("start") if opened else None,
            "likelihood": likelihood,
            "impact": impact,
            "score": score,
            "rag": rag,
            "mitigation": _text(v, c_mit),
            "review_due": review.iso("end") if review else None,
            "status": status,
            "_row": r, "_sheet": table.sheet.name, "_path": path, "_labels": labels,
            "_consequence": _text(v, c_cons), "_opened_raw": opened_raw, "_review_raw": review_raw,
            "_likelihood_raw": l_raw, "_impact_raw": i_raw, "_rag_raw": rag_raw,
            "_key": _ref_key(path, ref) if ref else _key("t", PATH_SEP.join(path), title, _text(v, c_loc)),
        })
    _dedupe_keys(records, ctx, "risk")
    return records, ctx.issues


@lru_cache(maxsize=1024)
def _risk_status(text: str) -> str | None:
    low = text.lower()
    return next((s for p, s in RISK_STATUS if p.search(low)), None)


def _mostly_text(rows: list[TableRow], col: Column) -> bool:
    values = [r.values[col.index] for r in rows[:200] if r.values[col.index] not in (None, "")]
    if not values:
        return False
    wordy = sum(1 for v in values if isinstance(v, str) and len(clean_text(v).split()) > 3)
    return wordy > len(values) / 2


def _rating_reader(ctx: Context, col: Column | None, scale, what: str) -> Callable:
    cache: dict[object, tuple[int | None, str | None]] = {}

    def read(values: list[object], row: int) -> tuple[int | None, str | None]:
        if col is None:
            return None, None
        v = values[col.index]
        if v is None or v == "":
            return None, None
        try:
            hit = cache.get(v)
        except TypeError:
            hit = None
        if hit is not None:
            return hit
        try:
            result = (parse_rating(v, scale), _raw(v))
            cache[v] = result
            return result
        except RatingParseError as exc:
            ctx.warn(f"{what.capitalize()}: {exc}; left unscored.", row, col, v, "unknown_rating")
            return None, _raw(v)

    return read


def _rating_to_rag(ctx: Context, value: object, row: int, col: Column) -> tuple[str | None, str | None]:
    try:
        return parse_rag(value).rag, _raw(value)
    except RatingParseError:
        pass
    try:
        level = parse_rating(value)
    except RatingParseError:
        ctx.warn(f"Rating '{_raw(value)}' is neither a score nor a RAG; left unrated.", row, col, value, "unknown_rag")
        return None, _raw(value)
    if level is None:
        return None, None
    return ("red" if level >= 4 else "amber" if level >= 2 else "green"), _raw(value)


def _score_only(ctx: Context, value: object, row: int, col: Column) -> int | None:
    try:
        n = float(value) if not isinstance(value, str) else float(clean_text(value))
    except ValueError:
        ctx.warn(f"Score '{_raw(value)}' is not a number; left unscored.", row, col, value, "unknown_score")
        return None
    if not 1 <= n <= 25:
        ctx.warn(f"Score {n:g} is outside 1-25; left unscored.", row, col, value, "unknown_score")
        return None
    return int(round(n))


# ------------------------------------------------------------------------------------------------
# Budget
# ------------------------------------------------------------------------------------------------

_KIND_WORDS = [
    (re.compile(r"contingenc", re.I), "contingency"),
    (re.compile(r"risk[- ]?share", re.I), "risk_share"),
    (re.compile(r"\b(contribution|contributions|grant|carry forward|carried forward|income|funding from)\b", re.I),
     "contribution"),
]
_CONTRIBUTION_TABLE = re.compile(r"contribution|sources? of fund|income|pool(ed)? fund|budget overview|funding sources", re.I)
_SPLIT_NAMES = re.compile(r"\s*(?:/|&|,|\+|\band\b|\s)\s*")


def budget(table: Table) -> tuple[list[dict], list[Issue]]:  # noqa: C901 - the budget layouts are many
    ctx = Context(table)
    m = table.mapping
    c_line, c_ref, c_loc, c_funder, c_comm = m.get("line"), m.get("ref"), m.get("locality"), m.get("funder"), m.get("commissioner")
    c_kind, c_period = m.get("line_kind"), m.get("period")
    single = {k: m.get(k) for k in ("allocated", "forecast", "spent")}
    period_cols = m.all("period_amount")
    totals_cols = m.all("total")
    if not any(single.values()) and not period_cols and totals_cols:
        # The only figure is a "Total" column: that is the allocation.
        single["allocated"] = totals_cols[0]
        totals_cols = totals_cols[1:]
    contribution_table = bool(_CONTRIBUTION_TABLE.search(f"{table.sheet.name} {table.title or ''}"))
    rows = table.rows
    has_org_cols = c_funder is not None or c_comm is not None

    def amounts_of(row: TableRow) -> dict[tuple[str, str], tuple]:
        """(period label, value kind) -> (Period, ParsedMoney, column)."""
        out = {}
        for kind_name, col in single.items():
            if col is None:
                continue
            v = _get(row.values, col)
            if v is None:
                continue
            out[("", kind_name)] = (None, _money(ctx, v, col, row.row), col)
        for col in period_cols:
            v = _get(row.values, col)
            if v is None:
                continue
            out[(col.period.label, col.value_kind)] = (col.period, _money(ctx, v, col, row.row), col)
        return out

    # Rows that carry a group subtotal: a line with money but no funder or commissioner, in a table where the
    # lines under it have one.
    parsed_rows = [(row, amounts_of(row)) for row in rows]
    group_rows: set[int] = set()
    if has_org_cols:
        for idx, (row, amounts) in enumerate(parsed_rows):
            if amounts and not _text(row.values, c_funder) and not _text(row.values, c_comm):
                nxt = parsed_rows[idx + 1][0] if idx + 1 < len(parsed_rows) else None
                if nxt is not None and (_text(nxt.values, c_funder) or _text(nxt.values, c_comm)):
                    group_rows.add(idx)
    for idx, (row, _amounts) in enumerate(parsed_rows):
        if row.bold and idx not in group_rows and _text(row.values, c_line):
            group_rows.add(idx)

    records: list[dict] = []
    checks: list[tuple[str, int, Column | None, Decimal, list[dict]]] = []
    group: tuple[str, int, dict] | None = None
    group_records: list[dict] = []

    def close_group() -> None:
        if group is None:
            return
        name, grow, gamounts = group
        for (plabel, vkind), (_p, money, col) in gamounts.items():
            if money is None or money.amount is None:
                continue
            lines = [r for r in group_records if r["_period_label"] == plabel]
            checks.append((f"'{name}'", grow, col, money.amount, [(r, vkind) for r in lines]))

    for idx, (row, amounts) in enumerate(parsed_rows):
        v, r = row.values, row.row
        if idx in group_rows:
            close_group()
            name = _section_name(_text(v, c_line) or _text(v, m.get("ws1")) or "")
            group = (name, r, amounts)
            group_records = []
            continue
        line = _text(v, c_line)
        path, labels = workstream_path(table, row)
        if group is not None:
            path, labels = path + (group[0],), labels + (None,)
        if not line:
            if path:
                line = path[-1]
            else:
                ctx.fail("This row has amounts but no budget line description. Add one or delete the row.", r, c_line)
                continue
        # Long layout: one period per row.
        period = NO_PERIOD
        if c_period is not None and _get(v, c_period) is not None:
            try:
                period = period_in_cell(_get(v, c_period))
            except DateParseError:
                ctx.fail(f"Period '{_raw(_get(v, c_period))}' is not a financial year, quarter or month we can read "
                         "(use e.g. 2016-17, 2016-17 Q2 or Jul 2016).", r, c_period, _get(v, c_period), "unknown_period")
                continue
        funder = _text(v, c_funder)
        commissioner = _text(v, c_comm)
        line_kind = _line_kind(_text(v, c_kind), line, contribution_table)
        by_period: dict[str, dict] = {}
        splits = 1
        for _p, money, _col in amounts.values():
            if money is not None and len(money.amounts) > 1:
                splits = max(splits, len(money.amounts))
        names = None
        if splits > 1:
            names = _split_orgs(funder or commissioner)
            if len(names) != splits:
                ctx.warn(f"{splits} amounts in one cell but {len(names) or 'no'} organisations named beside them; "
                         "loaded as one line with the amounts added up.", r, None, None, "amount_split")
                names, splits = None, 1
        for part in range(splits):
            part_funder, part_comm = funder, commissioner
            if names:
                if funder:
                    part_funder = names[part]
                else:
                    part_comm = names[part]
            ref = _text(v, c_ref)
            for (_label, vkind), (p, money, col) in amounts.items():
                if money is None:
                    continue
                per = p or period
                rec = by_period.get((part, per.label))
                if rec is None:
                    rec = {
                        "ref": ref,
                        "workstream": PATH_SEP.join(path) or None,
                        "locality": _text(v, c_loc),
                        "line": line,
                        "funder": part_funder if part_funder else part_comm if c_funder is None else None,
                        "period": per.label or None,
                        "allocated": None, "forecast": None, "spent": None,
                        "_commissioner": part_comm, "_funder": part_funder,
                        "_period_type": per.period_type, "_period_start": per.start, "_period_end": per.end,
                        "_period_label": per.label, "_line_kind": line_kind,
                        "_row": r, "_sheet": table.sheet.name, "_path": path, "_labels": labels,
                        "_raw": {},
                        "_line_key": (_ref_key(path, ref) + (f"|{fold(names[part])}" if names else "")) if ref
                        else _key("l", PATH_SEP.join(path), line, part_funder, part_comm),
                    }
                    rec["_key"] = f"{rec['_line_key']}@{per.label}"
                    by_period[(part, per.label)] = rec
                if names and len(money.amounts) == splits:
                    amount = money.amounts[part]
                elif names and part > 0:
                    continue  # a single figure beside split ones belongs to the first organisation
                else:
                    amount = money.amount
                    if names and len(money.amounts) != 1:
                        ctx.warn(f"{len(money.amounts)} amounts in {col.header} do not match the {splits} in the "
                                 "row's other columns; all given to the first organisation.", r, col, _get(v, col),
                                 "amount_split")
                if amount is not None:
                    rec[vkind] = amount if rec[vkind] is None else rec[vkind] + amount
                rec["_raw"][vkind] = _raw(_get(v, col))
        for rec in by_period.values():
            records.append(rec)
            if group is not None:
                group_records.append(rec)
        # A "Total" column checks the row's period columns.
        for tcol in totals_cols:
            tv = _get(v, tcol)
            if tv is None or not period_cols:
                continue
            tm = _money(ctx, tv, tcol, r)
            if tm is None or tm.amount is None:
                continue
            row_sum = sum((rec["allocated"] or Decimal(0)) for rec in by_period.values() if rec["_period_type"] != "none")
            if row_sum != tm.amount:
                ctx.warn(f"The row's {tcol.header} says {fmt_money(tm.amount)} but its periods add up to "
                         f"{fmt_money(row_sum)} ({_diff(tm.amount, row_sum)}).", r, tcol, tv, "total_mismatch")
    close_group()

    # Total and subtotal rows check the lines above them.
    _check_total_rows(ctx, table, records, single, period_cols, totals_cols, checks)
    for label, grow, col, stated, lines in checks:
        actual = sum(((rec[vk] or Decimal(0)) for rec, vk in lines), Decimal(0))
        if not lines:
            continue
        if actual != stated:
            ctx.warn(f"The total for {label} says {fmt_money(stated)} but its lines add up to {fmt_money(actual)} "
                     f"({_diff(stated, actual)}).", grow, col, fmt_money(stated), "total_mismatch")
    _dedupe_keys(records, ctx, "budget line")
    for rec in records:
        if rec["allocated"] is None and rec["forecast"] is None and rec["spent"] is None and any(
            rec["_raw"].values()
        ):
            ctx.warn("No amount is given yet (the cell says it is to be confirmed); the line loads with no figure.",
                     rec["_row"], None, next(iter(v for v in rec["_raw"].values() if v), None), "amount_tbc")
    return records, ctx.issues


def _check_total_rows(ctx, table, records, single, period_cols, totals_cols, checks) -> None:
    if not table.totals:
        return
    cols = [c for c in single.values() if c is not None] + period_cols + totals_cols
    start_row = 0
    grand_start = 0
    for total in table.totals:
        scope_start = start_row if total.is_subtotal else grand_start
        in_scope = [rec for rec in records if scope_start < rec["_row"] < total.row]
        for col in cols:
            tv = _get(total.values, col)
            if tv is None:
                continue
            tm = _money(ctx, tv, col, total.row)
            if tm is None or tm.amount is None:
                continue
            if col.field == "total":
                lines = [(rec, vk) for rec in in_scope for vk in ("allocated",)]
            elif col.field == "period_amount":
                lines = [(rec, col.value_kind) for rec in in_scope if rec["_period_label"] == col.period.label]
            else:
                lines = [(rec, col.field) for rec in in_scope]
            checks.append((f"'{total.label}' ({col.header})", total.row, col, tm.amount, lines))
        start_row = total.row
        if not total.is_subtotal:
            grand_start = total.row


def _money(ctx: Context, value: object, col: Column, row: int):
    try:
        parsed = parse_money(value, col.unit)
    except MoneyParseError as exc:
        ctx.fail(f"{exc}. Write amounts like £528k, £2.4m or 154792.", row, col, value, "unknown_amount")
        return None
    if parsed.unit_in_cell and col.unit != 1:
        ctx.warn(f"'{_raw(value)}' carries its own unit under a header that already says {col.header}; read as "
                 f"{fmt_money(parsed.amount)}.", row, col, value, "double_unit")
    return parsed


def _line_kind(explicit: str | None, line: str, contribution_table: bool) -> str:
    if explicit:
        low = explicit.lower()
        for pattern, kind in _KIND_WORDS:
            if pattern.search(low):
                return kind
        if "alloc" in low or "spend" in low or "cost" in low:
            return "allocation"
    for pattern, kind in _KIND_WORDS:
        if pattern.search(line):
            return kind
    return "contribution" if contribution_table else "allocation"


def _split_orgs(text: str | None) -> list[str]:
    if not text:
        return []
    return [p for p in _SPLIT_NAMES.split(text.strip()) if p]


def fmt_money(amount: Decimal | None) -> str:
    if amount is None:
        return "no figure"
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    if amount == amount.to_integral_value():
        return f"{sign}£{int(amount):,}"
    return f"{sign}£{amount:,.2f}"


def _diff(stated: Decimal, actual: Decimal) -> str:
    gap = stated - actual
    return f"{fmt_money(abs(gap))} {'short' if gap > 0 else 'over'}"


# ------------------------------------------------------------------------------------------------
# Metrics
# ------------------------------------------------------------------------------------------------

_LOWER = re.compile(r"\b(fewer|less than|no more than|not more than|under|below|reduc\w*|decreas\w*|lower|maximum|"
                    r"max|at most|minimi[sz]e|down|avoid\w*|delayed)\b|<|≤", re.I)
_HIGHER = re.compile(r"\b(at least|more than|over|above|increas\w*|improv\w*|higher|minimum|min|maximi[sz]e|up|"
                     r"grow\w*|raise)\b|>|≥", re.I)
_NUMBER = re.compile(r"(-?\d[\d,]*(?:\.\d+)?|-?\.\d+)\s*(%|per cent|percent|days?|weeks?|minutes?|mins?|hours?)?", re.I)


def parse_measure(value: object) -> tuple[float | None, str | None, str | None]:
    """A metric value or target: (number, unit hint, direction hint). Text targets keep their first number."""
    if value is None:
        return None, None, None
    if isinstance(value, bool):
        raise ValueError(f"{value} is not a number")
    if isinstance(value, (int, float)):
        return float(value), None, None
    text = clean_text(value).replace("\n", " ")
    low = text.lower().strip()
    if low in ("", "-", "n/a", "na", "tbc", "not available", "n/k", "nk", "to be confirmed", "tba", "no data", "*"):
        return None, None, None
    if low.startswith("£"):
        money = parse_money(text)
        return (float(money.amount) if money.amount is not None else None), "gbp", None
    m = _NUMBER.search(text)
    if not m:
        raise ValueError(f"'{text}' has no number in it")
    number = float(m.group(1).replace(",", ""))
    unit_word = (m.group(2) or "").lower()
    unit = "percent" if unit_word in ("%", "per cent", "percent") else ("days" if unit_word.startswith("day") else
                                                                        "minutes" if unit_word.startswith("min") else None)
    direction = "lower" if _LOWER.search(text[: m.start()] or low) else "higher" if _HIGHER.search(text[: m.start()]) else None
    return number, unit, direction


def metrics(table: Table) -> tuple[list[dict], list[Issue]]:  # noqa: C901
    ctx = Context(table)
    m = table.mapping
    c_name, c_loc, c_unit, c_dir = m.get("name"), m.get("locality"), m.get("unit"), m.get("direction")
    c_target, c_actual, c_period = m.get("target"), m.get("actual"), m.get("period")
    period_cols = m.all("period_amount")
    records: list[dict] = []
    directions: dict[str, str | None] = {}
    for row in table.rows:
        v, r = row.values, row.row
        name = _text(v, c_name)
        if not name:
            ctx.fail("This row has figures but no metric name. Add the name or delete the row.", r, c_name)
            continue
        path, labels = workstream_path(table, row)
        unit = _unit(_text(v, c_unit))
        direction = _direction(ctx, _text(v, c_dir), r, c_dir)
        period = NO_PERIOD
        if c_period is not None and _get(v, c_period) is not None:
            try:
                period = period_in_cell(_get(v, c_period))
            except DateParseError:
                ctx.fail(f"Period '{_raw(_get(v, c_period))}' is not a month, quarter or year we can read "
                         "(use e.g. Jul 2016, 2016-17 Q2 or 2016-17).", r, c_period, _get(v, c_period), "unknown_period")
                continue
        target, t_unit, t_dir = _measure(ctx, v, c_target, r)
        actual, a_unit, _ = _measure(ctx, v, c_actual, r)
        unit = unit or t_unit or a_unit
        direction = direction or t_dir
        entries: list[tuple[Period, float | None, float | None, str | None, str | None]] = []
        if period_cols:
            by_label: dict[str, list] = {}
            for col in period_cols:
                value, u, d = _measure(ctx, v, col, r)
                if value is None:
                    continue
                unit = unit or u
                slot = by_label.setdefault(col.period.label, [col.period, target, None, _raw(_get(v, c_target)), None])
                if col.value_kind == "target":
                    slot[1], slot[3] = value, _raw(_get(v, col))
                else:
                    slot[2], slot[4] = value, _raw(_get(v, col))
            entries = [tuple(s) for s in by_label.values()]
            if not entries and (target is not None or actual is not None):
                entries = [(period, target, actual, _raw(_get(v, c_target)), _raw(_get(v, c_actual)))]
        else:
            entries = [(period, target, actual, _raw(_get(v, c_target)), _raw(_get(v, c_actual)))]
        loc = _text(v, c_loc)
        metric_key = _key("m", PATH_SEP.join(path), name)
        if direction:
            directions[metric_key] = direction
        else:
            directions.setdefault(metric_key, _direction_from_name(name))
        for per, tgt, act, t_raw, a_raw in entries:
            records.append({
                "workstream": PATH_SEP.join(path) or None,
                "locality": loc,
                "name": name,
                "period": per.label or None,
                "target": tgt,
                "actual": act,
                "unit": unit,
                "direction": direction,
                "_row": r, "_sheet": table.sheet.name, "_path": path, "_labels": labels,
                "_period_type": per.period_type, "_period_start": per.start, "_period_end": per.end,
                "_period_label": per.label, "_target_raw": t_raw, "_actual_raw": a_raw,
                "_metric_key": metric_key,
                "_key": f"{metric_key}@{fold(per.label)}|{fold(loc or '')}",
            })
    # One direction and unit per metric, shared by all its rows.
    units: dict[str, str | None] = {}
    for rec in records:
        if rec["unit"]:
            units.setdefault(rec["_metric_key"], rec["unit"])
    for rec in records:
        rec["direction"] = rec["direction"] or directions.get(rec["_metric_key"])
        rec["unit"] = rec["unit"] or units.get(rec["_metric_key"])
        if rec["direction"] is None:
            ctx.warn_once(rec["_metric_key"], f"'{rec['name']}' does not say whether higher or lower is better; add a "
                          "Direction column so the dashboard can rate it.", row=rec["_row"], code="no_direction")
    _dedupe_keys(records, ctx, "metric value")
    return records, ctx.issues


def _measure(ctx: Context, values: list[object], col: Column | None, row: int):
    v = _get(values, col)
    if v is None:
        return None, None, None
    try:
        return parse_measure(v)
    except ValueError as exc:
        ctx.warn(f"{exc}; left blank.", row, col, v, "unknown_number")
        return None, None, None


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
    if re.match(r"^\s*(reduc|fewer|lower|decreas|minimi|cut)", low) or re.search(r"\b(delayed transfers|non[- ]elective|"
                                                                                   r"emergency admissions|waiting)\b", low):
        return "lower"
    if re.match(r"^\s*(increas|improv|more|higher|rais|grow)", low) or re.search(r"\b(satisfaction|still at home)\b", low):
        return "higher"
    return None


NORMALISERS = {"milestones": milestones, "risks": risks, "budget": budget, "metrics": metrics}
