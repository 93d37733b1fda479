"""Actuals arriving as events, end to end on the real broker: ERP orders go through inventory, whose
OrderRecorded events targets attributes to the dealer's office and covering rep; an unknown dealer's order
shows up in the reconciliation report instead of being dropped."""

from __future__ import annotations

import json
import uuid
from datetime import date
from decimal import Decimal as D

import pytest
from kafka import KafkaProducer
from sqlalchemy import func, select

from services.targets.actuals.tables import actual_days
from services.targets.people.tables import people
from tests.support import create_org_unit, erp_order, unique, wait_until

pytestmark = pytest.mark.usefixtures("workers")
DAY = "2026-07-06"


@pytest.fixture(scope="module")
def producer(settings):
    p = KafkaProducer(bootstrap_servers=settings.kafka_bootstrap_servers, acks="all")
    yield p
    p.close()


def send_erp(producer, message: dict) -> None:
    producer.send("erp.orders.v1", key=message["order_id"].encode(), value=json.dumps(message).encode()).get(10)


def office_actual(clients, admin, office_id) -> D:
    answer = clients["targets"].get(f"/actuals/{office_id}", headers=admin, params={"date_from": DAY, "date_to": DAY})
    assert answer.status_code == 200, answer.text
    return D(answer.json()["amount"])


def rep_actual(engines, person_id) -> D:
    d = actual_days
    with engines["targets"].connect() as conn:
        return conn.scalar(
            select(func.coalesce(func.sum(d.c.amount), 0)).where(
                d.c.holder_kind == "person", d.c.holder_id == person_id, d.c.day == date.fromisoformat(DAY)
            )
        )


def test_erp_orders_are_attributed_to_the_office_and_rep_and_unknown_dealers_reconciled(
    clients, admin, engines, producer
):
    targets, inventory = clients["targets"], clients["inventory"]
    company = create_org_unit(targets, admin, kind="company")
    region = create_org_unit(targets, admin, kind="region", parent_id=company["id"])
    office = create_org_unit(targets, admin, kind="office", parent_id=region["id"])
    wait_until(
        lambda: inventory.get(f"/org-units/{office['id']}", headers=admin).status_code == 200,
        message="inventory to learn the office",
    )
    registered = inventory.post(
        "/dealers", headers=admin, json={"code": unique("D"), "name": "Dealer", "org_unit_id": office["id"]}
    )
    assert registered.status_code == 201, registered.text
    dealer = registered.json()
    wait_until(
        lambda: targets.get(f"/dealers/{dealer['id']}/coverage", headers=admin).status_code == 200,
        message="targets to learn the dealer",
    )
    rep = uuid.uuid4()
    with engines["targets"].begin() as conn:
        conn.execute(people.insert().values(id=rep, name="Rep", role="rep"))
    covered = targets.put(
        f"/dealers/{dealer['id']}/coverage",
        headers=admin,
        json={"valid_from": "2026-01-01", "reps": [{"person_id": str(rep), "share": "1"}]},
    )
    assert covered.status_code == 200, covered.text

    order_id, stray_id = unique("SO"), unique("SO")
    send_erp(producer, erp_order(order_id, dealer["code"], lines=[("SKU-1", "10", "12.50")], ordered_on=DAY))
    # v2 ships twice the quantity: 20 x 12.50 = 250.00 replaces 125.00.
    send_erp(
        producer,
        erp_order(
            order_id, dealer["code"], version=2, status="shipped", lines=[("SKU-1", "20", "12.50")], ordered_on=DAY
        ),
    )
    send_erp(producer, erp_order(stray_id, unique("NO-SUCH-DEALER"), lines=[("SKU-1", "3", "10")], ordered_on=DAY))

    wait_until(lambda: office_actual(clients, admin, office["id"]) == D("250.00"), message="v2 in the office")
    assert rep_actual(engines, rep) == D("250.00")
    assert office_actual(clients, admin, company["id"]) == D("250.00")

    def stray_listed():
        report = targets.get(
            "/actuals/reconciliation", headers=admin, params={"date_from": DAY, "date_to": DAY, "limit": 1000}
        ).json()
        groups = {g["reason"]: g for g in report["unattributed"]}
        items = groups.get("unknown_dealer", {}).get("items", [])
        return next((i for i in items if i["erp_order_id"] == stray_id), None)

    stray = wait_until(stray_listed, message="the unknown dealer's order in the reconciliation report")
    assert D(stray["amount"]) == D("30.00")  # 3 x 10
