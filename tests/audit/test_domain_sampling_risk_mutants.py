"""Spot-check allocation in several passes, a sample of none, and risk scores on their first and last day."""

from datetime import date
from decimal import Decimal as D

import pytest

from services.audit.domain.risk import ScoredFinding, finding_score, scores
from services.audit.domain.sampling import allocate, stratified_sample
from services.audit.domain.settings import Severity
from shared.errors import InvalidInput


def test_largest_remainders_are_served_one_unit_each_in_order():
    # weights 3 x 1, 2 x 1, 1 x 2 = 3, 2, 2 of 7; n = 3: exact 9/7, 6/7, 6/7 -> 1, 0, 0 with 2 left,
    # the equal remainders 6/7 go to "low" then "medium" (by name): 1, 1, 1.
    assert allocate({"high": 1, "medium": 1, "low": 2}, 3) == {"high": 1, "medium": 1, "low": 1}


def test_a_stratum_without_a_risk_weight_weighs_one():
    # "other" x 2 and "low" (weight 1) x 2 tie at 1/2: the name decides, "low" first.
    assert allocate({"other": 2, "low": 2}, 1) == {"other": 0, "low": 1}


def test_a_sample_of_none_is_empty_and_a_negative_one_is_refused():
    assert stratified_sample({"high": ["a", "b"]}, 0, seed=7) == []
    with pytest.raises(InvalidInput):
        stratified_sample({"high": ["a", "b"]}, -1, seed=7)


@pytest.mark.parametrize(
    "severity, age, score",
    [
        (Severity.low, 0, "1.00"),  # weight 1, new: 1 x (1 + 0/30)
        (Severity.critical, 0, "27.00"),
        (Severity.critical, 90, "108.00"),  # 27 x (1 + 90/30)
        (Severity.low, -5, "1.00"),  # a finding dated after the day counts as new
    ],
)
def test_finding_scores(severity, age, score):
    assert finding_score(severity, age) == D(score)


def test_a_finding_counts_from_the_day_it_opens_until_the_day_before_it_is_finished():
    finding = ScoredFinding("dealer:d1", Severity.low, date(2026, 3, 10), date(2026, 3, 20))
    assert scores([finding], date(2026, 3, 10)) == {"dealer:d1": D("1.00")}
    assert scores([finding], date(2026, 3, 19)) == {"dealer:d1": D("1.30")}  # 9 days: 1 x (1 + 9/30)
    assert scores([finding], date(2026, 3, 20)) == {}
    assert scores([finding], date(2026, 3, 9)) == {}
