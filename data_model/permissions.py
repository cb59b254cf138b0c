"""Who may do what: the one permission function every page and action asks, ``allowed(action, resource, actor)``.

Roles are held per board. A viewer (a board member) reads the board's views, snapshots and packs; a lead reads too
and uploads for the top-level workstreams assigned to them; a chair reads too and runs the board's meetings,
snapshots, exports and RAG rules, and reads its audit trail; an admin does everything, everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from data_model.vocabulary import within

ROLES = ("viewer", "lead", "chair")
ROLE_NAMES = {"viewer": "Viewer (board member)", "lead": "Lead (uploads for their workstreams)",
              "chair": "Chair (meetings, snapshots, exports, RAG rules, audit)"}

# What each action is, in the words the refusal message uses.
ACTIONS = {
    "view": "read this board's views",
    "upload": "upload trackers",
    "meetings": "manage this board's meetings",
    "snapshot": "freeze a meeting snapshot",
    "export": "export this board's data",
    "pack": "export this board's board pack",
    "rules": "change this board's RAG rules",
    "audit": "read this board's audit trail",
    "users": "manage users, boards and roles",
}
CHAIR_ACTIONS = frozenset({"meetings", "snapshot", "export", "rules", "audit"})


@dataclass(frozen=True)
class Grant:
    board_id: int
    role: str
    workstreams: tuple[str, ...] = ()  # a lead's top-level workstreams


@dataclass(frozen=True)
class Actor:
    """The signed-in person, as loaded from the database on every page run (so a revoked role bites at once)."""

    user_id: int
    email: str
    name: str | None = None
    is_admin: bool = False
    grants: tuple[Grant, ...] = ()

    def grant(self, board_id: int) -> Grant | None:
        return next((g for g in self.grants if g.board_id == board_id), None)

    @property
    def label(self) -> str:
        return self.name or self.email


@dataclass(frozen=True)
class Resource:
    """What an action is on. No board means "on any board" (can this person ever do it: used for the menu).

    ``workstreams`` are the top-level workstreams an upload touches ("" for rows with none); None when not known.
    """

    board_id: int | None = None
    workstreams: tuple[str, ...] | None = None


ANYWHERE = Resource()


def allowed(action: str, resource: Resource | None, actor: Actor | None) -> bool:
    """True when ``actor`` may do ``action`` on ``resource``. Unknown actions are refused."""
    if actor is None or action not in ACTIONS:
        return False
    if actor.is_admin:
        return True
    if action == "users":
        return False
    resource = resource or ANYWHERE
    if resource.board_id is None:
        return any(allowed(action, Resource(g.board_id, resource.workstreams), actor) for g in actor.grants)
    grant = actor.grant(resource.board_id)
    if grant is None:
        return False
    if action in ("view", "pack"):  # every role on the board reads its views and its board packs
        return True
    if action == "upload":
        if grant.role != "lead":
            return False
        return resource.workstreams is None or all(within(w, grant.workstreams) for w in resource.workstreams)
    if action in CHAIR_ACTIONS:
        return grant.role == "chair"
    return False


def visible_boards(actor: Actor | None) -> set[int] | None:
    """The boards ``actor`` may read; None means every board (an admin)."""
    if actor is None:
        return set()
    if actor.is_admin:
        return None
    return {g.board_id for g in actor.grants}


def upload_refusal(actor: Actor | None, board_id: int, board_name: str, workstreams: tuple[str, ...]) -> str | None:
    """Why ``actor`` may not load a file touching ``workstreams`` for this board, in words; None when they may."""
    if allowed("upload", Resource(board_id, workstreams), actor):
        return None
    grant = actor.grant(board_id) if actor else None
    if grant is None or grant.role != "lead":
        return (f"You can't upload trackers for {board_name}: uploading needs the lead role on this board. "
                "Ask your board administrator.")
    theirs = ", ".join(grant.workstreams) or "no workstreams yet"
    outside = [w for w in workstreams if not within(w, grant.workstreams)]
    named = [w for w in outside if w]
    rows = " and ".join(([f"rows for {', '.join(named)}"] if named else []) + (
        ["rows with no workstream"] if "" in outside else []))
    if len(outside) == len(workstreams):
        return (f"None of this file's rows are for your workstreams on {board_name} ({theirs}): it has {rows}. "
                "Nothing was loaded. Check the file and the board, or ask your board administrator to assign you "
                "those workstreams.")
    return (f"This file also has {rows}, but on {board_name} you upload only for {theirs}. Nothing was loaded. "
            "Split the file, or ask your board administrator to assign you those workstreams.")


def refusal(action: str, board_name: str) -> str:
    """Why a person may not do ``action`` on this board, in a sentence they can act on (for chair-only actions)."""
    needs = "the chair role on this board, or an administrator" if action in CHAIR_ACTIONS else "a role on this board"
    return (f"You can't {ACTIONS.get(action, action)} for {board_name}: that needs {needs}. Nothing was written. "
            "Ask your board administrator.")
