"""What changed, as a board reads it: counts per section, then one table per section, every cell in words.

Built from a ``data_model.changes.Changes`` without Streamlit, so the What changed page and the board pack show the
same tables. Every cell is text: a missing value is "—", never "None", and RAG and statuses are words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from data_model.changes import (
    ActionState,
    BudgetChange,
    Changes,
    FromUpload,
    MetricChange,
    MetricState,
    MilestoneChange,
    MilestoneState,
    RiskChange,
    RiskState,
    review_overdue,
)
from data_model.snapshots import SnapshotInfo
from data_model.vocabulary import RISK_TREND_WORDS
from presentation.metric_view import period_words
from presentation.rag_view import STATUS_WORDS, WORDS, money

NONE = "—"
SECTION_TITLES = {"milestones": "Milestones", "risks": "Risks", "budget": "Budget", "metrics": "Metrics",
                  "actions": "Actions"}
CHANGE_WORDS = {
    "milestones": {"added": "Added", "removed": "Removed", "completed": "Completed", "slipped": "Slipped",
                   "brought_forward": "Brought forward", "rag_changed": "RAG changed"},
    "risks": {"new": "New", "closed": "Closed", "score_up": f"Score {RISK_TREND_WORDS['up'].lower()}",
              "score_down": f"Score {RISK_TREND_WORDS['down'].lower()}", "rerated": "Re-rated",
              "rag_changed": "RAG changed", "review_passed": "Review date passed"},
    "budget": {"moved": "Moved"},
    "metrics": {"new_values": "New value", "off_target": "Newly off target", "back_on_target": "Back on target"},
    "actions": {"opened": "Opened", "closed": "Closed", "overdue": "Overdue"},
}
UPLOAD_COLUMNS = ["File", "Uploaded by"]
MILESTONE_COLUMNS = ["Change", "Workstream", "Ref", "Milestone", "Before", "After", *UPLOAD_COLUMNS]
RISK_COLUMNS = ["Change", "Workstream", "Ref", "Risk", "Before", "After", *UPLOAD_COLUMNS]
BUDGET_COLUMNS = ["Change", "Workstream", "Ref", "Line", "Period", "Allocated", "Forecast", "Spent", *UPLOAD_COLUMNS]
METRIC_COLUMNS = ["Change", "Workstream", "Metric", "Locality", "Before", "After", *UPLOAD_COLUMNS]
ACTION_COLUMNS = ["Change", "Workstream", "Ref", "Action", "Owner", "Before", "After", *UPLOAD_COLUMNS]
ACTION_STATUS_WORDS = {"open": "Open", "done": "Done", "dropped": "Dropped"}


@dataclass(frozen=True)
class SectionCount:
    """One section's count for the page's headline figures, with what it is made of in words."""

    section: str  # "Milestones"
    total: int
    detail: str  # "Added 1 · Slipped 2", or "No change"


def section_counts(changes: Changes) -> list[SectionCount]:
    out = []
    for section, groups in changes.counts().items():
        words = CHANGE_WORDS[section]
        parts = [f"{words[name]} {n}" for name, n in groups.items() if n]
        total = sum(groups.values())
        if section == "budget":
            parts = [f"{total} line{'s' if total != 1 else ''} and period{'s' if total != 1 else ''}"] if total else []
        out.append(SectionCount(SECTION_TITLES[section], total, " · ".join(parts) or "No change"))
    return out


def counts_table(changes: Changes) -> pd.DataFrame:
    """The headline counts as a table (for print): section, how many changes, and of which kind."""
    rows = section_counts(changes)
    return pd.DataFrame({"Section": [r.section for r in rows], "Changes": [str(r.total) for r in rows],
                         "Of which": [r.detail for r in rows]}, columns=["Section", "Changes", "Of which"])


# -- milestones ---------------------------------------------------------------------------------------------------


def milestones_table(changes: Changes) -> pd.DataFrame:
    rows = []
    for name, items in changes.sections()["milestones"].items():
        for c in items:
            rows.append([_milestone_change(name, c), _text(c.workstream), _text(c.ref), c.title,
                         *_milestone_values(name, c), *_upload(c.upload, _no_upload(changes, name))])
    return pd.DataFrame(rows, columns=MILESTONE_COLUMNS)


def _milestone_change(name: str, c: MilestoneChange) -> str:
    word = CHANGE_WORDS["milestones"][name]
    if name in ("slipped", "brought_forward") and c.days is not None:
        return f"{word} {c.days} day{'s' if c.days != 1 else ''}"
    return word


def _milestone_values(name: str, c: MilestoneChange) -> tuple[str, str]:
    if name == "added":
        return "Not on the tracker", _milestone_state(c.after)
    if name == "removed":
        return _milestone_state(c.before), "No longer on the tracker"
    b, a = c.before, c.after
    if name == "completed":
        return _status(b), _status(a) + (f" on {day(a.completed)}" if a and a.completed else "")
    if name in ("slipped", "brought_forward"):
        return f"Due {day(b.due)}", f"Due {day(a.due)}"
    return _rag_due(b), _rag_due(a)


def _rag_due(s: MilestoneState) -> str:
    """'Red, due 30 Sep 2016': the due date tells apart milestones of one title, and says why the RAG moved."""
    return f"{_rag(s.rag)}, due {day(s.due)}" if s.due else _rag(s.rag)


def _milestone_state(s: MilestoneState | None) -> str:
    if s is None:
        return NONE
    due = f"Due {day(s.due)}" if s.due else "No due date"
    return " · ".join([due, _status(s), _rag(s.rag)])


def _status(s: MilestoneState | None) -> str:
    if s is None:
        return NONE
    if s.status:
        return STATUS_WORDS.get(s.status, s.status)
    return "Complete" if s.completed else "No status"


# -- risks --------------------------------------------------------------------------------------------------------


def risks_table(changes: Changes) -> pd.DataFrame:
    rows = []
    for name, items in changes.sections()["risks"].items():
        for c in items:
            rows.append([_risk_change(name, c), _text(c.workstream), _text(c.ref), c.title,
                         *_risk_values(name, c, changes.after_as_at), *_upload(c.upload, _no_upload(changes, name))])
    return pd.DataFrame(rows, columns=RISK_COLUMNS)


def _risk_change(name: str, c: RiskChange) -> str:
    """The change in words; a re-rating names what moved ("Likelihood 3 → 5 · Impact 5 → 3"), as its score may not."""
    if name != "rerated":
        return CHANGE_WORDS["risks"][name]
    parts = [f"{word} {_rating(getattr(c.before, what))} → {_rating(getattr(c.after, what))}"
             for what, word in (("likelihood", "Likelihood"), ("impact", "Impact"))
             if getattr(c.before, what) != getattr(c.after, what)]
    return " · ".join(parts)


def _rating(value: int | None) -> str:
    return "not rated" if value is None else str(value)


def _risk_values(name: str, c: RiskChange, as_at: date) -> tuple[str, str]:
    b, a = c.before, c.after
    if name == "new":  # listed once: a review date already passed is said here, not in a second row
        overdue = f" · Review overdue since {day(a.review_due)}" if review_overdue(a, as_at) else ""
        return "Not in the register", _risk_state(a) + overdue
    if name == "closed":
        return _risk_state(b), "Closed" if a is not None else "No longer in the register"
    if name in ("score_up", "score_down", "rerated"):
        return _score(b), _score(a)
    if name == "review_passed":
        was = f"Review due {day(b.review_due)}" if b.review_due else "No review date"
        return was, f"Review overdue since {day(a.review_due)}"
    return _rag(b.rag), _rag(a.rag)


def _score(s: RiskState | None) -> str:
    if s is None or (s.score is None and s.likelihood is None and s.impact is None):
        return "Not scored"
    if s.score is None:  # one rating without the other: say which, so a re-rating reads on both sides
        return f"Not scored (likelihood {_rating(s.likelihood)}, impact {_rating(s.impact)})"
    parts = f" ({s.likelihood} × {s.impact})" if s.likelihood is not None and s.impact is not None else ""
    return f"Score {s.score}{parts}"


def _risk_state(s: RiskState | None) -> str:
    if s is None:
        return NONE
    return " · ".join(["Open" if s.status == "open" else "Closed", _score(s), _rag(s.rag)])


# -- budget -------------------------------------------------------------------------------------------------------


def budget_table(changes: Changes) -> pd.DataFrame:
    rows = []
    for c in changes.budget:
        what = "Added" if c.before is None else "Removed" if c.after is None else _moved_words(c)
        rows.append([what, _text(c.workstream), _text(c.ref), c.line, period_words(c.period),
                     *(_movement(c, w) for w in ("allocated", "forecast", "spent")), *_upload(c.upload)])
    return pd.DataFrame(rows, columns=BUDGET_COLUMNS)


FIGURE_WORDS = {"allocated": "Allocation", "forecast": "Forecast", "spent": "Spend"}


def _moved_words(c: BudgetChange) -> str:
    """What moved on a line, in words: "Forecast given", "Allocation up · Spend up" (a forecast first given is no
    movement of money, so never just "Moved")."""
    parts = []
    for what, word in FIGURE_WORDS.items():
        was, now = getattr(c.before, f"{what}_pence"), getattr(c.after, f"{what}_pence")
        if was == now:
            continue
        parts.append(f"{word} given" if was is None else f"{word} cleared" if now is None else
                     f"{word} {'up' if now > was else 'down'}")
    return " · ".join(parts) or CHANGE_WORDS["budget"]["moved"]


def _movement(c: BudgetChange, what: str) -> str:
    """'£100,000 → £120,000 (+£20,000)' when the figure moved; the figure alone when it did not."""
    was = getattr(c.before, f"{what}_pence") if c.before else None
    now = getattr(c.after, f"{what}_pence") if c.after else None
    if was == now:
        return pounds(now) if now is not None else NONE
    delta = c.movement_pence(what) or 0
    sign = "+" if delta > 0 else "-"
    return f"{pounds(was) if was is not None else NONE} → {pounds(now) if now is not None else NONE} " \
           f"({sign}{pounds(abs(delta))})"


def pounds(pence: int | None) -> str:
    """Whole pounds (£1,234), or pounds and pence where there are any (£1,234.50)."""
    if pence is None:
        return NONE
    if pence % 100 == 0:
        return money(pence / 100)
    sign = "-" if pence < 0 else ""
    return f"{sign}£{abs(pence) / 100:,.2f}"


# -- metrics ------------------------------------------------------------------------------------------------------


def metrics_table(changes: Changes) -> pd.DataFrame:
    rows = []
    for name, items in changes.sections()["metrics"].items():
        for c in items:
            rows.append([CHANGE_WORDS["metrics"][name], _text(c.workstream), c.name, c.locality or "Area-wide",
                         *_metric_values(name, c), *_upload(c.upload)])
    return pd.DataFrame(rows, columns=METRIC_COLUMNS)


def _metric_values(name: str, c: MetricChange) -> tuple[str, str]:
    if name == "new_values":
        was = NONE if c.before is None else f"{period_words(c.before.period)}: {number(c.before.actual)}"
        return was, _metric_state(c.after)
    return _metric_state(c.before) if c.before else "No value", _metric_state(c.after)


def _metric_state(s: MetricState | None) -> str:
    if s is None:
        return NONE
    target = f", target {number(s.target)}" if s.target is not None else ""
    return f"{period_words(s.period)}: {number(s.actual)}{target} · {_rag(s.rag)}"


def number(value: float | None) -> str:
    """A figure as a person writes it: 90, 2.5, 1,234; "—" for none."""
    if value is None:
        return NONE
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


# -- actions ------------------------------------------------------------------------------------------------------


def actions_table(changes: Changes) -> pd.DataFrame:
    rows = []
    for name, items in changes.sections()["actions"].items():
        for c in items:
            rows.append([CHANGE_WORDS["actions"][name], _text(c.workstream), _text(c.ref), c.title, _text(c.owner),
                         _action_state(c.before), _action_state(c.after), *_upload(c.upload)])
    return pd.DataFrame(rows, columns=ACTION_COLUMNS)


def _action_state(s: ActionState | None) -> str:
    if s is None:
        return NONE
    due = f", due {day(s.due)}" if s.due else ""
    return f"{ACTION_STATUS_WORDS.get(s.status, s.status)}{due}"


SECTION_TABLES = {"milestones": milestones_table, "risks": risks_table, "budget": budget_table,
                  "metrics": metrics_table, "actions": actions_table}


# -- shared -------------------------------------------------------------------------------------------------------


def day(d: date | None) -> str:
    """12 Sep 2016."""
    return f"{d.day} {d:%b %Y}" if d else NONE


def _rag(rag: str | None) -> str:
    return WORDS.get(rag, "Not rated") if rag else "Not rated"


def _text(value: str | None) -> str:
    return value if value else NONE


def _upload(upload: FromUpload | None, why: str = NONE) -> list[str]:
    if upload is None:
        return [why, NONE]
    return [upload.file, upload.uploaded_by or "Not recorded"]


def _no_upload(changes: Changes, name: str) -> str:
    """Why a RAG change or a passed review date came from no upload: the date the board is read as at moved on (a due
    date came near or passed), or the board's RAG rules changed between the two readings."""
    if name not in ("rag_changed", "review_passed"):
        return NONE
    rules = " or the board's RAG rules changed" if changes.rules_changed and name == "rag_changed" else ""
    return f"No upload: the as-at date moved on{rules}"



# -- naming a snapshot in a picker ---------------------------------------------------------------------------------


def snapshot_name(info: SnapshotInfo) -> str:
    """How the Board pack and What changed pickers name a snapshot: its meeting, number, hash, who took it and when,
    and whether a correction has superseded it (plain text: select options are not markdown)."""
    taken = info.taken_at
    # What tells snapshots apart first (a picker cuts a long option at its width): superseded, meeting, number.
    opening = "Superseded: meeting of" if info.superseded else "Meeting of"
    return (f"{opening} {info.meeting.day} {info.meeting:%b %Y} · snapshot {info.id} · taken {taken.day} "
            f"{taken:%b %Y %H:%M} by {info.taken_by} · {info.short_hash}")
