"""What a board pack holds, as typed values: the cover, agenda, matters arising, RAG overview and exceptions, what
changed, one section per top-level workstream, the forward plan and the appendix.

``build_content`` fills it from the same data_model queries and presentation builders the pages use, so the pack
and the pages never disagree. The PDF, HTML and Excel writers only lay it out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal

import pandas as pd

from data_model import attention, forward_plan, queries, registers, rollups
from data_model.rag import RagRules
from data_model.rollups import Filters, rag_matrix
from data_model.spc import SpcSettings
from exports import charts as drawing
from presentation import budget_view, metric_view, milestone_view, rag_view, risk_view, spc_view
from presentation.counts import more_words, one
from presentation.rag_view import WORDS, status_words

NO_WORKSTREAM = rag_view.NOT_ASSIGNED  # the section of rows no top-level workstream was given for, in words
NOT_FROZEN = "not frozen"


# ---------------------------------------------------------------------------------------------------------------
# The parts of a pack
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A dataset's column: its heading and the kind of value it holds (how it is printed and formatted in Excel)."""

    title: str
    kind: str = "text"  # text, date, datetime, money, number, integer, rag


@dataclass(frozen=True)
class Dataset:
    """Rows of plain values (str, int, float, date, datetime or None) under named columns: one printed table, one
    Excel sheet. A ``rag`` column holds 'red', 'amber', 'green' or None and prints as the word."""

    name: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[object, ...], ...]
    empty: str = "None."
    total: int | None = None  # rows the dataset stands for, when the printed pack shows only some (see ``cut``)
    left_out: str = ""  # the sentence printed where it was cut: "and 245 more milestones ... every row is in the Excel pack"

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def count(self) -> int:
        """How many rows there are in all, printed or not (the headings say this)."""
        return len(self.rows) if self.total is None else self.total


@dataclass(frozen=True)
class Chart:
    """A chart the pages draw, kept as its Vega-Lite spec, with a sentence saying what it shows (its alt text)."""

    title: str
    spec: dict
    alt: str


@dataclass(frozen=True)
class SnapshotRef:
    """The frozen snapshot a pack is exported from (snapshots arrive with the meetings work; None means live data)."""

    id: int
    hash: str
    taken_at: datetime
    taken_by: str | None = None
    meeting: date | None = None
    as_at: date | None = None  # the date the snapshot's views are worked out as at


@dataclass(frozen=True)
class AgendaItem:
    """One item of the meeting's agenda, as the meeting records it."""

    number: str
    title: str
    report_no: str | None = None
    presenter: str | None = None
    purpose: str | None = None  # approval, endorsement, decision, to note, information
    workstreams: tuple[str, ...] = ()  # top-level workstreams the item covers


@dataclass(frozen=True)
class ActionItem:
    """An action arising from an earlier meeting, shown as a matter arising until it is closed."""

    ref: str
    text: str
    owner: str | None = None
    due: date | None = None
    status: str = "open"  # open, done, dropped
    raised: date | None = None


@dataclass(frozen=True)
class ChangeSection:
    """One part of "what changed" (milestones slipped, risks up...): a title and its rows."""

    title: str
    rows: Dataset


@dataclass(frozen=True)
class AgendaEntry:
    item: AgendaItem
    anchor: str | None  # the pack section where the item's first workstream starts (its page is printed)


@dataclass(frozen=True)
class Cover:
    board_name: str
    board_slug: str
    meeting_title: str | None
    meeting_date: date | None
    meeting_time: str | None
    venue: str | None
    as_at: date
    snapshot: SnapshotRef | None

    @property
    def frozen(self) -> str:
        """'Snapshot 12, sha256 …' or 'not frozen', as the cover and every page footer say it."""
        if self.snapshot is None:
            return NOT_FROZEN
        return f"snapshot {self.snapshot.id}, sha256 {self.snapshot.hash}"


@dataclass(frozen=True)
class WorkstreamSection:
    """Everything the printed pack says about one top-level workstream: its charts, and the rows that need the
    board's attention up to a cap per table (the Excel pack keeps every row)."""

    name: str
    anchor: str
    rag: Dataset
    timeline: Chart | None
    milestones: Dataset
    heat_map: Chart | None
    risks: Dataset
    budget_chart: Chart | None
    budget: Dataset
    metrics: Dataset
    metric_charts: tuple[Chart, ...]
    charts_left_out: str = ""  # "and 4 more metric charts ..." where the printed charts stop


@dataclass(frozen=True)
class MeetingAhead:
    date: date
    title: str
    hears_from: tuple[str, ...]
    due: Dataset


@dataclass(frozen=True)
class PackContent:
    cover: Cover
    stamp: datetime  # the one time written into the files (snapshot time, else the data's newest upload)
    agenda: tuple[AgendaEntry, ...]
    matters_arising: Dataset
    rag_overview: Dataset
    rag_chart: Chart | None
    rules: tuple[tuple[str, tuple[str, ...]], ...]
    exceptions: tuple[Dataset, ...]
    changes: tuple[ChangeSection, ...]
    changes_note: str
    sections: tuple[WorkstreamSection, ...]
    forward_plan: tuple[MeetingAhead, ...]
    uploads: Dataset
    warnings: Dataset
    datasets: tuple[Dataset, ...] = field(default=())  # every row the pack stands on, one Excel sheet each

    @property
    def title(self) -> str:
        when = self.cover.meeting_date or self.cover.as_at
        return f"{self.cover.board_name}: board pack, {when:%d %B %Y}".replace(" 0", " ")


# ---------------------------------------------------------------------------------------------------------------
# Filling it
# ---------------------------------------------------------------------------------------------------------------


class BoardNotFound(LookupError):
    """The board asked for does not exist."""


def build_content(source, board_slug: str, *, as_at: date, snapshot: SnapshotRef | None = None,
                  agenda: Sequence[AgendaItem] = (), matters_arising: Sequence[ActionItem] = (),
                  changes: Sequence[ChangeSection] | None = None, charts: bool = True,
                  every_row: bool = True) -> PackContent:
    """The pack for ``board_slug`` as at ``as_at``, read from ``source`` (an engine, a read snapshot, or anything
    with ``connect()`` the data_model queries take).

    ``agenda``, ``matters_arising`` and ``changes`` come from the meeting and its snapshots; without ``changes`` the
    pack lists what the uploads changed since the previous meeting (what the Overview shows). ``charts=False`` skips
    the chart specs (the Excel pack has none). The printed parts summarise as a board paper does (see ``cut``);
    ``datasets`` keeps every row, and is left empty with ``every_row=False`` (the PDF and HTML packs print none of
    it, and writing every row as plain values is most of the work on a large board).
    """
    board = queries.board(source, board_slug)
    if board is None:
        raise BoardNotFound(board_slug)
    board_id = int(board["id"])
    rules = RagRules.from_settings(board.get("settings"))
    spc_settings = SpcSettings.from_settings(board.get("settings"))
    filters = Filters(board_id=board_id, as_at=as_at)

    meeting = meeting_for(source, board_id, snapshot.meeting if snapshot and snapshot.meeting else as_at)
    cover = Cover(board_name=board["name"], board_slug=board_slug, meeting_title=meeting.get("title"),
                  meeting_date=meeting.get("date"), meeting_time=_text(meeting.get("time")),
                  venue=_text(meeting.get("venue")), as_at=as_at, snapshot=snapshot)

    milestones = registers.milestones(source, filters, rules, limit=1_000_000)
    risks = registers.risks(source, filters, rules)
    lines = registers.budget_lines(source, filters)
    by_period = registers.budget_by_period(source, filters)
    values = registers.metric_values(source, filters, rules)
    latest = registers.latest_metrics(source, filters, rules)
    series = spc_view.board_series(values, spc_settings)
    matrix = rag_matrix(source, filters, rules, "root")
    exceptions = _exceptions(source, filters, rules)

    tops = _top_workstreams(source, board_id, (milestones, risks, lines, values))
    next_meeting = _next_meeting(source, board_id, as_at)
    off_plan = exceptions[2]
    sections = []
    for i, name in enumerate(tops):
        section = _section(name, i, matrix, milestones, risks, lines, by_period, latest, series, rules, as_at,
                           next_meeting, off_plan, charts)
        sections.append(section)
        # Drawing starts now, in the chart worker, while the rest of the pack is read (exports.charts).
        drawing.start(c.spec for c in (section.timeline, section.heat_map, section.budget_chart,
                                       *section.metric_charts) if c is not None)
    sections = tuple(sections)
    anchors = {s.name: s.anchor for s in sections}

    uploads = _uploads(source, board_id)
    change_sections, note = (tuple(changes), "") if changes is not None else _changes_since_last_meeting(
        source, board_id, as_at)
    plan = _forward_plan(source, filters)
    warnings = _warnings(source, board_id)
    content = PackContent(
        cover=cover,
        stamp=_stamp(snapshot, uploads, as_at),
        agenda=tuple(AgendaEntry(item, next((anchors[w] for w in item.workstreams if w in anchors), None))
                     for item in agenda),
        matters_arising=_actions(matters_arising),
        rag_overview=_rag_overview(matrix, latest, series),
        rag_chart=_rag_chart(matrix) if charts else None,
        rules=tuple((kind, tuple(lines_)) for kind, lines_ in rules.explain().items()),
        exceptions=tuple(cut(ds, EXCEPTION_ROWS, noun) for ds, noun in zip(exceptions, EXCEPTION_NOUNS, strict=True)),
        changes=tuple(ChangeSection(c.title, cut(c.rows, CHANGE_ROWS, "changes")) for c in change_sections),
        changes_note=note,
        sections=sections,
        forward_plan=tuple(MeetingAhead(m.date, m.title, m.hears_from, cut(m.due, PLAN_ROWS, "items due"))
                           for m in plan),
        uploads=uploads,
        warnings=cut(warnings, WARNING_ROWS, "warnings"),
    )
    if not every_row:
        return content
    agenda_rows = Dataset("Agenda", (Column("Item"), Column("Title"), Column("Report"), Column("Presenter"),
                                     Column("Purpose"), Column("Workstreams")),
                          tuple((a.number, a.title, a.report_no, a.presenter, a.purpose, ", ".join(a.workstreams))
                                for a in agenda), "No agenda has been recorded for this meeting.")
    plan_rows = Dataset("Forward plan", (Column("Meeting", "date"), Column("Meeting title"), *plan[0].due.columns)
                        if plan else (Column("Meeting", "date"),),
                        tuple((m.date, m.title, *row) for m in plan for row in m.due.rows),
                        "No meetings are recorded after the as-at date.")
    milestone_rows = _milestone_rows(milestones)
    datasets = (  # every row, whatever the printed pack leaves out
        agenda_rows,
        content.matters_arising,
        Dataset("Milestones", milestone_rows.columns, milestone_rows.rows),
        _risk_rows(risks),
        _budget_rows(lines, "Budget lines"),
        _budget_periods(by_period),
        _metric_rows(values),
        content.rag_overview,
        *exceptions,
        *(c.rows for c in change_sections),
        plan_rows,
        content.uploads,
        warnings,
    )
    return _replace(content, datasets=datasets)


# --- the printed summary: what a board paper prints, and a plain line saying what it left out --------------------

PRINT_ROWS = 8  # rows of each table in a workstream's section: the ones that most need the board's attention
METRIC_CHARTS = 1  # SPC charts printed per workstream: the metric most off target (each chart is a quarter of a
# second to draw and typeset; the latest-values table lists every metric, and the rest are said in a sentence)
EXCEPTION_ROWS = 40  # rows of each exceptions list (every sample board's lists print in full)
PLAN_ROWS = 10  # items listed under each meeting ahead
# A workstream's timeline prints on a landscape page under its RAG table: drawn wide, with titles wrapped at 90
# letters, its rows take a line or two and the chart fits below the table, where a page-tall one left that page bare.
TIMELINE_WIDTH, TIMELINE_LABEL_CHARS = 480, 90
CHANGE_ROWS = 40  # rows of each part of what changed
WARNING_ROWS = 40  # import warnings listed in the appendix
EXCEPTION_NOUNS = ("milestones needing attention", "risks red or rising", "budget lines off plan",
                   "metrics off target")
EXCEL = "every row is in the Excel pack"


def cut(ds: Dataset, cap: int, noun: str, order: Sequence[int] | None = None, detail: str = "",
        total: int | None = None) -> Dataset:
    """The first ``cap`` rows of ``ds`` (in ``order``, a list of row indices, most pressing first) and, when that
    leaves rows out, the sentence saying how many and what they were; ``total`` stays the whole count (given, when
    ``ds`` holds only the rows to print)."""
    rows = ds.rows if order is None else tuple(ds.rows[i] for i in order)
    total = len(rows) if total is None else total
    if total <= cap:
        return Dataset(ds.name, ds.columns, rows, ds.empty)
    said = more_words(total - cap, noun, EXCEL, detail)
    return Dataset(ds.name, ds.columns, rows[:cap], ds.empty, total=total, left_out=said)


def cut_frame(make: Callable[[pd.DataFrame], Dataset], frame: pd.DataFrame, cap: int, noun: str,
              order: Sequence[int], detail: str = "") -> Dataset:
    """``cut(make(frame), cap, noun, order, detail)``, with only the printed rows made into plain values."""
    printed = make(frame.iloc[list(order[:cap])])
    return cut(printed, cap, noun, None, detail, total=len(frame))


def _rag_breakdown(rags: pd.Series) -> str:
    """': 3 amber, 200 green and 12 not rated' (or ' rated green') for the rows left out."""
    counts = rags.map(lambda r: WORDS.get(r, "Not rated") if isinstance(r, str) else "Not rated").value_counts()
    parts = [f"{int(counts[w]):,} {w.lower()}" for w in ("Red", "Amber", "Green", "Not rated") if w in counts]
    if not parts:
        return ""
    if len(parts) == 1:
        return f" rated {parts[0].split(' ', 1)[1]}" if not parts[0].endswith("not rated") else " not rated"
    return ": " + ", ".join(parts[:-1]) + " and " + parts[-1]


def _milestone_order(ms: pd.DataFrame, rules: RagRules, as_at: date) -> list[int]:
    """Positions of ``ms``'s rows, most pressing first: overdue, red, amber, due soon, then the rest; each by due
    date."""
    def rank(row) -> int:
        due = row.due.date() if isinstance(row.due, pd.Timestamp) else row.due
        due = None if due is None or due != due else due
        open_ = rules.milestone_open(status=row.status, completed=None if pd.isna(row.completed) else row.completed)
        if open_ and rules.milestone_overdue(due=due, as_at=as_at):
            return 0
        if row.rag in ("red", "amber"):
            return 1 if row.rag == "red" else 2
        if open_ and rules.milestone_due_soon(due=due, as_at=as_at):
            return 3
        return 4

    ranks = [rank(r) for r in ms.itertuples(index=False)]
    dues = pd.to_datetime(ms["due"]).tolist()
    far = pd.Timestamp.max
    return sorted(range(len(ms)), key=lambda i: (ranks[i], far if pd.isna(dues[i]) else dues[i], i))


def _risk_order(rk: pd.DataFrame) -> list[int]:
    """Highest score first (unscored last), red before amber before green within a score."""
    level = {"red": 0, "amber": 1, "green": 2}
    scores = rk["score"].tolist()
    rags = rk["rag"].tolist()
    return sorted(range(len(rk)), key=lambda i: (-(scores[i] if scores[i] == scores[i] and scores[i] is not None
                                                   else -1), level.get(rags[i], 3), i))


def _rag_order(frame: pd.DataFrame) -> list[int]:
    level = {"red": 0, "amber": 1, "green": 2}
    rags = frame["rag"].tolist()
    return sorted(range(len(frame)), key=lambda i: (level.get(rags[i], 3), i))


def _replace(content: PackContent, **changes) -> PackContent:
    from dataclasses import replace

    return replace(content, **changes)


def _text(value: object) -> str | None:
    return str(value) if value not in (None, "") and value == value else None


def meeting_for(source, board_id: int, when: date) -> dict:
    """The meeting on ``when``, else the next one after it; every column the meeting table has (time and venue
    arrive with the meetings work)."""
    from sqlalchemy import select

    from data_model.tables import Meeting

    mtg = Meeting.__table__
    with source.connect() as conn:
        row = conn.execute(select(mtg).where(mtg.c.board_id == board_id, mtg.c.date >= when,
                                             mtg.c.status != "cancelled").order_by(mtg.c.date).limit(1)).first()
    return row._asdict() if row else {}


def _next_meeting(source, board_id: int, as_at: date) -> date | None:
    meetings = queries.meetings(source, board_id)
    upcoming = meetings[(meetings["date"] >= as_at) & (meetings["status"] != "cancelled")] if len(meetings) else meetings
    return upcoming["date"].iloc[0] if len(upcoming) else None


def _stamp(snapshot: SnapshotRef | None, uploads: Dataset, as_at: date) -> datetime:
    """The time written into the files: the snapshot's, else the newest upload's, else the as-at date's midnight.
    The same data gives the same files, byte for byte."""
    if snapshot is not None:
        return _utc(snapshot.taken_at)
    times = [r[3] for r in uploads.rows if isinstance(r[3], datetime)]
    return _utc(max(times)) if times else datetime.combine(as_at, time.min, tzinfo=UTC)


def _utc(when: datetime) -> datetime:
    return (when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)).replace(microsecond=0)


def _top_workstreams(source, board_id: int, frames: tuple[pd.DataFrame, ...]) -> list[str]:
    """The board's top-level workstreams in their order, then NO_WORKSTREAM when some rows have none."""
    tree = queries.workstreams(source, board_id)
    names = list(tree.loc[tree["level"] == 1, "name"])
    used = set()
    for frame in frames:
        if "top" in frame:
            used |= {t if isinstance(t, str) else NO_WORKSTREAM for t in frame["top"]}
    return [n for n in names if n in used] + ([NO_WORKSTREAM] if NO_WORKSTREAM in used else [])


def anchor_for(name: str, index: int) -> str:
    """A stable, readable id for a section's heading (the agenda and contents link to it)."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "section"
    return f"ws-{index + 1}-{slug}"


def _in(frame: pd.DataFrame, top: str) -> pd.DataFrame:
    return frame[frame["top"].fillna(NO_WORKSTREAM) == top]


def _section(name, index, matrix, milestones, risks, lines, by_period, latest, series, rules, as_at, next_meeting,
             off_plan: Dataset, charts: bool) -> WorkstreamSection:
    ms, rk, bl, lt = _in(milestones, name), _in(risks, name), _in(lines, name), _in(latest, name)
    ms, lt = ms.reset_index(drop=True), lt.reset_index(drop=True)
    open_risks = rk[rk["status"] == "open"].reset_index(drop=True)
    scored = open_risks[open_risks["score"].notna()]
    # The rows with no workstream too: the roll-ups name their group "(no workstream)", the pack "Not assigned…".
    mine = matrix[matrix["group"].replace({rollups.NO_WORKSTREAM: NO_WORKSTREAM}) == name]
    rag = Dataset("RAG", (Column("What"), Column("Red", "integer"), Column("Amber", "integer"),
                          Column("Green", "integer"), Column("Not rated", "integer"), Column("Total", "integer")),
                  tuple((str(r["kind"]), int(r["red"]), int(r["amber"]), int(r["green"]), int(r["unrated"]),
                         int(r["total"])) for r in mine.to_dict("records")))
    periods = by_period[by_period["workstream"] == name]

    order = _milestone_order(ms, rules, as_at)
    shown_ms = ms.iloc[order[:PRINT_ROWS]]
    milestones_ds = cut_frame(_milestone_rows, ms, PRINT_ROWS, "milestones", order,
                              _rag_breakdown(ms.iloc[order[PRINT_ROWS:]]["rag"]) if len(ms) > PRINT_ROWS else "")
    r_order = _risk_order(open_risks)
    risks_ds = cut_frame(_risk_rows, open_risks, PRINT_ROWS, "open risks", r_order,
                         _top_left(open_risks, r_order) if len(open_risks) > PRINT_ROWS else "")
    budget_ds = _budget_section(bl, off_plan)
    m_order = _rag_order(lt)
    metrics_ds = cut_frame(_latest_rows, lt, PRINT_ROWS, "metrics", m_order,
                           _rag_breakdown(lt.iloc[m_order[PRINT_ROWS:]]["rag"]) if len(lt) > PRINT_ROWS else "")
    mine_series = _series_in_order(lt, m_order, [s for s in series if (s.top or NO_WORKSTREAM) == name])
    printed = mine_series[:METRIC_CHARTS]
    left = len(mine_series) - len(printed)
    charts_left_out = (f"and {left:,} more {one('metric charts') if left == 1 else 'metric charts'}, of metrics "
                       f"nearer their target — {EXCEL}, every value.") if left > 0 else ""
    return WorkstreamSection(
        name=name, anchor=anchor_for(name, index), rag=rag,
        timeline=_timeline_chart(name, shown_ms, len(ms), as_at, next_meeting) if charts else None,
        milestones=milestones_ds,
        heat_map=_heat_chart(name, scored, rules) if charts and len(scored) else None,
        risks=risks_ds,
        budget_chart=_budget_chart(name, periods) if charts and len(periods) else None,
        budget=budget_ds,
        metrics=metrics_ds,
        metric_charts=tuple(_spc_chart(s) for s in printed) if charts else (),
        charts_left_out=charts_left_out if charts else "",
    )


def _top_left(open_risks: pd.DataFrame, order: list[int]) -> str:
    """', none scoring above 12': the highest score among the risks a section leaves out."""
    left = open_risks.iloc[order[PRINT_ROWS:]]["score"].dropna()
    return f", none scoring above {int(left.max())}" if len(left) else ", none of them scored"


def _budget_section(bl: pd.DataFrame, off_plan: Dataset) -> Dataset:
    """A workstream's budget lines, each with its totals: those off plan first (as the exceptions rate them), then
    the largest allocations; the lines left out are summed in their sentence."""
    bl = bl.reset_index(drop=True)
    rated = {(r[1], r[2]): r[0] for r in off_plan.rows}  # (workstream, line) -> red / amber
    level = {"red": 0, "amber": 1}
    keys = list(zip(bl["workstream"].tolist(), bl["line"].tolist(), strict=True))
    alloc = pd.to_numeric(bl["allocated"], errors="coerce").fillna(0).astype(float).tolist()
    order = sorted(range(len(bl)), key=lambda i: (level.get(rated.get(keys[i]), 2), -alloc[i], i))
    detail = ""
    if len(bl) > PRINT_ROWS:
        left = bl.iloc[order[PRINT_ROWS:]]
        off = sum(1 for i in order[PRINT_ROWS:] if keys[i] in rated)
        sums = [f"{m} {rag_view.money(float(v))}" for m in ("allocated", "forecast", "spent")
                if pd.notna(v := pd.to_numeric(left[m], errors="coerce").sum(min_count=1))]
        detail = (f" ({off:,} of them off plan)" if off else " within plan") + (
            f", {', '.join(sums)} between them" if sums else "")
    return cut_frame(lambda frame: _budget_rows(frame, "Budget lines"), bl, PRINT_ROWS, "budget lines", order, detail)


def _series_in_order(latest: pd.DataFrame, order: list[int], series: list) -> list:
    """A workstream's SPC series, the metrics that need attention first (red, amber, then the rest, as the latest
    values table lists them)."""
    rank = {}
    for pos, i in enumerate(order):
        row = latest.iloc[i]
        rank.setdefault((int(row["metric_id"]), row["locality"] if isinstance(row["locality"], str) else ""), pos)
    return sorted(series, key=lambda s: rank.get((int(s.metric_id), s.locality or ""), len(rank)))


# --- charts: the pages' own builders, kept as specs -------------------------------------------------------------


def _spec(chart) -> dict:
    import altair as alt

    with alt.utils.schemapi.debug_mode(False), alt.data_transformers.enable("default", max_rows=None):
        return chart.to_dict(validate=False)


def _when(value) -> str:
    return f"{value:%d %B %Y}".lstrip("0") if value is not None and value == value else ""


def _timeline_chart(name: str, shown: pd.DataFrame, total: int, as_at: date, meeting: date | None) -> Chart | None:
    """The timeline of the milestones the section's table prints (the most pressing, at most PRINT_ROWS bars): a
    timeline of hundreds of bars cannot be read on a page, and each bar is drawing work."""
    dated = shown[shown["due"].notna()].sort_values(["due"], kind="stable")
    if dated.empty:
        return None
    counts = dated["rag"].map(WORDS).fillna("Not rated").value_counts()
    rag_words = ", ".join(f"{int(counts[w])} {w.lower()}" for w in ("Red", "Amber", "Green", "Not rated") if w in counts)
    slipped = int(((dated["baseline_due"].notna()) & (dated["baseline_due"] != dated["due"])).sum())
    more = (f" (the {len(dated)} of its {total} milestones that most need the board's attention)"
            if total > len(dated) else "")
    alt_text = (f"Timeline of {len(dated)} dated milestones in {name}{more}, due from {_when(dated['due'].min())} to "
                f"{_when(dated['due'].max())}: {rag_words}; {slipped} moved from their baseline date. The table "
                "below lists them.")
    chart = milestone_view.timeline(dated, as_at, meeting, label_chars=TIMELINE_LABEL_CHARS, width=TIMELINE_WIDTH)
    return Chart(f"{name}: milestone timeline", _spec(chart), alt_text)


def _heat_chart(name: str, scored: pd.DataFrame, rules: RagRules) -> Chart:
    cells = risk_view.heat_cells(scored, rules)
    by_rag = cells.groupby("rag")["count"].sum()
    top = cells.sort_values(["score", "count"], ascending=False)
    worst = top[top["count"] > 0].iloc[0]
    alt_text = (f"Heat map of {int(cells['count'].sum())} open scored risks in {name} by likelihood and impact: "
                + ", ".join(f"{int(by_rag.get(w, 0))} in {w.lower()} cells" for w in ("Red", "Amber", "Green"))
                + f". The highest-scoring occupied cell is likelihood {int(worst['likelihood'])}, impact "
                  f"{int(worst['impact'])} (score {int(worst['score'])}), with {int(worst['count'])} risk(s).")
    return Chart(f"{name}: risk heat map", _spec(risk_view.heat_map(cells)), alt_text)


def _budget_chart(name: str, periods: pd.DataFrame) -> Chart:
    sums = {m: periods[m].sum(min_count=1) for m in ("allocated", "forecast", "spent")}
    said = "; ".join(f"{m} {rag_view.money(v)}" for m, v in sums.items() if pd.notna(v))
    return Chart(f"{name}: allocation, forecast and spend", _spec(budget_view.period_chart(periods)),
                 f"Bar chart of {name}'s budget over all periods: {said}.")


def _spc_chart(series) -> Chart:
    return Chart(series.label, spc_view.spc_spec(series, False), spc_view.chart_summary(series))


def _rag_chart(matrix: pd.DataFrame) -> Chart | None:
    if matrix.empty:
        return None
    totals = matrix[["red", "amber", "green", "unrated"]].sum()
    alt_text = (f"Stacked bars of RAG counts for each top-level workstream, one panel each for milestones, risks, "
                f"budget and metrics: {int(totals['red'])} red, {int(totals['amber'])} amber, {int(totals['green'])} "
                f"green and {int(totals['unrated'])} not rated in all. The table above gives every count.")
    return Chart("RAG by workstream", _spec(rag_view.matrix_chart(matrix, "Workstream")), alt_text)


# --- tables ---------------------------------------------------------------------------------------------------


def _value(v: object) -> object:
    """A cell as a plain Python value: NaN and NaT become None, numpy numbers and Decimals Python numbers,
    timestamps dates."""
    if v is None:
        return None
    if isinstance(v, pd.Timestamp):
        return None if pd.isna(v) else (v.date() if v == v.normalize() and v.tzinfo is None else v.to_pydatetime())
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(v, "item"):
        return v.item()
    if isinstance(v, Decimal):  # PostgreSQL's sums of pence: numbers, as on SQLite
        return int(v) if v == v.to_integral_value() else float(v)
    return v


def _dataset(name: str, columns: Sequence[tuple[str, str, str]], frame: pd.DataFrame, empty: str = "None.") -> Dataset:
    """``columns`` are (frame column, heading, kind)."""
    cols = [frame[c].tolist() if c in frame else [None] * len(frame) for c, _, _ in columns]
    rows = tuple(tuple(_value(v) for v in row) for row in zip(*cols, strict=True)) if len(frame) else ()
    return Dataset(name, tuple(Column(h, k) for _, h, k in columns), rows, empty)


def _milestone_rows(ms: pd.DataFrame) -> Dataset:
    return _dataset("Milestones", [
        ("rag", "RAG", "rag"), ("workstream", "Workstream", "text"), ("ref", "Ref", "text"),
        ("title", "Milestone", "text"), ("owner", "Owner", "text"), ("due", "Due", "date"),
        ("baseline_due", "Baseline", "date"), ("slippage_days", "Slippage (days)", "integer"),
        ("status_words", "Status", "text"), ("locality", "Locality", "text")],
        ms.assign(status_words=status_words(ms["status"])), "No milestones.")


def _risk_rows(rk: pd.DataFrame) -> Dataset:
    return _dataset("Risks", [
        ("rag", "RAG", "rag"), ("score", "Score", "integer"), ("trend", "Trend", "text"),
        ("previous_score", "Was", "integer"), ("workstream", "Workstream", "text"), ("ref", "Ref", "text"),
        ("title", "Risk", "text"), ("owner", "Owner", "text"), ("likelihood", "Likelihood", "integer"),
        ("impact", "Impact", "integer"), ("mitigation", "Mitigation", "text"), ("review_due", "Review due", "date")],
        rk, "No open risks.")


def _budget_rows(bl: pd.DataFrame, name: str) -> Dataset:
    bl = bl.assign(line_kind=bl["line_kind"].map(budget_view.LINE_KINDS).fillna(bl["line_kind"])) if len(bl) else bl
    return _dataset(name, [
        ("workstream", "Workstream", "text"), ("line", "Line", "text"), ("funder", "Funder", "text"),
        ("commissioner", "Commissioner", "text"), ("line_kind", "Kind", "text"), ("allocated", "Allocated", "money"),
        ("forecast", "Forecast", "money"), ("spent", "Spent", "money")], bl, "No budget lines.")


def _budget_periods(by_period: pd.DataFrame) -> Dataset:
    return _dataset("Budget by period", [
        ("workstream", "Workstream", "text"), ("period", "Period", "text"), ("allocated", "Allocated", "money"),
        ("forecast", "Forecast", "money"), ("spent", "Spent", "money"),
        ("variance", "Variance (lines with a forecast or spend)", "money"), ("variance_pct", "Variance %", "number")], by_period,
        "No budget amounts.")


def _metric_rows(values: pd.DataFrame) -> Dataset:
    if len(values):
        values = values.assign(direction=metric_view.better_when(values["direction"]),
                               unit=metric_view.units_in_words(values["unit"]))
    return _dataset("Metric values", [
        ("rag", "RAG", "rag"), ("workstream", "Workstream", "text"), ("name", "Metric", "text"),
        ("locality", "Locality", "text"), ("period", "Period", "text"), ("period_start", "Period start", "date"),
        ("target", "Target", "number"), ("actual", "Actual", "number"), ("unit", "Unit", "text"),
        ("direction", "Better when", "text")], values, "No metric values.")


def _period_words(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with its period labels in words, as the pages print them ("July 2018", "Q2 2016-17 (Jul–Sep 2016)")."""
    if "period" not in frame or not len(frame):
        return frame
    starts = frame["period_start"] if "period_start" in frame else [None] * len(frame)
    return frame.assign(period=[metric_view.period_words(p, s) for p, s in zip(frame["period"], starts, strict=True)])


def _latest_rows(latest: pd.DataFrame) -> Dataset:
    latest = _period_words(latest)
    if len(latest):
        latest = latest.assign(direction=metric_view.better_when(latest["direction"]),
                               unit=metric_view.units_in_words(latest["unit"]))
    return _dataset("Latest metric values", [
        ("rag", "RAG", "rag"), ("name", "Metric", "text"), ("locality", "Locality", "text"),
        ("period", "Period", "text"), ("target", "Target", "number"), ("actual", "Latest", "number"),
        ("unit", "Unit", "text"), ("direction", "Better when", "text")], latest, "No metrics.")


def _rag_overview(matrix: pd.DataFrame, latest: pd.DataFrame, series) -> Dataset:
    table = rag_view.group_words(spc_view.with_metric_verdicts(rag_view.matrix_table(matrix, "Workstream"),
                                                               "Workstream", latest, series, "root"), "Workstream")
    return _dataset("RAG overview", [(c, c, "text") for c in table.columns], table, "Nothing uploaded yet.")


def _exceptions(source, filters: Filters, rules: RagRules) -> tuple[Dataset, ...]:
    ms = attention.milestones_needing_attention(source, filters, rules)
    rk = attention.risks_needing_attention(source, filters, rules)
    bl = attention.budget_lines_off_plan(source, filters, rules)
    mt = attention.metrics_off_target(source, filters, rules)
    return (
        _dataset("Milestones needing attention", [
            ("when", "When", "text"),  # "27 days overdue", "Due in 3 days": a State column said it again ("workstream", "Workstream", "text"),
            ("title", "Milestone", "text"), ("owner", "Owner", "text"), ("due", "Due", "date"),
            ("status_words", "Status", "text")],
            ms.assign(status_words=status_words(ms["status"]) if len(ms) else None,
                      when=ms["days"].map(milestone_view.due_words) if len(ms) else None,  # "27 days overdue", as the Overview says
                      due=pd.to_datetime(ms["due"]) if len(ms) else None),
            f"No milestone is overdue or due in the next {rules.milestone_due_soon_days} days."),
        _dataset("Risks red or rising", [
            ("reason", "Why", "text"), ("rag", "RAG", "rag"), ("score", "Score", "integer"),
            ("previous_score", "Was", "integer"), ("workstream", "Workstream", "text"), ("ref", "Ref", "text"),
            ("title", "Risk", "text"), ("owner", "Owner", "text"), ("review_due", "Review due", "date")],
            rk.assign(review_due=pd.to_datetime(rk["review_due"])) if len(rk) else rk, "No open risk is red or rising."),
        _dataset("Budget lines off plan", [
            ("rag", "RAG", "rag"), ("workstream", "Workstream", "text"), ("line", "Line", "text"),
            ("plan", "Plan", "money"), ("basis", "Basis", "text"), ("compare", "Forecast or spent", "money"),
            ("variance", "Variance", "money"), ("variance_pct", "Variance %", "number")], bl,
            f"Every budget line is within {rules.budget_amber_pct:g}% of its allocation."),
        _dataset("Metrics off target", [
            ("rag", "RAG", "rag"), ("workstream", "Workstream", "text"), ("name", "Metric", "text"),
            ("locality", "Locality", "text"), ("period", "Period", "text"), ("target", "Target", "number"),
            ("actual", "Latest", "number"), ("unit", "Unit", "text")],
            _period_words(mt).assign(unit=metric_view.units_in_words(mt["unit"])) if len(mt) else mt,
            "Every rated metric is on target."),
    )


def _changes_since_last_meeting(source, board_id: int, as_at: date) -> tuple[tuple[ChangeSection, ...], str]:
    from presentation.upload_report import changes_frame

    last = attention.previous_meeting(source, board_id, as_at)
    since = datetime.combine(last, time.max, tzinfo=UTC) if last else None
    changed = attention.changes_since(source, board_id, since, datetime.combine(as_at, time.max, tzinfo=UTC))
    note = (f"What the uploads changed after the meeting of {_when(last)}, up to {_when(as_at)}." if last else
            f"There is no earlier meeting on record, so this lists every upload's changes up to {_when(as_at)}.")
    frame = pd.concat([changed[["uploaded_at", "file_name"]].reset_index(drop=True),
                       changes_frame(changed).reset_index(drop=True)], axis=1) if len(changed) else changed
    rows = _dataset("Changes", [("uploaded_at", "Uploaded", "datetime"), ("file_name", "File", "text"),
                                ("Change", "Change", "text"), ("What", "What", "text"), ("Item", "Item", "text"),
                                ("Field", "Field", "text"), ("Was", "Was", "text"), ("Now", "Now", "text")],
                    frame, "Nothing was uploaded in that time.")
    return (ChangeSection("Changes from uploads", rows),), note


def _actions(actions: Sequence[ActionItem]) -> Dataset:
    return Dataset("Matters arising", (Column("Ref"), Column("Action"), Column("Owner"), Column("Due", "date"),
                                       Column("Status"), Column("Raised", "date")),
                   tuple((a.ref, a.text, a.owner, a.due, a.status.capitalize(), a.raised) for a in actions),
                   "No actions are carried forward.")


def _forward_plan(source, filters: Filters, count: int = 4) -> tuple[MeetingAhead, ...]:
    ahead = forward_plan.meetings_ahead(source, filters.board_id, filters.as_at, count)
    if ahead.empty:
        return ()
    dates = list(ahead["date"])
    due = forward_plan.due_before_meetings(source, filters, dates)
    reviews = forward_plan.reviews_before_meetings(source, filters, dates)
    out = []
    for m in ahead.itertuples():
        items = due[due["meeting"] == m.date] if len(due) else due
        rv = reviews[reviews["meeting"] == m.date] if len(reviews) else reviews
        tops = sorted(set(items.get("top", pd.Series(dtype=object)).fillna(NO_WORKSTREAM))
                      | set(rv.get("top", pd.Series(dtype=object)).fillna(NO_WORKSTREAM)))
        rows = [("Milestone due", r.workstream, r.title, r.owner, _value(pd.Timestamp(r.due)) if r.due else None)
                for r in items.itertuples()]
        rows += [("Risk review", r.workstream, r.title, r.owner,
                  _value(pd.Timestamp(r.review_due)) if r.review_due else None) for r in rv.itertuples()]
        out.append(MeetingAhead(m.date, m.title, tuple(tops), Dataset(
            f"Due before {m.date:%-d %b %Y}", (Column("What"), Column("Workstream"), Column("Item"), Column("Owner"),
                                               Column("Due", "date")),
            tuple(tuple(_value(v) for v in r) for r in rows), "No open milestone or risk review falls due before it.")))
    return tuple(out)


def _uploads(source, board_id: int) -> Dataset:
    from sqlalchemy import select

    from data_model.tables import Upload

    up = Upload.__table__
    with source.connect() as conn:
        rows = conn.execute(select(up.c.file_name, up.c.kind, up.c.uploaded_by, up.c.uploaded_at, up.c.row_count,
                                   up.c.sha256).where(up.c.board_id == board_id).order_by(up.c.id)).all()
    return Dataset("Uploads", (Column("File"), Column("Kind"), Column("Uploaded by"), Column("Uploaded", "datetime"),
                               Column("Rows", "integer"), Column("sha256")),
                   tuple((r[0], r[1], r[2], _utc(r[3]) if r[3] else None, r[4], r[5]) for r in rows),
                   "Nothing has been uploaded.")


def _warnings(source, board_id: int) -> Dataset:
    """The warnings of the newest upload of each file: what the board should know about the data it reads (a total
    that does not reconcile, a date kept as text)."""
    from sqlalchemy import func, select

    from data_model.tables import ImportIssue, Upload

    up, ii = Upload.__table__, ImportIssue.__table__
    newest = select(func.max(up.c.id)).where(up.c.board_id == board_id).group_by(up.c.file_name)
    q = (select(up.c.file_name, ii.c.sheet, ii.c.row, ii.c.column, ii.c.message)
         .join(up, up.c.id == ii.c.upload_id).where(ii.c.upload_id.in_(newest), ii.c.severity == "warning")
         .order_by(up.c.file_name, ii.c.sheet, ii.c.row, ii.c.id))
    with source.connect() as conn:
        rows = conn.execute(q).all()
    return Dataset("Import warnings", (Column("File"), Column("Sheet"), Column("Row", "integer"), Column("Column"),
                                       Column("Warning")), tuple(tuple(r) for r in rows),
                   "The uploads behind this pack raised no warnings.")
