"""The bulk path: org leaves × product shares × month profile, exact at every level, and fast."""

import random
import tracemalloc
from decimal import Decimal as D

import pytest

from services.targets.domain.cross_split import cross_split
from shared.errors import InvalidInput

FLAT = [1] * 12
EQUAL_LINES = {"tea": D(1), "juice": D(1), "snacks": D(1)}


def test_hand_computed_cross_split():
    # r1: 1200 / 3 lines = 400 each; 400 / 12 = 33.33 -> months 1-4 get 34, the rest 33.
    # r2: 1000 / 3 = 333.33 -> the spare unit goes to the smallest key "juice": juice 334, snacks 333, tea 333;
    #     juice 334 / 12 = 27.83 -> floors 324, 10 spare -> months 1-10 get 28, months 11-12 get 27.
    result = cross_split({"r1": D(1200), "r2": D(1000)}, EQUAL_LINES, FLAT, step=1)
    assert [result.product_value("r1", p) for p in ("tea", "juice", "snacks")] == [D(400)] * 3
    assert [result.value("r1", "tea", m) for m in range(1, 13)] == [D(34)] * 4 + [D(33)] * 8
    assert [result.product_value("r2", p) for p in ("tea", "juice", "snacks")] == [D(333), D(334), D(333)]
    assert [result.value("r2", "juice", m) for m in range(1, 13)] == [D(28)] * 10 + [D(27)] * 2
    assert [result.quarter_value("r2", "juice", q) for q in (1, 2, 3, 4)] == [D(84), D(84), D(84), D(82)]


def test_cell_explanation_is_computed_on_demand():
    result = cross_split({"r1": D(1200), "r2": D(1000)}, EQUAL_LINES, FLAT, step=1)
    why = result.explain("r2", "juice", 11)
    assert why.leaf_value == D(1000)
    assert why.product_share.quantize(D("0.0001")) == D("0.3333")
    assert why.product_raw_value.quantize(D("0.01")) == D("333.33")
    assert why.product_value == D(334)
    assert why.product_rounding_adjustment.quantize(D("0.01")) == D("0.67")
    assert why.month_raw_value.quantize(D("0.01")) == D("27.83")
    assert why.value == D(27)
    assert why.month_rounding_adjustment.quantize(D("0.01")) == D("-0.83")
    assert why.sentence == (
        "juice takes 33.33 % of r2's 1000 = 333.33, rounded to 334; month 11 takes 8.33 % of that by the "
        "seasonality profile = 27.83, rounded to 27; products and months add up exactly."
    )
    assert why.as_dict()["value"] == "27.00"


def test_each_product_line_may_have_its_own_profile():
    # tea peaks at Spring Festival (Jan and Feb weigh 4, the rest 1: sum 18); juice is flat.
    # r1: 1800 / 2 = 900 each. tea: 900 * 4/18 = 200 in Jan and Feb, 50 in the other months.
    spring = [4, 4] + [1] * 10
    result = cross_split(
        {"r1": D(1800)}, {"tea": D(1), "juice": D(1)}, FLAT, step=1, product_month_profiles={"tea": spring}
    )
    assert [result.value("r1", "tea", m) for m in range(1, 13)] == [D(200), D(200)] + [D(50)] * 10
    assert [result.value("r1", "juice", m) for m in range(1, 13)] == [D(75)] * 12


def test_cells_in_cents():
    result = cross_split({"r1": D("100.00")}, {"tea": D("0.5"), "juice": D("0.5")}, FLAT, step=D("0.01"))
    cells = list(result.cells())
    assert len(cells) == 24
    assert cells[0] == ("r1", "tea", 1, D("4.17"))
    assert sum(value for *_, value in cells) == D("100.00")


@pytest.mark.parametrize(
    ("leaves", "shares", "profile", "overrides", "field"),
    [
        ({}, EQUAL_LINES, FLAT, None, "leaf_values"),
        ({"r1": D("10.5")}, EQUAL_LINES, FLAT, None, "leaf_values[r1]"),
        ({"r1": D(-10)}, EQUAL_LINES, FLAT, None, "leaf_values[r1]"),
        ({"r1": D(10)}, {}, FLAT, None, "product_shares"),
        ({"r1": D(10)}, {"tea": D(-1)}, FLAT, None, "product_shares[tea]"),
        ({"r1": D(10)}, {"tea": D(0)}, FLAT, None, "product_shares"),
        ({"r1": D(10)}, EQUAL_LINES, [1] * 4, None, "month_profile"),
        ({"r1": D(10)}, EQUAL_LINES, FLAT, {"coffee": FLAT}, "product_month_profiles[coffee]"),
        ({"r1": D(10)}, EQUAL_LINES, FLAT, {"tea": [0] * 12}, "product_month_profiles[tea]"),
    ],
)
def test_bad_cross_split_input_is_refused(leaves, shares, profile, overrides, field):
    with pytest.raises(InvalidInput) as caught:
        cross_split(leaves, shares, profile, step=1, product_month_profiles=overrides)
    assert caught.value.field == field


def test_two_thousand_reps_by_fifty_lines_by_twelve_months_is_exact():
    rng = random.Random(20240101)
    leaves = {f"rep-{i:04d}": D(rng.randrange(100_000, 5_000_000)) for i in range(2000)}
    lines = {f"line-{j:02d}": D(rng.randrange(1, 1000)) / 100 for j in range(50)}
    profile = [D(w) for w in (14, 11, 8, 7, 7, 7, 8, 8, 7, 7, 7, 9)]
    result = cross_split(leaves, lines, profile, step=D(1))  # its speed is measured in bench/, not here
    splits = list(result.leaves())
    assert sum(len(months) for leaf in splits for months in leaf.months) == 1_200_000
    for total, leaf, value in zip(result.leaf_units, splits, leaves.values(), strict=True):
        assert total == int(value)
        assert sum(leaf.products) == total
        assert [sum(months) for months in leaf.months] == leaf.products


def test_a_cell_in_cents_explains_each_step_in_money():
    # step 0.01: r1's 100.00 is 10 000 cents. tea : juice = 1 : 2 -> tea 3333.33 cents, rounded to 3333
    # (juice has the larger remainder, 0.67, and takes 6667). tea's profile: Jan and Feb weigh 4, the rest 1 (sum 18).
    # 3333 = 185 x 18 + 3: every month gets 185 x weight, the 3 spare cents go by largest remainder
    # (3 x 4 / 18 = 0.67 for Jan and Feb, 3 / 18 = 0.17 for the rest, ties to the earlier month): Jan, Feb, Mar.
    spring = [4, 4] + [1] * 10
    result = cross_split(
        {"r1": D("100.00")}, {"tea": D(1), "juice": D(2)}, FLAT, step=D("0.01"), product_month_profiles={"tea": spring}
    )
    assert [result.value("r1", "tea", m) for m in (1, 2, 3, 4)] == [D("7.41"), D("7.41"), D("1.86"), D("1.85")]
    why = result.explain("r1", "tea", 3)
    cents = D("0.000001")
    assert why.product_raw_value.quantize(cents) == D("33.333333")  # 10 000 / 3 cents
    assert why.product_value == D("33.33")
    assert why.product_rounding_adjustment.quantize(cents) == D("-0.003333")  # (3333 - 3333.33) cents
    assert why.month_share.quantize(cents) == D("0.055556")  # March weighs 1 of 18
    assert why.month_raw_value.quantize(cents) == D("1.851667")  # 3333 / 18 = 185.17 cents
    assert why.value == D("1.86")
    assert why.month_rounding_adjustment.quantize(cents) == D("0.008333")  # (186 - 185.17) cents


def test_every_line_on_the_same_own_profile_uses_that_profile():
    # Both lines override the flat base with the same spring profile (Jan, Feb 4; the rest 1; sum 18), so one
    # splitter serves both and it is the spring one: 1800 / 2 = 900 per line, 900 x 4 / 18 = 200 in Jan.
    spring = [4, 4] + [1] * 10
    result = cross_split(
        {"r1": D(1800)},
        {"tea": D(1), "juice": D(1)},
        FLAT,
        step=1,
        product_month_profiles={"tea": spring, "juice": spring},
    )
    assert [result.value("r1", line, 1) for line in ("tea", "juice")] == [D(200), D(200)]
    assert result.value("r1", "juice", 12) == D(50)


def test_a_national_split_holds_no_cells_until_they_are_streamed():
    # 20,000 reps x 50 lines x 12 months = 12 M cells: as lists of ints they would take over 500 MB. The split keeps
    # only its rules and leaf totals; each leaf's 600 cells are computed when streamed, then dropped.
    leaves = {f"rep-{i:05d}": D(50_000 + i) for i in range(20_000)}
    lines = {f"line-{j:02d}": D(j + 1) for j in range(50)}
    tracemalloc.start()
    try:
        result = cross_split(leaves, lines, [D(w) for w in (16, 6, 8, 8, 8, 8, 7, 7, 8, 8, 8, 8)], step=D(1))
        first = next(result.leaves())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20_000_000, peak
    # rep-00000's 50,000 over weights 1..50 (sum 1,275): line-50 takes 50,000 x 50 / 1,275 = 1,960.78 -> 1,961.
    assert sum(first.products) == 50_000 and first.products[49] == 1_961
    assert sum(first.months[49]) == 1_961
