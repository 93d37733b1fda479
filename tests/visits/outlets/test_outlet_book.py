"""The outlet book: new fields and the value x loyalty class, versioned edits, grades recomputed from sales."""

from __future__ import annotations

import uuid

from sqlalchemy import text

from tests.visits.conftest import make_outlet


def outbox_data(engines, key):
    with engines["visits"].connect() as conn:
        return (
            conn.execute(
                text("SELECT convert_from(value, 'UTF8')::jsonb FROM visits.outbox WHERE key = :k ORDER BY id"),
                {"k": key},
            )
            .scalars()
            .all()
        )


def test_an_outlet_carries_channel_hours_owner_contacts_and_its_value_class(clients, admin, territory, engines):
    owner = str(uuid.uuid4())
    outlet = make_outlet(
        clients,
        admin,
        territory["office"],
        grade="B",
        loyalty="floating",
        channel="restaurant",
        owner_rep_id=owner,
        contacts=[{"name": "Wang Li", "role": "owner", "phone": "+86 571 8888 0000"}],
    )
    assert outlet["value_class"] == "dangerous_big"  # big (B) but not loyal: seed 003's most dangerous customer
    assert outlet["owner_rep_id"] == owner and outlet["contacts"][0]["name"] == "Wang Li"
    assert outlet["opening_hours"][0] == {"weekday": 1, "opens": "08:00", "closes": "21:00"}
    registered = outbox_data(engines, outlet["id"])[0]["data"]
    assert (registered["channel"], registered["value_class"], registered["owner_rep_id"]) == (
        "restaurant",
        "dangerous_big",
        owner,
    )


def test_opening_hours_closing_before_opening_are_refused(clients, admin, territory):
    body = {
        "code": f"O-{uuid.uuid4().hex[:8]}",
        "name": "x",
        "org_unit_id": territory["office"],
        "opening_hours": [{"weekday": 1, "opens": "21:00", "closes": "08:00"}],
    }
    answer = clients["visits"].post("/outlets", json=body, headers=admin)
    assert answer.status_code == 422 and "opening_hours[0].closes" in answer.text


def test_edits_are_versioned_and_published(clients, admin, token, territory, engines):
    supervisor = token("supervisor", org_unit=territory["office"])
    outlet = make_outlet(clients, admin, territory["office"], grade="C", loyalty="loyal")
    url = f"/outlets/{outlet['id']}"
    changed = clients["visits"].patch(url, json={"grade": "A", "version": 1}, headers=supervisor)
    assert changed.status_code == 200, changed.text
    assert (changed.json()["version"], changed.json()["value_class"]) == (2, "good")
    stale = clients["visits"].patch(url, json={"loyalty": "floating", "version": 1}, headers=supervisor)
    assert stale.status_code == 409
    updated = outbox_data(engines, outlet["id"])[-1]
    assert updated["type"] == "visits.outlet.updated" and updated["data"]["changed"] == ["grade"]
    outsider = token("supervisor", org_unit=territory["other_office"])
    assert clients["visits"].patch(url, json={"grade": "B"}, headers=outsider).status_code == 404


def test_grades_are_recomputed_from_the_volume_ordered_on_visits(clients, admin, token, territory):
    from datetime import UTC, datetime, timedelta

    unit = (
        clients["targets"]
        .post(
            "/org-units",
            json={"kind": "team", "code": f"T-{uuid.uuid4().hex[:8]}", "name": "t", "parent_id": territory["office"]},
            headers=admin,
        )
        .json()
    )
    from tests.support import wait_until
    from tests.visits.conftest import projected

    wait_until(lambda: projected(clients, admin, unit["id"]))
    person = uuid.uuid4()
    made = [make_outlet(clients, admin, unit["id"], grade="C", owner_rep_id=str(person)) for _ in range(4)]
    rep = token("rep", org_unit=unit["id"], person_id=person)
    now = datetime.now(UTC)
    for outlet, quantity in zip(made, ["50", "30", "20"], strict=False):  # the fourth sold nothing
        visit = {
            "id": str(uuid.uuid4()),
            "outlet_id": outlet["id"],
            "check_in": {
                "position": {"latitude": 30.2825, "longitude": 120.1332, "datum": "wgs84", "accuracy_m": 5},
                "client_at": (now - timedelta(days=2)).isoformat(),
            },
            "steps": [{"step": "order", "lines": [{"sku": "SKU-1", "quantity": quantity}]}],
            "check_out": {"client_at": (now - timedelta(days=2, minutes=-20)).isoformat()},
            "sent_at": now.isoformat(),
        }
        assert clients["visits"].post("/visits", json=visit, headers=rep).status_code == 201
    manager = token("region_manager", org_unit=territory["region"])
    answer = clients["visits"].post(
        "/outlets/grades/recompute", json={"org_unit_id": unit["id"], "days": 30}, headers=manager
    )
    assert answer.status_code == 200, answer.text
    # total 100: 50 starts at 0 % (A), 30 at 50 % (B), 20 at 80 % (C, unchanged), nothing sold (D)
    new = {c["outlet_id"]: c["new_grade"] for c in answer.json()["changed"]}
    assert new == {made[0]["id"]: "A", made[1]["id"]: "B", made[3]["id"]: "D"}
    assert clients["visits"].get(f"/outlets/{made[0]['id']}", headers=admin).json()["grade"] == "A"
