"""Money as trackers write it: "£528k", "£2.447m", "£ 154,792.00", "£ 1 000", "(500)", "£125k £115k".

Amounts are ``Decimal`` pounds, exact to the penny; they are stored as integer pence. A cell may
hold several amounts (one per funder named in the next column), so ``parse_money`` returns a list.
A cell that could be read two ways ("1.2.3", "£1,2,3", "£5 or £6", "£100 - £200") is refused with a
sentence saying what is wrong, never guessed at.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, time
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from loaders.text import cell_text, clean_text

PENNY = Decimal("0.01")
# The models hold pounds with max_digits=15, decimal_places=2, so 13 digits before the point; pence then
# fit a BIGINT with room to add thousands of lines. No partnership board's figure comes near it.
MAX_POUNDS = Decimal(10) ** 13


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
_MINUS = "-−–"
# What Excel and LibreOffice save in place of a result when a formula fails; never a value, never a blank.
FORMULA_ERROR = re.compile(r"^#(NULL!|DIV/0!|VALUE!|REF!|NAME\?|NUM!|N/A|GETTING_DATA|SPILL!|CALC!|FIELD!|BLOCKED!|"
                           r"CONNECT!|BUSY!|UNKNOWN!|PYTHON!|TIMEOUT!|EXTERNAL!)$|^Err:\d{3}$", re.I)  # hyphen, the Unicode minus sign and the en dash (Word turns "-500" into "–500")


def _amount_pattern(decimal_comma: bool) -> re.Pattern[str]:
    """One amount. The number is atomic, so "1,2" is never re-read as "1" and "2" behind our back."""
    group, point = (r"\.", ",") if decimal_comma else (",", r"\.")
    lone_fraction = "" if decimal_comma else rf"|{point}\d+"  # ".5"; ",5" would clash with lists
    number = (rf"(?>\d{{1,3}}(?:{group}\d{{3}})+(?:{point}\d+)?|\d{{1,3}}(?: \d{{3}})+(?:{point}\d+)?"
              rf"|\d+(?:{point}\d+)?{lone_fraction})")
    return re.compile(
        rf"(?P<neg>\(|[{_MINUS}])?\s*(?P<approx>c\.?|ca\.?|approx\.?|circa|~)?\s*(?P<cur>£|gbp)?\s*"
        rf"(?P<num>{number})(?P<exp>e[+-]?\d{{1,3}}(?!\d))?\s*"
        r"(?P<unit>bn|billion|m|mn|million|k|thousand)?(?![a-z])\s*(?P<close>\))?",
        re.IGNORECASE,
    )


_AMOUNT = {False: _amount_pattern(False), True: _amount_pattern(True)}
_UNITS = {"k": Decimal(1000), "thousand": Decimal(1000), "m": Decimal(1_000_000), "mn": Decimal(1_000_000),
          "million": Decimal(1_000_000), "bn": Decimal(1_000_000_000), "billion": Decimal(1_000_000_000)}
_ALTERNATIVES = re.compile(r"\b(or|either|maybe|possibly)\b", re.I)
_RANGE_WORDS = re.compile(r"\b(to|until|between)\b", re.I)
_FILLER = re.compile(r"^(and|plus|pa|p\.a\.|per annum|per year|recurrent|recurring|one[- ]off|gbp|£|each|total|revenue|"
                     r"capital|est\.?|estimated)$", re.I)
_SEPARATORS = " ,;/&+"


def to_pence(amount: Decimal | None) -> int | None:
    if amount is None:
        return None
    return int((amount * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def parse_money(value: object, header_unit: Decimal = Decimal(1), *, decimal_comma: bool = False) -> ParsedMoney:
    """Read one cell. ``header_unit`` is 1000 under a "(£k)" header: a bare 528 is then £528,000.

    ``decimal_comma`` is for files written the continental way, where "1.200,50" is 1200.50 and "35.000"
    is 35000; it changes how text is read, never a number the spreadsheet stored as a number.
    """
    if value is None or value == "":
        return ParsedMoney(())
    if isinstance(value, bool):
        raise MoneyParseError(f"{value} is not an amount")
    if isinstance(value, (date, time)):  # datetime is a date
        raise MoneyParseError(f"'{cell_text(value)}' is a date or a time, not an amount of money; check that this column "
                              "holds amounts")
    if isinstance(value, (int, float, Decimal)):
        amount = _exact(value)
        checked = _checked(amount, header_unit, _shown(number_text(value)))
        return ParsedMoney((amount * header_unit if isinstance(value, int) else checked,))
    return _parse_text(str(value), header_unit, decimal_comma)


def _exact(value: int | float | Decimal) -> Decimal:
    if (isinstance(value, float) and not math.isfinite(value)) or (isinstance(value, Decimal) and not value.is_finite()):
        raise MoneyParseError(f"'{value}' is not an amount: the cell holds no finite number (often a formula that "
                              "divided by zero); check the formula or type the amount")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    # repr gives the shortest text that round-trips; spreadsheets store 0.1 as 0.1000000000000000055...
    amount = Decimal(repr(value))
    return amount if abs(amount) >= MAX_POUNDS else amount.quantize(PENNY)


def _checked(amount: Decimal, multiplier: Decimal, shown: str) -> Decimal:
    """The amount in pounds to the penny, or a refusal when no budget could hold it."""
    if abs(amount) >= MAX_POUNDS / multiplier:
        size = "£10 trillion or more" if amount > 0 else "minus £10 trillion or less"
        raise MoneyParseError(f"'{shown}' is {size}, which cannot be a real amount; check the cell for a typo or a "
                              "broken formula")
    return (amount * multiplier).quantize(PENNY)


@lru_cache(maxsize=16384)
def _parse_text(raw: str, header_unit: Decimal, decimal_comma: bool) -> ParsedMoney:
    s = clean_text(raw).replace("\n", " ").strip()
    low = s.lower().rstrip(".")
    if not low:
        return ParsedMoney(())
    if low in _NO_FIGURE:
        return ParsedMoney((), _NO_FIGURE[low])
    if low in _NIL:
        return ParsedMoney((Decimal(0),), "nil")
    if FORMULA_ERROR.match(s):
        raise MoneyParseError(f"'{_shown(s)}' is a formula error saved in the spreadsheet, not an amount; mend the "
                              "formula (or type the amount) and save the file again")
    if "%" in s:
        raise MoneyParseError(f"'{_shown(s)}' is a percentage, not an amount of money")
    # Footnote marks glued to a number: superscripts were dropped by clean_text; here we strip trailing markers.
    s = s.rstrip("*†‡")

    amounts: list[Decimal] = []
    units: set[str] = set()
    approx = False
    pos = 0
    previous_plain = False  # the amount before had no unit and no closing bracket
    for m in _AMOUNT[decimal_comma].finditer(s):
        between = s[pos : m.start()]
        _check_between(s, between, bool(amounts))
        neg = m.group("neg")
        if amounts and neg and neg in _MINUS and not between.strip(" £"):
            raise MoneyParseError(f"'{_shown(s)}' reads as a range of amounts; write the one amount that applies")
        bare = not (m.group("cur") or m.group("unit") or m.group("exp") or neg)
        if amounts and previous_plain and bare and not between.strip():
            raise MoneyParseError(f"'{_shown(s)}' has a space inside a number that is not a thousands group of three digits; "
                                  "write it as one number (e.g. 1 000 or 1,000), or put £ before each of two amounts")
        _check_after_number(s, m.end("num"), m.group("num"), decimal_comma)
        if not m.group("unit") and not m.group("exp") and header_unit == 1:
            _check_three_decimals(s, m.group("num"), decimal_comma)
        pos = m.end()
        previous_plain = not (m.group("unit") or m.group("exp") or m.group("close"))
        number = _number(m.group("num"), decimal_comma) * Decimal(10) ** int((m.group("exp") or "e0")[1:])
        unit = (m.group("unit") or "").lower()
        if unit:
            multiplier = _UNITS[unit]
            units.add(unit[0] if unit != "mn" else "m")
        else:
            multiplier = header_unit
        number = _checked(number, multiplier, _shown(s))
        negative = neg is not None and (neg != "(" or m.group("close") is not None)
        if negative:
            number = -number
        approx = approx or bool(m.group("approx"))
        amounts.append(number)
    if not amounts:
        raise MoneyParseError(f"'{_shown(s)}' is not an amount we can read")
    _check_between(s, s[pos:], True)
    _checked(sum(amounts, Decimal(0)), Decimal(1), _shown(s))
    return ParsedMoney(tuple(amounts), "approx" if approx else None, "".join(sorted(units)) or None)


def _number(text: str, decimal_comma: bool) -> Decimal:
    if decimal_comma:
        return Decimal(text.replace(".", "").replace(" ", "").replace(",", "."))
    return Decimal(text.replace(",", "").replace(" ", ""))


def _check_between(s: str, text: str, after_amount: bool) -> None:
    """The words between two amounts must be a list separator or a filler word such as 'pa' or 'each'."""
    words = text.strip(_SEPARATORS)
    if not words or _is_filler(words):
        return
    if after_amount and _ALTERNATIVES.search(words):
        raise MoneyParseError(f"'{_shown(s)}' gives alternative amounts; write the one amount that applies")
    if after_amount and _RANGE_WORDS.search(words):
        raise MoneyParseError(f"'{_shown(s)}' reads as a range of amounts; write the one amount that applies")
    raise MoneyParseError(f"'{_shown(s)}' is not an amount we can read")


def _check_after_number(s: str, end: int, number: str, decimal_comma: bool) -> None:
    """A point or comma straight after a whole number and before a digit means the number is malformed."""
    follows = s[end : end + 2]
    if len(follows) < 2 or follows[0] not in ".," or not follows[1].isdigit():
        return
    point, group = (",", ".") if decimal_comma else (".", ",")
    if follows[0] == point and point in number:
        raise MoneyParseError(f"'{_shown(s)}' has more than one decimal {'comma' if decimal_comma else 'point'}; write one "
                              f"amount such as {'1.234,50' if decimal_comma else '1,234.50'}")
    if decimal_comma:
        raise MoneyParseError(f"'{_shown(s)}' has its digits grouped oddly for a file that writes a decimal comma (1.234,50): "
                              "points go between groups of three digits; write it as e.g. 1.234 or 1234,50")
    raise MoneyParseError(f"'{_shown(s)}' has its digits grouped oddly: thousands separators go between groups of three "
                          "digits; write it as e.g. £1,234 or £1234")


_THREE_DECIMALS = {False: re.compile(r"[1-9]\d{0,2}\.\d{3}"), True: re.compile(r"[1-9]\d{0,2},\d{3}")}


def _check_three_decimals(s: str, number: str, decimal_comma: bool) -> None:
    """'35.000' is £35 to one reader and £35,000 to another (a point between thousands): refuse, don't guess."""
    if not _THREE_DECIMALS[decimal_comma].fullmatch(number):
        return
    whole, part = re.split("[.,]", number)
    if decimal_comma:
        raise MoneyParseError(f"'{_shown(s)}' is ambiguous: {whole},{part} to some readers, {whole}.{part} (thousands) "
                              "to others; write it with two decimals or a point between thousands")
    raise MoneyParseError(f"'{_shown(s)}' is ambiguous: £{whole}.{part} to some readers, £{whole},{part} to those who "
                          "write a point between thousands; write it with two decimals or a comma between thousands")


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


def number_text(value: int | float | Decimal) -> str:
    """A number as a message quotes it; an integer too long for str() (over 4,300 digits) by its size."""
    if isinstance(value, int) and value.bit_length() > 1000:
        return f"a number of about {int(value.bit_length() * 0.30103)} digits"
    return repr(value) if isinstance(value, float) else str(value)


def _shown(text: str, limit: int = 60) -> str:
    """A cell's text short enough to quote in a message."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
