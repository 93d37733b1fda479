"""Scope is checked before anything else is said (issue 7, item 5): a caller outside a plan gets the same 404 for
a bad period, a bad as_of or an alert run as for a plan that does not exist; the board is never read for them."""

import uuid

import pytest

from services.targets.progress import board as progress_board
from tests.support import create_org_unit
from tests.targets.progress.support import AS_OF, build_world


@pytest.fixture
def world(clients, admin, engines):
    return build_world(clients, admin, engines)


def test_a_manager_of_another_region_learns_nothing_about_the_plan(clients, admin, token, world, monkeypatch):
    api = clients["targets"]
    other_region = create_org_unit(api, admin, kind="region", parent_id=world.company)
    outsider = token("region_manager", org_unit=other_region["id"])
    reads = []

    def read_board(*a, **k):
        reads.append(a)
        pytest.fail("board read")

    monkeypatch.setattr(progress_board, "read_board", read_board)
    for plan in (world.plan, uuid.uuid4()):  # the plan (2026), then an id that exists nowhere
        base = f"/plans/{plan}/progress"
        answers = [
            api.get(f"{base}/org-units/{world.region}", headers=outsider, params={"period": "2031-02"}),
            api.get(f"{base}/org-units/{world.region}", headers=outsider, params={"as_of": "2031-02-01"}),
            api.get(f"{base}/people/{world.r1}", headers=outsider, params={"period": "2031"}),
            api.get(f"{base}/org-units/{world.region}/ranking", headers=outsider, params={"period": "2031-Q1"}),
            api.post(f"{base}/alerts", headers=outsider, params={"as_of": "2031-01-05"}),
        ]
        for answer in answers:
            assert answer.status_code == 404, answer.text
            assert answer.json()["detail"] == f"plan {plan} not found" and "2026" not in answer.text
    assert reads == []
    monkeypatch.undo()
    inside = token("region_manager", org_unit=world.region)
    wrong_year = api.get(
        f"/plans/{world.plan}/progress/org-units/{world.region}", headers=inside, params={"period": "2031-02"}
    )
    assert wrong_year.status_code == 422 and "2026" in wrong_year.text  # who may see the plan is told why
    assert (
        api.get(
            f"/plans/{world.plan}/progress/org-units/{world.region}", headers=inside, params={"as_of": AS_OF}
        ).status_code
        == 200
    )
