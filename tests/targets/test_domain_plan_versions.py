"""Adjustment requests, who decides them, proposals, and cell-by-cell differences between versions."""

import uuid
from decimal import Decimal as D

import pytest

from services.targets.domain.plan_proposals import check_proposed_value
from services.targets.domain.plan_versions import (
    CellKey,
    check_changes,
    check_decider,
    check_pending,
    check_reason,
    diff_cells,
)
from shared.errors import Conflict, Forbidden, InvalidInput

UNIT = uuid.UUID(int=1)
REP = uuid.UUID(int=2)


def key(month: int, line: str = "A", person=None) -> CellKey:
    return CellKey(UNIT, person, line, month)


def test_changes_are_non_negative_multiples_of_the_step_each_cell_once():
    assert check_changes([(key(1), "300"), (key(2), D("1.50"))], D("0.5")) == [(key(1), D(300)), (key(2), D("1.5"))]
    refusals = [
        ([], "changes", "at least one"),
        ([(key(13), "1")], "changes[0].month", "not a month"),
        ([(key(1), "1"), (key(1), "2")], "changes[1]", "changed twice"),
        ([(key(1), "-1")], "changes[0].value", "negative"),
        ([(key(1), "0.3")], "changes[0].value", "not a multiple"),
    ]
    for changes, field, words in refusals:
        with pytest.raises(InvalidInput) as caught:
            check_changes(changes, D("0.5"))
        assert caught.value.field == field and words in caught.value.detail


def test_a_reason_is_required_and_trimmed():
    assert check_reason("  port closed ") == "port closed"
    with pytest.raises(InvalidInput) as caught:
        check_reason("   ")
    assert caught.value.field == "reason"


@pytest.mark.parametrize(
    ("role", "is_requester", "above", "words"),
    [
        ("rep", False, True, "may not decide"),
        ("supervisor", False, True, "may not decide"),
        ("director", True, True, "their own"),
        ("region_manager", False, False, "above the requester"),
    ],
)
def test_only_a_manager_above_the_requester_decides(role, is_requester, above, words):
    with pytest.raises(Forbidden) as caught:
        check_decider(role, is_requester=is_requester, above_requester=above)
    assert words in caught.value.detail


def test_a_manager_above_decides_once():
    check_decider("director", is_requester=False, above_requester=True)
    check_pending("pending", "adjustment")
    with pytest.raises(Conflict, match="already approved"):
        check_pending("approved", "adjustment")


def test_diff_lists_changed_added_and_removed_cells_with_deltas():
    # month 1: 100 -> 130 (+30); month 2 unchanged; month 3 removed (-50); rep cell added (+20).
    old = {key(1): D(100), key(2): D(70), key(3): D(50)}
    new = {key(1): D(130), key(2): D(70), key(1, person=REP): D(20)}
    diffs = diff_cells(old, new)
    assert [(d.key, d.old_value, d.new_value, d.delta) for d in diffs] == [
        (key(1), D(100), D(130), D(30)),
        (key(3), D(50), None, D(-50)),
        (key(1, person=REP), None, D(20), D(20)),
    ]
    assert sum(d.delta for d in diffs) == sum(new.values()) - sum(old.values())


def test_a_proposal_differs_from_the_split_fits_the_parent_and_the_step():
    assert check_proposed_value(D(4000), D(3000), D(12000), D(100)) == D(4000)
    for value, words in [
        (D(3000), "already the top-down"),
        (D(13000), "more than the parent"),
        (D(-1), "negative"),
        (D(4050), "not a multiple"),
    ]:
        with pytest.raises(InvalidInput) as caught:
            check_proposed_value(value, D(3000), D(12000), D(100))
        assert caught.value.field == "proposed_value" and words in caught.value.detail
