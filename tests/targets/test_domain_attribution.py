"""Attribution by hand: which orders count, the split over covering reps in exact cents, coverage timelines."""

import uuid
from datetime import date
from decimal import Decimal as D

import pytest

from services.targets.domain.attribution import (
    Attribution,
    CoverageSpan,
    Share,
    attribute,
    check_shares,
    check_timeline,
    counts_as_sale,
    measure_of,
    replace_coverage,
    shares_on,
)
from shared.errors import InvalidInput

A, B, C = (uuid.UUID(int=n) for n in (1, 2, 3))
OFFICE = uuid.uuid4()


def amounts(parts):
    return [(p.person_id, p.amount) for p in parts]


def test_statuses_that_count_as_sales():
    assert [counts_as_sale(s) for s in ("confirmed", "shipped", "invoiced", "cancelled")] == [True, True, True, False]


def test_metrics_read_their_measure_and_unknown_ones_are_refused():
    assert [m.value for m in measure_of("sales_amount")] == ["order", "amount"]
    assert [m.value for m in measure_of("volume")] == ["order", "quantity"]
    assert [m.value for m in measure_of("collections")] == ["payment", "amount"]
    with pytest.raises(InvalidInput, match="expense_budget"):
        measure_of("expense_budget")


def test_thirds_in_exact_cents():
    # 100.00 = 10000 cents by 0.333334 / 0.333333 / 0.333333: 3333.34 / 3333.33 / 3333.33 cents -> floors sum
    # to 9999, the spare cent goes to the largest remainder (A, 0.34) -> 33.34 / 33.33 / 33.33.
    shares = [Share(C, D("0.333333")), Share(A, D("0.333334")), Share(B, D("0.333333"))]
    parts = attribute(OFFICE, shares, D("100.00"), D("3.000"))
    assert amounts(parts) == [(A, D("33.34")), (B, D("33.33")), (C, D("33.33"))]
    assert [p.quantity for p in parts] == [D("1.000"), D("1.000"), D("1.000")]
    assert all(p.org_unit_id == OFFICE for p in parts)


def test_spare_cent_goes_to_the_largest_remainder():
    # 99.99 = 9999 cents: x 0.7 = 6999.3, x 0.3 = 2999.7 -> 6999 + 2999 = 9998; B's remainder .7 wins -> 30.00.
    parts = attribute(OFFICE, [Share(A, D("0.7")), Share(B, D("0.3"))], D("99.99"), D("1"))
    assert amounts(parts) == [(A, D("69.99")), (B, D("30.00"))]
    # 1 = 1000 thousandths: exactly 700 and 300.
    assert [p.quantity for p in parts] == [D("0.700"), D("0.300")]


def test_one_cent_between_equal_shares_goes_to_the_first_rep():
    parts = attribute(OFFICE, [Share(B, D("0.5")), Share(A, D("0.5"))], D("0.01"), D("0"))
    assert amounts(parts) == [(A, D("0.01")), (B, D("0.00"))]


def test_negative_amounts_split_the_same_way():
    parts = attribute(OFFICE, [Share(A, D("0.5")), Share(B, D("0.5"))], D("-10.00"), D("-2.000"))
    assert amounts(parts) == [(A, D("-5.00")), (B, D("-5.00"))]


def test_uncovered_dealer_stays_with_its_org_unit_and_unknown_dealer_with_nobody():
    assert attribute(OFFICE, [], D("12.50"), D("1")) == [Attribution(OFFICE, None, D("12.50"), D("1"))]
    assert attribute(None, [], D("12.50"), D("1")) == [Attribution(None, None, D("12.50"), D("1"))]


@pytest.mark.parametrize(
    "shares,field",
    [
        ([Share(A, D("0.5")), Share(B, D("0.4"))], "reps"),
        ([Share(A, D("0.5")), Share(A, D("0.5"))], "reps"),
        ([Share(A, D("0")), Share(B, D("1"))], "reps[0].share"),
        ([Share(A, D("1.5")), Share(B, D("-0.5"))], "reps[0].share"),
    ],
)
def test_shares_must_be_positive_and_sum_to_one(shares, field):
    with pytest.raises(InvalidInput) as refused:
        check_shares(shares)
    assert refused.value.field == field


def test_replacing_a_period_cuts_the_spans_around_it():
    timeline = [CoverageSpan(A, D("1"), date(2026, 1, 1), None)]
    changed = replace_coverage(timeline, date(2026, 3, 1), date(2026, 4, 1), [Share(A, D("0.5")), Share(B, D("0.5"))])
    assert changed == [
        CoverageSpan(A, D("1"), date(2026, 1, 1), date(2026, 3, 1)),
        CoverageSpan(A, D("0.5"), date(2026, 3, 1), date(2026, 4, 1)),
        CoverageSpan(B, D("0.5"), date(2026, 3, 1), date(2026, 4, 1)),
        CoverageSpan(A, D("1"), date(2026, 4, 1), None),
    ]
    check_timeline(changed)
    assert shares_on(changed, date(2026, 2, 28)) == [Share(A, D("1"))]
    assert shares_on(changed, date(2026, 3, 31)) == [Share(A, D("0.5")), Share(B, D("0.5"))]
    assert shares_on(changed, date(2026, 4, 1)) == [Share(A, D("1"))]


def test_open_ended_replacement_and_uncovering():
    timeline = [CoverageSpan(A, D("1"), date(2026, 1, 1), None)]
    handed_over = replace_coverage(timeline, date(2026, 6, 1), None, [Share(B, D("1"))])
    assert shares_on(handed_over, date(2026, 7, 1)) == [Share(B, D("1"))]
    uncovered = replace_coverage(handed_over, date(2026, 8, 1), None, [])
    assert shares_on(uncovered, date(2026, 8, 1)) == []
    assert shares_on(uncovered, date(2026, 7, 31)) == [Share(B, D("1"))]


def test_a_period_must_not_end_before_it_starts():
    with pytest.raises(InvalidInput) as refused:
        replace_coverage([], date(2026, 3, 1), date(2026, 3, 1), [Share(A, D("1"))])
    assert refused.value.field == "valid_to"


def test_a_timeline_whose_shares_do_not_add_up_is_refused():
    with pytest.raises(InvalidInput):
        check_timeline(
            [CoverageSpan(A, D("0.5"), date(2026, 1, 1), None), CoverageSpan(B, D("0.6"), date(2026, 2, 1), None)]
        )
