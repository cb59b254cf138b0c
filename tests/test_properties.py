"""Property tests of the parsers: any text gives a value or the parser's own error, never a crash, and
what a parser produces formats and parses back the same."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from loaders.dates import DateParseError, ParsedDate, format_date, fy_quarter, parse_date
from loaders.money import MoneyParseError, parse_money
from loaders.normalise import fmt_money
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
    assert parse_money(text).amount == amount * (1000 if unit == "k" else 1_000_000)


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
