"""A proposal may be anything from zero to the parent's whole, except the split value itself."""

from decimal import Decimal as D

import pytest

from services.targets.domain.plan_proposals import check_proposed_value
from shared.errors import InvalidInput


def test_zero_and_the_parents_whole_are_valid_proposals():
    assert check_proposed_value("0", D(300), D(1000), D(1)) == D(0)
    assert check_proposed_value("1000", D(300), D(1000), D(1)) == D(1000)


@pytest.mark.parametrize("value, words", [("-1", "negative"), ("1001", "more than the parent"), ("300", "already")])
def test_below_zero_above_the_whole_or_the_split_itself_is_refused(value, words):
    with pytest.raises(InvalidInput, match=words) as refused:
        check_proposed_value(value, D(300), D(1000), D(1))
    assert refused.value.field == "proposed_value"
