"""Who may staff whom, pinned at the domain level (the API tests in people/ go through the database)."""

import pytest

from services.targets.domain.people import check_may_manage
from shared.errors import Forbidden


def test_a_region_manager_staffs_a_rep_but_not_a_peer():
    check_may_manage("region_manager", "rep")  # allowed: no exception
    with pytest.raises(Forbidden) as refused:
        check_may_manage("region_manager", "region_manager")
    assert (refused.value.status, refused.value.field) == (403, "role")
