"""Closed months, existing cells and computed totals (no fixtures)."""

import uuid
from datetime import date
from decimal import Decimal as D

import pytest

from services.targets.domain.plan_integrity import (
    check_existing_cells,
    check_open_months,
    check_same_leaves,
    check_total,
    closed_months,
)
from services.targets.domain.plan_versions import CellKey
from shared.errors import Conflict, InvalidInput

OFFICE, REP = uuid.uuid4(), uuid.uuid4()


def test_months_before_the_current_one_are_closed():
    assert closed_months(2026, date(2026, 11, 30)) == set(range(1, 11))  # January..October
    assert closed_months(2026, date(2026, 1, 5)) == set()
    assert closed_months(2025, date(2026, 1, 5)) == set(range(1, 13))
    assert closed_months(2027, date(2026, 11, 30)) == set()


def test_only_existing_cells_in_open_months_change():
    have = {CellKey(OFFICE, REP, "A", 3)}
    check_existing_cells([CellKey(OFFICE, REP, "A", 3)], have)
    with pytest.raises(InvalidInput) as new_line:
        check_existing_cells([CellKey(OFFICE, REP, "A", 3), CellKey(OFFICE, REP, "P99", 3)], have)
    assert new_line.value.field == "changes[1]"
    with pytest.raises(InvalidInput) as closed:
        check_open_months([CellKey(OFFICE, REP, "A", 3)], {1, 2, 3}, reopened=False)
    assert closed.value.field == "changes[0].month"
    check_open_months([CellKey(OFFICE, REP, "A", 3)], {1, 2, 3}, reopened=True)
    with pytest.raises(Conflict):
        check_same_leaves(added=1, dropped=0)


def test_a_total_may_be_stale_or_updated_but_not_edited():
    errors: list[dict] = []
    for stated in (None, D(100), D(130)):  # absent, the old sum, the new sum
        check_total(stated, D(100), D(130), field="rows[2].total", what="row 2", errors=errors)
    assert errors == []
    check_total(D(1000), D(100), D(130), field="rows[2].total", what="row 2", errors=errors)
    assert [e["field"] for e in errors] == ["rows[2].total"]
