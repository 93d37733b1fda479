"""Who may create or reassign whom (no database)."""

import pytest

from services.targets.domain.people import check_may_manage
from shared.errors import Forbidden
from shared.identity import PERSON_ROLES


@pytest.mark.parametrize("caller", ["admin", "director"])
@pytest.mark.parametrize("person", PERSON_ROLES)
def test_directors_and_admins_staff_every_level(caller, person):
    check_may_manage(caller, person)


@pytest.mark.parametrize("person", ["supervisor", "rep"])
def test_a_region_manager_staffs_the_levels_below(person):
    check_may_manage("region_manager", person)


@pytest.mark.parametrize(
    "caller, person",
    [
        ("region_manager", "region_manager"),
        ("region_manager", "director"),
        ("supervisor", "rep"),
        ("rep", "rep"),
        ("auditor", "rep"),
        ("erp", "rep"),
    ],
)
def test_everyone_else_is_refused_naming_the_role(caller, person):
    with pytest.raises(Forbidden) as caught:
        check_may_manage(caller, person)
    assert caught.value.field == "role"
