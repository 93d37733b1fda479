"""A create naming an org unit still travelling from targets answers 503 + Retry-After, only to callers it cannot
be secret from (global callers, or a caller scoped to that very unit); everyone else gets the usual 404."""

from __future__ import annotations

import uuid

import pytest

from tests.support import create_org_unit, unique, wait_until

pytestmark = pytest.mark.usefixtures("workers")


def dealer(org_unit_id) -> dict:
    return {"code": unique("D"), "name": "Dealer in flight", "org_unit_id": str(org_unit_id)}


def outlet(org_unit_id) -> dict:
    return {"code": unique("O"), "name": "Outlet in flight", "org_unit_id": str(org_unit_id)}


def assert_not_yet_known(answer, org_unit_id) -> None:
    assert answer.status_code == 503, answer.text
    assert answer.headers["Retry-After"] == "1"
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["title"] == "Not known here yet"
    assert str(org_unit_id) in problem["detail"] and "retry" in problem["detail"]
    assert problem["errors"][0]["field"] == "org_unit_id"


def test_a_dealer_in_a_region_inventory_has_not_received_yet_is_503_then_created(clients, admin, workers):
    company = create_org_unit(clients["targets"], admin, kind="company")
    # Stop the worker only once it consumes (a member leaving mid-join can leave the broker's group rebalancing).
    wait_until(
        lambda: clients["inventory"].get(f"/org-units/{company['id']}", headers=admin).status_code == 200,
        message="inventory to learn the company",
    )
    workers.stop("inventory")  # inventory cannot learn the region while its worker is down
    try:
        region = create_org_unit(clients["targets"], admin, kind="region", parent_id=company["id"])
        body = dealer(region["id"])
        assert_not_yet_known(clients["inventory"].post("/dealers", json=body, headers=admin), region["id"])
        key = {"Idempotency-Key": unique("k")}
        assert clients["inventory"].post("/dealers", json=body, headers={**admin, **key}).status_code == 503
        listed = clients["inventory"].get("/dealers", headers=admin, params={"limit": 1000}).json()
        assert body["code"] not in {d["code"] for d in listed}, "a 503 writes nothing"
    finally:
        workers.start("inventory")
    # A restarted worker rejoins its consumer group first (seconds, as in test_consumer_recovery), then catches up.
    wait_until(
        lambda: clients["inventory"].get(f"/org-units/{region['id']}", headers=admin).status_code == 200,
        timeout=60,
        message="inventory to learn the region",
    )
    created = clients["inventory"].post("/dealers", json=body, headers={**admin, **key})
    assert created.status_code == 201, created.text
    created = created.json()
    assert created["org_unit_id"] == region["id"]
    # The key that was answered 503 stored nothing, so the successful retry is its first answer, replayed now.
    again = clients["inventory"].post("/dealers", json=body, headers={**admin, **key})
    assert again.status_code == 201 and again.json()["id"] == created["id"]


def test_only_callers_it_cannot_be_secret_from_are_told_to_retry(clients, admin, token):
    company = create_org_unit(clients["targets"], admin, kind="company")
    known_region = create_org_unit(clients["targets"], admin, kind="region", parent_id=company["id"])
    wait_until(
        lambda: clients["inventory"].get(f"/org-units/{known_region['id']}", headers=admin).status_code == 200,
        message="inventory to learn the region",
    )
    travelling = uuid.uuid4()  # unknown to every service: as far as inventory can tell, it may be on its way
    elsewhere = token("region_manager", org_unit=known_region["id"])
    answer = clients["inventory"].post("/dealers", json=dealer(travelling), headers=elsewhere)
    assert answer.status_code == 404, "a manager of another region must not learn that the unit may exist"
    assert "Retry-After" not in answer.headers
    its_own = token("region_manager", org_unit=travelling)
    assert_not_yet_known(clients["inventory"].post("/dealers", json=dealer(travelling), headers=its_own), travelling)
    assert_not_yet_known(clients["visits"].post("/outlets", json=outlet(travelling), headers=admin), travelling)
    rep_elsewhere = token("rep", org_unit=known_region["id"])
    assert clients["visits"].post("/outlets", json=outlet(travelling), headers=rep_elsewhere).status_code == 404
