"""Dealer coverage names reps of the caller's subtree only (issue 7, item 4): a North rep, or a person who is no
rep, reads as unknown to an East manager, and nothing is re-split."""

import uuid

from tests.support import create_org_unit
from tests.targets.plans.support import TARGETS, add_rep
from tests.targets.progress.support import register_dealer


def test_coverage_naming_a_rep_of_another_region_or_a_non_rep_is_404_and_changes_nothing(
    clients, admin, engines, token
):
    api = clients[TARGETS]
    company = create_org_unit(api, admin, kind="company")
    east, north = (create_org_unit(api, admin, kind="region", parent_id=company["id"]) for _ in range(2))
    east_office = create_org_unit(api, admin, kind="office", parent_id=east["id"])
    north_office = create_org_unit(api, admin, kind="office", parent_id=north["id"])
    east_rep, north_rep = add_rep(api, admin, east_office["id"], "East"), add_rep(api, admin, north_office["id"], "N")
    supervisor = api.post(
        "/people",
        headers=admin,
        json={"name": "Sup", "role": "supervisor", "org_unit_id": east_office["id"], "valid_from": "2020-01-01"},
    ).json()["id"]
    with engines["targets"].begin() as conn:
        dealer = register_dealer(conn, uuid.UUID(east_office["id"]))
    manager = token("region_manager", org_unit=east["id"])
    url = f"/dealers/{dealer}/coverage"
    for person in (north_rep, supervisor, str(uuid.uuid4())):
        answer = api.put(
            url, headers=manager, json={"valid_from": "2026-01-01", "reps": [{"person_id": person, "share": "1"}]}
        )
        assert answer.status_code == 404, answer.text
        assert answer.json()["errors"] == [{"field": "reps[0].person_id", "reason": f"person {person} not found"}]
    assert api.get(url, headers=manager).json()["spans"] == []
    own = api.put(
        url, headers=manager, json={"valid_from": "2026-01-01", "reps": [{"person_id": east_rep, "share": "1"}]}
    )
    assert own.status_code == 200 and [s["person_id"] for s in own.json()["spans"]] == [east_rep]
