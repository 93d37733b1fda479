"""Dealer master data: credit terms and bands, updates published, and the caller's scope on paths and bodies."""

from __future__ import annotations

from tests.inventory.conftest import make_dealer, outbox_events


def test_terms_default_and_update_publishes_the_new_state(clients, admin, engines, territory):
    dealer = make_dealer(clients["inventory"], admin, territory["office"]["id"], credit_limit="200000.00", grade="A")
    assert (dealer["payment_terms_days"], dealer["overdue_allowance_days"], dealer["status"]) == (30, 0, "active")
    manager = {"Authorization": admin["Authorization"]}
    answer = clients["inventory"].patch(
        f"/dealers/{dealer['id']}", headers=manager, json={"credit_limit": "250000.00", "status": "suspended"}
    )
    assert answer.status_code == 200, answer.text
    assert (answer.json()["credit_limit"], answer.json()["grade"]) == ("250000.00", "A")
    events = outbox_events(engines, dealer["id"])
    assert [e["type"] for e in events] == ["inventory.dealer.registered", "inventory.dealer.updated"]
    assert (events[1]["data"]["credit_limit"], events[1]["data"]["status"]) == ("250000.00", "suspended")


def test_ids_outside_the_callers_subtree_are_not_found_in_paths_and_bodies(clients, admin, token, territory):
    east_manager = token("region_manager", org_unit=territory["east"]["id"])
    west_manager = token("region_manager", org_unit=territory["west"]["id"])
    dealer = make_dealer(clients["inventory"], east_manager, territory["office"]["id"])
    # the west manager cannot see, change or register into the east
    assert clients["inventory"].get(f"/dealers/{dealer['id']}", headers=west_manager).status_code == 404
    assert (
        clients["inventory"].patch(f"/dealers/{dealer['id']}", headers=west_manager, json={"grade": "C"}).status_code
        == 404
    )
    moved_out = clients["inventory"].patch(
        f"/dealers/{dealer['id']}", headers=east_manager, json={"org_unit_id": territory["west"]["id"]}
    )
    assert moved_out.status_code == 404 and moved_out.json()["errors"][0]["field"] == "org_unit_id"
    assert (
        clients["inventory"].get(f"/dealers/{dealer['id']}", headers=east_manager).json()["org_unit_id"]
        == (territory["office"]["id"])
    )
    bad_band = clients["inventory"].patch(
        f"/dealers/{dealer['id']}", headers=east_manager, json={"band_low_days": 30, "band_high_days": 20}
    )
    assert bad_band.status_code == 422 and bad_band.json()["errors"][0]["field"] == "band_low_days"
