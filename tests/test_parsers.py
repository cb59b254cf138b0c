"""The date, money, rating and RAG parsers against the idioms found in real board papers."""

import re
from datetime import date, datetime
from decimal import Decimal

import pytest

from loaders.dates import DateParseError, ParsedDate, date_order, parse_date
from loaders.money import MoneyParseError, header_unit, parse_money, to_pence
from loaders.numbers import MeasureParseError, parse_measure
from loaders.periods import period_in_cell, period_in_header
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


# ---------------------------------------------------------------------------------------------------------
# Values read as a person reads them, or refused naming why (issue 10 item 7, issue 11 item 4). Each row
# marked "misread" was read wrong, without a word, before: the old reading is in the comment.
# ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "amounts"), [
    ("£ 1 000", ["1000"]),  # misread: £1
    ("£\u00a01\u00a0000", ["1000"]),  # non-breaking spaces, as Excel exports them; misread: £1
    ("1\u2009000\u2009000.50", ["1000000.50"]),  # thin spaces; misread: £1.50
    ("£12\u202f345", ["12345"]),  # narrow no-break space; misread: £357
    ("100 200", ["100200"]),  # misread: £300
    ("−500", ["-500"]),  # the Unicode minus sign
    ("–£500", ["-500"]),  # an en dash where Word replaced the hyphen; misread: refused
    ("£–500", ["-500"]),
    ("1.5e3", ["1500"]),  # misread: refused
    ("£2E6", ["2000000"]),  # refused before
    ("£1.5e3k", ["1500000"]),
    ("£125k, £115k", ["125000", "115000"]),  # a list of amounts, one per funder, still reads
    ("£10k pa", ["10000"]),
])
def test_money_read_as_a_person_reads_it(raw, amounts):
    assert list(parse_money(raw).amounts) == [Decimal(a) for a in amounts]


@pytest.mark.parametrize(("raw", "why"), [
    ("1.2.3", "more than one decimal point"),  # misread: £1.50 (1.2 + .3)
    ("£1,2,3", "grouped oddly"),  # misread: £6
    ("1,5", "grouped oddly"),  # misread: £6
    ("1000,000", "grouped oddly"),  # misread: £1,000
    ("£5 or £6", "alternative amounts"),  # misread: £11
    ("£5,000 or £6,000", "alternative amounts"),  # misread: £11,000
    ("£100 - £200", "range"),  # misread: -£100
    ("£100-200", "range"),  # misread: -£100
    ("£100 – £200", "range"),
    ("£100 to £200", "range"),
    ("12 34", "space inside a number"),  # misread: £46
    ("1.200,50", "grouped oddly"),  # a decimal comma in a file not read that way; misread: £51.20
    ("1e300", "£10 trillion"),  # refused before as unreadable
    ("£10,000,000,000,000", "£10 trillion"),  # too many digits for the models (max_digits=15)
    (1e300, "£10 trillion"),  # crashed: decimal.InvalidOperation
    (10**30, "£10 trillion"),  # crashed downstream: too large for BIGINT
    (float("inf"), "no finite number"),  # crashed
    (float("nan"), "no finite number"),  # crashed at storing
    (Decimal("NaN"), "no finite number"),
    (date(2026, 5, 11), "is a date"),  # misread: £2,010 (2026 - 5 - 11)
])
def test_money_that_could_be_read_two_ways_is_refused_saying_why(raw, why):
    with pytest.raises(MoneyParseError) as caught:
        parse_money(raw)
    message = str(caught.value)
    assert why in message
    assert "write" in message or "check" in message or "date" in message  # it says what to do about it


def test_the_largest_amount_allowed_fits_the_models_and_the_database():
    biggest = parse_money("£9,999,999,999,999.99").amount
    assert biggest == Decimal("9999999999999.99")
    assert len(biggest.as_tuple().digits) == 15  # the models' max_digits
    assert to_pence(biggest) < 2**63  # BIGINT
    with pytest.raises(MoneyParseError):
        parse_money(Decimal("10000000000000"))
    with pytest.raises(MoneyParseError):
        parse_money(10_000_000_001, header_unit("Budget (£k)"))  # the header's unit counts towards the limit


@pytest.mark.parametrize(("raw", "amounts"), [
    ("1.200,50", ["1200.50"]),  # misread without the flag: £51.20
    ("35.000", ["35000"]),  # misread without the flag: £35
    ("1 200,50", ["1200.50"]),
    ("12,5", ["12.50"]),
    ("£1.234.567,89", ["1234567.89"]),
    ("(1.200,50)", ["-1200.50"]),
    ("−1.200", ["-1200"]),
    ("£5; £6", ["5", "6"]),
    ("1,5e3", ["1500"]),
    (1200.5, ["1200.50"]),  # a number the spreadsheet stored is never re-read
])
def test_decimal_comma_files(raw, amounts):
    assert list(parse_money(raw, decimal_comma=True).amounts) == [Decimal(a) for a in amounts]


@pytest.mark.parametrize(("raw", "why"), [
    ("1,2,3", "more than one decimal comma"),
    ("0.5", "decimal comma"),
    ("1.20", "grouped oddly"),
    ("£5 or £6", "alternative amounts"),
])
def test_decimal_comma_refusals(raw, why):
    with pytest.raises(MoneyParseError, match=why):
        parse_money(raw, decimal_comma=True)


def test_a_point_file_keeps_reading_points():
    assert parse_money("35.00").amount == Decimal(35)
    assert parse_money("£1,200.50").amount == Decimal("1200.50")
    assert parse_money("£2.447m").amount == Decimal(2447000)  # three decimals with a unit are not ambiguous
    assert parse_money("0.125").amount == Decimal("0.12")


@pytest.mark.parametrize(("raw", "decimal_comma"), [("35.000", False), ("£1.500", False), ("1,500", True)])
def test_three_decimals_without_a_unit_could_be_thousands_and_are_refused(raw, decimal_comma):
    with pytest.raises(MoneyParseError, match="ambiguous"):
        parse_money(raw, decimal_comma=decimal_comma)  # "35.000" was read as £35 in a decimal-comma file


# Measures (metric values and targets): (number, unit hint, direction hint).
@pytest.mark.parametrize(("raw", "expected"), [
    ("2% below predicted: 2,480", (2480.0, None, "lower")),  # misread: 2 (percent)
    ("Reduction by 5% over last year’s targets: 250", (250.0, None, "lower")),  # misread: 5 (percent)
    ("2% below predicted 2,480", (2480.0, None, "lower")),  # no colon: the relative phrase is not the target
    ("Target: 95% within 4 hours", (95.0, "percent", None)),
    ("95% within 4 hours", (95.0, "percent", None)),
    ("A&E 4hr 95%", (95.0, "percent", None)),  # misread: 4
    ("Reduce from 500 to 450", (450.0, None, "lower")),  # misread: 500
    ("Increase by 5% to 80%", (80.0, "percent", "higher")),  # misread: 5
    ("Reduce by 10% from 2016/17 baseline of 500", (10.0, "percent", "lower")),
    ("At least 75% by March 2019", (75.0, "percent", "higher")),
    ("2016/17 outturn 1,234", (1234.0, None, None)),  # misread: 2016
    ("Q3: 450", (450.0, None, None)),  # misread: 3
    ("450 per 100,000", (450.0, "rate", None)),
    ("Target 450 (baseline: 500)", (450.0, None, None)),
    ("450 over 3 years", (450.0, None, None)),
    ("−5%", (-5.0, "percent", None)),  # misread: 5
    ("–5%", (-5.0, "percent", None)),  # misread: 5
    ("-5%", (-5.0, "percent", None)),
    ("1.5e3", (1500.0, None, None)),  # misread: 1.5
    ("1 200", (1200.0, None, None)),  # misread: 1
    ("2.4k visits", (2400.0, None, None)),  # misread: 2.4
    ("Target: £5,000", (5000.0, "gbp", None)),
    ("Target: £5m", (5000000.0, "gbp", None)),
    ("5m", (5.0, None, None)),  # minutes or metres as much as millions: the number as written
    ("Q3 2016/17 450", (450.0, None, None)),  # misread: 3
    ("450 (2019/20)", (450.0, None, None)),
    ("by 31/03/2019: 450", (450.0, None, None)),  # misread: 31
    ("Target 95% (stretch: 97%)", (95.0, "percent", None)),
    ("£2.4m", (2400000.0, "gbp", None)),
    ("<10% variance", (10.0, "percent", "lower")),
    ("8% variance", (8.0, "percent", None)),
    ("at least 75%", (75.0, "percent", "higher")),
    ("5% reduction", (5.0, "percent", "lower")),
    ("85 %", (85.0, "percent", None)),
    ("90 per cent", (90.0, "percent", None)),
    ("3 days", (3.0, "days", None)),
    ("under 450", (450.0, None, "lower")),
    ("No more than 5 per week", (5.0, None, "lower")),
    ("(5)", (5.0, None, None)),
    ("n/a", (None, None, None)),
    (0.85, (0.85, None, None)),
    (12, (12.0, None, None)),
    (Decimal("1.5"), (1.5, None, None)),
    (None, (None, None, None)),
])
def test_measures_keep_the_number_that_is_the_target(raw, expected):
    assert parse_measure(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("1.200,50", (1200.5, None, None)),
    ("35.000", (35000.0, None, None)),
    ("12,5%", (12.5, "percent", None)),
    ("−2,5%", (-2.5, "percent", None)),
    ("Ziel: 1.234", (1234.0, None, None)),
])
def test_measures_with_a_decimal_comma(raw, expected):
    assert parse_measure(raw, decimal_comma=True) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    (0.9, (90.0, "percent", None)),  # read as 0.9 with no unit before
    (0.075, (7.5, "percent", None)),
    (1, (100.0, "percent", None)),
    ("90%", (90.0, "percent", None)),  # text in a percent-formatted cell says its own unit
])
def test_measures_in_percent_formatted_cells(raw, expected):
    assert parse_measure(raw, percent_format=True) == expected


@pytest.mark.parametrize(("raw", "why"), [
    ("5 or 6", "more than one figure (5 and 6)"),  # misread: 5
    ("5-10", "more than one figure (5 and 10)"),  # misread: 5
    ("between 5 and 10", "more than one figure"),  # misread: 5
    ("10.5-12.5", "more than one figure (10.5 and 12.5)"),  # misread: 10.5
    ("Apr: 450, May: 500", "more than one figure (450 and 500)"),  # misread: 450
    ("£5 or £6", "alternative amounts"),
    ("lots", "no number"),
    ("31/03/2019", "no figure other than a date"),  # misread: 31
    (date(2019, 3, 31), "is a date"),  # misread: 2019
    ("1,2,3", "grouped oddly"),  # misread: 123
    ("1.2.3", "more than one decimal point"),  # misread: 1.2
    ("1e9999", "exponent too large"),  # misread: 1
    ("1e300", "below 10^15"),  # misread: 1
    (1e300, "below 10^15"),
    (float("nan"), "below 10^15"),
    (float("inf"), "below 10^15"),
    (True, "not a number"),
])
def test_measures_that_cannot_be_decided_are_refused_saying_why(raw, why):
    with pytest.raises(MeasureParseError, match=re.escape(why)):
        parse_measure(raw)


def test_measure_errors_are_value_errors_for_the_callers_that_catch_those():
    assert issubclass(MeasureParseError, ValueError)


# Dates: the same limits for typed and text dates, and month-first columns.
@pytest.mark.parametrize("value", [datetime(9999, 12, 31), date(9999, 12, 31), "31/12/9999", date(1899, 12, 31),
                                   datetime(2101, 1, 1), 80_000, 10**400, float("inf"), float("nan"), Decimal("NaN")])
def test_dates_outside_1900_to_2100_are_refused_typed_or_text(value):
    with pytest.raises(DateParseError):
        parse_date(value)  # typed 31/12/9999 was accepted while the text was refused


@pytest.mark.parametrize("value", [datetime(9999, 12, 31), date(1066, 10, 14)])
def test_typed_periods_share_the_date_limits(value):
    with pytest.raises(DateParseError, match="cannot be right"):
        period_in_cell(value)


def test_typed_dates_inside_the_limits_still_read():
    assert parse_date(datetime(2100, 12, 31, 9, 30)) == ParsedDate(date(2100, 12, 31), date(2100, 12, 31), "day")
    assert parse_date(date(1900, 1, 1)).start == date(1900, 1, 1)
    assert parse_date(Decimal(42736)).start == date(2017, 1, 1)


@pytest.mark.parametrize(("raw", "day"), [
    ("07-14-2023", date(2023, 7, 14)),  # blanked with a warning before
    ("1/15/2022", date(2022, 1, 15)),
    ("10/5/16", date(2016, 10, 5)),  # a month-first column reads every value month first
    ("12.25.2020", date(2020, 12, 25)),
    ("by 07/14/2023", date(2023, 7, 14)),
    ("14 July 2023", date(2023, 7, 14)),  # words are words whichever way round the numbers go
    ("2023-07-14", date(2023, 7, 14)),
])
def test_month_first_dates(raw, day):
    assert parse_date(raw, month_first=True).end == day


def test_month_first_refuses_what_cannot_be_month_first():
    with pytest.raises(DateParseError, match="month first"):
        parse_date("14/07/2023", month_first=True)
    with pytest.raises(DateParseError, match="month first"):
        parse_date("07-14-2023")  # the day-first message says a month-first column can be read so


def test_day_first_stays_the_default():
    assert parse_date("10/5/16").end == date(2016, 5, 10)
    assert period_in_cell("07/14/2023", month_first=True).label == "2023-07-14"


@pytest.mark.parametrize(("values", "order"), [
    (["07-14-2023", "08-01-2023", "1/15/2022"], "month_first"),
    (["07/14/2023", None, 45000.0, datetime(2023, 1, 2)], "month_first"),
    (["14/07/2023", "01/08/2023"], "day_first"),
    (["01/08/2023", "02/03/2023"], "either"),
    ([datetime(2023, 1, 2), "March 2017", None], "either"),
    ([], "either"),
    (["14/07/2023", "07/14/2023"], "day_first"),  # contradictory: the UK default, the misfit refused by name
    (["By 07/14/2023 (and ongoing)"], "month_first"),
])
def test_date_order_of_a_column(values, order):
    assert date_order(values) == order


# RAG emoji.
@pytest.mark.parametrize(("raw", "rag"), [
    ("🔴", "red"), ("🟥", "red"), ("🟠", "amber"), ("🟡", "amber"), ("🟨", "amber"), ("🟢", "green"),
    ("🟩", "green"), ("✅", "green"), ("✔️", "green"), ("🔵", "green"), ("🔴 Red", "red"), ("🟢 On track", "green"),
])
def test_rag_emoji(raw, rag):
    assert parse_rag(raw).rag == rag  # each was a blank status before


def test_two_rag_emoji_read_as_the_worse_with_a_note():
    parsed = parse_rag("🔴/🟡")
    assert parsed.rag == "red" and "worse" in parsed.note


@pytest.mark.parametrize("raw", ["⚫", "⚪", "❌", "⚠️", "🟣"])
def test_rag_emoji_without_an_agreed_meaning_are_refused(raw):
    with pytest.raises(RatingParseError, match="not a RAG status"):
        parse_rag(raw)  # blank, without a word, before


# Formula errors saved as a cell's cached value: never a value, never a silent blank.
@pytest.mark.parametrize("raw", ["#DIV/0!", "#REF!", "#N/A", "#VALUE!", "#NAME?", "#NUM!", "#SPILL!", "Err:502"])
def test_formula_errors_are_refused_by_every_value_parser_saying_so(raw):
    for parse, error in ((parse_money, MoneyParseError), (parse_measure, MeasureParseError),
                         (parse_date, DateParseError)):
        with pytest.raises(error, match="formula error"):
            parse(raw)  # parse_measure read "#DIV/0!" as 0 before


@pytest.mark.parametrize("raw", ["£1,000 000", "£5 6"])
def test_money_with_a_stray_space_is_refused(raw):
    with pytest.raises(MoneyParseError, match="space inside a number"):
        parse_money(raw)  # read as £1,000 and £11 before
