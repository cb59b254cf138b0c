"""Field benchmark: real trackers through the importer's own reading, scored against what a person reads in them.

    python bench/realworld.py DIR MANIFEST [--db-url URL] [--only FILE] [-v]

Every file the manifest names is imported from DIR as a lead would upload it (no kind, no sheet, no
mapping help) into a throwaway SQLite database (one board per file), and scored:

  RIGHT       it loaded (no errors), as the kind a person would say, with the count a person would
              count, nothing else loaded beside it, and every field check of the manifest holds;
  WRONG-LOAD  it loaded, but not as a person reads it (wrong kind, count, sheet or field): worse than
              a refusal, because the board trusts what it sees;
  REFUSED     the import stopped with errors and stored nothing;
  CRASH       the importer (or this scorer) raised an exception on the file; it never stops the run.

One line per file, then ``wrong=<wrong loads>/<files> ...`` and last ``right=<files right>/<files>``.

The manifest (JSON) has one entry per file:

  file          the file name in DIR
  kind          milestones | risks | budget | metrics: what a person would call it
  count         what a person would count (an integer, or a list of readings a person would accept)
  count_unit    rows (default): distinct spreadsheet rows that gave a record of the kind, so a Gantt row
                split into months or a metrics row with several values counts once;
                lines: distinct budget line names (a line with monthly spend counts once);
                records: the importer's records
  scored_sheets the sheets whose records are scored (default: every sheet)
  sheets        per-sheet expectations, {name: {"kind": k or null, "count": n or null, "note": ...}}; when
                given, a sheet not listed (or listed with kind null) must load nothing, and a listed sheet
                that loads must load as its kind (and count, when given). Not loading it is no fault,
                except for a scored sheet, unless it says "optional": true (its rows may be merged into
                another sheet's, as actual costs into the estimated lines)
  other_items   true where the scored sheet also holds items that are not of the kind and may be kept
                apart (a RAID log's issues, assumptions and dependencies): they are not counted
  checks        field checks (below); all must hold
  note          what a person reads in the file

A check picks records and tests one field:

  {"row": 5, "sheet": "Sheet1", "where": {"name": "Total"}, "field": "title", "equals": "Scope creep"}

``row`` (and ``sheet``, default the first scored sheet) picks the records read from that spreadsheet
row (for a CSV, the line number); without ``row``, every scored record (of ``sheet``, when given);
``where`` narrows them by other fields (each value compared as with ``contains``). The check holds when
ANY picked record satisfies it, or ALL with ``"all": true`` (which holds when none is picked). Tests:
``equals`` (text compared case- and space-insensitively, dates as ISO text, numbers to a thousandth),
``contains`` (text), ``one_of`` (a list for ``equals``), ``not`` (the field must not equal it; an absent
field passes). ``field`` is a record attribute (title, owner, due, likelihood, allocated, actual,
locality, workstream, ...) or ``raw.NAME`` for the cell as written. Checks run only when records of the
kind were loaded; a check naming a sheet beside the scored ones tests that sheet's records of its own
kind, when it loaded. A ``why`` says why a person reads it so; the scorer ignores it.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import traceback
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

RIGHT, WRONG, REFUSED, CRASH = "RIGHT", "WRONG-LOAD", "REFUSED", "CRASH"
COUNT_UNITS = ("rows", "lines", "records")


@dataclass
class Outcome:
    """One file's score: what was expected, what the importer did, and the verdict with its first reason."""

    file: str
    expected_kind: str
    expected_count: list[int]
    kind: str | None = None  # the importer's kind for the file
    records: int = 0  # the importer's records, all sheets
    counted: int | None = None  # the scored records, in the manifest's unit
    errors: int = 0
    first_error: str | None = None
    verdict: str = CRASH
    reasons: list[str] = field(default_factory=list)

    def line(self) -> str:
        want = f"{self.expected_kind} {'/'.join(str(c) for c in self.expected_count)}"
        counted = "-" if self.counted is None else str(self.counted)
        got = f"{self.kind or '-'} {self.records} rec ({counted} counted), {self.errors} err"
        first = _short(self.first_error, 90) if self.first_error else "-"
        why = _short(self.reasons[0], 110) if self.reasons else ""
        return (f"{self.file:<40} expect {want:<15} got {got:<36} first error: {first:<92} "
                f"{self.verdict:<10} {why}").rstrip()


def _short(text: str | None, n: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[: n - 1] + "…"


# --- reading the importer's records ---------------------------------------------------------------------------

def record_kind(record: object, fallback: str | None) -> str | None:
    """The kind a record is of, by its row type (so a workbook whose sheets hold different kinds scores each)."""
    from loaders.kinds import KINDS

    for kind in KINDS:
        if isinstance(record, kind.row_type):
            return kind.name
    return fallback


def is_other_item(record: object) -> bool:
    """A row kept beside the kind's own but saying it is something else: a RAID log's issue, assumption or
    dependency kept with the risks (the issue's plan names no field yet, so the likely names are tried)."""
    for name in ("raid_type", "item_type", "type"):
        value = getattr(record, name, None)
        if isinstance(value, str) and value.strip() and value.strip().lower() != "risk":
            return True
    return False


def count(records: list, unit: str) -> int:
    if unit == "records":
        return len(records)
    if unit == "lines":
        return len({(r.provenance.sheet, _norm(getattr(r, "line", None) or "")) for r in records})
    return len({(r.provenance.sheet, r.provenance.row) for r in records})


def value_of(record: object, name: str) -> tuple[bool, object]:
    """(present, value) of a record's field, or of the cell as written for ``raw.NAME``."""
    if name.startswith("raw."):
        raw = record.provenance.raw
        key = name[4:]
        return (key in raw), raw.get(key)
    if name == "sheet":
        return True, record.provenance.sheet
    if name == "row":
        return True, record.provenance.row
    if not hasattr(record, name):
        return False, None
    return True, getattr(record, name)


def _norm(text: object) -> str:
    return " ".join(str(text).casefold().split())


def _as_text(value: object) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def same(value: object, expected: object) -> bool:
    """A record's value equals what the manifest says a person reads."""
    if expected is None or value is None:
        return expected is None and value in (None, "")
    if isinstance(expected, bool) or isinstance(value, bool):
        return value == expected
    if isinstance(expected, (int, float)) and isinstance(value, (int, float, Decimal)):
        return abs(float(value) - float(expected)) < 0.001
    if isinstance(expected, (int, float)):
        try:
            return abs(float(str(value).replace(",", "")) - float(expected)) < 0.001
        except ValueError:
            return False
    return _norm(_as_text(value)) == _norm(expected)


def contains(value: object, expected: object) -> bool:
    return value is not None and _norm(expected) in _norm(_as_text(value))


def check(records: list, spec: dict, default_sheet: str | None) -> str | None:
    """None when the check holds, else why not (in words a lead would follow)."""
    name = spec["field"]
    sheet = spec.get("sheet", default_sheet if "row" in spec else None)
    picked = [r for r in records if (sheet is None or r.provenance.sheet == sheet)
              and ("row" not in spec or r.provenance.row == spec["row"])]
    where = (f"row {spec['row']}" if "row" in spec else "every record" if spec.get("all") else "a record")
    where += f" of '{sheet}'" if sheet else ""
    for key, wanted in (spec.get("where") or {}).items():
        picked = [r for r in picked if contains(value_of(r, key)[1], wanted)]
        where += f" with {key} ~ {wanted!r}"
    if not picked:
        return None if spec.get("all") else f"{where}: no record was read from it"

    def holds(record: object) -> bool:
        present, value = value_of(record, name)
        if "not" in spec:
            return not present or not same(value, spec["not"])
        if not present:
            return False
        if "equals" in spec:
            return same(value, spec["equals"])
        if "contains" in spec:
            return contains(value, spec["contains"])
        if "one_of" in spec:
            return any(same(value, v) for v in spec["one_of"])
        raise ValueError(f"check on {name} has no equals, contains, one_of or not")

    ok = all(holds(r) for r in picked) if spec.get("all") else any(holds(r) for r in picked)
    if ok:
        return None
    test = next(k for k in TESTS if k in spec)
    seen = sorted({_short(_as_text(value_of(r, name)[1]) if value_of(r, name)[0] else "(no such field)", 60)
                   for r in picked})
    return f"{where}: {name} should {TESTS[test]} {spec[test]!r}, read {', '.join(seen[:3])}"


TESTS = {"equals": "equal", "contains": "contain", "one_of": "be one of", "not": "not be"}


# --- scoring one file -----------------------------------------------------------------------------------------

def expected_counts(entry: dict) -> list[int]:
    wanted = entry["count"]
    return [int(c) for c in wanted] if isinstance(wanted, list) else [int(wanted)]


def score(entry: dict, analysis, status: str) -> Outcome:  # noqa: C901 - one verdict, one check per manifest field
    """The verdict for one file, from its analysis and whether it was stored."""
    kind = entry["kind"]
    out = Outcome(entry["file"], kind, expected_counts(entry), kind=analysis.kind_name,
                  records=len(analysis.records), errors=len(analysis.errors),
                  first_error=analysis.errors[0].message if analysis.errors else None)
    if status != "ok":
        out.verdict = REFUSED
        out.reasons.append(out.first_error or "the import was rejected")
        return out

    unit = entry.get("count_unit", "rows")
    if unit not in COUNT_UNITS:
        raise ValueError(f"{entry['file']}: count_unit must be one of {', '.join(COUNT_UNITS)}")
    scored_sheets = entry.get("scored_sheets")
    sheets = entry.get("sheets")
    fallback = analysis.kind_name
    by_sheet: dict[str, list] = {}
    for rec in analysis.records:
        by_sheet.setdefault(rec.provenance.sheet, []).append(rec)

    scored = [r for r in analysis.records if scored_sheets is None or r.provenance.sheet in scored_sheets]
    of_kind = [r for r in scored if record_kind(r, fallback) == kind and not is_other_item(r)]
    others = [r for r in scored if r not in of_kind]
    out.counted = count(of_kind, unit)
    reasons = out.reasons
    if not of_kind and scored:
        kinds = sorted({record_kind(r, fallback) or "?" for r in scored})
        where = f"sheet(s) {', '.join(scored_sheets)}" if scored_sheets else "the file"
        reasons.append(f"loaded {where} as {', '.join(kinds)}, not {kind}")
    elif not of_kind and scored_sheets is None:
        reasons.append("nothing was loaded")
    elif others and not (entry.get("other_items") and all(is_other_item(r) or record_kind(r, fallback) != kind
                                                           for r in others)):
        kinds = sorted({record_kind(r, fallback) or "?" for r in others})
        reasons.append(f"{len(others)} record(s) of the scored sheet(s) loaded as {', '.join(kinds)}")
    if of_kind and out.counted not in out.expected_count:
        reasons.append(f"counted {out.counted} {kind} {unit}, a person counts "
                       f"{' or '.join(str(c) for c in out.expected_count)}")

    for name in scored_sheets or ():
        if name not in by_sheet and not (sheets or {}).get(name, {}).get("optional"):
            reasons.append(f"nothing was loaded from sheet '{name}'")
    if sheets is not None:
        for name, recs in by_sheet.items():
            scored_here = scored_sheets is None or name in scored_sheets
            want = sheets.get(name)
            if want is None or want.get("kind") is None:
                got_kinds = sorted({record_kind(r, fallback) or "?" for r in recs})
                reasons.append(f"loaded {len(recs)} record(s) from sheet '{name}' as {', '.join(got_kinds)}; a "
                               "person would load nothing from it")
                continue
            mine = [r for r in recs if record_kind(r, fallback) == want["kind"] and not is_other_item(r)]
            if not scored_here:
                strays = sorted({record_kind(r, fallback) or "?" for r in recs if r not in mine
                                 and not (entry.get("other_items") and is_other_item(r))})
                if strays:
                    reasons.append(f"sheet '{name}' loaded as {', '.join(strays)}, not {want['kind']}")
                    continue
            if want.get("count") is not None and mine:
                wanted = want["count"] if isinstance(want["count"], list) else [want["count"]]
                n = count(mine, want.get("count_unit", unit))
                if n not in wanted:
                    reasons.append(f"sheet '{name}': counted {n} {want['kind']} {want.get('count_unit', unit)}, "
                                   f"a person counts {' or '.join(map(str, wanted))}")

    default_sheet = scored_sheets[0] if scored_sheets else None
    for spec in entry.get("checks", []):
        side = spec.get("sheet") if scored_sheets is not None and spec.get("sheet") not in scored_sheets else None
        if side is not None:  # a sheet loaded beside the scored ones is checked as its own kind, if it loaded
            want = (sheets or {}).get(side) or {}
            pool = [r for r in by_sheet.get(side, []) if record_kind(r, fallback) == want.get("kind")]
        else:
            pool = of_kind  # with nothing of the kind loaded, the kind's checks are moot
        problem = check(pool, spec, default_sheet) if pool else None
        if problem:
            reasons.append(problem)
    out.verdict = WRONG if reasons else RIGHT
    return out


def run_file(path: Path, entry: dict, engine, board: str, given_kind: bool = False) -> Outcome:
    """Import one file as a lead would (no kind, no mapping) and score it; any exception is a CRASH.

    ``given_kind`` passes the manifest's kind, as a lead choosing it would: a diagnostic that separates
    recognising a file from reading it, never the benchmark's figure.
    """
    from loaders import import_bytes

    try:
        data = path.read_bytes()
        result = import_bytes(data, path.name, board, engine=engine, kind=entry["kind"] if given_kind else None)
        return score(entry, result.analysis, result.status)
    except Exception as exc:
        out = Outcome(entry.get("file", path.name), entry.get("kind", "?"), _safe_counts(entry))
        where = traceback.extract_tb(exc.__traceback__)[-1]
        out.reasons.append(f"{type(exc).__name__}: {exc} (at {Path(where.filename).name}:{where.lineno})")
        return out


def _safe_counts(entry: dict) -> list[int]:
    try:
        return expected_counts(entry)
    except (KeyError, TypeError, ValueError):
        return []


def load_manifest(path: Path) -> list[dict]:
    manifest = json.loads(path.read_text(encoding="utf-8"))
    entries = manifest["files"] if isinstance(manifest, dict) else manifest
    for entry in entries:
        for key in ("file", "kind", "count"):
            if key not in entry:
                raise SystemExit(f"{path}: an entry lacks '{key}': {json.dumps(entry)[:120]}")
    return entries


def run(folder: Path, entries: list[dict], db_url: str | None = None, given_kind: bool = False) -> list[Outcome]:
    """Score every entry; each file goes to its own board of one throwaway database."""
    from data_model import open_database

    with tempfile.TemporaryDirectory() as tmp:
        engine = open_database(db_url or f"sqlite:///{Path(tmp) / 'realworld.db'}")
        try:
            outcomes = []
            for n, entry in enumerate(entries, start=1):
                path = folder / entry["file"]
                if not path.is_file():
                    out = Outcome(entry["file"], entry["kind"], _safe_counts(entry))
                    out.reasons.append(f"no such file in {folder}")
                    outcomes.append(out)
                    continue
                outcomes.append(run_file(path, entry, engine, f"field-{n:03d}", given_kind))
            return outcomes
        finally:
            engine.dispose()


def summary(outcomes: list[Outcome]) -> list[str]:
    n = len(outcomes)
    tally = {v: sum(1 for o in outcomes if o.verdict == v) for v in (RIGHT, WRONG, REFUSED, CRASH)}
    return [f"wrong={tally[WRONG]}/{n} (loaded wrong, worse than a refusal); refused={tally[REFUSED]}; "
            f"crashed={tally[CRASH]}",
            f"right={tally[RIGHT]}/{n}"]


def main(argv: list[str] | None = None) -> int:
    doc = __doc__ or ""
    parser = argparse.ArgumentParser(
        description=doc.split("\n\n")[0], epilog=doc.split("\n\n", 2)[2],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dir", type=Path, help="the folder of tracker files")
    parser.add_argument("manifest", type=Path, help="the JSON manifest of what a person reads in each file")
    parser.add_argument("--db-url", help="import into this (empty) database instead of a throwaway SQLite one")
    parser.add_argument("--only", action="append", metavar="FILE", help="score only this file (repeatable)")
    parser.add_argument("--given-kind", action="store_true",
                        help="a diagnostic: give the importer the manifest's kind, as a lead choosing it would, to "
                             "see how each file reads once recognised (not the benchmark's figure)")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every reason, not only the first")
    args = parser.parse_args(argv)
    entries = load_manifest(args.manifest)
    if args.only:
        entries = [e for e in entries if e["file"] in args.only]
    listed = {e["file"] for e in entries}
    if not args.only and args.dir.is_dir():
        unlisted = sorted(p.name for p in args.dir.iterdir() if p.is_file() and p.name not in listed
                          and not re.fullmatch(r"readme(\.\w+)?", p.name, re.I))
        if unlisted:
            print(f"note: not in the manifest, not scored: {', '.join(unlisted)}")
    outcomes = run(args.dir, entries, args.db_url, args.given_kind)
    if args.given_kind:
        print("note: --given-kind: each file was imported with the manifest's kind; this is not the benchmark")
    for out in outcomes:
        print(out.line())
        if args.verbose:
            for reason in out.reasons[1:]:
                print(f"    also: {reason}")
    for line in summary(outcomes):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
