"""Plan adjustments at their edges: months 1 and 12 exist, 0 and 13 do not; a zero target is allowed."""

import uuid
from decimal import Decimal as D

import pytest

from services.targets.domain.plan_versions import CellDiff, CellKey, check_changes
from shared.errors import InvalidInput

UNIT = uuid.UUID(int=1)


def cell(month: int) -> CellKey:
    return CellKey(UNIT, None, "beer", month)


def test_january_and_december_may_be_changed_even_to_zero():
    assert check_changes([(cell(1), "0"), (cell(12), "100")], D(1)) == [(cell(1), D(0)), (cell(12), D(100))]


@pytest.mark.parametrize("month", [0, 13])
def test_a_month_outside_1_to_12_is_refused(month):
    with pytest.raises(InvalidInput) as refused:
        check_changes([(cell(month), "100")], D(1))
    assert refused.value.field == "changes[0].month"


def test_a_delta_counts_an_absent_cell_as_zero():
    assert CellDiff(cell(3), None, D(40)).delta == D(40)
    assert CellDiff(cell(3), D(40), None).delta == D(-40)
    assert CellDiff(cell(3), D(40), D(25)).delta == D(-15)
