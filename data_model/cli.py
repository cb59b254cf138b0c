"""``python -m data_model``: database housekeeping (schema upgrade, backup and restore), user administration and
meeting snapshots."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import re
import sys
from datetime import date
from pathlib import Path

# Characters a terminal acts on rather than shows: C0 controls (ESC starts colour and cursor sequences), DEL, the
# C1 controls (U+009B is a one-character escape on some terminals) and bidi overrides that reorder what is shown.
_TERMINAL_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def terminal_text(text: object) -> str:
    """Text from a file or a person, safe to print: every control character shown as its escape (ESC as \\x1b),
    so a cell can't recolour the terminal, move its cursor, retitle its window or hide a line."""
    return _TERMINAL_CONTROLS.sub(lambda m: ascii(m.group())[1:-1], "" if text is None else str(text))


def json_line(value: object) -> str:
    """One line of JSON whose control characters are all escaped (json.dumps leaves C1 and bidi ones as they are)."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    return _TERMINAL_CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def reason(exc: BaseException) -> str:
    """An exception in a few words, also when its message is empty (MemoryError): never a traceback."""
    if isinstance(exc, MemoryError):
        return "the computer ran out of memory"
    lines = str(exc).strip().splitlines()
    first = lines[0].strip()[:300] if lines else ""
    return terminal_text(first or f"an unexpected {type(exc).__name__}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m data_model", description="Board dashboard database housekeeping.")
    parser.add_argument("--db", metavar="URL", help="database URL (default: $DATABASE_URL, else the local SQLite file)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub.add_parser("upgrade", help="bring the schema up to date (the app and the import CLI also do this on start)")
    b = sub.add_parser("backup", help="copy the SQLite database to a new file, safely while the app runs",
                       epilog="Example: python -m data_model backup backups/board-2016-06-28.db")
    b.add_argument("path", type=Path, metavar="PATH", help="the backup file to create (must not exist)")
    r = sub.add_parser("restore", help="replace the SQLite database's content with a backup's",
                       epilog="Stop imports first. PostgreSQL installs use pg_dump and pg_restore instead.")
    r.add_argument("path", type=Path, metavar="PATH", help="a file made by 'backup'")
    _users_parser(sub)
    _snapshot_parser(sub)
    from data_model import spc_cli

    spc_cli.add_parser(sub)
    from exports import cli as export_cli

    export_cli.add_parser(sub)
    return parser


def _users_parser(sub) -> None:  # argparse's subparsers action
    u = sub.add_parser("users", help="accounts and roles (create the first admin on a fresh install)",
                       description="Accounts and their roles per board. Every change is written to the audit trail.")
    us = u.add_subparsers(dest="users_command", required=True, metavar="ACTION")
    add = us.add_parser("add", help="add a person",
                        epilog="Example: python -m data_model users add jo.bloggs@council.gov.uk --name 'Jo Bloggs' "
                               "--admin. Without --password-stdin or --sso-only a password is generated and printed "
                               "once.")
    add.add_argument("email")
    add.add_argument("--name", help="their name as shown in the app")
    add.add_argument("--admin", action="store_true", help="an administrator: users, boards and roles, everywhere")
    add.add_argument("--sso-only", action="store_true", help="no password: they sign in with single sign-on only")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    us.add_parser("list", help="every account with its roles")
    g = us.add_parser("grant", help="give a person a role on a board (replacing any role they held there)",
                      epilog="Example: python -m data_model users grant sam@nhs.net rutland-hwb lead "
                             "--workstream 'Holistic Health and Wellbeing'")
    g.add_argument("email")
    g.add_argument("board", help="the board's short name, e.g. rutland-hwb")
    g.add_argument("role", choices=["viewer", "lead", "chair"])
    g.add_argument("--workstream", action="append", default=[], metavar="NAME",
                   help="a top-level workstream a lead uploads for (repeat for more)")
    v = us.add_parser("revoke", help="remove a person's role on a board")
    v.add_argument("email")
    v.add_argument("board")
    rp = us.add_parser("reset-password", help="set a new password (generated and printed once) and unlock",
                       epilog="With --password-stdin the password is read from standard input instead.")
    rp.add_argument("email")
    rp.add_argument("--password-stdin", action="store_true", help="read the password from standard input")


def _meeting_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date: write the meeting's date as YYYY-MM-DD") from None


def _snapshot_parser(sub) -> None:  # argparse's subparsers action
    s = sub.add_parser("snapshot", help="freeze a board's data for a meeting, list its snapshots, compare two",
                       description="Meeting snapshots: frozen copies of a board's data, each with its sha256 hash, "
                                   "and what changed between two of them (or a snapshot and now). Taking one is "
                                   "recorded in the audit trail.")
    ss = s.add_subparsers(dest="snapshot_command", required=True, metavar="ACTION")
    create = ss.add_parser("create", help="freeze the board's data for a meeting (made if the board has none)",
                           epilog="Example: python -m data_model snapshot create --board rutland-hwb "
                                  "--meeting 2016-06-28 --by chair@rutland.gov.uk --json")
    create.add_argument("--board", required=True, metavar="SLUG", help="the board's short name, e.g. rutland-hwb")
    create.add_argument("--meeting", required=True, type=_meeting_date, metavar="YYYY-MM-DD",
                        help="the meeting's date")
    create.add_argument("--by", metavar="EMAIL",
                        help="who takes it: an account that is the board's chair or an admin (default: whoever runs "
                             "the command)")
    listing = ss.add_parser("list", help="the board's snapshots, newest meeting first")
    listing.add_argument("--board", required=True, metavar="SLUG", help="the board's short name")
    d = ss.add_parser("diff", help="what changed on a board between two readings (FROM and TO)",
                      epilog="FROM and TO are each a snapshot id, a meeting date (YYYY-MM-DD) or 'now'. Example: "
                             "python -m data_model snapshot diff --board rutland-hwb 2016-06-28 now --json")
    d.add_argument("--board", required=True, metavar="SLUG", help="the board's short name, e.g. rutland-hwb")
    d.add_argument("before", metavar="FROM", help="the earlier reading: a snapshot id, a meeting date or 'now'")
    d.add_argument("after", metavar="TO", help="the later reading: a snapshot id, a meeting date or 'now'")
    for p in (create, listing, d):
        p.add_argument("--db", metavar="URL", default=argparse.SUPPRESS,
                       help="database URL (default: $DATABASE_URL, else the local SQLite file)")
        p.add_argument("--json", action="store_true", help="print JSON instead of sentences")


def _snapshot_line(info) -> str:  # a data_model.snapshots.SnapshotInfo
    c = info.counts
    state = f", superseded by snapshot {info.superseded_by}" if info.superseded else ""
    return terminal_text(
        f"Snapshot {info.id} of {info.board} for the meeting of {info.meeting.day} {info.meeting:%B %Y}{state}: hash "
        f"{info.hash}, taken by {info.taken_by} on {info.taken_at.day} {info.taken_at:%B %Y at %H:%M} UTC; "
        f"{c.milestones} milestones, {c.risks} "
        f"risks, {c.budget_lines} budget lines, {c.metric_values} metric values.")


def _snapshot(engine, args) -> int:  # an Engine and the parsed arguments
    from data_model import snapshots
    from data_model.accounts import load_actor, user_id

    if args.snapshot_command == "diff":
        return _diff(engine, args)
    if args.snapshot_command == "create":
        by: object = _by()
        if args.by:
            found = user_id(engine, args.by)
            actor = load_actor(engine, found) if found is not None else None
            if actor is None:
                raise snapshots.SnapshotError(f"There is no active account for {args.by.strip().lower()}: --by "
                                              "names the chair or admin taking the snapshot. Nothing was written.")
            by = actor
        info = snapshots.take_snapshot(engine, args.board, args.meeting, by)
        if args.json:
            out = info.as_json()
            print(json_line({k: out[k] for k in ("id", "board", "meeting", "taken_at", "taken_by", "hash",
                                                 "counts")}))
        else:
            print(_snapshot_line(info))
        return 0
    board = _board_id(engine, args.board)
    found = snapshots.list_snapshots(engine, board)
    if args.json:
        print(json_line([info.as_json() for info in found]))
    elif not found:
        print(terminal_text(f"{args.board} has no snapshots yet. A chair takes one with: python -m data_model "
                            f"snapshot create --board {args.board} --meeting YYYY-MM-DD"))
    for info in found if not args.json else ():
        print(_snapshot_line(info))
    return 0


def _board_id(engine, slug: str) -> int:  # an Engine
    from sqlalchemy import select

    from data_model.snapshots import SnapshotError
    from data_model.tables import Board

    with engine.connect() as conn:
        found = conn.execute(select(Board.__table__.c.id).where(Board.__table__.c.slug == slug)).scalar()
    if found is None:
        raise SnapshotError(f"There is no board called '{slug}'. The board list shows each board's short name.")
    return int(found)


class Refused(Exception):
    """A command that cannot do what was asked, in a sentence for the person who asked (exit status 1)."""


def resolve_source(engine, board: str, token: str):  # an Engine, a board's slug -> data_model.changes.Reading
    """What FROM or TO of `snapshot diff` names: 'now' is the live data as at today under the board's rules in force;
    a snapshot id, or a meeting date (its latest snapshot), is that frozen copy as at its date under its frozen rules.
    Refused when there is no such snapshot."""
    from datetime import date

    from data_model import queries, snapshots
    from data_model.board_settings import board_rules
    from data_model.changes import Reading
    from data_model.rag import RagRules

    text = token.strip().lower()
    if text == "now":
        return Reading(engine, date.today(), board_rules(engine, board), "now")
    found = snapshots.list_snapshots(engine, _board_id(engine, board))
    chosen = None
    if text.isdigit():
        chosen = next((i for i in found if i.id == int(text)), None)
    else:
        try:
            day = date.fromisoformat(text)
        except ValueError:
            day = None
        of_day = [i for i in found if i.meeting == day and not i.superseded]
        chosen = of_day[0] if of_day else None
    if chosen is None:
        raise Refused(f"There is no snapshot for that meeting ('{terminal_text(token)}') on {terminal_text(board)}. "
                      "FROM and TO are each a snapshot id, a meeting date (YYYY-MM-DD) or 'now'; "
                      f"`python -m data_model snapshot list --board {terminal_text(board)}` lists them.")
    source = snapshots.snapshot_source(engine, chosen.id)
    rules = RagRules.from_settings((queries.board(source, board) or {}).get("settings"))
    return Reading(source, chosen.as_at, rules, f"snapshot {chosen.id} (meeting of {chosen.meeting:%d %B %Y})")


def _words(name: str) -> str:
    return name.replace("_", " ").replace("rag", "RAG")


def _change_line(item) -> str:  # one of data_model.changes' *Change items
    """One change in a line: what it is, where, the before and after, and the file it came from."""
    data = item.as_json()
    name = " ".join(str(data[k]) for k in ("ref", "title", "line", "name", "period", "locality") if data.get(k))
    days = f", {data['days']} days" if "days" in data else ""
    source = f" [{data['file']}, {data['uploaded_by'] or 'uploader not recorded'}]" if data.get("file") else ""
    return (f"{name} ({data['workstream'] or 'no workstream'}): {_state_text(data['before'])} -> "
            f"{_state_text(data['after'])}{days}{source}")


def _state_text(state: dict | None) -> str:
    if state is None:
        return "none"
    return ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in state.items() if v is not None) or "blank"


def _diff(engine, args) -> int:  # an Engine and the parsed arguments
    from data_model import queries
    from data_model.changes import compare

    if queries.board(engine, args.board) is None:
        raise Refused(f"There is no board called '{terminal_text(args.board)}'. The board list shows each board's "
                      "short name.")
    before, after = resolve_source(engine, args.board, args.before), resolve_source(engine, args.board, args.after)
    changes = compare(before, after, args.board)
    if args.json:
        print(json_line(changes.as_json()))
        return 0
    print(terminal_text(f"What changed on {args.board}, from {before.label} (as at {before.as_at:%d %B %Y}) to "
                        f"{after.label} (as at {after.as_at:%d %B %Y}):"))
    for section, groups in changes.counts().items():
        parts = [f"{n} {_words(name)}" for name, n in groups.items()]
        print(f"  {section.capitalize()}: {', '.join(parts)}")
    for section, groups in changes.sections().items():
        for name, items in groups.items():
            for item in items:
                print(terminal_text(f"  {section} {_words(name)}: {_change_line(item)}"))
    return 0


def _password_from_stdin() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != first:
            raise SystemExit("The two passwords differ; nothing was changed.")
        return first
    return sys.stdin.readline().rstrip("\n")


def _by() -> str:
    try:
        return f"command line ({getpass.getuser()})"
    except (KeyError, OSError):
        return f"command line (uid {os.getuid()})"


def _users(engine, args) -> int:  # an Engine and the parsed arguments
    from data_model import accounts

    by = _by()
    if args.users_command == "add":
        password = _password_from_stdin() if args.password_stdin else None
        generated = accounts.add_user(engine, args.email, by=by, name=args.name, password=password, admin=args.admin,
                                      sso_only=args.sso_only)
        print(f"Added {terminal_text(args.email.strip().lower())}{' (admin)' if args.admin else ''}.")
        if generated:
            print(f"Password (shown once; hand it over privately): {generated}")
    elif args.users_command == "list":
        people = accounts.users(engine)
        if people.empty:
            print("No accounts yet. Add the first admin: python -m data_model users add EMAIL --admin")
        for p in people.itertuples():
            flags = [f for f, on in (("admin", p.admin), ("switched off", not p.active), ("locked", p.locked),
                                     ("demo", p.demo), ("single sign-on", p.sign_in != "password")) if on]
            print(terminal_text(f"{p.email}{' (' + ', '.join(flags) + ')' if flags else ''}: {p.roles or 'no roles'}"))
    elif args.users_command == "grant":
        accounts.grant(engine, args.email, args.board, args.role, by=by, workstreams=args.workstream)
        scope = f" for {', '.join(args.workstream)}" if args.workstream else ""
        print(terminal_text(f"{args.email.strip().lower()} is now {args.role} on {args.board}{scope}."))
    elif args.users_command == "revoke":
        accounts.revoke(engine, args.email, args.board, by=by)
        print(terminal_text(f"{args.email.strip().lower()} no longer holds a role on {args.board}."))
    elif args.users_command == "reset-password":
        password = _password_from_stdin() if args.password_stdin else None
        generated = accounts.set_password(engine, args.email, by=by, password=password)
        print(f"Password set for {terminal_text(args.email.strip().lower())}; the account is unlocked.")
        if generated:
            print(f"Password (shown once; hand it over privately): {generated}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _run(args)
    except KeyboardInterrupt:
        print(f"{args.command} was interrupted; a change it had not finished was rolled back.", file=sys.stderr)
        return 130
    except Exception as exc:
        print(f"{args.command} failed: {reason(exc)}", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace) -> int:
    if args.command == "spc":  # a calculation on its input alone: no database
        from data_model import spc_cli

        return spc_cli.run(args)
    if args.command == "export":
        from exports import cli as export_cli

        return export_cli.run(args, _by())
    from data_model import make_engine, upgrade
    from data_model.accounts import AccountError
    from data_model.backup import BackupError, backup, restore, sqlite_path
    from data_model.snapshots import SnapshotError

    engine = make_engine(args.db)
    try:
        if args.command == "upgrade":
            upgrade(engine)
            print("The database schema is up to date.")
        elif args.command == "backup":
            sqlite_path(engine)
            upgrade(engine)
            backup(engine, args.path)
            print(f"Backed up to {terminal_text(args.path)}.")
        elif args.command == "restore":
            restore(engine, args.path)
            print(f"Restored from {terminal_text(args.path)}.")
        elif args.command == "users":
            upgrade(engine)
            return _users(engine, args)
        elif args.command == "snapshot":
            upgrade(engine)
            return _snapshot(engine, args)
    except (BackupError, AccountError, Refused, SnapshotError) as exc:
        print(terminal_text(exc), file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    return 0
