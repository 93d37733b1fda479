"""An order that arrived before its dealer existed (issue 14): inventory publishes it unattributed, then, once the
dealer is registered, publishes the same order (same id, same ERP version) with the dealer set. Targets replaces
the unattributed entry by the attributed one and counts the order once; the old unattributed copy delivered again
changes nothing. Events on the real broker; the org, dealer and coverage through the HTTP APIs.

By hand: office O, rep r covering O's dealer alone. Order S, 900.00 on 14 September: unattributed first (listed
under unknown_dealer, in no unit's actuals), then attributed: O's 14 September actual 900.00 from 1 order, r's
share 900.00, nothing unattributed. Then S's unattributed copy again, followed on its partition by another order
T of 100.00: O reads 1,000.00 from 2 orders, S still attributed.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest

from shared.events.inventory import OrderLine, OrderRecorded
from tests.support import create_org_unit, wait_until
from tests.targets.outside import dealer_covered, office_with_reps, ok, publish_event

pytestmark = pytest.mark.usefixtures("workers")
DAY = "2026-09-14"


def order(order_id: uuid.UUID, dealer: dict | None, amount: str, office: str | None) -> OrderRecorded:
    return OrderRecorded(
        order_id=order_id,
        erp_order_id=f"SO-{order_id.hex[:10]}",
        erp_version=1,
        dealer_id=dealer["id"] if dealer else None,
        dealer_code=dealer["code"] if dealer else "D-LATE",
        org_unit_id=office,
        status="confirmed",
        ordered_on=date.fromisoformat(DAY),
        currency="CNY",
        total_quantity=Decimal(1),
        total_amount=Decimal(amount),
        lines=[OrderLine(sku="SKU-1", quantity=Decimal(1), unit_price=Decimal(amount), amount=Decimal(amount))],
    )


def unknown_dealer_orders(api, admin) -> list[str]:
    report = ok(
        api.get("/actuals/reconciliation", headers=admin, params={"date_from": DAY, "date_to": DAY, "limit": 1000})
    )
    return [i["order_id"] for g in report["unattributed"] if g["reason"] == "unknown_dealer" for i in g["items"]]


def test_a_republished_order_with_its_dealer_replaces_the_unattributed_one(clients, admin, settings):
    api = clients["targets"]
    company = create_org_unit(api, admin, kind="company")["id"]
    office, (rep,) = office_with_reps(clients, admin, parent_id=company, reps=1)
    dealer = dealer_covered(clients, admin, office, {rep: "1"})
    s = uuid.uuid4()
    window = {"date_from": DAY, "date_to": DAY}

    def office_totals():
        body = ok(api.get(f"/actuals/{office}", headers=admin, params=window))
        return body["amount"], body["orders"]

    publish_event(settings, order(s, None, "900.00", None))
    wait_until(lambda: str(s) in unknown_dealer_orders(api, admin), message="the unattributed order")
    assert office_totals() == ("0.00", 0)

    publish_event(settings, order(s, dealer, "900.00", office))  # same id and version, dealer now known
    wait_until(lambda: office_totals() == ("900.00", 1), message="the attributed order")
    assert str(s) not in unknown_dealer_orders(api, admin)
    mine = ok(api.get("/actuals/reconciliation", headers=admin, params={**window, "org_unit_id": company}))
    assert (mine["received"]["amount"], mine["attributed_to_reps"]["amount"], mine["unattributed"]) == (
        "900.00",
        "900.00",
        [],
    )

    publish_event(settings, order(s, None, "900.00", None))  # the stale unattributed copy, delivered again
    publish_event(settings, order(uuid.uuid4(), dealer, "100.00", office), key=str(s))  # after it, same partition
    wait_until(lambda: office_totals()[1] == 2, message="the order after the stale copy")
    assert office_totals() == ("1000.00", 2)
    assert str(s) not in unknown_dealer_orders(api, admin)
