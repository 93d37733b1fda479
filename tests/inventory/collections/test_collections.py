"""Invoices and payments over REST and Kafka: idempotent on (ERP system, external id, version), older versions
ignored, parked until the dealer is registered, ageing buckets, bad-debt write-offs, DLQ, scope."""

from __future__ import annotations

import json

import pytest
from kafka import KafkaConsumer, KafkaProducer

from tests.inventory.conftest import make_dealer, outbox_events
from tests.support import unique, wait_until


def invoice(dealer_code, invoice_id, amount="1000.00", version=1, invoiced_on="2026-01-10", due_on="2026-02-09"):
    return {
        "erp_system": "SAP-EAST",
        "invoice_id": invoice_id,
        "version": version,
        "dealer_code": dealer_code,
        "invoiced_on": invoiced_on,
        "due_on": due_on,
        "amount": amount,
    }


def payment(dealer_code, payment_id, invoice_id, amount, version=1, paid_on="2026-03-01"):
    return {
        "erp_system": "SAP-EAST",
        "payment_id": payment_id,
        "version": version,
        "dealer_code": dealer_code,
        "invoice_id": invoice_id,
        "paid_on": paid_on,
        "amount": amount,
    }


def open_amount(api, headers, invoice_id) -> str:
    (found,) = api.get("/invoices", headers=headers, params={"external_id": invoice_id}).json()
    return found["open_amount"]


def test_repeats_and_older_versions_change_nothing(clients, admin, token, territory):
    api, erp = clients["inventory"], token("erp")
    dealer = make_dealer(api, admin, territory["office"]["id"])
    number = unique("INV")
    first = api.post("/erp/invoices", headers=erp, json=invoice(dealer["code"], number))
    assert first.status_code == 202 and first.json()["applied"] and not first.json()["waiting_for_dealer"]
    assert api.post("/erp/invoices", headers=erp, json=invoice(dealer["code"], number)).json()["applied"] is False
    newer = api.post("/erp/invoices", headers=erp, json=invoice(dealer["code"], number, "1200.00", version=3))
    assert newer.json()["applied"]
    late = api.post("/erp/invoices", headers=erp, json=invoice(dealer["code"], number, "999.00", version=2))
    assert late.json()["applied"] is False
    assert open_amount(api, admin, number) == "1200.00"
    changed = api.post("/erp/invoices", headers=erp, json=invoice(dealer["code"], number, "5.00", version=3))
    assert changed.status_code == 409 and changed.json()["errors"][0]["field"] == "version"
    paid = api.post("/erp/payments", headers=erp, json=payment(dealer["code"], unique("PAY"), number, "200.00"))
    assert paid.json()["applied"]
    assert open_amount(api, admin, number) == "1000.00"  # 1200.00 − 200.00


def test_invoices_and_payments_wait_for_their_dealer_then_are_attributed_and_published(
    clients, admin, token, engines, territory
):
    api, erp = clients["inventory"], token("erp")
    code, number, pay = unique("LATE"), unique("INV"), unique("PAY")
    assert api.post("/erp/invoices", headers=erp, json=invoice(code, number, "800.00")).json()["waiting_for_dealer"]
    assert api.post("/erp/payments", headers=erp, json=payment(code, pay, number, "300.00")).json()[
        "waiting_for_dealer"
    ]
    waiting = api.get("/erp/waiting", headers=token("director"), params={"limit": 1000}).json()
    assert {(w["kind"], w["external_id"]) for w in waiting if w["dealer_code"] == code} == {
        ("invoice", number),
        ("payment", pay),
    }
    assert api.get("/invoices", headers=admin, params={"external_id": number}).json() == []  # not attributed yet
    dealer = api.post(
        "/dealers", headers=admin, json={"code": code, "name": "Late dealer", "org_unit_id": territory["office"]["id"]}
    )
    assert dealer.status_code == 201
    assert open_amount(api, admin, number) == "500.00"  # 800.00 − 300.00
    waiting = api.get("/erp/waiting", headers=token("director"), params={"limit": 1000}).json()
    assert not [w for w in waiting if w["dealer_code"] == code]
    types = [e["type"] for e in outbox_events(engines, dealer.json()["id"])]
    assert types == ["inventory.dealer.registered", "inventory.invoice.recorded", "inventory.payment.recorded"]


def test_ageing_buckets_and_bad_debt_write_off(clients, admin, token, engines, territory):
    api, erp = clients["inventory"], token("erp")
    dealer = make_dealer(api, admin, territory["office"]["id"])
    for number, amount, invoiced_on in (
        ("A", "100.00", "2026-03-20"),  # 11 days at 2026-03-31 → 0-30
        ("B", "200.00", "2026-02-01"),  # 58 days → 31-60
        ("C", "300.00", "2026-01-01"),  # 89 days → 61-90
        ("D", "400.00", "2025-12-01"),  # 120 days → >90
    ):
        ref = f"{dealer['code']}-{number}"
        api.post(
            "/erp/invoices",
            headers=erp,
            json=invoice(dealer["code"], ref, amount, invoiced_on=invoiced_on, due_on=invoiced_on),
        )
    api.post("/erp/payments", headers=erp, json=payment(dealer["code"], unique("P"), f"{dealer['code']}-B", "50.00"))
    ageing = api.get("/receivables/ageing", headers=admin, params={"dealer_id": dealer["id"], "as_of": "2026-03-31"})
    assert ageing.json()["buckets"] == {"0-30": "100.00", "31-60": "150.00", "61-90": "300.00", ">90": "400.00"}
    assert ageing.json()["total_open"] == "950.00"  # 100 + (200 − 50) + 300 + 400

    manager = token("region_manager", org_unit=territory["east"]["id"])
    (bad,) = api.get("/invoices", headers=manager, params={"external_id": f"{dealer['code']}-D"}).json()
    too_much = api.post(
        f"/invoices/{bad['id']}/write-offs", headers=manager, json={"amount": "400.01", "reason": "gone"}
    )
    assert too_much.status_code == 422 and too_much.json()["errors"][0]["field"] == "amount"
    asked = api.post(
        f"/invoices/{bad['id']}/write-offs", headers=manager, json={"amount": "400.00", "reason": "closed"}
    )
    assert asked.status_code == 201 and asked.json()["status"] == "requested"
    assert open_amount(api, admin, f"{dealer['code']}-D") == "400.00"  # nothing changes before approval
    approved = api.post(
        f"/write-offs/{asked.json()['id']}/approve", headers=token("director", org_unit=territory["company"]["id"])
    )
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert open_amount(api, admin, f"{dealer['code']}-D") == "0.00"
    again = api.post(
        f"/write-offs/{asked.json()['id']}/approve", headers=token("director", org_unit=territory["company"]["id"])
    )
    assert again.status_code == 409
    assert "inventory.invoice.written_off" in [e["type"] for e in outbox_events(engines, dealer["id"])]


def test_invoices_outside_the_callers_subtree_are_not_found(clients, admin, token, territory):
    api, erp = clients["inventory"], token("erp")
    dealer = make_dealer(api, admin, territory["office"]["id"])
    number = unique("INV")
    api.post("/erp/invoices", headers=erp, json=invoice(dealer["code"], number))
    west = token("region_manager", org_unit=territory["west"]["id"])
    assert api.get("/invoices", headers=west, params={"external_id": number}).json() == []
    answer = api.get("/receivables/ageing", headers=west, params={"dealer_id": dealer["id"]})
    assert answer.status_code == 404 and answer.json()["errors"][0]["field"] == "dealer_id"


@pytest.fixture(scope="module")
def producer(settings):
    made = KafkaProducer(bootstrap_servers=settings.kafka_bootstrap_servers, acks="all")
    yield made
    made.close()


def test_kafka_duplicates_out_of_order_versions_and_dead_letters(
    clients, admin, settings, workers, producer, territory
):
    api = clients["inventory"]
    dealer = make_dealer(api, admin, territory["office"]["id"])
    number = unique("INV")
    for version, amount in ((2, "700.00"), (2, "700.00"), (1, "100.00")):  # a duplicate, then an older version
        message = invoice(dealer["code"], number, amount, version=version)
        producer.send("erp.invoices.v1", key=number.encode(), value=json.dumps(message).encode()).get(timeout=10)
    bad = {**invoice(dealer["code"], unique("INV")), "due_on": "2025-01-01"}  # due before invoiced
    producer.send("erp.invoices.v1", key=b"bad", value=json.dumps(bad).encode()).get(timeout=10)
    producer.send("erp.payments.v1", key=b"junk", value=b"{not json").get(timeout=10)
    marker = unique("INV")  # sent last on the same key: once it is in, everything before it was handled
    producer.send("erp.invoices.v1", key=number.encode(), value=json.dumps(invoice(dealer["code"], marker)).encode())
    wait_until(lambda: api.get("/invoices", headers=admin, params={"external_id": marker}).json(), message="marker")
    (stored,) = api.get("/invoices", headers=admin, params={"external_id": number}).json()
    assert (stored["version"], stored["amount"]) == (2, "700.00")

    consumer = KafkaConsumer(
        "erp.invoices.v1.dlq",
        "erp.payments.v1.dlq",
        bootstrap_servers=settings.kafka_bootstrap_servers,
        auto_offset_reset="earliest",
        consumer_timeout_ms=2000,
        group_id=unique("dlq-reader"),
    )
    found = {}
    wait_until(
        lambda: (
            found.update({r.value: dict(r.headers) for r in consumer})
            or len([v for v in found if v in (json.dumps(bad).encode(), b"{not json")]) == 2
        ),
        timeout=60,
        message="dead letters",
    )
    consumer.close()
    assert b"due_on is before invoiced_on" in found[json.dumps(bad).encode()]["dlq.reason"]
    assert found[b"{not json"]["dlq.reason"].startswith(b"undecodable")
