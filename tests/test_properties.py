"""Property tests of the parsers: any text gives a value or the parser's own error, never a crash, and
what a parser produces formats and parses back the same."""

import math
from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from loaders.dates import (
    MAX_YEAR,
    MIN_YEAR,
    DateParseError,
    ParsedDate,
    date_order,
    format_date,
    fy_quarter,
    parse_date,
)
from loaders.kinds.budget import fmt_money
from loaders.money import MAX_POUNDS, MoneyParseError, parse_money, to_pence
from loaders.numbers import MAX_MEASURE, MeasureParseError, parse_measure
from loaders.ratings import RatingParseError, format_rating, parse_rating

pytestmark = pytest.mark.slow  # 400 generated inputs each

SETTINGS = settings(settings.default, max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])

BOARD_WORDS = st.sampled_from(["Sept", "March", "Q3", "2016/17", "TBC", "By", "(and ongoing)", "th", "£", "k", "m",
                               "High", "Med", "Low", "-", "/", " ", "10", "5", "16", "2016", "<b>", "</b>", ",", "."])
TEXTY = st.one_of(st.text(max_size=40), st.lists(BOARD_WORDS, max_size=8).map("".join),
                  st.lists(BOARD_WORDS, max_size=6).map(" ".join))


@SETTINGS
@given(TEXTY)
def test_dates_raise_only_their_own_error(text):
    try:
        parsed = parse_date(text)
    except DateParseError:
        return
    assert isinstance(parsed, ParsedDate)
    if parsed.start is not None:
        assert parsed.end is not None and parsed.start <= parsed.end


@SETTINGS
@given(TEXTY)
@example("SEP-2000MAR")  # found by hypothesis: a month range across a year once formatted as unreadable ISO text
def test_dates_that_parse_format_and_parse_back_the_same(text):
    try:
        parsed = parse_date(text)
    except DateParseError:
        return
    again = parse_date(format_date(parsed))
    assert (again.start, again.end) == (parsed.start, parsed.end)


DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))


@SETTINGS
@given(DAYS, st.sampled_from(["day", "month", "quarter", "year"]))
def test_board_idioms_round_trip(day, precision):
    if precision == "day":
        parsed = ParsedDate(day, day, "day")
    elif precision == "month":
        parsed = parse_date(f"{day:%b} {day.year}")
    elif precision == "quarter":
        fy = day.year if day.month >= 4 else day.year - 1
        parsed = ParsedDate(*fy_quarter(fy, ((day.month - 4) % 12) // 3 + 1), "quarter")
    else:
        fy = day.year if day.month >= 4 else day.year - 1
        parsed = parse_date(f"{fy}-{(fy + 1) % 100:02d}")
    assert day >= parsed.start and day <= parsed.end
    assert parse_date(format_date(parsed)) == ParsedDate(parsed.start, parsed.end, parsed.precision)


@SETTINGS
@given(TEXTY)
def test_money_raises_only_its_own_error(text):
    try:
        parsed = parse_money(text)
    except MoneyParseError:
        return
    assert all(isinstance(a, Decimal) for a in parsed.amounts)


AMOUNTS = st.decimals(min_value=Decimal("-99999999.99"), max_value=Decimal("99999999.99"), places=2,
                      allow_nan=False, allow_infinity=False)


@SETTINGS
@given(AMOUNTS)
def test_money_formats_and_parses_back_exactly(amount):
    assert parse_money(fmt_money(amount)).amount == amount


@SETTINGS
@given(AMOUNTS, st.sampled_from(["k", "m"]))
def test_money_with_units_is_exact(amount, unit):
    amount = abs(amount)
    text = f"£{amount}{unit}"
    scaled = amount * (1000 if unit == "k" else 1_000_000)
    if scaled >= MAX_POUNDS:  # more than the models' max_digits=15 can hold: refused, never stored wrong
        with pytest.raises(MoneyParseError, match="trillion"):
            parse_money(text)
    else:
        assert parse_money(text).amount == scaled


@SETTINGS
@given(TEXTY)
def test_ratings_raise_only_their_own_error(text):
    try:
        level = parse_rating(text)
    except RatingParseError:
        return
    assert level is None or 1 <= level <= 5


@given(st.integers(min_value=1, max_value=5))
def test_ratings_format_and_parse_back_the_same(level):
    assert parse_rating(format_rating(level)) == level
    assert parse_rating(str(level)) == level


# Any value a cell can hold gives a value within the limits or the parser's own error: never another exception.
NUMBER_WORDS = st.sampled_from(["1", "12", "123", "1000", "0", ",", ".", " ", "\u00a0", "\u2009", "e", "E", "e3",
                                "-", "−", "–", "(", ")", "£", "k", "m", "bn", "%", "or", "to", "and", ":", "=", "per",
                                "by", "below", "Q3", "2019", "2016/17", "March", "days", "9" * 30, "1e300", "e-999"])
NUMBER_TEXT = st.lists(NUMBER_WORDS, max_size=10).map("".join)
CELLS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=-(10**400), max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True), st.decimals(allow_nan=True, allow_infinity=True),
    st.dates(), st.datetimes(), TEXTY, NUMBER_TEXT,
)
BIGINT = 2**63


@SETTINGS
@given(CELLS, st.booleans())
@example(1e300, False)
@example(float("nan"), False)
@example(10**5000, False)  # too long for str()
@example("£ 1 000", False)
def test_money_gives_an_amount_within_the_limits_or_its_own_error(value, decimal_comma):
    try:
        parsed = parse_money(value, decimal_comma=decimal_comma)
    except MoneyParseError:
        return
    for amount in parsed.amounts + ((parsed.amount,) if parsed.amounts else ()):
        assert amount.is_finite() and abs(amount) < MAX_POUNDS
        assert abs(to_pence(amount)) < BIGINT


@SETTINGS
@given(CELLS, st.booleans(), st.booleans())
@example("2% below predicted: 2,480", False, False)
@example(1e300, False, False)
@example(9.99e14, False, True)  # within the limit as a fraction, beyond it as a percentage
@example(10**5000, False, False)
@example("1 " * 5000, False, False)
def test_measures_give_a_finite_number_or_their_own_error(value, decimal_comma, percent_format):
    try:
        number, unit, direction = parse_measure(value, decimal_comma=decimal_comma, percent_format=percent_format)
    except MeasureParseError:
        return
    assert number is None or (math.isfinite(number) and abs(number) < MAX_MEASURE)
    assert unit in (None, "percent", "days", "minutes", "gbp", "rate")
    assert direction in (None, "lower", "higher")


@SETTINGS
@given(st.one_of(CELLS, st.datetimes(min_value=datetime(1, 1, 1)), st.dates(min_value=date(1, 1, 1))), st.booleans())
@example(datetime(9999, 12, 31), False)
@example("31/12/9999", False)
@example(10**5000, False)
def test_dates_give_a_day_within_1900_to_2100_or_their_own_error(value, month_first):
    try:
        parsed = parse_date(value, month_first=month_first)
    except DateParseError:
        return
    for day in (parsed.start, parsed.end):
        assert day is None or MIN_YEAR <= day.year <= MAX_YEAR


# Formatting an amount the ways people write thousands and reading it back gives the same pence.
SEPARATORS = st.sampled_from([",", " ", "\u00a0", "\u2009", "\u202f"])


def _grouped(amount: Decimal, separator: str, point: str = ".") -> str:
    sign = "-" if amount < 0 else ""
    whole, pence = f"{abs(amount):.2f}".split(".")
    groups = []
    while len(whole) > 3:
        whole, groups = whole[:-3], [whole[-3:], *groups]
    return sign + separator.join([whole, *groups]) + point + pence


@SETTINGS
@given(AMOUNTS, SEPARATORS, st.booleans())
def test_thousands_with_commas_or_spaces_read_back_to_the_same_pence(amount, separator, pound_sign):
    text = ("£" if pound_sign else "") + _grouped(amount, separator)
    assert to_pence(parse_money(text).amount) == to_pence(amount)


@SETTINGS
@given(AMOUNTS, st.sampled_from([".", " ", "\u00a0"]))
def test_decimal_comma_amounts_read_back_to_the_same_pence(amount, separator):
    text = _grouped(amount, separator, point=",")
    assert to_pence(parse_money(text, decimal_comma=True).amount) == to_pence(amount)


@SETTINGS
@given(st.dates(min_value=date(1900, 1, 13), max_value=date(2100, 12, 31)), st.sampled_from(["/", "-", "."]))
def test_month_first_columns_are_recognised_and_read_back(day, separator):
    if day.day <= 12:
        day = day.replace(day=13)
    text = f"{day.month:02d}{separator}{day.day:02d}{separator}{day.year}"
    assert date_order([text, "01/02/2020"]) == "month_first"
    assert parse_date(text, month_first=True).end == day
    assert date_order([f"{day.day:02d}{separator}{day.month:02d}{separator}{day.year}"]) == "day_first"
