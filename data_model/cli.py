"""``python -m data_model``: database housekeeping (schema upgrade, backup and restore) and user administration."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import re
import sys
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
    except (BackupError, AccountError) as exc:
        print(terminal_text(exc), file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    return 0
