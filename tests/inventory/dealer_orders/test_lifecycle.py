"""Dealer orders on the real database: every transition, credit hold and its release, price control, FEFO
shipments by batch, partial shipments, open orders netted from the next suggested order, and scope."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, insert, select

from services.inventory.collections.tables import invoices
from services.inventory.dealer_orders.tables import stock_adjustments
from tests.inventory.conftest import make_dealer, make_sku, outbox_events
from tests.support import unique


@pytest.fixture
def trade(clients, admin, token, territory):
    director = token("director")
    sku = make_sku(clients["inventory"], director, case_size=12, list_price="10.00", price_floor="9.00")
    dealer = make_dealer(clients["inventory"], admin, territory["office"]["id"], credit_limit="1000.00")
    return {
        "sku": sku,
        "dealer": dealer,
        "rep": token("rep", org_unit=territory["office"]["id"]),
        "supervisor": token("supervisor", org_unit=territory["office"]["id"]),
        "manager": token("region_manager", org_unit=territory["east"]["id"]),
        "erp": token("erp"),
    }


def order(api, headers, dealer, *lines):
    answer = api.post("/dealer-orders", headers=headers, json={"dealer_id": dealer["id"], "lines": list(lines)})
    assert answer.status_code == 201, answer.text
    return answer.json()


def act(api, headers, order_id, action, expected=200):
    answer = api.post(f"/dealer-orders/{order_id}/{action}", headers=headers)
    assert answer.status_code == expected, answer.text
    return answer.json()


def add_invoice(engines, dealer, amount, invoiced_on="2026-01-01", due_on="2026-01-31"):
    with engines["inventory"].begin() as conn:
        conn.execute(
            insert(invoices).values(
                id=uuid.uuid4(),
                erp_system="SAP",
                external_id=unique("INV"),
                version=1,
                content_hash="x",
                dealer_code=dealer["code"],
                dealer_id=dealer["id"],
                org_unit_id=dealer["org_unit_id"],
                invoiced_on=invoiced_on,
                due_on=due_on,
                currency="CNY",
                amount=amount,
            )
        )


def test_happy_path_through_every_status_with_fefo_shipments(clients, engines, trade):
    api, sku, erp = clients["inventory"], trade["sku"], trade["erp"]
    for code, produced, expires, quantity in (
        ("LATE", "2026-02-01", "2026-08-01", 100),
        ("SOON", "2026-01-01", "2026-05-01", 30),
        ("MID", "2026-01-15", "2026-06-01", 50),
    ):
        body = {
            "sku": sku["code"],
            "batch_code": code,
            "produced_on": produced,
            "expires_on": expires,
            "quantity": quantity,
        }
        assert api.post("/warehouse/batches", headers=erp, json=body).status_code == 201
    draft = order(api, trade["rep"], trade["dealer"], {"sku": sku["code"], "quantity": 96})
    # 96 × 10.00 = 960.00 ≤ credit limit 1000.00, nothing overdue → submitted, not held
    assert (draft["status"], draft["total_amount"]) == ("draft", "960.00")
    assert act(api, trade["rep"], draft["id"], "submit")["status"] == "submitted"
    assert act(api, trade["supervisor"], draft["id"], "approve")["status"] == "approved"
    first = api.post(
        f"/dealer-orders/{draft['id']}/shipments", headers=erp, json={"lines": [{"sku": sku["code"], "quantity": 40}]}
    )
    assert first.status_code == 201, first.text
    # FEFO: SOON (expires May) 30, then MID (June) 10; LATE untouched
    assert [(b["batch_code"], b["quantity"]) for b in first.json()["batches"]] == [("MID", 10), ("SOON", 30)]
    assert first.json()["order_status"] == "partially_shipped"
    act(api, trade["erp"], draft["id"], "deliver", expected=409)  # not fully shipped yet
    second = api.post(
        f"/dealer-orders/{draft['id']}/shipments", headers=erp, json={"lines": [{"sku": sku["code"], "quantity": 56}]}
    )
    # the 40 left of MID, then 16 of LATE
    assert [(b["batch_code"], b["quantity"]) for b in second.json()["batches"]] == [("LATE", 16), ("MID", 40)]
    assert second.json()["order_status"] == "shipped"
    assert act(api, erp, draft["id"], "deliver")["status"] == "delivered"
    assert act(api, trade["supervisor"], draft["id"], "close")["status"] == "closed"
    act(api, trade["rep"], draft["id"], "cancel", expected=409)
    events = outbox_events(engines, draft["id"])
    statuses = [e["data"]["status"] for e in events if e["type"] == "inventory.dealer_order.status_changed"]
    assert statuses == ["draft", "submitted", "approved", "partially_shipped", "shipped", "delivered", "closed"]
    shipped = [e["data"] for e in events if e["type"] == "inventory.shipment.dispatched"]
    assert [(line["batch_code"], line["quantity"]) for s in shipped for line in s["lines"]] == [
        ("SOON", 30),
        ("MID", 10),
        ("MID", 40),
        ("LATE", 16),
    ]


def test_credit_limit_puts_the_order_on_hold_until_a_manager_releases_it(clients, engines, trade):
    api, sku = clients["inventory"], trade["sku"]
    add_invoice(engines, trade["dealer"], "300.00", invoiced_on="2026-11-01", due_on="2099-12-31")
    held = order(api, trade["rep"], trade["dealer"], {"sku": sku["code"], "quantity": 71})
    # open 300.00 + 71 × 10.00 = 1010.00 > 1000.00 → credit hold
    submitted = act(api, trade["rep"], held["id"], "submit")
    assert submitted["status"] == "credit_hold"
    assert submitted["hold_reasons"] == [
        "open receivables 300.00 + this order 710.00 = 1010.00 exceed the credit limit 1000.00"
    ]
    act(api, trade["supervisor"], held["id"], "approve", expected=403)  # a supervisor may not release a hold
    assert act(api, trade["manager"], held["id"], "approve")["status"] == "approved"
    fits = order(api, trade["rep"], trade["dealer"], {"sku": sku["code"], "quantity": 70})  # 300 + 700 = 1000
    assert act(api, trade["rep"], fits["id"], "submit")["status"] == "submitted"
    assert act(api, trade["manager"], fits["id"], "reject")["status"] == "rejected"


def test_an_overdue_invoice_holds_even_a_small_order(clients, engines, trade):
    api, sku = clients["inventory"], trade["sku"]
    add_invoice(engines, trade["dealer"], "5.00", due_on="2026-01-31")  # long overdue, allowance 0 days
    small = order(api, trade["rep"], trade["dealer"], {"sku": sku["code"], "quantity": 1})
    held = act(api, trade["rep"], small["id"], "submit")
    assert held["status"] == "credit_hold" and "overdue" in held["hold_reasons"][0]
    assert act(api, trade["rep"], small["id"], "cancel")["status"] == "cancelled"


def test_price_control_and_ids_in_the_body_obey_scope(clients, admin, token, territory, trade):
    api, sku = clients["inventory"], trade["sku"]
    cheap = api.post(
        "/dealer-orders",
        headers=trade["rep"],
        json={"dealer_id": trade["dealer"]["id"], "lines": [{"sku": sku["code"], "quantity": 1, "unit_price": "8.99"}]},
    )
    assert cheap.status_code == 422 and cheap.json()["errors"][0]["field"] == "lines[0].unit_price"
    west_dealer = make_dealer(api, admin, territory["west"]["id"])
    outside = api.post(
        "/dealer-orders",
        headers=trade["rep"],
        json={"dealer_id": west_dealer["id"], "lines": [{"sku": sku["code"], "quantity": 1}]},
    )
    assert outside.status_code == 404 and outside.json()["errors"][0]["field"] == "dealer_id"
    mine = order(api, trade["rep"], trade["dealer"], {"sku": sku["code"], "quantity": 1})
    west = token("region_manager", org_unit=territory["west"]["id"])
    assert api.get(f"/dealer-orders/{mine['id']}", headers=west).status_code == 404
    act(api, west, mine["id"], "submit", expected=404)


def test_shipping_more_than_the_warehouse_holds_writes_nothing(clients, trade):
    api, sku, erp = clients["inventory"], trade["sku"], trade["erp"]
    body = {"sku": sku["code"], "batch_code": "ONLY", "produced_on": "2026-01-01", "quantity": 5}
    assert api.post("/warehouse/batches", headers=erp, json=body).json()["expires_on"] == "2026-06-30"  # + 180 days
    draft = order(api, trade["rep"], trade["dealer"], {"sku": sku["code"], "quantity": 12})
    act(api, trade["rep"], draft["id"], "submit")
    act(api, trade["manager"], draft["id"], "approve")
    short = api.post(
        f"/dealer-orders/{draft['id']}/shipments", headers=erp, json={"lines": [{"sku": sku["code"], "quantity": 12}]}
    )
    assert short.status_code == 422 and "7 short" in short.json()["errors"][0]["reason"]
    assert api.get(f"/dealer-orders/{draft['id']}", headers=trade["rep"]).json()["status"] == "approved"


def test_open_orders_are_netted_from_the_suggested_order(clients, trade):
    api, sku = clients["inventory"], trade["sku"]
    draft = order(api, trade["rep"], trade["dealer"], {"sku": sku["code"], "quantity": 100})
    act(api, trade["rep"], draft["id"], "submit")
    line = {"sku": sku["code"], "opening": 300, "received": 400, "closing": 210}
    answer = api.post(
        "/stock-reports",
        headers=trade["rep"],
        json={"dealer_id": trade["dealer"]["id"], "period_end": "2026-03-08", "lines": [line]},
    )
    # cover 1575 − closing 210 − open 100 = 1265 → 105.4 cases of 12 → 106 = 1272
    assert (answer.json()["lines"][0]["open_orders"], answer.json()["lines"][0]["suggested_order"]) == (100, 1272)


def test_returns_exchanges_and_write_offs_are_recorded_with_their_reason(clients, engines, trade):
    api = clients["inventory"]
    body = {
        "dealer_id": trade["dealer"]["id"],
        "kind": "write_off",
        "reason": "crushed in transit",
        "sku": trade["sku"]["code"],
        "batch_code": "B1",
        "quantity": 6,
    }
    answer = api.post("/stock-adjustments", headers=trade["rep"], json=body)
    assert answer.status_code == 201 and answer.json()["amount"] == "60.00"  # 6 × 10.00
    adjusted = [e for e in outbox_events(engines, trade["dealer"]["id"]) if e["type"] == "inventory.stock.adjusted"]
    assert [(e["data"]["kind"], e["data"]["reason"]) for e in adjusted] == [("write_off", "crushed in transit")]


def test_a_dealer_of_another_region_in_an_adjustment_or_return_is_not_found_and_nothing_is_written(
    clients, engines, token, territory, trade
):
    api, east_dealer = clients["inventory"], trade["dealer"]
    west = token("region_manager", org_unit=territory["west"]["id"])
    unknown = str(uuid.uuid4())
    for kind in ("return", "exchange", "write_off"):
        for dealer_id in (east_dealer["id"], unknown):
            body = {
                "dealer_id": dealer_id,
                "kind": kind,
                "reason": "damaged",
                "sku": trade["sku"]["code"],
                "quantity": 1,
            }
            answer = api.post("/stock-adjustments", headers=west, json=body)
            assert answer.status_code == 404, answer.text
            # the east dealer reads exactly like an id that does not exist
            assert answer.json()["errors"] == [{"field": "dealer_id", "reason": f"dealer {dealer_id} not found"}]
    with engines["inventory"].connect() as conn:
        written = conn.scalar(
            select(func.count())
            .select_from(stock_adjustments)
            .where(stock_adjustments.c.dealer_id == east_dealer["id"])
        )
    assert written == 0
    assert not [e for e in outbox_events(engines, east_dealer["id"]) if e["type"] == "inventory.stock.adjusted"]
