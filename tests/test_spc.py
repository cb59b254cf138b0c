"""The XmR calculation against worked examples with known answers: hand-computed series, the NHS-R "plot the dots"
deviations example, and crafted series on each side of every rule."""

import pytest

from data_model.spc import SpcOptions, calculate, direction_of

# Hand-computed: sum 162 over 13 points, mean 12.4615; 12 moving ranges 2,1,2,1,... sum 18, mean 1.5;
# limits 12.4615 ± 2.66 × 1.5 = 16.45 and 8.47; two-sigma lines 12.4615 ± 2.66 = 15.12 and 9.80.
HAND = [10, 12, 11, 13, 12, 14, 13, 15, 14, 12, 11, 13, 12]


def rules_at(result, rule):
    return [p.index for p in result.points if rule in p.rules]


def test_limits_of_a_hand_computed_series_to_the_second_decimal():
    r = calculate(HAND)
    s = r.sections[0]
    assert (round(s.mean, 2), round(s.mean_moving_range, 2)) == (12.46, 1.5)
    p = r.points[0]
    assert (round(p.upper, 2), round(p.lower, 2)) == (16.45, 8.47)
    assert (round(p.upper_two_sigma, 2), round(p.lower_two_sigma, 2)) == (15.12, 9.80)
    assert r.limits_shown and r.variation == "common_cause"
    assert all(p.point_class == "common_cause" and not p.rules for p in r.points)


NHSR = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]  # NHSRplotthedots, "Deviations from Excel defaults"


def test_screening_off_matches_the_mdc_excel_tool_and_on_matches_nhs_r():
    # Off (MDC's default): 17 moving ranges summing 32 → 1.88; limits 1.94 ± 2.66 × 1.88.
    off = calculate(NHSR)
    assert (round(off.points[0].mean, 2), round(off.points[0].upper, 2), round(off.points[0].lower, 2)) == \
        (1.94, 6.95, -3.06)
    # On: the ranges 8 and 9 exceed 3.267 × 1.88 = 6.15 and are dropped; 15 ranges of 1 remain.
    on = calculate(NHSR, SpcOptions(screen_moving_ranges=True))
    assert on.sections[0].screened == 2 and on.sections[0].mean_moving_range == 1.0
    assert (round(on.points[0].mean, 2), round(on.points[0].upper, 2), round(on.points[0].lower, 2)) == \
        (1.94, 4.60, -0.72)
    assert rules_at(off, "outside_limits") == rules_at(on, "outside_limits") == [4]


def shift_series(run: int) -> list[float]:
    # Points alternate 6 and 14 around the mean, with a run of 9s (below it) between two 14s (above it).
    return [6, 14, 6, 14, 6, 14] + [9] * run + [14, 6, 14, 6]


def test_a_six_point_shift_fires_and_a_five_point_one_does_not():
    five, six = calculate(shift_series(5)), calculate(shift_series(6))
    assert rules_at(five, "shift") == []
    assert rules_at(six, "shift") == list(range(6, 12))
    assert calculate(shift_series(6), SpcOptions(shift_points=7)).points[6].rules == ()
    assert rules_at(calculate(shift_series(7), SpcOptions(shift_points=7)), "shift") == list(range(6, 13))


def test_a_point_on_the_mean_breaks_a_shift():
    # Mean exactly 10 (170 / 17): the 10 in the run sits on the mean and splits 6, 9, 9.5, 9 from 9.5, 9.
    on_mean = [14, 6, 14, 6, 14, 6, 9, 9.5, 9, 10, 9.5, 9, 14, 6, 14, 6, 14]
    r = calculate(on_mean)
    assert r.points[0].mean == 10.0 and rules_at(r, "shift") == []
    below = calculate([*on_mean[:9], 9.75, *on_mean[10:]])
    assert rules_at(below, "shift") == list(range(5, 12))


def test_trend_counts_both_ends_and_an_equal_value_breaks_it():
    # 3, 4, 5, 6, 7, 8 is six points rising (five rises), counted from the 3 that follows a fall from 20.
    six = calculate([20, 9, 20, 9, 20, 3, 4, 5, 6, 7, 8, 2, 20, 9])
    assert rules_at(six, "trend") == [5, 6, 7, 8, 9, 10]
    five = calculate([20, 9, 20, 9, 20, 3, 4, 5, 6, 7, 2, 20, 9, 20])
    assert rules_at(five, "trend") == []
    tied = calculate([20, 9, 20, 9, 20, 3, 4, 5, 5, 6, 7, 2, 20, 9])
    assert rules_at(tied, "trend") == []  # 3, 4, 5 | 5, 6, 7: the tie splits six points into two runs of three


def test_a_falling_trend_is_improvement_when_lower_is_better_and_concern_when_higher_is():
    values = [20, 9, 20, 9, 20, 9, 20, 18, 16, 14, 12, 10, 8]
    assert calculate(values, SpcOptions(direction="decrease")).points[-1].point_class == "improvement"
    assert calculate(values, SpcOptions(direction="increase")).points[-1].point_class == "concern"
    assert calculate(values, SpcOptions(direction="neutral")).variation == "neutral_low"


BASE = [10, 11] * 6  # as a baseline of 12: mean 10.5, mean moving range 1, limits 7.84 and 13.16, 2σ 12.27 and 8.73


def test_two_of_three_beyond_the_same_two_sigma_line_on_the_same_side():
    r = calculate([*BASE, 11, 12.8, 12.9, 11], SpcOptions(baseline=12))
    assert rules_at(r, "two_of_three") == [13, 14]
    assert r.points[13].point_class == "neutral" and r.points[12].rules == ()


def test_two_of_three_needs_all_three_on_one_side_and_a_point_beyond_the_limit_does_not_count():
    across = calculate([*BASE, 12.8, 10.0, 12.9, 11], SpcOptions(baseline=12))
    assert rules_at(across, "two_of_three") == []
    opposite = calculate([*BASE, 12.8, 8.2, 12.9, 11], SpcOptions(baseline=12))
    assert rules_at(opposite, "two_of_three") == []
    beyond = calculate([*BASE, 12.8, 13.5, 11, 10], SpcOptions(baseline=12))
    assert rules_at(beyond, "outside_limits") == [13] and rules_at(beyond, "two_of_three") == []


def test_a_baseline_fixes_the_mean_and_limits_on_its_points_and_extends_them():
    r = calculate([*BASE, 11, 12.8, 12.9, 11], SpcOptions(baseline=12))
    assert {(p.mean, round(p.upper, 2), round(p.lower, 2)) for p in r.points} == {(10.5, 13.16, 7.84)}
    assert [p.in_baseline for p in r.points] == [True] * 12 + [False] * 4
    assert r.sections[0].baseline_points == 12
    whole = calculate([*BASE, 11, 12.8, 12.9, 11])
    assert whole.points[0].mean != 10.5


def test_recalculation_gives_each_section_its_own_mean_and_limits():
    values = [10, 11] * 7 + [20, 21] * 7
    one = calculate(values, SpcOptions(direction="increase"))
    assert one.variation == "improvement_high" and "shift" in one.points[-1].rules
    two = calculate(values, SpcOptions(direction="increase", recalculate_at=(14,)))
    assert [s.mean for s in two.sections] == [10.5, 20.5]
    assert {round(p.upper, 2) for p in two.points[:14]} == {13.16} and {round(p.upper, 2) for p in two.points[14:]} \
        == {23.16}
    assert two.variation == "common_cause" and not any(p.rules for p in two.points)


def test_icons_follow_the_direction_of_improvement():
    low_run = [*shift_series(6)[:12], 9]  # ends in seven 9s below the mean
    high_run = [30 - v for v in low_run]  # the mirror image: seven 21s above it
    assert calculate(low_run, SpcOptions(direction="increase")).variation == "concern_low"
    assert calculate(low_run, SpcOptions(direction="decrease")).variation == "improvement_low"
    assert calculate(low_run, SpcOptions(direction="neutral")).variation == "neutral_low"
    assert calculate(high_run, SpcOptions(direction="increase")).variation == "improvement_high"
    assert calculate(high_run, SpcOptions(direction="decrease")).variation == "concern_high"
    assert calculate(high_run, SpcOptions(direction="neutral")).variation == "neutral_high"
    assert calculate(low_run, SpcOptions(direction="neutral")).points[-1].point_class == "neutral"


def test_a_point_that_is_both_improvement_and_concern_shows_as_improvement():
    # A rising trend below the mean (higher is better): the shift is concern, the trend improvement.
    values = [20, 30, 20, 30, 20, 30, 20, 30, 1, 2, 3, 4, 5, 6]
    last = calculate(values, SpcOptions(direction="increase")).points[-1]
    assert set(last.rules) >= {"shift", "trend"} and last.point_class == "improvement"


@pytest.mark.parametrize(("direction", "target", "assurance"), [
    ("increase", 8, "consistent_pass"), ("increase", 17, "consistent_fail"), ("increase", 12, "inconsistent"),
    ("decrease", 17, "consistent_pass"), ("decrease", 8, "consistent_fail"), ("decrease", 12, "inconsistent"),
    ("neutral", 12, None), ("increase", None, None),
])
def test_assurance_compares_the_target_with_the_process_limits(direction, target, assurance):
    r = calculate(HAND, SpcOptions(direction=direction, target=target))  # limits 8.47 to 16.45
    assert r.assurance == assurance
    if assurance is None:
        assert r.assurance_words.startswith("No assurance icon")


def test_fewer_than_13_points_is_a_run_chart_with_its_mean_and_a_reason():
    r = calculate(HAND[:12], SpcOptions(direction="increase", target=5))
    assert not r.limits_shown and r.variation is None and r.assurance is None
    assert all(p.upper is None and p.lower is None and p.rules == () for p in r.points)
    assert r.points[0].mean == pytest.approx(150 / 12)
    assert r.reading == "Run chart: 12 points, fewer than the 13 needed for process limits; the mean is 12.5."
    assert "12 of the 13 points needed" in r.variation_words


def test_all_equal_values_give_no_limits_and_no_signal():
    r = calculate([5.0] * 20, SpcOptions(direction="increase", target=4))
    assert not r.limits_shown and all(p.upper is None and p.rules == () for p in r.points)
    assert r.variation == "common_cause"
    assert "no variation to set process limits" in r.reading


def test_missing_periods_are_left_out_of_every_sum_and_rules_run_across_them():
    values = [10, 12, None, 11, 13, 12, 14, 13, 15, 14, 12, 11, 13, 12]  # HAND with a gap after the second point
    r = calculate(values)
    assert r.values == 13 and r.missing == 1
    assert round(r.sections[0].mean, 2) == 12.46 and r.sections[0].mean_moving_range == pytest.approx(18 / 12)
    assert r.points[2].value is None and r.points[2].point_class is None
    assert r.reading.endswith("(1 period missing).")
    short = calculate([*HAND[:12], None])
    assert r.points[0].upper is not None and short.variation is None


def test_the_reading_names_the_rule_the_count_and_the_start():
    months = [f"{m} 2016" for m in ("January", "February", "March", "April", "May", "June", "July", "August",
                                    "September", "October", "November", "December")] + ["January 2017", "February 2017",
                                                                                        "March 2017", "April 2017"]
    # Mean 120 / 13 = 9.23: the 6 in July and the six 9s after it are below it.
    r = calculate([6, 14, 6, 14, 6, 14, 6, 9, 9, 9, 9, 9, 9], SpcOptions(direction="increase"), months[:13])
    assert r.reading == "Special cause of concerning nature: 7 points below the mean since July 2016."


def test_direction_comes_from_the_stored_metric():
    assert [direction_of(d) for d in ("higher", "lower", None)] == ["increase", "decrease", "neutral"]


@pytest.mark.parametrize(("options", "words"), [
    (SpcOptions(shift_points=5), "between 6 and 8"), (SpcOptions(trend_points=9), "between 6 and 8"),
    (SpcOptions(baseline=1), "at least 2"), (SpcOptions(recalculate_at=(0,)), "1 or more"),
    (SpcOptions(recalculate_at=(40,)), "below 13"), (SpcOptions(direction="up"), "direction"),
])
def test_options_that_do_not_fit_are_refused_in_words(options, words):
    with pytest.raises(ValueError, match=words):
        calculate(HAND, options)


def test_the_reading_of_a_trend_an_outlier_and_two_of_three():
    labels = [f"point {k}" for k in range(14)]
    trend = calculate([20, 9, 20, 9, 20, 9, 20, 9, 3, 4, 5, 6, 7, 8], SpcOptions(direction="increase"), labels)
    assert trend.reading == ("Special cause of improving nature: 7 points below the mean since point 7; "
                             "6 points rising since point 8.")
    outlier = calculate([*HAND, 30], SpcOptions(direction="decrease"), labels)
    assert outlier.reading == ("Special cause of concerning nature: the latest value, 30 (point 13), is above the "
                               "upper process limit.")
    near = calculate([*BASE, 11, 12.8, 12.9], SpcOptions(baseline=12, direction="increase"))
    assert near.reading == ("Special cause of improving nature: two of the last three points are beyond the upper "
                            "two-sigma line.")
