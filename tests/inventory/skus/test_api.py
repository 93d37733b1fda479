"""SKU master data through the API: price control, band checks, updates published as full snapshots."""

from __future__ import annotations

from tests.inventory.conftest import make_sku, outbox_events
from tests.support import unique


def test_register_publish_and_update(clients, admin, token, engines):
    director = token("director")
    sku = make_sku(clients["inventory"], director, price_floor="3.20", price_ceiling="3.90")
    assert (sku["case_size"], sku["status"], sku["price_floor"]) == (24, "active", "3.2000")
    changed = clients["inventory"].patch(f"/skus/{sku['id']}", headers=director, json={"list_price": "3.80"})
    assert changed.status_code == 200, changed.text
    events = outbox_events(engines, sku["id"])
    assert [(e["type"], e["data"]["change"], e["data"]["list_price"]) for e in events] == [
        ("inventory.sku.changed", "registered", "3.5000"),
        ("inventory.sku.changed", "updated", "3.8000"),
    ]


def test_price_band_and_stock_band_are_checked_naming_the_field(clients, token):
    director = token("director")
    base = {"code": unique("SKU"), "name": "n", "category": "c", "brand": "b", "unit": "u", "case_size": 6}
    low_ceiling = clients["inventory"].post(
        "/skus", headers=director, json={**base, "list_price": "5.00", "price_ceiling": "4.99"}
    )
    assert low_ceiling.status_code == 422
    assert low_ceiling.json()["errors"][0]["field"] == "price_ceiling"
    half_band = clients["inventory"].post(
        "/skus", headers=director, json={**base, "list_price": "5", "band_low_days": 9}
    )
    assert half_band.status_code == 422 and half_band.json()["errors"][0]["field"] == "band_high_days"
    sku = make_sku(clients["inventory"], director, price_floor="3.00")
    # an update is checked against the whole new state: the floor 3.00 is above a list price of 2.00
    below = clients["inventory"].patch(f"/skus/{sku['id']}", headers=director, json={"list_price": "2.00"})
    assert below.status_code == 422 and below.json()["errors"][0]["field"] == "price_floor"


def test_only_directors_maintain_skus_and_retries_create_once(clients, token):
    rep = token("rep")
    body = {"code": unique("SKU"), "name": "n", "category": "c", "brand": "b", "unit": "u", "case_size": 6}
    refused = clients["inventory"].post("/skus", headers=rep, json={**body, "list_price": "1"})
    assert refused.status_code == 403
    director = {**token("director"), "Idempotency-Key": unique("k")}
    first = clients["inventory"].post("/skus", headers=director, json={**body, "list_price": "1"})
    again = clients["inventory"].post("/skus", headers=director, json={**body, "list_price": "1"})
    assert first.status_code == again.status_code == 201 and first.json()["id"] == again.json()["id"]
    assert (
        clients["inventory"].get("/skus", headers=rep, params={"code": body["code"]}).json()[0]["id"]
        == first.json()["id"]
    )
