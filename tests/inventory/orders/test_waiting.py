"""ERP orders arriving before their dealer (issue 11, master data arriving late): kept waiting with no dealer,
listed for operators with the unknown dealer and SKU codes, attributed in one statement when the dealer is
registered, their event published again once with the dealer set; the periodic job catches a registration that
raced with the order."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal

import pytest
from kafka import KafkaProducer
from sqlalchemy import insert

from services.inventory.dealers.tables import dealers
from services.inventory.worker import SPEC
from shared.jobs import run_once
from tests.inventory.conftest import make_sku, outbox_events
from tests.support import erp_order, unique, wait_until

pytestmark = pytest.mark.usefixtures("workers")


@pytest.fixture(scope="module")
def producer(settings):
    p = KafkaProducer(bootstrap_servers=settings.kafka_bootstrap_servers, acks="all")
    yield p
    p.close()


def send(producer, message: dict) -> None:
    producer.send("erp.orders.v1", key=message["order_id"].encode(), value=json.dumps(message).encode()).get(10)


def recorded(api, headers, erp_order_id: str) -> dict:
    return wait_until(
        lambda: (api.get("/orders", headers=headers, params={"erp_order_id": erp_order_id}).json() or [None])[0],
        message=f"inventory to record {erp_order_id}",
    )


def waiting(api, headers) -> dict[str, dict]:
    """Every waiting order, following the cursor page by page (two at a time, so paging is exercised)."""
    found, cursor = {}, None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = api.get("/erp/waiting/orders", headers=headers, params=params)
        assert page.status_code == 200, page.text
        found.update({item["erp_order_id"]: item for item in page.json()["items"]})
        cursor = page.json()["next_cursor"]
        if cursor is None:
            return found


def figures(line: dict) -> tuple:
    return line["sku"], Decimal(line["quantity"]), Decimal(line["unit_price"]), Decimal(line["amount"])


def order_events(engines, order_id: str) -> list[dict]:
    return [e for e in outbox_events(engines, order_id) if e["type"] == "inventory.order.recorded"]


def test_orders_wait_for_their_dealer_and_are_attributed_when_it_is_registered(
    clients, admin, token, engines, producer, territory
):
    api = clients["inventory"]
    known = make_sku(api, admin)
    code, first, second = unique("LATE"), unique("SO"), unique("SO")
    lines = ((known["code"], "10", "12.50"), ("NEW-SKU-1", "2", "3.00"), ("NEW-SKU-1", "1", "3.00"))
    send(producer, erp_order(first, code, lines=lines))
    one = recorded(api, admin, first)
    send(producer, erp_order(second, code, lines=((known["code"], "4", "2.50"),)))  # waits from a later instant
    two = recorded(api, admin, second)
    assert one["dealer_id"] is None and one["org_unit_id"] is None
    # never held back for an unknown SKU: the ERP's own code, price and amount are kept
    assert [(x["sku"], Decimal(x["amount"])) for x in one["lines"]] == [
        (known["code"], Decimal("125.00")),
        ("NEW-SKU-1", Decimal("6.00")),
        ("NEW-SKU-1", Decimal("3.00")),
    ]

    assert api.get("/erp/waiting/orders", headers=token("director")).status_code == 403  # operators only
    listed = waiting(api, admin)
    assert listed[first]["dealer_code"] == code and listed[first]["unknown_skus"] == ["NEW-SKU-1"]
    assert listed[second]["unknown_skus"] == [] and Decimal(listed[second]["total_amount"]) == Decimal("10.00")
    assert list(listed).index(first) < list(listed).index(second)  # oldest first
    assert listed[first]["age_hours"] >= 0
    bad = api.get("/erp/waiting/orders", headers=admin, params={"cursor": "not-a-cursor"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "cursor"

    dealer = api.post(
        "/dealers", headers=admin, json={"code": code, "name": "Late dealer", "org_unit_id": territory["office"]["id"]}
    )
    assert dealer.status_code == 201, dealer.text
    for erp_order_id, order in ((first, one), (second, two)):
        now = recorded(api, admin, erp_order_id)
        assert (now["dealer_id"], now["org_unit_id"]) == (dealer.json()["id"], territory["office"]["id"])
        events = order_events(engines, order["id"])
        assert [(e["data"]["erp_version"], e["data"]["dealer_id"]) for e in events] == [
            (1, None),
            (1, dealer.json()["id"]),
        ]  # published again once, same version, now with its dealer
        assert [figures(x) for x in events[1]["data"]["lines"]] == [figures(x) for x in events[0]["data"]["lines"]]
    assert first not in waiting(api, admin) and second not in waiting(api, admin)

    # the re-published event reaches audit's archive like any other
    wait_until(
        lambda: (
            len(
                clients["audit"]
                .get("/events", headers=admin, params={"type": "inventory.order.recorded", "subject": one["id"]})
                .json()
            )
            == 2
        ),
        message="audit to archive both versions of the order's event",
    )


def test_the_periodic_job_attributes_orders_whose_dealer_arrived_unseen(
    clients, admin, engines, settings, producer, territory
):
    api = clients["inventory"]
    code, number = unique("RACE"), unique("SO")
    send(producer, erp_order(number, code))
    order = recorded(api, admin, number)
    assert order["dealer_id"] is None
    # the dealer committed by a transaction that did not see the order (as when both commit at the same moment)
    dealer_id = uuid.uuid4()
    with engines["inventory"].begin() as conn:
        conn.execute(insert(dealers).values(id=dealer_id, code=code, name="Raced", org_unit_id=territory["east"]["id"]))
    (job,) = [j for j in SPEC.all_jobs() if j.name == "attribute-waiting"]
    assert job.every_s == 60
    run_once(job, engines["inventory"], settings, service="inventory")
    assert recorded(api, admin, number)["dealer_id"] == str(dealer_id)
    assert [e["data"]["dealer_id"] for e in order_events(engines, order["id"])] == [None, str(dealer_id)]
    run_once(job, engines["inventory"], settings, service="inventory")
    assert len(order_events(engines, order["id"])) == 2  # nothing left waiting: nothing published again
