"""Orders reps take on visits arrive as draft dealer orders (issue 11): the real visits.order.requested event,
published by visits' relay from visits' outbox, becomes one draft per request, once however often it is delivered;
a request naming an unknown dealer or SKU goes to the dead letters with the reason."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from services.inventory import db as inventory_db
from services.visits import db as visits_db
from shared.events.visits import OrderRequested
from shared.outbox import Outbox
from tests.inventory.conftest import make_dealer, make_sku, outbox_events
from tests.support import wait_until

pytestmark = pytest.mark.usefixtures("workers")
visits_outbox = Outbox(visits_db.outbox, source="/salesops/visits")


def request(dealer_id, *lines: tuple[str, str, str | None]) -> OrderRequested:
    visit_id = uuid.uuid4()
    return OrderRequested(
        request_id=visit_id,
        visit_id=visit_id,
        outlet_id=uuid.uuid4(),
        dealer_id=dealer_id,
        rep_id=uuid.uuid4(),
        requested_on=date(2026, 3, 14),
        lines=[{"sku": s, "quantity": q, "unit_price": p} for s, q, p in lines],
    )


def publish_from_visits(engines, *events: OrderRequested) -> None:
    with engines["visits"].begin() as conn:
        visits_outbox.add(conn, *events)


def dead_letter(api, headers, request_id) -> dict:
    def find():
        page = api.get(
            "/operations/dead-letters",
            headers=headers,
            params={"topic": "visits.order-requests.v1", "limit": 500},
        ).json()
        return next((d for d in page["items"] if d["key"] == str(request_id)), None)

    return wait_until(find, message=f"request {request_id} to be dead-lettered")


def test_an_order_request_becomes_one_draft_dealer_order(clients, admin, engines, territory):
    api = clients["inventory"]
    sku = make_sku(api, admin, case_size=12, list_price="10.00", price_floor="9.00")
    dealer = make_dealer(api, admin, territory["office"]["id"])
    asked = request(dealer["id"], (sku["code"], "12", None), (sku["code"], "5", "9.50"))
    publish_from_visits(engines, asked)
    order = wait_until(
        lambda: (lambda r: r.json() if r.status_code == 200 else None)(
            api.get(f"/dealer-orders/{asked.request_id}", headers=admin)
        ),
        message="inventory to draft the requested order",
    )
    assert (order["status"], order["source"], order["dealer_id"]) == ("draft", "visit", dealer["id"])
    assert [(x["quantity"], Decimal(x["unit_price"]), Decimal(x["amount"])) for x in order["lines"]] == [
        (12, Decimal("10.00"), Decimal("120.00")),  # the list price when the rep gave none
        (5, Decimal("9.50"), Decimal("47.50")),
    ]
    assert Decimal(order["total_amount"]) == Decimal("167.50") and order["total_quantity"] == 17

    # the same request again (a replay publishes it under a new event id): still one draft, published once
    publish_from_visits(engines, asked)
    wait_until(lambda: applied(engines, asked) == 2, message="the repeated request to be consumed")
    drafts = api.get("/dealer-orders", headers=admin, params={"dealer_id": dealer["id"]}).json()
    assert [d["id"] for d in drafts] == [str(asked.request_id)]
    events = [e for e in outbox_events(engines, str(asked.request_id)) if e["type"].startswith("inventory.")]
    assert [e["data"]["status"] for e in events] == ["draft"]


def applied(engines, asked: OrderRequested) -> int:
    """Envelopes of this request that inventory's inbox recorded as applied."""
    with engines["visits"].connect() as conn:
        ids = conn.scalars(
            select(visits_db.outbox.c.event_id).where(visits_db.outbox.c.key == str(asked.request_id))
        ).all()
    with engines["inventory"].connect() as conn:
        return conn.scalar(select(func.count()).where(inventory_db.inbox.c.event_id.in_(ids)))


def test_a_request_for_an_unknown_dealer_or_sku_is_dead_lettered_with_the_reason(clients, admin, engines, territory):
    api = clients["inventory"]
    dealer = make_dealer(api, admin, territory["office"]["id"])
    no_dealer = request(uuid.uuid4(), ("SKU-ANY", "1", None))
    no_sku = request(dealer["id"], ("NO-SUCH-SKU", "3", None))
    part_unit = request(dealer["id"], ("NO-SUCH-SKU", "2.5", None))
    publish_from_visits(engines, no_dealer, no_sku, part_unit)
    assert f"dealer {no_dealer.dealer_id} not found" in dead_letter(api, admin, no_dealer.request_id)["reason"]
    reason = dead_letter(api, admin, no_sku.request_id)["reason"]
    assert "lines[0].sku" in reason and "NO-SUCH-SKU" in reason
    assert "2.5 is not a whole number of units" in dead_letter(api, admin, part_unit.request_id)["reason"]
    for refused in (no_dealer, no_sku, part_unit):
        assert api.get(f"/dealer-orders/{refused.request_id}", headers=admin).status_code == 404  # nothing written
