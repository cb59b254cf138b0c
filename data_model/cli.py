"""``python -m data_model``: database housekeeping (schema upgrade, backup and restore)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


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
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from data_model import make_engine, upgrade
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
            print(f"Backed up to {args.path}.")
        elif args.command == "restore":
            restore(engine, args.path)
            print(f"Restored from {args.path}.")
    except BackupError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except Exception as exc:  # an unreachable database, a full disk...
        print(f"{args.command} failed: {str(exc).splitlines()[0][:300]}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    return 0
