"""Which org unit may sit below which, where a moved subtree ends up, and when a move may take effect."""

from datetime import date

import pytest

from services.targets.domain.org_tree import check_child_kind, check_effective_date, check_move, is_within, rebased
from shared.errors import InvalidInput


@pytest.mark.parametrize(
    "parent, child",
    [
        (None, "company"),
        ("company", "region"),
        ("region", "province"),
        ("region", "office"),
        ("province", "office"),
        ("office", "team"),
    ],
)
def test_allowed_placements(parent, child):
    check_child_kind(parent, child)


@pytest.mark.parametrize(
    "parent, child, field",
    [
        (None, "region", "parent_id"),
        ("region", "company", "parent_id"),
        ("office", "region", "kind"),
        ("team", "team", "kind"),
    ],
)
def test_refused_placements_name_the_field(parent, child, field):
    with pytest.raises(InvalidInput) as caught:
        check_child_kind(parent, child)
    assert caught.value.field == field


# Paths are written with short labels here; in the service each label is an org unit id's hex.
@pytest.mark.parametrize(
    "path, ancestor, within",
    [("c.r.o", "c.r", True), ("c.r", "c.r", True), ("c.r2.o", "c.r", False), ("c.r", "c.r.o", False)],
)
def test_is_within_compares_whole_labels(path, ancestor, within):
    assert is_within(path, ancestor) is within


def test_rebased_moves_a_descendant_with_its_subtree_root():
    # Office o moves from region r1 to r2: its team t follows, a sibling office o2 does not.
    assert rebased("c.r1.o.t", "c.r1.o", "c.r2.o") == "c.r2.o.t"
    assert rebased("c.r1.o", "c.r1.o", "c.r2.o") == "c.r2.o"
    assert rebased("c.r1.o2", "c.r1.o", "c.r2.o") == "c.r1.o2"


@pytest.mark.parametrize(
    "kind, new_parent_kind",
    [("office", "region"), ("office", "province"), ("team", "office"), ("province", "region"), ("region", "company")],
)
def test_allowed_moves(kind, new_parent_kind):
    check_move(kind=kind, path="c.x.u", new_parent_kind=new_parent_kind, new_parent_path="c.y")


@pytest.mark.parametrize(
    "kind, path, new_parent_kind, new_parent_path",
    [
        ("company", "c", "company", "c2"),  # a company is a root
        ("region", "c.r", "province", "c.r.p"),  # below its own descendant (and a lower level)
        ("office", "c.r.o", "office", "c.r.o"),  # below itself
        ("office", "c.r.o", "team", "c.r2.o2.t"),  # a lower level
        ("office", "c.r.o", "office", "c.r2.o2"),  # the same level
    ],
)
def test_refused_moves_name_parent_id(kind, path, new_parent_kind, new_parent_path):
    with pytest.raises(InvalidInput) as caught:
        check_move(kind=kind, path=path, new_parent_kind=new_parent_kind, new_parent_path=new_parent_path)
    assert caught.value.field == "parent_id"


def test_a_move_below_a_descendant_says_so():
    with pytest.raises(InvalidInput, match="descendants"):
        check_move(kind="region", path="c.r", new_parent_kind="company", new_parent_path="c.r.o")


@pytest.mark.parametrize(
    "effective, last_change",
    [(date(2026, 3, 1), None), (date(2026, 3, 1), date(2026, 3, 1)), (date(2026, 3, 14), date(2026, 3, 1))],
)
def test_effective_dates_from_the_last_change_to_today(effective, last_change):
    check_effective_date(effective, last_change=last_change, today=date(2026, 3, 14))


@pytest.mark.parametrize(
    "effective, last_change",
    [
        (date(2026, 3, 15), None),  # tomorrow
        (date(2026, 2, 28), date(2026, 3, 1)),
    ],
)  # rewrites history
def test_refused_effective_dates_name_the_field(effective, last_change):
    with pytest.raises(InvalidInput) as caught:
        check_effective_date(effective, last_change=last_change, today=date(2026, 3, 14))
    assert caught.value.field == "effective_date"
