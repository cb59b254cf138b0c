"""Budgets: pooled funds, scheme costs and spend, one column per period or one row per period.

A budget row becomes one ``BudgetRow`` per period (and per organisation, where one cell holds two
funders' amounts). Group rows, total rows and "Total" columns are checked against their lines, never
loaded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import Field

from data_model import kinds as stored_kinds
from data_model.rag import RagRules
from data_model.vocabulary import fold, join_path
from loaders import headers as h
from loaders.dates import DateParseError
from loaders.find_tables import Table, TableRow, section_name, table_side
from loaders.headers import Column, Mapping, words
from loaders.issues import Issue
from loaders.kinds.base import Children, Provenance, Record, Row, StoredRow, Template, TrackerKind
from loaders.money import MoneyParseError, ParsedMoney, parse_money, to_pence
from loaders.normalise import Context, cell, dedupe_keys, raw_text, ref_key, text_key, text_of
from loaders.periods import NO_PERIOD, Period, period_in_cell

Text = Annotated[str, Field(min_length=1, max_length=4000)]
Short = Annotated[str, Field(min_length=1, max_length=500)]
Money = Annotated[Decimal, Field(max_digits=15, decimal_places=2)]
VALUE_KINDS = ("allocated", "forecast", "spent")


class BudgetRecord(Record):
    ref: Short | None = None
    workstream: Short | None = None
    locality: Short | None = None
    line: Text
    funder: Short | None = None
    period: Short | None = None
    allocated: Money | None = None
    forecast: Money | None = None
    spent: Money | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class BudgetRow(Row):
    """One budget line's money for one period."""

    ref: str | None
    line: str
    funder: str | None  # the funder, or where a table names only who spends it, the commissioner
    period: str | None
    allocated: Decimal | None
    forecast: Decimal | None
    spent: Decimal | None
    line_key: str  # the line's own key; ``key`` adds the period
    period_type: str = "none"
    period_start: date | None = None
    period_end: date | None = None
    funder_org: str | None = None  # as the funder column gives it
    commissioner: str | None = None
    line_kind: str = "allocation"


_KIND_WORDS = [
    (re.compile(r"contingenc", re.I), "contingency"),
    (re.compile(r"risk[- ]?share", re.I), "risk_share"),
    (re.compile(r"\b(contribution|contributions|grant|carry forward|carried forward|income|funding from)\b", re.I),
     "contribution"),
]
_CONTRIBUTION_TABLE = re.compile(r"contribution|sources? of fund|income|pool(ed)? fund|budget overview|funding sources",
                                 re.I)
_SPLIT_NAMES = re.compile(r"\s*(?:/|&|,|\+|\band\b|\s)\s*")

Amounts = dict[tuple[str, str], tuple[Period | None, ParsedMoney | None, Column]]


@dataclass
class _Check:
    """A stated total and the (row, value kind) pairs it should equal."""

    label: str
    row: int
    col: Column | None
    stated: Decimal
    lines: list[tuple[dict, str]]


def holds_spending(table: Table) -> bool:
    """A table of what was spent (an "Actual Costs" sheet): its one figure column is spent, not allocated."""
    return table_side(table) == "actual"


class _BudgetReader:
    """One budget table's reading: its columns, its group rows, and the totals to check."""

    def __init__(self, table: Table):
        self.ctx = ctx = Context(table)
        self.table = table
        m = table.mapping
        self.single = {k: m.get(k) for k in VALUE_KINDS}
        self.period_cols = m.all("period_amount")
        self.totals_cols = m.all("total")
        if not any(self.single.values()) and not self.period_cols and self.totals_cols:
            # The only figure is a "Total" column: that is the allocation.
            self.single["allocated"] = self.totals_cols[0]
            self.totals_cols = self.totals_cols[1:]
        if holds_spending(table) and self.single["allocated"] is not None and not self.single["spent"] \
                and not self.single["forecast"]:
            # "Actual Costs": its one figure is what was spent, whatever word heads it ("COST"); the mapping says
            # so too, for the upload's preview.
            col = self.single["allocated"]
            col.field, col.strength = "spent", min(col.strength, h.STRONG - 1)
            self.single["spent"], self.single["allocated"] = col, None
        self.contribution_table = bool(_CONTRIBUTION_TABLE.search(f"{table.sheet.name} {table.title or ''}"))
        self.checks: list[_Check] = []
        self.records: list[dict] = []
        self.ctx = ctx

    # -- cells ---------------------------------------------------------------------------------------------
    def money(self, value: object, col: Column, row: int) -> ParsedMoney | None:
        try:
            parsed = parse_money(value, col.unit, decimal_comma=self.table.sheet.decimal_comma)
        except MoneyParseError as exc:
            self.ctx.fail(str(exc), row, col, value, "unknown_amount")
            return None
        if parsed.unit_in_cell and col.unit != 1:
            self.ctx.warn(f"'{raw_text(value)}' carries its own unit under a header that already says {col.header}; "
                          f"read as {fmt_money(parsed.amount)}.", row, col, value, "double_unit")
        return parsed

    def amounts_of(self, trow: TableRow) -> Amounts:
        """(period label, value kind) -> (Period, ParsedMoney, column)."""
        out: Amounts = {}
        for kind_name, col in self.single.items():
            v = cell(trow.values, col)
            if v is not None:
                out[("", kind_name)] = (None, self.money(v, col, trow.row), col)
        for col in self.period_cols:
            v = cell(trow.values, col)
            if v is not None:
                out[(col.period.label, col.value_kind)] = (col.period, self.money(v, col, trow.row), col)
        return out

    # -- rows ----------------------------------------------------------------------------------------------
    def group_rows(self, parsed: list[tuple[TableRow, Amounts]]) -> set[int]:
        """Rows that carry a group subtotal: money but no organisation, above lines that have one; or bold."""
        m = self.table.mapping
        c_funder, c_comm, c_line = m.get("funder"), m.get("commissioner"), m.get("line")
        groups: set[int] = set()
        if c_funder is not None or c_comm is not None:
            def has_org(trow: TableRow) -> bool:
                return bool(text_of(trow.values, c_funder) or text_of(trow.values, c_comm))

            for idx, (trow, amounts) in enumerate(parsed):
                if amounts and not has_org(trow) and idx + 1 < len(parsed) and has_org(parsed[idx + 1][0]):
                    groups.add(idx)
        for idx, (trow, _amounts) in enumerate(parsed):
            if trow.bold and idx not in groups and text_of(trow.values, c_line):
                groups.add(idx)
        return groups

    def without_sums_below(self, parsed: list[tuple[TableRow, Amounts]]) -> list[tuple[TableRow, Amounts]]:
        """A row set apart below the lines whose every figure is the sum of a column above ("Program Spend YTD"
        under Budget and Spend) is a total, whatever its label says: checked by construction, never a line."""
        out: list[tuple[TableRow, Amounts]] = []
        for trow, amounts in parsed:
            figures = [m.amount for _p, m, _c in amounts.values() if m is not None and m.amount is not None]
            if trow.after_gap and figures and len(out) >= 2:
                sums = self._column_sums(out)
                if all(f in sums for f in figures):
                    label = text_of(trow.values, self.table.mapping.get("line")) or f"row {trow.row}"
                    self.ctx.warn(f"'{label}' adds up a column of the lines above it, so it was read as a total, not "
                                  "a budget line.", trow.row, None, label, "total_row")
                    continue
            out.append((trow, amounts))
        return out

    @staticmethod
    def _column_sums(parsed: list[tuple[TableRow, Amounts]]) -> set[Decimal]:
        sums: dict[tuple[str, str], Decimal] = {}
        for _trow, amounts in parsed:
            for key, (_p, money, _c) in amounts.items():
                if money is not None and money.amount is not None:
                    sums[key] = sums.get(key, Decimal(0)) + money.amount
        return set(sums.values())

    def read(self) -> list[dict]:
        m = self.table.mapping
        parsed = [(trow, self.amounts_of(trow)) for trow in self.table.rows]
        parsed = self.without_sums_below(parsed)
        groups = self.group_rows(parsed)
        group: tuple[str, int, Amounts] | None = None
        group_records: list[dict] = []
        for idx, (trow, amounts) in enumerate(parsed):
            if idx in groups:
                self.close_group(group, group_records)
                name = section_name(text_of(trow.values, m.get("line")) or text_of(trow.values, m.get("ws1")) or "")
                group, group_records = (name, trow.row, amounts), []
                continue
            added = self.line(trow, amounts, group[0] if group else None)
            self.records.extend(added)
            if group is not None:
                group_records.extend(added)
        self.close_group(group, group_records)
        self.check_total_rows()
        for check in self.checks:
            actual = sum(((rec[vk] or Decimal(0)) for rec, vk in check.lines), Decimal(0))
            if check.lines and actual != check.stated:
                self.ctx.warn(f"The total for {check.label} says {fmt_money(check.stated)} but its lines add up to "
                              f"{fmt_money(actual)} ({_diff(check.stated, actual)}).", check.row, check.col,
                              fmt_money(check.stated), "total_mismatch")
        return self.records

    def close_group(self, group: tuple[str, int, Amounts] | None, group_records: list[dict]) -> None:
        if group is None:
            return
        name, grow, gamounts = group
        for (plabel, vkind), (_p, money, col) in gamounts.items():
            if money is None or money.amount is None:
                continue
            lines = [r for r in group_records if r["period_label"] == plabel]
            self.checks.append(_Check(f"'{name}'", grow, col, money.amount, [(r, vkind) for r in lines]))

    def line(self, trow: TableRow, amounts: Amounts, group: str | None) -> list[dict]:
        """One row of the table as its per-period (and per-organisation) records."""
        ctx, m = self.ctx, self.table.mapping
        v, r = trow.values, trow.row
        line = text_of(v, m.get("line"))
        path, labels = ctx.workstream_path(trow)
        if group is not None:
            path, labels = path + (group,), labels + (None,)
        if not line:
            if not path:
                ctx.fail("This row has amounts but no budget line description. Add one or delete the row.", r,
                         m.get("line"))
                return []
            line = path[-1]
        period = self.row_period(trow)
        if period is None:
            return []
        funder, commissioner = text_of(v, m.get("funder")), text_of(v, m.get("commissioner"))
        names = self.split_names(amounts, funder or commissioner, r)
        ref = text_of(v, m.get("ref"))
        base = {"ref": ref, "path": path, "labels": labels, "line": line, "row": r,
                "locality": text_of(v, m.get("locality")),
                "line_kind": _line_kind(text_of(v, m.get("line_kind")), line, self.contribution_table)}
        by_period: dict[tuple[int, str], dict] = {}
        for part in range(len(names) if names else 1):
            part_funder, part_comm = funder, commissioner
            if names:
                if funder:
                    part_funder = names[part]
                else:
                    part_comm = names[part]
            for (_label, vkind), (p, money, col) in amounts.items():
                if money is None:
                    continue
                per = p or period
                rec = by_period.get((part, per.label))
                if rec is None:
                    rec = by_period[(part, per.label)] = self.new_record(base, per, part_funder, part_comm, names, part)
                amount = self.part_amount(money, names, part, col, v, r)
                if amount is False:
                    continue
                if amount is not None:
                    rec[vkind] = amount if rec[vkind] is None else rec[vkind] + amount
                rec["raw"][vkind] = raw_text(cell(v, col))
        self.check_total_columns(trow, by_period)
        return list(by_period.values())

    def row_period(self, trow: TableRow) -> Period | None:
        """A long layout's period for the row (one period per row); NO_PERIOD when the table has none."""
        col = self.table.mapping.get("period")
        value = cell(trow.values, col)
        if value is None:
            return NO_PERIOD
        try:
            return period_in_cell(value, month_first=self.ctx.month_first(col))
        except DateParseError:
            self.ctx.fail(f"Period '{raw_text(value)}' is not a financial year, quarter or month we can read "
                          "(use e.g. 2016-17, 2016-17 Q2 or Jul 2016).", trow.row, col, value, "unknown_period")
            return None

    def split_names(self, amounts: Amounts, orgs: str | None, r: int) -> list[str] | None:
        """Organisations to share a cell's several amounts between ("ELRCCG RCC" beside "£125k £115k")."""
        splits = max((len(money.amounts) for _p, money, _c in amounts.values() if money is not None), default=1)
        if splits <= 1:
            return None
        names = _split_orgs(orgs)
        if len(names) != splits:
            self.ctx.warn(f"{splits} amounts in one cell but {len(names) or 'no'} organisations named beside them; "
                          "loaded as one line with the amounts added up.", r, None, None, "amount_split")
            return None
        return names

    def part_amount(self, money: ParsedMoney, names: list[str] | None, part: int, col: Column, v: list, r: int):
        """The amount for one organisation's share of a row; False when it has none of its own."""
        if names and len(money.amounts) == len(names):
            return money.amounts[part]
        if names and part > 0:
            return False  # a single figure beside split ones belongs to the first organisation
        if names and len(money.amounts) != 1:
            self.ctx.warn(f"{len(money.amounts)} amounts in {col.header} do not match the {len(names)} in the row's "
                          "other columns; all given to the first organisation.", r, col, cell(v, col), "amount_split")
        return money.amount

    def new_record(self, base: dict, per: Period, part_funder: str | None, part_comm: str | None,
                   names: list[str] | None, part: int) -> dict:
        path = base["path"]
        if base["ref"]:
            line_key = ref_key(path, base["ref"]) + (f"|{fold(names[part])}" if names else "")
        else:
            line_key = text_key("l", join_path(path), base["line"], part_funder, part_comm)
        funder = part_funder if part_funder else part_comm if self.table.mapping.get("funder") is None else None
        return {**base, "funder": funder, "funder_org": part_funder, "commissioner": part_comm, "period": per,
                "period_label": per.label, "allocated": None, "forecast": None, "spent": None, "raw": {},
                "line_key": line_key}

    # -- totals --------------------------------------------------------------------------------------------
    def check_total_columns(self, trow: TableRow, by_period: dict) -> None:
        """A "Total" column checks the row's period columns."""
        if not self.period_cols:
            return
        for tcol in self.totals_cols:
            tv = cell(trow.values, tcol)
            if tv is None:
                continue
            tm = self.money(tv, tcol, trow.row)
            if tm is None or tm.amount is None:
                continue
            row_sum = sum((rec["allocated"] or Decimal(0)) for rec in by_period.values()
                          if rec["period"].period_type != "none")
            if row_sum != tm.amount:
                self.ctx.warn(f"The row's {tcol.header} says {fmt_money(tm.amount)} but its periods add up to "
                              f"{fmt_money(row_sum)} ({_diff(tm.amount, row_sum)}).", trow.row, tcol, tv,
                              "total_mismatch")

    def check_total_rows(self) -> None:
        """Total and subtotal rows check the lines above them."""
        cols = [c for c in self.single.values() if c is not None] + self.period_cols + self.totals_cols
        start_row = grand_start = 0
        for total in self.table.totals:
            scope_start = start_row if total.is_subtotal else grand_start
            in_scope = [rec for rec in self.records if scope_start < rec["row"] < total.row]
            for col in cols:
                tv = cell(total.values, col)
                if tv is None:
                    continue
                tm = self.money(tv, col, total.row)
                if tm is None or tm.amount is None:
                    continue
                if col.field == "total":
                    lines = [(rec, "allocated") for rec in in_scope]
                elif col.field == "period_amount":
                    lines = [(rec, col.value_kind) for rec in in_scope if rec["period_label"] == col.period.label]
                else:
                    kind = next((k for k, c in self.single.items() if c is col), col.field)
                    lines = [(rec, kind) for rec in in_scope]
                self.checks.append(_Check(f"'{total.label}' ({col.header})", total.row, col, tm.amount, lines))
            start_row = total.row
            if not total.is_subtotal:
                grand_start = total.row


def normalise(table: Table, rules: RagRules) -> tuple[list[BudgetRow], list[Issue]]:
    reader = _BudgetReader(table)
    ctx = reader.ctx
    records = reader.read()
    if table.actuals is not None:
        # An actual-costs sheet of the same lines (loaders.sheet_pairs): its figures are the lines' spend.
        other = _BudgetReader(table.actuals)
        records = _join_actuals(records, other.read(), table.actuals.sheet.name)
        ctx.issues.extend(other.ctx.issues)
    rows = [_typed(rec, rec.get("sheet") or ctx.sheet) for rec in _distinct_lines(records, ctx)]
    rows = dedupe_keys(rows, ctx, "budget line", label="line")
    for row in rows:
        raw = row.provenance.raw
        if row.allocated is None and row.forecast is None and row.spent is None and any(raw.values()):
            ctx.warn("No amount is given yet (the cell says it is to be confirmed); the line loads with no figure.",
                     row.row, None, next(iter(v for v in raw.values() if v), None), "amount_tbc")
    return rows, ctx.issues


def _join_actuals(plan: list[dict], actuals: list[dict], sheet: str) -> list[dict]:
    """The plan's lines with the spend of the same lines on the actual sheet; a line only on the actual sheet is
    a line of its own (spent, nothing allocated). Lines match by name and period, in the same group if the name
    is in several."""
    by_name: dict[tuple[str, str], list[dict]] = {}
    for rec in plan:
        by_name.setdefault((fold(rec["line"]), rec["period_label"]), []).append(rec)
    used: set[int] = set()
    extra = []
    for rec in actuals:
        spent = {vk: rec[vk] for vk in ("spent", "forecast") if rec[vk] is not None}
        candidates = [p for p in by_name.get((fold(rec["line"]), rec["period_label"]), []) if id(p) not in used]
        same_group = [p for p in candidates if fold(join_path(p["path"])) == fold(join_path(rec["path"]))]
        match = (same_group or candidates or [None])[0]
        if match is None or not spent:
            extra.append({**rec, "sheet": sheet})
            continue
        used.add(id(match))
        for vk, amount in spent.items():
            match[vk] = amount if match[vk] is None else match[vk] + amount
            match["raw"][vk] = rec["raw"].get(vk)
    return plan + extra


def _distinct_lines(records: list[dict], ctx: Context) -> list[dict]:
    """Two rows giving the same line the same period's money, with no reference, are two lines: the second is
    numbered, and the lead told. (One row per period is a long layout, one line; a repeated reference is the
    lead's to fix, and dedupe_keys refuses it.)"""
    first_row: dict[tuple[str, str], int] = {}
    seen: dict[str, int] = {}
    renamed: dict[tuple[str, int], str] = {}
    repeats: list[tuple[dict, int]] = []  # (the repeated line's record, the row it first appeared on)
    for rec in records:
        key, row, period = rec["line_key"], rec["row"], rec["period_label"]
        if key.startswith("ref:"):
            continue
        if (key, row) in renamed:
            rec["line_key"] = renamed[(key, row)]
            continue
        if (key, period) not in first_row:
            first_row[(key, period)] = row
        elif row != first_row[(key, period)]:
            if (key, row) not in renamed:
                seen[key] = seen.get(key, 1) + 1
                renamed[(key, row)] = f"{key}#{seen[key]}"
                repeats.append((rec, first_row[(key, period)]))
            rec["line_key"] = renamed[(key, row)]
    _warn_repeats(repeats, ctx)
    return records


def _warn_repeats(repeats: list[tuple[dict, int]], ctx: Context) -> None:
    """One warning for the table's repeated lines, not one per row: a ledger repeats its codes hundreds of times."""
    if not repeats:
        return
    rec, first = repeats[0]
    if len(repeats) == 1:
        ctx.warn(f"The budget line '{rec['line']}' appears more than once (first at row {first}); both are kept as "
                 "separate lines.", rec["row"], None, rec["line"], "duplicate_row")
        return
    names = len({fold(r["line"]) for r, _f in repeats})
    ctx.warn(f"{len(repeats)} rows repeat a budget line above them ({names} line name(s), such as '{rec['line']}' at "
             f"rows {first} and {rec['row']}); each row is kept as its own line."
             + (" If this is a list of transactions, load the summary of its lines instead." if len(repeats) >= 10
                else ""), rec["row"], None, rec["line"], "duplicate_row")


def _typed(rec: dict, sheet: str) -> BudgetRow:
    per: Period = rec["period"]
    return BudgetRow(
        key=f"{rec['line_key']}@{per.label}", path=rec["path"], labels=rec["labels"],
        provenance=Provenance(sheet, rec["row"], rec["raw"]), workstream=join_path(rec["path"]) or None,
        locality=rec["locality"], ref=rec["ref"], line=rec["line"], funder=rec["funder"],
        period=per.label or None, allocated=rec["allocated"], forecast=rec["forecast"], spent=rec["spent"],
        line_key=rec["line_key"], period_type=per.period_type, period_start=per.start, period_end=per.end,
        funder_org=rec["funder_org"], commissioner=rec["commissioner"], line_kind=rec["line_kind"],
    )


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
    """An amount as a lead writes it: £1,234 or £1,234.50."""
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


def _pounds(pence: int | None) -> str | None:
    if pence is None:
        return None
    return f"£{pence / 100:,.2f}".replace(".00", "")


_MONEY_WORDS = re.compile(r"£|\$|€|\b(cost|costs|budget|spend|spent|funding|amount|allocation|contribution|pounds|"
                          r"gbp|value|price|expenditure|income|grant|forecast|outturn)\b", re.I)


def _has_money(mapping: Mapping) -> bool:
    """Money needs money evidence: an amount, forecast or spend column, or a Total whose header says money.
    A bare "Total" of delayed days or beds is not pounds."""
    if mapping.fields & {"allocated", "forecast", "spent", "period_amount"}:
        return True
    if any(_CURRENCY.search(header) for _i, header in mapping.ignored):
        return True  # "TOTAL PER TASK" beside "LABOR COST ($)": the row's other figures are money
    return any(_MONEY_WORDS.search(c.header) or c.unit != 1 for c in mapping.all("total"))


_CURRENCY = re.compile(r"[£$€]|\b(gbp|usd|eur)\b", re.I)


def stored(row: BudgetRow) -> tuple[StoredRow, StoredRow]:
    raw = row.provenance.raw
    line = StoredRow(row.line_key, {
        "ref": row.ref, "line": row.line, "funder": row.funder_org, "commissioner": row.commissioner,
        "line_kind": row.line_kind, "source_sheet": row.sheet, "source_row": row.row,
    }, row.line, row.path, row.labels, row.locality)
    amount = StoredRow(row.key, {
        "period": row.period or "", "period_type": row.period_type, "period_start": row.period_start,
        "period_end": row.period_end, "allocated_pence": to_pence(row.allocated),
        "forecast_pence": to_pence(row.forecast), "spent_pence": to_pence(row.spent),
        "allocated_raw": raw.get("allocated"), "forecast_raw": raw.get("forecast"), "spent_raw": raw.get("spent"),
        "source_row": row.row,
    }, f"{row.line} ({row.period or 'no period'})", parent_key=row.line_key)
    return line, amount


def rag(rules: RagRules, row: BudgetRow, as_at: date) -> str | None:
    return rules.budget(allocated=row.allocated, compare=row.forecast if row.forecast is not None else row.spent)


BUDGET = TrackerKind(
    name="budget",
    label="budget",
    noun="budget line",
    hint="a budget line column (Budget, Line, Scheme) and amount columns (Allocation, Forecast, Actual, or one per "
         "financial year such as 2016-17)",
    vocabulary=(
        *h.COMMON, h.TOTAL, h.PERIOD,
        words("line", 10, r"budget line|line|description|item|cost item|expenditure item|heading|category|scheme|"
              r"schemes|scheme name|funding stream|priorities and schemes|scheme / service|service|element|component|"
              r"spend area|line item|budget heading|activity|contribution|contributions|income|funding line|"
              r"cost heading|project|budget description|line description|budget|expenditure heading|"
              r"costs? breakdown|name|title|grant title|tasks?|project tasks?|project name|code name|codes name|"
              r"cost code name|programme name|scheme title"),
        words("line", 9, r"cost|costs|cost item|costs item"),
        words("line", 5, r"funding source|source of funding|source"),
        words("funder", 9, r"funder|funders|funded by|funding source|source of funding|contributor|"
              r"contributing partner|partner|partner organisation|organisation|organization|org|"
              r"funding organisation|paid by|from|funding body|funding partner|source|funding org name|"
              r"funding organisation name|funder name"),
        words("commissioner", 9, r"commissioner|commissioned by|lead commissioner|lead / commissioner|"
              r"commissioning organisation|provider|lead organisation|held by|budget holder|spending organisation|"
              r"lead / provider"),
        words("commissioner", 8, r"commission", exact=False),
        words("line_kind", 7, r"type|kind|line type|budget type|contribution type|fund type"),
        words("allocated", 8, r"budget|allocation|allocated|allocated budget|plan|planned|planned spend|"
              r"planned budget|funding|amount|approved budget|annual budget|budget allocation|value|total budget|"
              r"original budget|revised budget|£|cost|costs|estimated cost|estimated costs|full year budget|"
              r"agreed budget|pooled budget|contribution|contribution £|budget £|amount £|funding £|cost £|costs £|"
              r"allocation £"),
        words("allocated", 9, r"amount awarded|award amount|amount granted|grant amount|grant awarded|awarded"),
        # What was asked for is not what was given: "Amount Applied For" loses to "Amount Awarded".
        words("allocated", 6, r"^(budget|allocation|allocated|plan|funding|amount|cost|costs|contribution)\b"
              r"(?!.*\b(applied|requested)\b)", exact=False),
        words("allocated", 4, r"amount applied for|amount requested|requested|applied for"),
        words("forecast", 9, r"forecast|forecast outturn|forecast spend|projected|projected outturn|projection|"
              r"outturn|forecast £|expected spend|fot|full year forecast|forecast out turn|projected spend|"
              r"forecast outturn £"),
        words("spent", 9, r"actual|actuals|actual spend|spend|spent|spend to date|expenditure to date|ytd actual|"
              r"ytd spend|actual to date|actual £|expenditure|actual expenditure|paid|spend £|actual spend £|"
              r"actual to date £"),
        words("spent", 7, r"^(actual|actuals|spent|spend|expenditure)\b", exact=False),
        words("variance", 8, r"variance|var|difference|over / under|under / over|over / under spend|variance £|"
              r"variance %|% variance|variance to budget"),
        words("confidence", 6, r"confidence|confidence rating.*"),
    ),
    required=(frozenset({"line", "ws1", "ws2", "funder", "commissioner"}),
              frozenset({"allocated", "forecast", "spent", "period_amount", "total"})),
    weights={"line": 2, "allocated": 3, "forecast": 3, "spent": 3, "period_amount": 3, "funder": 2,
             "commissioner": 2, "total": 1, "variance": 2},
    anchors=("ref", "allocated", "forecast", "spent", "total", "period"),
    fill_down=(),
    wide=h.WideLayout("period_amount", default_value="allocated", value_words=("forecast", "spent"),
                      skip=re.compile(r"\b(variance|var)\b")),
    money_fields=("allocated", "forecast", "spent", "total", "variance"),
    totals_without_anchor=True,
    recognised=_has_money,
    joins_actuals=True,
    normalise=normalise,
    row_type=BudgetRow,
    record_model=BudgetRecord,
    stored_as=stored_kinds.BUDGET,
    fields=("ref", "line", "funder", "commissioner", "line_kind"),
    stored=stored,
    sources={"allocated_pence": ("allocated", "total", "period_amount"),
             "forecast_pence": ("forecast", "period_amount"), "spent_pence": ("spent", "period_amount")},
    companions={"allocated_pence": ("allocated_raw",), "forecast_pence": ("forecast_raw",),
                "spent_pence": ("spent_raw",)},
    children=Children(("allocated_pence", "forecast_pence", "spent_pence"), match=("period",),
                      show=lambda f, v: (f.replace("_pence", ""), _pounds(v)),
                      removed_label=lambda old: f"{old['parent_label']} ({old['period'] or 'no period'})"),
    field_labels={"line": "Budget line", "funder": "Funder", "commissioner": "Commissioner",
                  "allocated": "Allocated", "forecast": "Forecast", "spent": "Spent",
                  "total": "Total (checked, not stored)", "variance": "Variance (not stored; worked out)",
                  "period": "Period", "line_kind": "Line type", "confidence": "Confidence (not stored yet)"},
    template=Template(
        sheet="Budget",
        headers=("Ref", "Priority", "Budget line", "Funder", "Commissioner", "Period", "Allocated", "Forecast",
                 "Spent"),
        example=("B1", "Unified Prevention", "Community Agents contract", "ELRCCG", "RCC", "2016-17 Q1", "£36,750",
                 "£36,750", "£35,100"),
        notes=(
            "One row per budget line and period (2016-17, 2016-17 Q1 or Jul 2016), or one column per period "
            "(headers such as 2016-17 or 16/17 Q2).",
            "Amounts may be written £528k, £2.4m, 154,792.00 or (500) for a negative. Total rows are checked "
            "against their lines, not loaded.",
        ),
    ),
    rag=rag,
)
