"""A manager rewrites only the part of a person's history spent in their subtree (issue 7, item 4)."""

from tests.support import create_org_unit
from tests.targets.plans.support import TARGETS, add_rep


def test_a_manager_cannot_rewrite_the_assignment_of_someone_who_now_works_in_another_region(clients, admin, token):
    api = clients[TARGETS]
    company = create_org_unit(api, admin, kind="company")
    east, north = (create_org_unit(api, admin, kind="region", parent_id=company["id"]) for _ in range(2))
    east_office = create_org_unit(api, admin, kind="office", parent_id=east["id"])
    other_east_office = create_org_unit(api, admin, kind="office", parent_id=east["id"])
    north_office = create_org_unit(api, admin, kind="office", parent_id=north["id"])
    rep = add_rep(api, admin, east_office["id"], "Moves north")  # East from 2020
    moved = api.post(
        f"/people/{rep}/assignments",
        headers=admin,
        json={"org_unit_id": north_office["id"], "valid_from": "2026-06-01"},
    )
    assert moved.status_code == 201, moved.text
    east_manager = token("region_manager", org_unit=east["id"])
    back = api.post(
        f"/people/{rep}/assignments",
        headers=east_manager,
        json={"org_unit_id": east_office["id"], "valid_from": "2026-07-01"},
    )
    assert back.status_code == 404 and back.json()["errors"][0]["field"] == "person_id"
    history = api.get(f"/people/{rep}/assignments", headers=admin).json()["assignments"]
    assert [(a["org_unit_id"], a["valid_from"]) for a in history][-1] == (north_office["id"], "2026-06-01")
    # The East years are still East's to correct: 2021 spent in the other East office.
    fixed = api.post(
        f"/people/{rep}/assignments",
        headers=east_manager,
        json={"org_unit_id": other_east_office["id"], "valid_from": "2021-01-01", "valid_to": "2022-01-01"},
    )
    assert fixed.status_code == 201, fixed.text
