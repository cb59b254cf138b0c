"""``python -m data_model spc``: an XmR chart's numbers from one value per line, or a two-column CSV of period and
value, for analysts and for checks. Bad input gets a sentence and exit status 1; a usage error exits 2."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from pathlib import Path

from data_model.spc import DIRECTIONS, SpcOptions, SpcResult, calculate


class InputError(ValueError):
    """Input that is not a series of numbers, said in words."""


def add_parser(sub) -> None:
    p = sub.add_parser(
        "spc", help="statistical process control (an XmR chart) of a series, as NHS England's Making Data Count does",
        description="Reads one value per line, or a two-column CSV of period and value (a header row is allowed), "
                    "from FILE or standard input, and prints each point's mean, process limits, class and the "
                    "special-cause rules it triggers, then the variation and assurance icons.",
        epilog="Example: python -m data_model spc admissions.csv --direction decrease --target 250 --json")
    p.add_argument("file", nargs="?", type=Path, metavar="FILE", help="the values (default: standard input)")
    p.add_argument("--direction", choices=DIRECTIONS, default="neutral",
                   help="which way is improvement (default: neutral, neither)")
    p.add_argument("--target", type=float, metavar="X", help="the target, for the assurance icon")
    p.add_argument("--baseline", type=int, metavar="N", help="fix the mean and limits on the first N points")
    p.add_argument("--recalculate-at", type=int, nargs="+", action="extend", default=[], metavar="I",
                   help="index (from 0) of the first point of each new section with its own mean and limits")
    p.add_argument("--screen-moving-ranges", action="store_true",
                   help="drop moving ranges above 3.267 x their mean before setting the limits (as NHS-R does)")
    p.add_argument("--json", action="store_true", help="print one JSON object")


def read_series(text: str) -> tuple[list[str | None], list[float | None]]:
    """Periods and values from one value per line or a two-column CSV; a CSV row with no value is a missing period."""
    lines = [(n, line) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
    if not lines:
        raise InputError("No values were given. Give one number per line, or a CSV of period and value.")
    two_columns = any("," in line or "\t" in line for _n, line in lines)
    periods: list[str | None] = []
    values: list[float | None] = []
    if not two_columns:
        for n, line in lines:
            values.append(_number(line, n))
            periods.append(None)
        return periods, values
    dialect = "excel-tab" if all("\t" in line and "," not in line for _n, line in lines) else "excel"
    rows = list(csv.reader(io.StringIO("\n".join(line for _n, line in lines)), dialect=dialect))
    for k, ((n, _line), row) in enumerate(zip(lines, rows, strict=True)):
        if len(row) != 2:
            raise InputError(f"Line {n} has {len(row)} columns; a CSV needs two: the period and the value.")
        period, raw = row[0].strip(), row[1].strip()
        if k == 0 and raw and not _is_number(raw):
            continue  # a header row such as "month,value"
        periods.append(period or None)
        values.append(None if raw == "" else _number(raw, n))
    if all(v is None for v in values):
        raise InputError("No values were given: every row's value is empty.")
    return periods, values


def _is_number(text: str) -> bool:
    try:
        _number(text, 0)
    except InputError:
        return False
    return True


def _number(text: str, line: int) -> float:
    cleaned = text.strip().removesuffix("%").replace("£", "").strip()
    try:
        value = float(cleaned)
    except ValueError:
        raise InputError(f"Line {line} holds '{text.strip()[:60]}', which is not a number. Give one number per "
                         "line, or a CSV of period and value.") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise InputError(f"Line {line} holds '{text.strip()[:60]}', which is not a finite number.")
    return value


def as_json(result: SpcResult) -> dict:
    return {
        "points": [{"index": p.index, "value": p.value, "mean": _round(p.mean), "upper": _round(p.upper),
                    "lower": _round(p.lower), "class": p.point_class, "rules": list(p.rules)} for p in result.points],
        "variation": result.variation,
        "assurance": result.assurance,
    }


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 6)


def _text(result: SpcResult) -> str:
    def f(x: float | None) -> str:
        return "" if x is None else f"{x:.2f}"

    out = [f"{'index':>5}  {'period':<12} {'value':>10} {'mean':>10} {'lower':>10} {'upper':>10}  class        rules"]
    for p in result.points:
        out.append(f"{p.index:>5}  {(p.period or '')[:12]:<12} {f(p.value):>10} {f(p.mean):>10} {f(p.lower):>10} "
                   f"{f(p.upper):>10}  {(p.point_class or 'missing'):<12} {', '.join(p.rules)}")
    out.append(f"Variation: {result.variation_words}.")
    out.append(f"Assurance: {result.assurance_words}.")
    out.append(result.reading)
    return "\n".join(out)


def run(args: argparse.Namespace) -> int:
    try:
        if args.file is None:
            text = sys.stdin.read()
        else:
            try:
                text = args.file.read_text(encoding="utf-8-sig")
            except FileNotFoundError:
                raise InputError(f"There is no file called '{args.file}'.") from None
            except IsADirectoryError:
                raise InputError(f"'{args.file}' is a folder, not a file of values.") from None
            except UnicodeDecodeError:
                raise InputError(f"'{args.file}' is not a text file: save the values as plain text or CSV.") from None
            except OSError as exc:
                raise InputError(f"'{args.file}' cannot be read: {exc.strerror or exc}.") from None
        periods, values = read_series(text)
        options = SpcOptions(direction=args.direction, target=args.target, baseline=args.baseline,
                             recalculate_at=tuple(args.recalculate_at),
                             screen_moving_ranges=args.screen_moving_ranges)
        result = calculate(values, options, periods)
    except (InputError, ValueError) as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(json.dumps(as_json(result)) if args.json else _text(result))
    return 0
