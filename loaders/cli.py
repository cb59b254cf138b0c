"""``python -m loaders import PATH --board SLUG``: import a tracker from a script or a terminal."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from data_model.cli import json_line, reason, terminal_text
from data_model.kinds import KIND_NAMES

EXIT_OK, EXIT_REJECTED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
NO_CHANGES = {"added": 0, "updated": 0, "removed": 0, "unchanged": 0}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m loaders",
        description="Load board tracker spreadsheets (milestones, risks, budget, metrics) into the dashboard's database.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    imp = sub.add_parser(
        "import",
        help="validate a tracker file and load it for a board",
        description="Validate a tracker file (.xlsx, .xlsm or .csv) and load it for a board. Errors reject the whole "
                    "file and nothing is written; warnings do not block. Exit status: 0 loaded (or valid, with "
                    "--dry-run), 1 rejected, 2 usage error.",
        epilog="Example: python -m loaders import sample_data/rutland-hwb/bcf-risks.xlsx --board rutland-hwb --json",
    )
    imp.add_argument("path", metavar="PATH", help="the tracker file")
    imp.add_argument("--board", required=True, metavar="SLUG",
                     help="the board's short name, e.g. rutland-hwb (created if it does not exist)")
    imp.add_argument("--kind", choices=KIND_NAMES, help="what the file holds; detected from its headers when left out")
    imp.add_argument("--sheet", metavar="NAME", action="append",
                     help="read only this sheet (repeat for several); every sheet when left out")
    imp.add_argument("--header-row", type=int, metavar="N",
                     help="the header row, counted from 1 as the spreadsheet numbers rows; found when left out")
    imp.add_argument("--map", metavar="HEADER=FIELD", action="append", dest="maps",
                     help="read the column headed HEADER as FIELD (or 'ignore'), e.g. --map \"Risk Description=title\"; "
                          "repeat for several. The fields of each kind are listed by --dry-run's column report")
    imp.add_argument("--month-first", metavar="COLUMN", action="append",
                     help="read this column's dates month first (07/14/2023); repeatable")
    imp.add_argument("--day-first", metavar="COLUMN", action="append",
                     help="read this column's dates day first (14/07/2023), the default; repeatable")
    imp.add_argument("--db", metavar="URL", help="database URL (default: $DATABASE_URL, else the local SQLite file)")
    imp.add_argument("--dry-run", action="store_true", help="check and report what would change, but write nothing")
    imp.add_argument("--json", action="store_true", help="print one JSON object with records, issues and changes")
    return parser


_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)  # exits with 2 on a usage error
    try:
        if args.command == "import":
            return run_import(args, parser)
    except BrokenPipeError:
        # The reader went away (`| head`): the import itself has finished; say nothing more.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        return _failed(args, "The import was interrupted. Anything it had not finished writing was rolled back.",
                       EXIT_INTERRUPTED)
    except Exception as exc:
        return _failed(args, f"The import could not be completed: {reason(exc)}. Nothing was written.")
    return EXIT_USAGE


def _failed(args: argparse.Namespace, message: str, code: int = EXIT_REJECTED) -> int:
    """Say why in the form asked for: one JSON object with --json, else a sentence on standard error."""
    if getattr(args, "json", False):
        name = Path(str(getattr(args, "path", "") or "")).name or None
        print(json_line({"file": name, "kind": getattr(args, "kind", None), "status": "rejected", "records": [],
                         "errors": [{"sheet": None, "row": None, "column": None, "message": message}],
                         "warnings": [], "changes": NO_CHANGES}), flush=True)
    else:
        print(terminal_text(message), file=sys.stderr, flush=True)
    return code


def run_import(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from loaders.importer import import_path
    from loaders.mapping import ChoiceError, from_cli

    if not _SLUG.match(args.board):
        parser.error(f"--board '{terminal_text(args.board)}' must be lower-case letters, digits and hyphens, "
                     "e.g. rutland-hwb")
    path = Path(args.path)
    if not path.is_file():
        parser.error(f"no such file: {terminal_text(args.path)}")
    try:
        choices = from_cli(kind=args.kind, sheets=args.sheet, header_row=args.header_row, maps=args.maps,
                           month_first=args.month_first, day_first=args.day_first)
    except ChoiceError as exc:
        parser.error(str(exc))
    result = import_path(path, args.board, db_url=args.db, dry_run=args.dry_run, choices=choices)
    if args.json:
        print(json_line(result.as_json()))
    else:
        print_summary(result)
    return EXIT_OK if result.status == "ok" else EXIT_REJECTED


def print_summary(result) -> None:
    a = result.analysis
    kind = " and ".join(k.label for k in a.kinds) or "tracker"
    out = sys.stdout
    if result.status == "ok":
        verb = "would load" if result.dry_run else "loaded"
        print(f"{terminal_text(a.file_name)}: {kind}, {len(a.records)} rows {verb}.", file=out)
        for s in a.sheets:
            reading = a.reading(s.name)
            how = f" ({reading.kind.label}, {reading.confidence})" if reading and reading.kind else ""
            print(f"  sheet '{terminal_text(s.name)}'{how}: header on row {s.header_row}, {s.records} rows", file=out)
        if a.choices.remembered:
            print("  read with the board's remembered mapping for: "
                  + ", ".join(f"'{terminal_text(n)}'" for n in a.choices.remembered), file=out)
        c = result.changes
        if result.already_imported:
            print(f"  This exact file was already imported (upload {result.already_imported}); nothing changed.", file=out)
        else:
            print(f"  changes: {c['added']} added, {c['updated']} updated, {c['removed']} removed, "
                  f"{c['unchanged']} unchanged", file=out)
    else:
        print(f"{terminal_text(a.file_name)}: REJECTED, nothing was written.", file=out)
    for issue in a.errors:
        print(f"  error   {_where(issue)}{terminal_text(issue.message)}", file=out)
    for issue in a.warnings[:50]:
        print(f"  warning {_where(issue)}{terminal_text(issue.message)}", file=out)
    if len(a.warnings) > 50:
        print(f"  ... and {len(a.warnings) - 50} more warnings (use --json to see them all)", file=out)


def _where(issue) -> str:
    parts = []
    if issue.sheet:
        parts.append(f"sheet '{terminal_text(issue.sheet)}'")
    if issue.row:
        parts.append(f"row {issue.row}")
    if issue.column:
        parts.append(f"column '{terminal_text(issue.column)}'")
    return (", ".join(parts) + ": ") if parts else ""
