"""Money as trackers write it: "£528k", "£2.447m", "£ 154,792.00", "(500)", "£125k £115k".

Amounts are ``Decimal`` pounds, exact to the penny; they are stored as integer pence. A cell may
hold several amounts (one per funder named in the next column), so ``parse_money`` returns a list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from loaders.text import clean_text

PENNY = Decimal("0.01")


class MoneyParseError(ValueError):
    """A money cell we cannot read."""


@dataclass(frozen=True)
class ParsedMoney:
    amounts: tuple[Decimal, ...]  # in pounds; empty when the cell says there is no figure yet
    qualifier: str | None = None  # tbc, nil, approx
    unit_in_cell: str | None = None  # "k" or "m" when the cell carried its own unit

    @property
    def amount(self) -> Decimal | None:
        if not self.amounts:
            return None
        return sum(self.amounts, Decimal(0))


_NO_FIGURE = {
    "tbc": "tbc", "tba": "tbc", "tbd": "tbc", "to be confirmed": "tbc", "to be agreed": "tbc",
    "to be determined": "tbc", "unknown": "tbc",
    "n/a": "n/a", "na": "n/a", "not applicable": "n/a",
}
_NIL = {"-", "–", "—", "nil", "none", "£-", "£ -", "£0", "zero"}
_AMOUNT = re.compile(
    r"(?P<neg>\(|-|−)?\s*(?P<approx>c\.?|ca\.?|approx\.?|circa|~)?\s*(?P<cur>£|gbp)?\s*"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)\s*"
    r"(?P<unit>bn|billion|m|mn|million|k|thousand)?(?![a-z])\s*(?P<close>\))?",
    re.IGNORECASE,
)
_UNITS = {"k": Decimal(1000), "thousand": Decimal(1000), "m": Decimal(1_000_000), "mn": Decimal(1_000_000),
          "million": Decimal(1_000_000), "bn": Decimal(1_000_000_000), "billion": Decimal(1_000_000_000)}


def to_pence(amount: Decimal | None) -> int | None:
    if amount is None:
        return None
    return int((amount * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def from_pence(pence: int | None) -> Decimal | None:
    return None if pence is None else (Decimal(pence) / 100).quantize(PENNY)


def parse_money(value: object, header_unit: Decimal = Decimal(1)) -> ParsedMoney:
    """Read one cell. ``header_unit`` is 1000 under a "(£k)" header: a bare 528 is then £528,000."""
    if value is None or value == "":
        return ParsedMoney(())
    if isinstance(value, bool):
        raise MoneyParseError(f"{value} is not an amount")
    if isinstance(value, (int, float)):
        return ParsedMoney((_exact(value) * header_unit,))
    return _parse_text(str(value), header_unit)


def _exact(value: int | float) -> Decimal:
    if isinstance(value, int):
        return Decimal(value)
    # repr gives the shortest text that round-trips; spreadsheets store 0.1 as 0.1000000000000000055...
    return Decimal(repr(value)).quantize(PENNY)


@lru_cache(maxsize=16384)
def _parse_text(raw: str, header_unit: Decimal) -> ParsedMoney:
    s = clean_text(raw).replace("\n", " ").strip()
    low = s.lower().rstrip(".")
    if not low:
        return ParsedMoney(())
    if low in _NO_FIGURE:
        return ParsedMoney((), _NO_FIGURE[low])
    if low in _NIL:
        return ParsedMoney((Decimal(0),), "nil")
    if "%" in s:
        raise MoneyParseError(f"'{s}' is a percentage, not an amount of money")
    # Footnote marks glued to a number: "35¹" was cleaned to "351" by clean_text only if superscript;
    # here we only strip trailing '*' markers.
    s = s.rstrip("*†‡")

    amounts: list[Decimal] = []
    units: set[str] = set()
    approx = False
    pos = 0
    for m in _AMOUNT.finditer(s):
        between = s[pos : m.start()].strip(" ,;/&+")
        if between and not _is_filler(between):
            raise MoneyParseError(f"'{s}' is not an amount we can read")
        pos = m.end()
        number = Decimal(m.group("num").replace(",", ""))
        unit = (m.group("unit") or "").lower()
        if unit:
            number *= _UNITS[unit]
            units.add(unit[0] if unit != "mn" else "m")
        else:
            number *= header_unit
        negative = m.group("neg") is not None and (m.group("neg") != "(" or m.group("close") is not None)
        if negative:
            number = -number
        approx = approx or bool(m.group("approx"))
        amounts.append(number)
    if not amounts or (s[pos:].strip(" ,;/&+") and not _is_filler(s[pos:].strip(" ,;/&+"))):
        raise MoneyParseError(f"'{s}' is not an amount we can read")
    try:
        amounts = [a.quantize(PENNY) for a in amounts]
    except InvalidOperation as exc:  # pragma: no cover - absurdly large numbers
        raise MoneyParseError(f"'{s}' is too large an amount") from exc
    return ParsedMoney(tuple(amounts), "approx" if approx else None, "".join(sorted(units)) or None)


_FILLER = re.compile(r"^(and|plus|or|pa|p\.a\.|per annum|per year|recurrent|recurring|one[- ]off|gbp|£|each|total|revenue|capital|est\.?|estimated)$", re.I)


def _is_filler(text: str) -> bool:
    return all(_FILLER.match(word) for word in text.split())


def header_unit(header: str) -> Decimal:
    """The multiplier a header implies: '(£k)' or '£000' means thousands, '£m' millions."""
    h = header.lower().replace(" ", "")
    if re.search(r"£k|\(k\)|£000|£'000|£000s|£thousands|\bk£", h) or h.endswith("(k)"):
        return Decimal(1000)
    if re.search(r"£m\b|£m\)|\(£m\)|£millions", h):
        return Decimal(1_000_000)
    return Decimal(1)
