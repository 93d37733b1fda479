"""A subtree moved in targets reaches every service: inventory, visits and audit rewrite the paths of every
descendant, and scoping follows (a dealer in the moved office changes hands between region managers)."""

from __future__ import annotations

import pytest

from tests.support import create_org_unit, unique, wait_until

pytestmark = pytest.mark.usefixtures("workers")
PROJECTING = ("inventory", "visits", "audit")


def subtree_paths(client, headers, root_id: str) -> dict[str, str] | None:
    answer = client.get("/org-units", params={"under": root_id}, headers=headers)
    return {u["id"]: u["path"] for u in answer.json()} if answer.status_code == 200 else None


def test_a_moved_office_and_its_teams_are_moved_everywhere_and_scopes_follow(clients, admin, token):
    targets = clients["targets"]
    company = create_org_unit(targets, admin, kind="company")
    east = create_org_unit(targets, admin, kind="region", parent_id=company["id"])
    west = create_org_unit(targets, admin, kind="region", parent_id=company["id"])
    province = create_org_unit(targets, admin, kind="province", parent_id=east["id"])
    office = create_org_unit(targets, admin, kind="office", parent_id=province["id"])
    for _ in range(3):
        create_org_unit(targets, admin, kind="team", parent_id=office["id"])
    before = subtree_paths(targets, admin, province["id"])
    for service in PROJECTING:
        wait_until(
            lambda service=service: subtree_paths(clients[service], admin, province["id"]) == before,
            message=f"{service} to learn the office and its teams",
        )
    dealer = clients["inventory"].post(
        "/dealers",
        headers=admin,
        json={"code": unique("D"), "name": "Dealer in the moving office", "org_unit_id": office["id"]},
    )
    assert dealer.status_code == 201, dealer.text
    east_manager, west_manager = token("region_manager", east["id"]), token("region_manager", west["id"])
    dealer_url = f"/dealers/{dealer.json()['id']}"
    assert clients["inventory"].get(dealer_url, headers=east_manager).status_code == 200
    assert clients["inventory"].get(dealer_url, headers=west_manager).status_code == 404

    moved = targets.post(
        f"/org-units/{office['id']}/move", headers=admin, json={"parent_id": west["id"], "effective_date": "2025-07-01"}
    )
    assert moved.status_code == 200 and moved.json()["moved_units"] == 4, moved.text
    after = subtree_paths(targets, admin, office["id"])
    assert after is not None
    assert all(path.startswith(f"{west['path']}.") for path in after.values()) and len(after) == 4
    for service in PROJECTING:
        wait_until(
            lambda service=service: subtree_paths(clients[service], admin, office["id"]) == after,
            message=f"{service} to move the office and every team",
        )
        assert subtree_paths(clients[service], admin, province["id"]) == {province["id"]: province["path"]}

    assert clients["inventory"].get(dealer_url, headers=west_manager).status_code == 200
    assert clients["inventory"].get(dealer_url, headers=east_manager).status_code == 404
    archived = wait_until(
        lambda: (
            clients["audit"]
            .get("/events", headers=admin, params={"type": "targets.org_unit.moved", "subject": office["id"]})
            .json()
        ),
        message="audit to archive the move",
    )
    assert [(e["data"]["old_path"], e["data"]["path"]) for e in archived] == [(office["path"], after[office["id"]])]


def test_a_rename_reaches_every_service(clients, admin):
    company = create_org_unit(clients["targets"], admin, kind="company")
    name = unique("Renamed company")
    assert (
        clients["targets"].patch(f"/org-units/{company['id']}", headers=admin, json={"name": name}).status_code == 200
    )
    for service in PROJECTING:
        wait_until(
            lambda service=service: (
                clients[service].get(f"/org-units/{company['id']}", headers=admin).json().get("name") == name
            ),
            message=f"{service} to rename the company",
        )


def test_people_events_are_archived_by_audit(clients, admin):
    company = create_org_unit(clients["targets"], admin, kind="company")
    person = clients["targets"].post(
        "/people",
        headers=admin,
        json={"name": unique("Li Lei"), "role": "director", "org_unit_id": company["id"], "valid_from": "2025-01-01"},
    )
    assert person.status_code == 201, person.text
    moved = clients["targets"].post(
        f"/people/{person.json()['id']}/assignments",
        headers=admin,
        json={"org_unit_id": company["id"], "valid_from": "2024-07-01"},
    )
    assert moved.status_code == 201, moved.text

    def archived():
        events = clients["audit"].get("/events", headers=admin, params={"subject": person.json()["id"]}).json()
        return events if len(events) == 2 else None

    events = wait_until(archived, message="audit to archive the person's events")
    assert [e["type"] for e in events] == ["targets.person.created", "targets.person.assigned"]
    # back-dated to 2024-07-01 in the same unit: one merged period from then on
    assert events[1]["data"]["assignments"] == [
        {"org_unit_id": company["id"], "valid_from": "2024-07-01", "valid_to": None}
    ]
