"""``python -m data_model export``: a board pack written to a file, for scripted packs and checks.

Exit 0 written (its path printed), 1 refused with a sentence (no such board, no snapshot for that meeting), 2 usage.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime
from pathlib import Path


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date written YYYY-MM-DD, such as 2016-09-27") from None


def add_parser(sub) -> None:  # argparse's subparsers action
    e = sub.add_parser("export", help="write a board pack (PDF, Excel or HTML) to a file",
                       description="Write a board's pack from a frozen snapshot, or from the current data (marked "
                                   "not frozen), and print the file's path.",
                       epilog="Example: python -m data_model export --board rutland-hwb --now --format pdf --out packs")
    e.add_argument("--board", required=True, metavar="SLUG", help="the board's short name, e.g. rutland-hwb")
    which = e.add_mutually_exclusive_group(required=True)
    which.add_argument("--snapshot", type=int, metavar="ID", help="a frozen snapshot's number")
    which.add_argument("--meeting", type=_day, metavar="YYYY-MM-DD", help="the current snapshot of that meeting")
    which.add_argument("--now", action="store_true", help="the current data, marked not frozen")
    e.add_argument("--format", required=True, choices=["pdf", "xlsx", "html"])
    e.add_argument("--out", type=Path, default=Path("."), metavar="DIR", help="folder to write to (default: here)")
    e.add_argument("--db", dest="export_db", metavar="URL", help="database URL (default: $DATABASE_URL)")


def run(args: argparse.Namespace, by: str) -> int:
    from data_model import open_database, queries
    from data_model.cli import terminal_text
    from data_model.permissions import Actor
    from exports.service import PackRefused, export_pack, resolve_snapshot

    engine = open_database(args.export_db or args.db)
    try:
        # Whoever runs the command line holds the database itself; the export is still checked and audited.
        operator = Actor(user_id=0, email=by, is_admin=True)
        try:
            board = queries.board(engine, args.board)
            if board is None:
                raise PackRefused(f"There is no board called '{args.board}'. The board list shows each board's "
                                  "short name.")
            snapshot = None
            if not args.now:
                snapshot = resolve_snapshot(engine, int(board["id"]), snapshot_id=args.snapshot, meeting=args.meeting)
            as_at = (snapshot.as_at or snapshot.taken_at.date()) if snapshot else datetime.now(UTC).date()
            pack = export_pack(engine, operator, args.board, args.format, as_at=as_at, snapshot=snapshot)
        except PackRefused as exc:
            print(terminal_text(exc), file=sys.stderr)
            return 1
        if args.out.exists() and not args.out.is_dir():
            print(terminal_text(f"{args.out} is a file, not a folder; nothing was written."), file=sys.stderr)
            return 1
        args.out.mkdir(parents=True, exist_ok=True)
        path = args.out / pack.file_name
        partial = path.with_name(path.name + ".part")
        partial.write_bytes(pack.data)
        partial.replace(path)  # a reader never sees half a file
        print(terminal_text(path))
        return 0
    finally:
        engine.dispose()
