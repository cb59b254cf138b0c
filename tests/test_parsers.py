"""The date, money, rating and RAG parsers against the idioms found in real board papers."""

from datetime import date
from decimal import Decimal

import pytest

from loaders.dates import DateParseError, parse_date
from loaders.money import MoneyParseError, header_unit, parse_money
from loaders.periods import period_in_header
from loaders.ratings import (
    SCALE_FIVE,
    RatingParseError,
    choose_scale,
    parse_rag,
    parse_rating,
    rag_from_colour,
)


@pytest.mark.parametrize(("raw", "start", "end", "precision"), [
    ("10/5/16", date(2016, 5, 10), date(2016, 5, 10), "day"),
    ("10 th May 2016", date(2016, 5, 10), date(2016, 5, 10), "day"),
    ("31 <sup>st</sup> July 18", date(2018, 7, 31), date(2018, 7, 31), "day"),
    ("7.2.2018", date(2018, 2, 7), date(2018, 2, 7), "day"),
    ("Sept 16", date(2016, 9, 1), date(2016, 9, 30), "month"),
    ("March17", date(2017, 3, 1), date(2017, 3, 31), "month"),
    ("Jul 2016", date(2016, 7, 1), date(2016, 7, 31), "month"),
    ("SEPT 2016", date(2016, 9, 1), date(2016, 9, 30), "month"),
    ("Decemeber 17", date(2017, 12, 1), date(2017, 12, 31), "month"),
    ("Mar-16", date(2016, 3, 1), date(2016, 3, 31), "month"),
    ("Q3 2016/17", date(2016, 10, 1), date(2016, 12, 31), "quarter"),
    ("16/17 Q2", date(2016, 7, 1), date(2016, 9, 30), "quarter"),
    ("2016-17", date(2016, 4, 1), date(2017, 3, 31), "year"),
    ("08/09", date(2008, 4, 1), date(2009, 3, 31), "year"),
    ("2015", date(2015, 1, 1), date(2015, 12, 31), "year"),
    (42736.0, date(2017, 1, 1), date(2017, 1, 1), "day"),
    ("Feb –Aug 18", date(2018, 2, 1), date(2018, 8, 31), "month"),
    ("Sept 2011-March 2012", date(2011, 9, 1), date(2012, 3, 31), "month"),
])
def test_board_dates_read_day_first(raw, start, end, precision):
    parsed = parse_date(raw)
    assert (parsed.start, parsed.end, parsed.precision) == (start, end, precision)


@pytest.mark.parametrize(("raw", "qualifier", "end"), [
    ("TBC", "tbc", None),
    ("Ongoing", "ongoing", None),
    ("March 2018 (and ongoing)", "ongoing", date(2018, 3, 31)),
    ("By March 2019", "by", date(2019, 3, 31)),
    ("By end November 2011", "by", date(2011, 11, 30)),
])
def test_dates_with_qualifiers(raw, qualifier, end):
    parsed = parse_date(raw)
    assert parsed.qualifier == qualifier
    assert parsed.end == end


@pytest.mark.parametrize("raw", ["Renew as required", "Forthcoming HWB meetings", "5/13/2016", "soon"])
def test_unreadable_dates_raise_their_own_error(raw):
    with pytest.raises(DateParseError):
        parse_date(raw)


@pytest.mark.parametrize(("raw", "amounts"), [
    ("£528k", ["528000"]),
    ("£2.447m", ["2447000"]),
    ("£2,061k", ["2061000"]),
    ("£ 154,792.00", ["154792"]),
    ("(500)", ["-500"]),
    ("£125k £115k", ["125000", "115000"]),
    ("<i>£621,000</i>", ["621000"]),
    ("c.£340k", ["340000"]),
    ("-", ["0"]),
    (8250, ["8250"]),
    (0.1, ["0.10"]),
])
def test_money_is_exact(raw, amounts):
    parsed = parse_money(raw)
    assert list(parsed.amounts) == [Decimal(a) for a in amounts]
    assert all(isinstance(a, Decimal) for a in parsed.amounts)


def test_to_be_confirmed_is_no_amount():
    parsed = parse_money("To be confirmed")
    assert parsed.amounts == () and parsed.qualifier == "tbc"


def test_header_unit_thousands():
    assert parse_money(528, header_unit("2016/7(£k)")).amount == Decimal(528000)
    assert header_unit("08/09 financial year £") == 1


@pytest.mark.parametrize("raw", ["25%", "lots", "£12 and some"])
def test_bad_money_raises_its_own_error(raw):
    with pytest.raises(MoneyParseError):
        parse_money(raw)


@pytest.mark.parametrize(("raw", "value"), [
    ("High", 5), ("high", 5), ("H", 5), ("Med", 3), ("Medium", 3), ("M", 3), ("Low", 1), ("L", 1),
    ("Low - med", 2), ("Med/High", 4), ("4", 4), (2.0, 2), ("n/a", None),
])
def test_ratings_on_one_scale(raw, value):
    assert parse_rating(raw) == value


def test_five_word_scale_is_chosen_per_column():
    scale = choose_scale(["Low", "Very high", "Medium"])
    assert scale is SCALE_FIVE
    assert [parse_rating(v, scale) for v in ["Very low", "Low", "Medium", "High", "Very high"]] == [1, 2, 3, 4, 5]


def test_unknown_rating_raises():
    with pytest.raises(RatingParseError):
        parse_rating("Catastrophically bad")


@pytest.mark.parametrize(("raw", "rag"), [("Red", "red"), ("A", "amber"), ("green", "green"), ("Red/Amber", "red"),
                                          ("Amber-Green", "amber"), ("", None)])
def test_rag_words(raw, rag):
    assert parse_rag(raw).rag == rag


@pytest.mark.parametrize(("rgb", "rag"), [("FFFF0000", "red"), ("C00000", "red"), ("FFC000", "amber"),
                                          ("FFFF00", "amber"), ("00B050", "green"), ("92D050", "green"),
                                          ("FFFFFF", None), ("0070C0", None)])
def test_rag_from_cell_colour(rgb, rag):
    assert rag_from_colour(rgb) == rag


@pytest.mark.parametrize(("header", "label"), [("08/09 financial year £", "2008-09"), ("16/17 Q2", "2016-17 Q2"),
                                               ("Amount 2016-17", "2016-17"), ("Total (£k)", None), ("Funding", None)])
def test_periods_in_headers(header, label):
    period = period_in_header(header)
    assert (period.label if period else None) == label
