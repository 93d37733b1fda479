"""Offline sync of the outlet book and of order requests: a new outlet, its contacts and an order recorded on
the phone, each applied exactly once by its op_id and in the order sent (a later operation may name the outlet
an earlier one registered), with a result per item; a contacts change on a stale copy is refused."""

from __future__ import annotations

import uuid

from sqlalchemy import text

SHOP = {"latitude": 30.2825, "longitude": 120.1332}


def op(kind, **fields):
    return {"op_id": str(uuid.uuid4()), "kind": kind, **fields}


def sync(client, headers, ops):
    answer = client.post("/sync", json={"device_id": "phone-9", "operations": ops}, headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()["results"]


def events(engines, key):
    with engines["visits"].connect() as conn:
        return conn.scalars(
            text("SELECT convert_from(value, 'UTF8')::jsonb FROM visits.outbox WHERE key = :k ORDER BY id"), {"k": key}
        ).all()


def test_a_new_outlet_its_contacts_and_an_order_once_each_in_order(clients, token, territory, engines):
    client = clients["visits"]
    person = uuid.uuid4()
    rep = token("rep", org_unit=territory["office"], person_id=person)
    outlet_id = str(uuid.uuid4())
    register = op(
        "register_outlet",
        outlet={
            "id": outlet_id,
            "code": f"O-{outlet_id[:8]}",
            "name": "Zhang's kiosk",
            "org_unit_id": territory["office"],
            "location": SHOP,
        },
    )
    contacts = op(
        "update_outlet_contacts",
        based_on_version=1,
        outlet_id=outlet_id,
        contacts=[{"name": "Zhang Wei", "role": "owner", "phone": "+86 138 0000 0000"}],
    )
    order = op(
        "record_order_request",
        outlet_id=outlet_id,
        requested_on="2026-03-18",
        lines=[{"sku": "SKU-1", "quantity": "24", "unit_price": "10.50"}],
    )
    # Sent in the wrong order first: the contacts of an outlet the server does not know yet fail (and are not
    # stored, so they can be sent again), the registration after them applies.
    early = sync(client, rep, [contacts, register])
    assert [(r["outcome"], r["error"] and r["error"]["status"]) for r in early] == [("failed", 404), ("applied", None)]
    results = sync(client, rep, [register, contacts, order, order])
    assert [(r["outcome"], r["duplicate"]) for r in results] == [
        ("applied", True),  # registered by the first batch: its first result, nothing applied again
        ("applied", False),
        ("applied", False),
        ("applied", True),  # the phone queued the order twice
    ]
    assert results[0]["outlet_id"] == outlet_id and results[0]["outlet_version"] == 1
    assert results[1]["outlet_version"] == 2 and results[2]["request_id"] == order["op_id"]
    shop = client.get(f"/outlets/{outlet_id}", headers=rep).json()
    assert shop["owner_rep_id"] == str(person) and shop["contacts"][0]["name"] == "Zhang Wei"
    # A retry of the whole day, reversed, applies nothing and reports the first results.
    retry = sync(client, rep, [order, contacts, register])
    assert all(r["duplicate"] for r in retry)
    assert [r["outcome"] for r in retry] == ["applied"] * 3
    with engines["visits"].connect() as conn:
        assert conn.scalar(text("SELECT version FROM visits.outlets WHERE id = :i"), {"i": outlet_id}) == 2
    outlet_events = [e["type"] for e in events(engines, outlet_id)]
    assert outlet_events == ["visits.outlet.registered", "visits.outlet.updated"]
    (requested,) = events(engines, order["op_id"])
    assert requested["type"] == "visits.order.requested"
    assert requested["data"]["visit_id"] is None and requested["data"]["outlet_id"] == outlet_id
    assert requested["data"]["lines"] == [{"sku": "SKU-1", "quantity": "24", "unit_price": "10.50"}]
    assert requested["data"]["rep_id"] == str(person)


def test_contacts_changed_on_a_stale_copy_are_refused(clients, admin, token, territory):
    client = clients["visits"]
    person = uuid.uuid4()
    rep = token("rep", org_unit=territory["office"], person_id=person)
    outlet_id = str(uuid.uuid4())
    body = {"id": outlet_id, "code": f"O-{outlet_id[:8]}", "name": "Corner shop", "org_unit_id": territory["office"]}
    assert sync(client, rep, [op("register_outlet", outlet=body)])[0]["outcome"] == "applied"
    # Meanwhile the office renamed the outlet: version 2 on the server; the phone still has version 1.
    supervisor = token("supervisor", org_unit=territory["office"])
    assert (
        client.patch(f"/outlets/{outlet_id}", json={"name": "Corner shop No. 2"}, headers=supervisor).json()["version"]
        == 2
    )
    stale = op("update_outlet_contacts", based_on_version=1, outlet_id=outlet_id, contacts=[{"name": "Li Na"}])
    (result,) = sync(client, rep, [stale])
    assert result["outcome"] == "rejected" and result["conflict"] == "outlet is at version 2, client had 1"
    assert client.get(f"/outlets/{outlet_id}", headers=rep).json()["contacts"] == []
    # Another rep's outlet is not in this rep's book: a failure naming it, nothing changed.
    other = token("rep", org_unit=territory["office"], person_id=uuid.uuid4())
    foreign = op(
        "record_order_request", outlet_id=outlet_id, requested_on="2026-03-18", lines=[{"sku": "S", "quantity": "1"}]
    )
    (refused,) = sync(client, other, [foreign])
    assert refused["outcome"] == "failed" and refused["error"]["status"] == 404
