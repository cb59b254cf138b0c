"""Risk registers: likelihood, impact and score in every way registers write them.

The loaders store the RAG a register states (a word, a letter or a cell colour); a row's ``rag`` is the
one the board's own rules (``data_model.rag``) give it, so the upload preview and the Risks page rate a
risk alike.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from typing import Annotated, Literal

from pydantic import Field

from data_model import kinds as stored_kinds
from data_model.rag import RagRules
from data_model.vocabulary import RAGS, RISK_STATUSES, join_path
from loaders import headers as h
from loaders.find_tables import Table, TableRow
from loaders.headers import Column, Mapping, words
from loaders.issues import Issue
from loaders.kinds.base import Children, Provenance, Record, Row, StoredRow, Template, TrackerKind
from loaders.normalise import Context, cell, dedupe_keys, raw_text, row_key, text_of
from loaders.ratings import (
    RatingParseError,
    choose_scale,
    format_rating,
    leading_rating,
    parse_rag,
    parse_rating,
)
from loaders.text import clean_text

Text = Annotated[str, Field(min_length=1, max_length=4000)]
Short = Annotated[str, Field(min_length=1, max_length=500)]
Level = Annotated[int, Field(ge=1, le=5)]


class RiskRecord(Record):
    ref: Short | None = None
    workstream: Short | None = None
    locality: Short | None = None
    title: Text
    owner: Short | None = None
    opened: date | None = None
    likelihood: Level | None = None
    impact: Level | None = None
    score: Annotated[int, Field(ge=1, le=25)] | None = None
    rag: Literal[RAGS] | None = None
    mitigation: Text | None = None
    review_due: date | None = None
    status: Literal[RISK_STATUSES] = "open"


@dataclass(frozen=True, slots=True, kw_only=True)
class RiskRow(Row):
    ref: str | None
    title: str
    owner: str | None
    opened: date | None
    likelihood: int | None
    impact: int | None
    score: int | None  # as stated, or likelihood × impact
    rag: str | None  # as the Risks page will show it: the score under the board's bands, or the stated RAG
    mitigation: str | None
    review_due: date | None
    status: str
    consequence: str | None = None
    stated_rag: str | None = None  # as the register states it (stored, so an unscored risk keeps it)
    raid_type: str = "risk"  # a RAID log's issue, assumption, dependency...: stored apart, never counted as a risk


_RAID_WORDS = {"risk": "risk", "risks": "risk", "r": "risk", "issue": "issue", "issues": "issue", "i": "issue",
               "assumption": "assumption", "assumptions": "assumption", "a": "assumption", "dependency": "dependency",
               "dependencies": "dependency", "d": "dependency", "action": "action", "actions": "action",
               "decision": "decision", "decisions": "decision", "opportunity": "risk"}
_RAID_SHEET = re.compile(r"^\s*(issues?|assumptions?|dependenc(y|ies)|actions?|decisions?)(\s+(log|register|list))?\s*$",
                         re.I)

RISK_STATUS = [
    (re.compile(r"\b(closed|retired|resolved|archived|ceased|no longer|expired|removed)\b"), "closed"),
    (re.compile(r"\b(open|live|active|current|new|ongoing|escalated|monitor|monitoring|on going)\b"), "open"),
]


def normalise(table: Table, rules: RagRules) -> tuple[list[RiskRow], list[Issue]]:
    ctx = Context(table)
    m = table.mapping
    c_l, c_i, c_score, c_cons = m.get("likelihood"), m.get("impact"), m.get("score"), m.get("consequence")
    trows = table.rows
    if c_i is not None and c_cons is None and _mostly_text(trows, c_i):
        # "Impact" holding sentences is the consequence, not a rating.
        c_cons, c_i = c_i, None
    if c_l is None and c_i is not None:
        ctx.warn("This register has no likelihood (probability) column, so its risks load unscored. Add a "
                 "Likelihood column rated High/Medium/Low or 1-5 to score them.", None, None, None, "impact_only")
    elif c_l is None and c_i is None and c_score is None:
        ctx.warn("This register has no likelihood or impact ratings, so its risks load unscored.", None, None, None,
                 "unrated")
    score_words = c_score is not None and _mostly_text(trows, c_score)
    raid_col = _raid_column(trows, m.get("raid_type"))
    sheet_type = _raid_word(table.sheet.name) if _RAID_SHEET.match(table.sheet.name) else None
    l_get = _rating_reader(ctx, c_l, choose_scale([r.values[c_l.index] for r in trows]) if c_l else None, "likelihood")
    i_get = _rating_reader(ctx, c_i, choose_scale([r.values[c_i.index] for r in trows]) if c_i else None, "impact")
    rows = []
    for trow in trows:
        row = _row(ctx, trow, rules, l_get, i_get, c_score, c_cons, score_words)
        if row is not None:
            raid_type = _raid_type(ctx, trow, raid_col) or sheet_type
            rows.append(replace(row, raid_type=raid_type) if raid_type else row)
    return dedupe_keys(rows, ctx, "risk", label="title"), ctx.issues


def _row(ctx: Context, trow: TableRow, rules: RagRules, l_get: Callable, i_get: Callable, c_score: Column | None,
         c_cons: Column | None, score_words: bool) -> RiskRow | None:
    m = ctx.table.mapping
    v, r = trow.values, trow.row
    c_title = m.get("title")
    title = text_of(v, c_title)
    if not title:
        ctx.fail("This row has ratings but no risk description. Add the description or delete the row.", r, c_title)
        return None
    likelihood, l_raw = l_get(v, r)
    impact, i_raw = i_get(v, r)
    score = likelihood * impact if likelihood is not None and impact is not None else None
    rag, rag_raw = ctx.rag(trow, m.get("rag"), fill_from=m.get("status"))
    given = cell(v, c_score)
    if given is not None:
        if score_words:
            if rag is None:
                rag, rag_raw = _rating_to_rag(ctx, given, r, c_score)
        else:
            numeric = all(t is not None and t.strip().isdigit() for t in (l_raw, i_raw))
            score = _stated_score(ctx, given, r, c_score, likelihood, impact, score, numeric)
    opened, opened_raw = ctx.date(v, m.get("opened"), r, "date opened")
    review, review_raw = ctx.date(v, m.get("review_due"), r, "review date")
    status = _status(ctx, text_of(v, m.get("status")), r, m.get("status"))
    path, labels = ctx.workstream_path(trow)
    ref = text_of(v, m.get("ref"))
    locality = text_of(v, m.get("locality"))
    return RiskRow(
        key=row_key(path, ref, title, locality), path=path, labels=labels,
        provenance=Provenance(ctx.sheet, r, {"opened": opened_raw, "review_due": review_raw, "likelihood": l_raw,
                                             "impact": i_raw, "rag": rag_raw}),
        workstream=join_path(path) or None, locality=locality, ref=ref, title=title,
        owner=text_of(v, m.get("owner")), opened=opened.start if opened else None, likelihood=likelihood,
        impact=impact, score=score, rag=rules.risk(score=score, given_rag=rag), stated_rag=rag,
        mitigation=text_of(v, m.get("mitigation")),
        review_due=review.end if review else None, status=status, consequence=text_of(v, c_cons),
    )


def _status(ctx: Context, status_raw: str | None, r: int, col: Column | None) -> str:
    if not status_raw:
        return "open"
    status = _risk_status(status_raw)
    if status is None:
        ctx.warn(f"Status '{status_raw}' is neither open nor closed; read as open.", r, col, status_raw,
                 "unknown_status")
        return "open"
    return status


def _stated_score(ctx: Context, given: object, r: int, col: Column | None, likelihood: int | None,
                  impact: int | None, product: int | None, numeric: bool) -> int | None:
    """A score the register states is kept and checked against likelihood × impact; a mismatch is never silent.

    Where likelihood and impact are written as numbers the stated score is on the same 1-25 scale and wins.
    Where they are words (High, Medium) the register's score is on its own scale, so the 1-25 product is used.
    """
    stated = _score_only(ctx, given, r, col)
    if stated is None or product is None or stated == product:
        return product if stated is None else stated
    if numeric:
        ctx.warn(f"The stated score {stated} is not likelihood × impact ({likelihood} × {impact} = {product}); the "
                 "stated score is kept. Correct whichever is wrong.", r, col, given, "score_mismatch")
        return stated
    ctx.warn_once("score_scale", f"The register's own score {stated} is on a different scale from the dashboard's "
                  f"1-25 (likelihood {likelihood} × impact {impact} = {product}); scores are worked out on 1-25 from "
                  "likelihood and impact.", row=r, col=col, value=given, code="score_scale")
    return product


def _raid_word(value: object) -> str | None:
    text = clean_text(value).lower().strip(" .") if value is not None else ""
    text = re.sub(r"\s+(log|register|list)$", "", text)
    return _RAID_WORDS.get(text)


def _raid_column(rows: list[TableRow], col: Column | None) -> Column | None:
    """A Type column is a RAID log's (Risk, Issue, Assumption, Dependency) only when its cells say so; a risk
    register's "Type" of Financial or Operational is a category, not a RAID type."""
    if col is None:
        return None
    values = [r.values[col.index] for r in rows if r.values[col.index] not in (None, "")]
    known = sum(1 for v in values if _raid_word(v))
    return col if values and known * 2 > len(values) else None


def _raid_type(ctx: Context, trow: TableRow, col: Column | None) -> str | None:
    value = cell(trow.values, col)
    if value is None:
        return None
    found = _raid_word(value)
    if found is None:
        ctx.warn_once(f"raid:{raw_text(value)}", f"'{raw_text(value)}' is not a RAID type (Risk, Issue, Assumption, "
                      "Dependency, Action or Decision); rows of that type are loaded as risks.", trow.row, col, value,
                      "unknown_raid_type")
    return found


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
            result = (parse_rating(v, scale), raw_text(v))
            cache[v] = result
            return result
        except RatingParseError as exc:
            level = leading_rating(v, scale)
            if level is not None:
                ctx.warn(f"{what.capitalize()} '{raw_text(v)}' opens with a rating and goes on with a comment: read as "
                         f"{format_rating(level)}, the comment kept in the cell as written.", row, col, v,
                         "rating_with_comment")
                return level, raw_text(v)
            ctx.warn(f"{what.capitalize()}: {exc}; left unscored.", row, col, v, "unknown_rating")
            return None, raw_text(v)

    return read


def _rating_to_rag(ctx: Context, value: object, row: int, col: Column) -> tuple[str | None, str | None]:
    try:
        return parse_rag(value).rag, raw_text(value)
    except RatingParseError:
        pass
    try:
        level = parse_rating(value)
    except RatingParseError:
        ctx.warn(f"Rating '{raw_text(value)}' is neither a score nor a RAG; left unrated.", row, col, value,
                 "unknown_rag")
        return None, raw_text(value)
    if level is None:
        return None, None
    return ("red" if level >= 4 else "amber" if level >= 2 else "green"), raw_text(value)


def _score_only(ctx: Context, value: object, row: int, col: Column | None) -> int | None:
    try:
        n = float(value) if not isinstance(value, str) else float(clean_text(value))
    except ValueError:
        ctx.warn(f"Score '{raw_text(value)}' is not a number; left unscored.", row, col, value, "unknown_score")
        return None
    if not 1 <= n <= 25:
        ctx.warn(f"Score {n:g} is outside 1-25; left unscored.", row, col, value, "unknown_score")
        return None
    return int(round(n))


def _looks_like_a_register(mapping: Mapping) -> bool:
    """A risk register rates its risks, or at least names them as risks: an action plan's "Action" column is no
    mitigation column on its own."""
    if mapping.fields & {"likelihood", "impact", "score", "rag"}:
        return True
    title = mapping.get("title")
    return title is not None and title.strength >= 10 and mapping.has("mitigation")


def stored(row: RiskRow) -> tuple[StoredRow, StoredRow]:
    raw = row.provenance.raw
    risk = StoredRow(row.key, {
        "ref": row.ref, "title": row.title, "consequence": row.consequence, "owner": row.owner,
        "opened": row.opened, "opened_raw": raw.get("opened"), "mitigation": row.mitigation,
        "review_due": row.review_due, "review_raw": raw.get("review_due"), "status": row.status,
        "raid_type": row.raid_type, "source_sheet": row.sheet, "source_row": row.row,
    }, row.title, row.path, row.labels, row.locality)
    assessment = StoredRow(row.key, {
        "likelihood": row.likelihood, "impact": row.impact, "score": row.score, "rag": row.stated_rag,
        "likelihood_raw": raw.get("likelihood"), "impact_raw": raw.get("impact"), "rag_raw": raw.get("rag"),
    }, row.title, parent_key=row.key)
    return risk, assessment


def rag(rules: RagRules, row: RiskRow, as_at: date) -> str | None:
    return rules.risk(score=row.score, given_rag=row.stated_rag)


RISKS = TrackerKind(
    name="risks",
    label="risk register",
    noun="risk",
    hint="a risk description column (Risk, Description) and Likelihood/Probability, Impact or Mitigation columns",
    vocabulary=(
        *h.COMMON, h.WS2, h.RAG,
        words("title", 10, r"risk|risks|risk description|description of risk|risk title|risk / issue|issue|"
              r"risk or issue|key risk|key risks|risk event|risk name|risks / dependencies|risk / dependency|"
              r"risks / dependency|risk & consequence|risk and consequence|the risk|risk detail|risk details|"
              r"risk identified|identified risk"),
        words("title", 6, r"description|cause|title|summary|risks? [a-z ]*"),
        words("consequence", 8, r"consequence|consequences|effect|effects|impact description|possible outcomes?|"
              r"impact on|implications?|risk impact description|potential impact|what could happen"),
        words("likelihood", 11, r"(residual|current|net|revised) (likelihood|probability)( score| rating)?"),
        words("likelihood", 10, r"likelihood|probability|prob|likelihood score|probability score|l|p|"
              r"likelihood rating|probability rating|frequency|chance"),
        words("likelihood", 9, r"^(likelihood|probability)\b", exact=False),
        words("likelihood", 6, r"(inherent|gross|initial|original) (likelihood|probability)( score| rating)?"),
        words("impact", 11, r"(residual|current|net|revised) (impact|severity)( score| rating)?"),
        words("impact", 10, r"impact|severity|impact score|i|impact rating|s|consequence score|consequence rating"),
        words("impact", 9, r"^(impact|severity)\b", exact=False),
        words("impact", 6, r"(inherent|gross|initial|original) (impact|severity)( score| rating)?"),
        words("score", 10, r"(residual|current|net|revised) (risk )?(score|rating)"),
        words("score", 9, r"score|risk score|riskscore|rating score|overall score|total score|l x i|l × i|lxi|l×i|"
              r"p x i|p × i|probability x impact|likelihood x impact|impact x likelihood|risk rating|risk level|rating|"
              r"overall rating|risk factor|risk rating factor"),
        words("score", 8, r"^(risk factor|risk score|risk rating)\b", exact=False),
        # A risk priority number (likelihood × impact × detectability, 1-125) is not the dashboard's 1-25 score.
        words("ignored", 12, r"rpn|risk priority number|ease of detectability|detectability|detection"),
        words("score", 5, r"(inherent|gross|initial|original) (risk )?(score|rating)"),
        # What will be done beats what is in place: "Mitigation Plan" over "Current Controls".
        words("mitigation", 10, r"mitigation plan|mitigation strategy|risk treatment|risk treatment / response|"
              r"treatment / response|risk response|response plan|planned response|potential responses?|responses?|"
              r"resolution|resolution plan|mitigating actions?|mitigation actions?|mitigation / actions?"),
        words("mitigation", 9, r"mitigation|mitigations|actions? to mitigate|management actions?|countermeasures?|"
              r"treatment|actions taken|planned actions?|further actions?|actions|action|mitigation / controls|"
              r"mitigating action / controls"),
        words("mitigation", 7, r"controls|existing controls|controls in place|current controls|current control|"
              r"procedure|procedures|management procedure|how managed|how it is managed"),
        words("mitigation", 6, r"mitigat|control", exact=False),
        words("opened", 8, r"date opened|opened|date raised|raised|date identified|identified|date logged|logged|"
              r"date added|date entered|open date|date registered|raised on"),
        words("opened", 4, r"date"),
        words("review_due", 8, r"\breview", exact=False),
        words("status", 8, r"status|risk status|open / closed|open closed|state|current status|open or closed"),
        words("raid_type", 8, r"type|raid type|item type|entry type|log type|raid|record type|category"),
    ),
    required=(frozenset({"title"}), frozenset({"likelihood", "impact", "score", "mitigation", "rag"})),
    recognised=_looks_like_a_register,
    weights={"title": 2, "likelihood": 4, "impact": 3, "score": 3, "mitigation": 3, "consequence": 2,
             "review_due": 2, "raid_type": 0},
    anchors=("ref", "likelihood", "impact", "score", "rag", "opened", "review_due", "status"),
    fill_down=(),
    wide=None,
    normalise=normalise,
    row_type=RiskRow,
    record_model=RiskRecord,
    stored_as=stored_kinds.RISKS,
    fields=("ref", "title", "consequence", "owner", "opened", "mitigation", "review_due", "status", "raid_type"),
    stored=stored,
    children=Children(("likelihood", "impact", "score", "rag"), history=True),
    sources={"score": ("score", "likelihood", "impact")},
    companions={"opened": ("opened_raw",), "review_due": ("review_raw",), "likelihood": ("likelihood_raw",),
                "impact": ("impact_raw",), "rag": ("rag_raw",)},
    field_labels={"title": "Title", "likelihood": "Likelihood", "impact": "Impact", "score": "Score",
                  "rag": "RAG", "mitigation": "Mitigation", "consequence": "Consequence", "opened": "Date opened",
                  "review_due": "Review due", "status": "Status",
                  "raid_type": "RAID type (risk, issue, assumption, dependency)"},
    template=Template(
        sheet="Risk register",
        headers=("Ref", "Priority", "Locality", "Risk", "Owner", "Date opened", "Likelihood", "Impact", "RAG",
                 "Mitigation", "Review date", "Status"),
        example=("R1", "Crisis response", "", "Out of hours support to EDT fails", "Neil Lester", "10/05/2016",
                 "Medium", "High", "", "Weekly review with EDT manager", "Aug 2016", "Open"),
        notes=(
            "Likelihood and Impact: High, Medium or Low (or 1-5, or Very low to Very high). The score is likelihood "
            "x impact on a 1-5 scale; leave RAG blank to derive it from the score under the board's own bands.",
            "Keep the same Ref for a risk from one month to the next so the dashboard can show its trend.",
        ),
    ),
    rag=rag,
)
