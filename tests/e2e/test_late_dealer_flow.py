"""An ERP order that names a dealer nobody has registered yet, end to end: inventory records it waiting, targets
lists it as unattributed; once the dealer is registered in inventory, inventory publishes the order again with
its dealer and targets moves it into the office's actuals, counted once (issues 11 and 14 together).

By hand: order SO, 10 × 12.50 = 125.00 on 14 March, dealer code unknown → targets' reconciliation lists it under
unknown_dealer and the office reads 0.00 from 0 orders. Dealer registered at the office → the office reads 125.00
from 1 order, and nothing is unattributed any more.
"""

from __future__ import annotations

import json

import pytest
from kafka import KafkaProducer

from tests.support import create_org_unit, erp_order, unique, wait_until
from tests.targets.outside import ok

pytestmark = pytest.mark.usefixtures("workers")
DAY = "2026-03-14"


def unknown_dealer_orders(targets, admin) -> list[str]:
    report = ok(
        targets.get("/actuals/reconciliation", headers=admin, params={"date_from": DAY, "date_to": DAY, "limit": 1000})
    )
    return [i["order_id"] for g in report["unattributed"] if g["reason"] == "unknown_dealer" for i in g["items"]]


def test_an_order_before_its_dealer_reaches_the_offices_actuals_once_the_dealer_is_registered(clients, admin, settings):
    targets, inventory = clients["targets"], clients["inventory"]
    company = create_org_unit(targets, admin, kind="company")["id"]
    office = create_org_unit(targets, admin, kind="office", parent_id=company)["id"]
    wait_until(lambda: inventory.get(f"/org-units/{office}", headers=admin).status_code == 200, message="office")
    code, number = unique("LATE"), unique("SO")

    producer = KafkaProducer(bootstrap_servers=settings.kafka_bootstrap_servers, acks="all")
    try:
        message = erp_order(number, code, ordered_on=DAY)
        producer.send("erp.orders.v1", key=number.encode(), value=json.dumps(message).encode()).get(10)
    finally:
        producer.close()
    order = wait_until(
        lambda: (inventory.get("/orders", headers=admin, params={"erp_order_id": number}).json() or [None])[0],
        message="inventory to record the order",
    )
    wait_until(lambda: order["id"] in unknown_dealer_orders(targets, admin), message="targets' unattributed order")

    def office_totals() -> tuple[str, int]:
        body = ok(targets.get(f"/actuals/{office}", headers=admin, params={"date_from": DAY, "date_to": DAY}))
        return body["amount"], body["orders"]

    assert office_totals() == ("0.00", 0)

    ok(inventory.post("/dealers", headers=admin, json={"code": code, "name": "Late", "org_unit_id": office}), 201)
    wait_until(lambda: office_totals() == ("125.00", 1), message="the order in the office's actuals")
    assert order["id"] not in unknown_dealer_orders(targets, admin)
    company_totals = ok(targets.get(f"/actuals/{company}", headers=admin, params={"date_from": DAY, "date_to": DAY}))
    assert (company_totals["amount"], company_totals["orders"]) == ("125.00", 1)
