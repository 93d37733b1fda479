"""Which org unit may sit below which."""
import pytest

from services.targets.domain.org_tree import check_child_kind
from shared.errors import InvalidInput


@pytest.mark.parametrize("parent, child", [(None, "company"), ("company", "region"), ("region", "province"),
                                           ("region", "office"), ("province", "office"), ("office", "team")])
def test_allowed_placements(parent, child):
    check_child_kind(parent, child)


@pytest.mark.parametrize("parent, child, field", [(None, "region", "parent_id"), ("region", "company", "parent_id"),
                                                  ("office", "region", "kind"), ("team", "team", "kind")])
def test_refused_placements_name_the_field(parent, child, field):
    with pytest.raises(InvalidInput) as caught:
        check_child_kind(parent, child)
    assert caught.value.field == field
