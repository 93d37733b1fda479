"""Audit's facts fed by what the other services really publish: each rule family driven through the real visits,
inventory and targets APIs and workers fires on its case and stays silent on the near miss next to it.

A near miss is judged only once audit has archived its event: the archive, the facts and the streaming rules are
written in one transaction, so an archived event's rules have run. Dates an event does not carry (a shipment's,
a return's) are the day it was published, so those cases are built around today.
"""

from __future__ import annotations

import io
import os
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from PIL import Image

from tests.inventory.conftest import make_dealer, make_sku
from tests.support import create_org_unit, unique, wait_until
from tests.visits.conftest import EVERY_DAY, OUTLET_POSITION

pytestmark = pytest.mark.usefixtures("workers")
TODAY = datetime.now(UTC).date()
MONDAY = TODAY - timedelta(days=TODAY.weekday())
SUNDAY = MONDAY + timedelta(days=6)


def known(clients, admin, service: str, unit_id: str) -> bool:
    return clients[service].get(f"/org-units/{unit_id}", headers=admin).status_code == 200


@pytest.fixture(scope="module")
def world(clients, admin, token):
    """company → east region → east office (+ two teams), company → west region → west office; SKUs; dealers."""
    t = clients["targets"]
    company = create_org_unit(t, admin, kind="company")
    east = create_org_unit(t, admin, kind="region", parent_id=company["id"])
    west = create_org_unit(t, admin, kind="region", parent_id=company["id"])
    east_office = create_org_unit(t, admin, kind="office", parent_id=east["id"])
    west_office = create_org_unit(t, admin, kind="office", parent_id=west["id"])
    teams = [create_org_unit(t, admin, kind="team", parent_id=east_office["id"]) for _ in range(2)]
    for unit in (east_office, west_office, *teams):
        for service in ("visits", "inventory", "audit"):
            wait_until(lambda s=service, u=unit: known(clients, admin, s, u["id"]), message=f"{service} org tree")
    director = token("director")
    # list 10.00, floor 9.00; 180 days of shelf life (near expiry: under 60 days left)
    sku_a = make_sku(clients["inventory"], director, list_price="10.00", price_floor="9.00", case_size=1)
    sku_b = make_sku(clients["inventory"], director, list_price="10.00", price_floor="9.00", case_size=1)
    return {
        "company": company["id"],
        "east_office": east_office["id"],
        "west_office": west_office["id"],
        "teams": [x["id"] for x in teams],
        "sku_a": sku_a["code"],
        "sku_b": sku_b["code"],
        "auditor": token("auditor"),
    }


def archived(clients, world, type_: str, subject) -> bool:
    answer = clients["audit"].get("/events", params={"type": type_, "subject": str(subject)}, headers=world["auditor"])
    assert answer.status_code == 200, answer.text
    return bool(answer.json())


def findings(clients, world, rule: str) -> dict[str, dict]:
    page = clients["audit"].get(
        "/findings", params={"rule": rule, "org_unit_id": world["company"], "limit": 200}, headers=world["auditor"]
    )
    assert page.status_code == 200, page.text
    return {f["subject"]: f for f in page.json()["items"]}


def wait_finding(clients, world, rule: str, subject: str) -> dict:
    return wait_until(lambda: findings(clients, world, rule).get(subject), message=f"{rule} on {subject}")


def outlet(clients, admin, world, unit: str, owner: dict, position=OUTLET_POSITION) -> dict:
    """An outlet in `owner`'s book: a rep visits only the outlets of their own book."""
    body = {
        "owner_rep_id": str(owner["id"]),
        "code": unique("O"),
        "name": "Audit test outlet",
        "org_unit_id": unit,
        "grade": "A",
        "loyalty": "loyal",
        "channel": "supermarket",
        "location": position,
        "opening_hours": EVERY_DAY,
    }
    answer = clients["visits"].post("/outlets", json=body, headers=admin)
    assert answer.status_code == 201, answer.text
    made = answer.json()
    wait_until(lambda: archived(clients, world, "visits.outlet.registered", made["id"]), message="outlet known")
    return made


def rep(token, unit: str) -> dict:
    person = uuid.uuid4()
    return {"id": person, "headers": token("rep", org_unit=unit, person_id=person)}


def visit(
    clients,
    who,
    at_outlet,
    *,
    position=None,
    minutes=25,
    day="2026-03-16",
    start="09:00",
    steps=(),
    entry=None,
    mock_location=False,
) -> dict:
    begin = datetime.fromisoformat(f"{day}T{start}:00+08:00")
    end = (begin + timedelta(minutes=minutes)).isoformat()
    body = {
        "id": str(uuid.uuid4()),
        "outlet_id": at_outlet["id"],
        "check_in": {
            "position": {**(position or OUTLET_POSITION), "datum": "wgs84", "accuracy_m": 5},
            "client_at": begin.isoformat(),
            "mock_location": mock_location,
        },
        "steps": list(steps),
        "check_out": {"client_at": end},
        "sent_at": end,
    }
    if entry:
        body["schedule_entry_id"] = entry
    answer = clients["visits"].post("/visits", json=body, headers=who["headers"])
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_check_in_far_from_the_outlet_and_a_short_visit(clients, admin, token, world):
    far, near = rep(token, world["east_office"]), rep(token, world["east_office"])
    far_shop, near_shop = (outlet(clients, admin, world, world["east_office"], owner) for owner in (far, near))
    lat = OUTLET_POSITION["latitude"]
    # 0.0030° north = 333.6 m > 300 m; 0.0025° = 278.0 m; 9 minutes < 10; exactly 10 is not short
    far_visit = visit(clients, far, far_shop, position={**OUTLET_POSITION, "latitude": lat + 0.003}, minutes=9)
    near_visit = visit(clients, near, near_shop, position={**OUTLET_POSITION, "latitude": lat + 0.0025}, minutes=10)
    wait_until(lambda: archived(clients, world, "visits.visit.completed", near_visit["id"]), message="near miss")
    distance = wait_finding(clients, world, "checkin_far_from_outlet", f"visit:{far_visit['id']}")
    assert distance["evidence"] == {"distance_m": 334, "max_distance_m": 300}
    short = wait_finding(clients, world, "visit_too_short", f"visit:{far_visit['id']}")
    assert short["evidence"]["minutes"] == 9.0 and short["period"] == "2026-03-16"
    assert f"visit:{near_visit['id']}" not in findings(clients, world, "checkin_far_from_outlet")
    assert f"visit:{near_visit['id']}" not in findings(clients, world, "visit_too_short")
    detail = clients["audit"].get(f"/findings/{distance['id']}", headers=world["auditor"]).json()
    assert [e["type"] for e in detail["evidence_chain"]] == ["visits.visit.completed"]


def test_a_far_check_in_from_a_mock_location_scores_low_authenticity(clients, admin, token, world):
    faker, honest = rep(token, world["east_office"]), rep(token, world["east_office"])
    faker_shop, honest_shop = (outlet(clients, admin, world, world["east_office"], owner) for owner in (faker, honest))
    # 0.006° north = 667 m, beyond twice the 205 m allowed (200 m radius + 5 m accuracy): distance takes all 30;
    # the test's device clock is months off: clock skew takes all 10; a mock location takes 10 more.
    # The faker scores 100 - 30 - 10 - 10 = 50 < 60; the honest rep, no mock location, 60: not under 60.
    far = {**OUTLET_POSITION, "latitude": OUTLET_POSITION["latitude"] + 0.006}
    faked = visit(clients, faker, faker_shop, position=far, mock_location=True)
    near_miss = visit(clients, honest, honest_shop, position=far)
    assert (faked["authenticity_score"], near_miss["authenticity_score"]) == (50.0, 60.0)
    found = wait_finding(clients, world, "low_authenticity", f"visit:{faked['id']}")
    assert found["evidence"] == {"score": "0.5000", "min_score": "0.6"}
    wait_until(lambda: archived(clients, world, "visits.visit.completed", near_miss["id"]), message="near miss")
    assert f"visit:{near_miss['id']}" not in findings(clients, world, "low_authenticity")


def test_price_below_the_sku_floor_seen_on_a_visit(clients, admin, token, world):
    who = rep(token, world["east_office"])
    cheap, fair = (
        outlet(clients, admin, world, world["east_office"], who),
        outlet(clients, admin, world, world["east_office"], who),
    )

    def prices(price: str):
        return [{"step": "prices", "items": [{"sku": world["sku_a"], "brand": "Ours", "ours": True, "price": price}]}]

    visit(clients, who, cheap, steps=prices("8.90"), day="2026-03-17")  # under the 9.00 floor
    fair_visit = visit(clients, who, fair, steps=prices("9.00"), day="2026-03-18")  # at the floor, 10 % off list
    wait_until(lambda: archived(clients, world, "visits.visit.completed", fair_visit["id"]), message="near miss")
    found = wait_finding(clients, world, "price_below_floor", f"outlet:{cheap['id']}/sku:{world['sku_a']}")
    assert found["evidence"] == {"lowest": "8.9000", "floor": "9.0000", "list": "10.0000"}
    assert found["period"] == "2026-03"
    assert f"outlet:{fair['id']}/sku:{world['sku_a']}" not in findings(clients, world, "price_below_floor")


def ship(clients, token, world, dealer, lines: dict[str, int], batch: str) -> None:
    """A dealer order for `lines`, approved and shipped in full from one warehouse batch per SKU."""
    api, erp = clients["inventory"], token("erp")
    for sku, quantity in lines.items():
        body = {
            "sku": sku,
            "batch_code": f"{batch}-{sku}",
            "produced_on": (TODAY - timedelta(days=10)).isoformat(),
            "expires_on": (TODAY + timedelta(days=170)).isoformat(),
            "quantity": quantity,
        }
        assert api.post("/warehouse/batches", headers=erp, json=body).status_code == 201
    office = dealer["org_unit_id"]
    body = {"dealer_id": dealer["id"], "lines": [{"sku": s, "quantity": q} for s, q in lines.items()]}
    order = api.post("/dealer-orders", headers=token("rep", org_unit=office), json=body)
    assert order.status_code == 201, order.text
    oid = order.json()["id"]
    assert api.post(f"/dealer-orders/{oid}/submit", headers=token("rep", org_unit=office)).status_code == 200
    assert api.post(f"/dealer-orders/{oid}/approve", headers=token("supervisor", org_unit=office)).status_code == 200
    body = {"lines": [{"sku": s, "quantity": q} for s, q in lines.items()]}
    shipped = api.post(f"/dealer-orders/{oid}/shipments", headers=erp, json=body)
    assert shipped.status_code == 201, shipped.text
    wait_until(lambda: archived(clients, world, "inventory.shipment.dispatched", oid), message="shipment archived")


def test_a_batch_shipped_to_the_east_seen_in_the_west_is_cross_region(clients, admin, token, world):
    dealer = make_dealer(clients["inventory"], admin, world["east_office"])
    batch = unique("B")
    ship(clients, token, world, dealer, {world["sku_a"]: 30}, batch)
    code = f"{batch}-{world['sku_a']}"
    west_rep, east_rep = rep(token, world["west_office"]), rep(token, world["east_office"])
    west_shop, east_shop = (
        outlet(clients, admin, world, world["west_office"], west_rep),
        outlet(clients, admin, world, world["east_office"], east_rep),
    )
    stock = [{"step": "stock_check", "items": [{"sku": world["sku_a"], "quantity": "6", "batch_codes": [code]}]}]
    visit(clients, west_rep, west_shop, steps=stock, day="2026-03-19")
    home = visit(clients, east_rep, east_shop, steps=stock, day="2026-03-19")
    wait_until(lambda: archived(clients, world, "visits.visit.completed", home["id"]), message="near miss")
    found = wait_finding(clients, world, "cross_region_goods", f"outlet:{west_shop['id']}/batch:{code}")
    assert found["evidence"] == {"shipped_to_dealers": [dealer["id"]]}
    assert found["org_unit_id"] == world["west_office"]
    assert f"outlet:{east_shop['id']}/batch:{code}" not in findings(clients, world, "cross_region_goods")


def test_received_not_matching_shipped_and_near_expiry_stock(clients, admin, token, world):
    dealer = make_dealer(clients["inventory"], admin, world["east_office"])
    a, b = world["sku_a"], world["sku_b"]
    ship(clients, token, world, dealer, {a: 100, b: 50}, unique("B"))
    old = (SUNDAY - timedelta(days=130)).isoformat()  # 50 of 180 days left < 60: near expiry
    fresh = (SUNDAY - timedelta(days=10)).isoformat()

    def line(sku, received, near):
        batches = [{"code": "OLD", "produced_on": old, "quantity": near}, {"code": "NEW", "produced_on": fresh,
                   "quantity": 100 - near}]  # fmt: skip
        return {"sku": sku, "opening": 100, "received": received, "closing": 100, "batches": batches}

    # a: received 98 of 100 shipped (2 %, within tolerance), 10 of 100 near expiry (10 %, not above);
    # b: received 45 of 50 shipped (10 % off), 20 of 100 near expiry (20 %)
    body = {"dealer_id": dealer["id"], "period_end": SUNDAY.isoformat(), "lines": [line(a, 98, 10), line(b, 45, 20)]}
    answer = clients["inventory"].post("/stock-reports", headers=token("rep", org_unit=world["east_office"]), json=body)
    assert answer.status_code == 201, answer.text
    week = f"{MONDAY.isocalendar().year}-W{MONDAY.isocalendar().week:02d}"
    mismatch = wait_finding(clients, world, "receipt_mismatch", f"dealer:{dealer['id']}/sku:{b}")
    assert mismatch["evidence"] == {"received": "45.0000", "shipped": "50.0000"} and mismatch["period"] == week
    expiry = wait_finding(clients, world, "near_expiry_stock", f"dealer:{dealer['id']}/sku:{b}")
    assert expiry["evidence"] == {"near_expiry": "20.0000", "closing": "100.0000"}
    assert f"dealer:{dealer['id']}/sku:{a}" not in findings(clients, world, "receipt_mismatch")
    assert f"dealer:{dealer['id']}/sku:{a}" not in findings(clients, world, "near_expiry_stock")


def test_a_shipment_published_after_the_stock_report_withdraws_its_receipt_mismatch(clients, admin, token, world):
    dealer = make_dealer(clients["inventory"], admin, world["east_office"])
    a, b = world["sku_a"], world["sku_b"]
    lines = [{"sku": sku, "opening": 0, "received": 40, "closing": 30} for sku in (a, b)]
    body = {"dealer_id": dealer["id"], "period_end": SUNDAY.isoformat(), "lines": lines}
    answer = clients["inventory"].post("/stock-reports", headers=token("rep", org_unit=world["east_office"]), json=body)
    assert answer.status_code == 201, answer.text
    # Received 40 of nothing shipped yet: both SKUs mismatch.
    first = wait_finding(clients, world, "receipt_mismatch", f"dealer:{dealer['id']}/sku:{a}")
    other = wait_finding(clients, world, "receipt_mismatch", f"dealer:{dealer['id']}/sku:{b}")
    ship(clients, token, world, dealer, {a: 40}, unique("B"))  # the ERP's shipment of a arrives late: 40 = 40
    withdrawn = wait_until(
        lambda: (f := findings(clients, world, "receipt_mismatch")[first["subject"]])["status"] == "withdrawn" and f,
        message="the shipped SKU's finding withdrawn",
    )
    assert withdrawn["id"] == first["id"]
    assert findings(clients, world, "receipt_mismatch")[other["subject"]]["status"] == "open"  # b: still 40 vs 0


def test_stock_days_out_of_band_three_weeks_running_and_two_weeks_then_back(clients, admin, token, world):
    dealer = make_dealer(clients["inventory"], admin, world["east_office"])
    a, b, rep_headers = world["sku_a"], world["sku_b"], token("rep", org_unit=world["east_office"])
    # stock days = closing x 7 / sold, band 20-25 days, out of band 3 weeks running fires.
    # a: 100 -> 90 (63 days), 90 -> 81 (63), 81 -> 72 (56): out three weeks.
    # b: 100 -> 90 (63), 90 -> 81 (63), 81 -> 62 (62 x 7 / 19 = 22.8, in band): a run of two only.
    weeks = [(SUNDAY - timedelta(days=14), (100, 90), (100, 90)), (SUNDAY - timedelta(days=7), (90, 81), (90, 81)),
             (SUNDAY, (81, 72), (81, 62))]  # fmt: skip
    for sunday, (open_a, close_a), (open_b, close_b) in weeks:
        lines = [{"sku": a, "opening": open_a, "received": 0, "closing": close_a},
                 {"sku": b, "opening": open_b, "received": 0, "closing": close_b}]  # fmt: skip
        body = {"id": str(uuid.uuid4()), "dealer_id": dealer["id"], "period_end": sunday.isoformat(), "lines": lines}
        answer = clients["inventory"].post("/stock-reports", headers=rep_headers, json=body)
        assert answer.status_code == 201, answer.text
    week = f"{MONDAY.isocalendar().year}-W{MONDAY.isocalendar().week:02d}"
    found = wait_finding(clients, world, "stock_days_out_of_band", f"dealer:{dealer['id']}/sku:{a}")
    assert found["period"] == week and found["evidence"] == {"weeks": 3}
    # a's finding in the third week means that week's report, which holds b's line too, has been judged
    assert f"dealer:{dealer['id']}/sku:{b}" not in findings(clients, world, "stock_days_out_of_band")


def test_month_end_orders_returned_early_next_month_are_channel_stuffing(clients, admin, token, world):
    api, erp = clients["inventory"], token("erp")
    # Returns are dated the day they are published (today): give this subtree 40 return days, whatever today is.
    setting = clients["audit"].put(
        f"/rules/channel_stuffing/settings/{world['company']}",
        json={"params": {"return_days": "40"}},
        headers=world["auditor"],
    )
    assert setting.status_code == 200, setting.text
    month_end = TODAY.replace(day=1) - timedelta(days=1)
    stuffer, near = (make_dealer(api, admin, world["east_office"]) for _ in range(2))
    for dealer, returned in ((near, 11), (stuffer, 15)):
        # 500.00 on the 3rd, 600.00 on the last day: 600 / 1100 = 54.5 % in the last 5 days (> 40 %);
        # returns 15 × 10.00 = 150.00 ≥ 20 % of 600.00 = 120.00; 11 × 10.00 = 110.00 is not
        for day, quantity in ((month_end.replace(day=3), "50"), (month_end, "60")):
            order = {
                "order_id": unique("SO"),
                "version": 1,
                "dealer_code": dealer["code"],
                "ordered_on": day.isoformat(),
                "lines": [{"sku": world["sku_a"], "quantity": quantity, "unit_price": "10.00"}],
            }
            pushed = api.post("/erp/orders", headers=erp, json=order)
            assert pushed.status_code in (200, 201, 202), pushed.text
            recorded = api.get("/orders", params={"erp_order_id": order["order_id"]}, headers=admin).json()
            wait_until(lambda r=recorded: archived(clients, world, "inventory.order.recorded", r[0]["id"]))
        back = {"dealer_id": dealer["id"], "kind": "return", "reason": "unsold", "sku": world["sku_a"],
                "quantity": returned}  # fmt: skip
        answer = api.post("/stock-adjustments", headers=token("rep", org_unit=world["east_office"]), json=back)
        assert answer.status_code == 201, answer.text
    wait_until(lambda: archived(clients, world, "inventory.stock.adjusted", near["id"]), message="near miss")
    found = wait_finding(clients, world, "channel_stuffing", f"dealer:{stuffer['id']}")
    assert found["evidence"] == {
        "month_total": "1100.0000",
        "month_end_orders": "600.0000",
        "returned_next_month": "150.0000",
    }
    assert found["period"] == month_end.strftime("%Y-%m")
    assert f"dealer:{near['id']}" not in findings(clients, world, "channel_stuffing")


def invoice(dealer, number: str, due_on: date, amount="1000.00") -> dict:
    invoiced_on = (due_on - timedelta(days=30)).isoformat()
    return {"erp_system": "SAP-EAST", "invoice_id": number, "version": 1, "dealer_code": dealer["code"],
            "invoiced_on": invoiced_on, "due_on": due_on.isoformat(), "amount": amount}  # fmt: skip


def receivable_id(clients, admin, number: str) -> str:
    (found,) = clients["inventory"].get("/invoices", headers=admin, params={"external_id": number}).json()
    return found["id"]


def test_a_receivable_overdue_beyond_90_days_and_one_at_80(clients, admin, token, world):
    api, erp = clients["inventory"], token("erp")
    dealer = make_dealer(api, admin, world["east_office"])
    late, recent = unique("INV"), unique("INV")
    assert api.post("/erp/invoices", headers=erp, json=invoice(dealer, recent, TODAY - timedelta(days=80))).json()[
        "applied"
    ]
    assert api.post("/erp/invoices", headers=erp, json=invoice(dealer, late, TODAY - timedelta(days=120))).json()[
        "applied"
    ]
    late_id, recent_id = receivable_id(clients, admin, late), receivable_id(clients, admin, recent)
    found = wait_finding(clients, world, "receivable_overdue", f"invoice:{late_id}")
    assert found["evidence"] == {"days_overdue": 120, "outstanding": "1000.0000"}
    assert archived(clients, world, "inventory.invoice.recorded", dealer["id"])
    assert f"invoice:{recent_id}" not in findings(clients, world, "receivable_overdue")


def test_a_payment_that_settles_an_overdue_invoice_withdraws_its_finding(clients, admin, token, world):
    api, erp = clients["inventory"], token("erp")
    dealer = make_dealer(api, admin, world["east_office"])
    number = unique("INV")
    assert api.post("/erp/invoices", headers=erp, json=invoice(dealer, number, TODAY - timedelta(days=100))).json()[
        "applied"
    ]
    subject = f"invoice:{receivable_id(clients, admin, number)}"
    opened = wait_finding(clients, world, "receivable_overdue", subject)
    pay = {"erp_system": "SAP-EAST", "payment_id": unique("PAY"), "version": 1, "dealer_code": dealer["code"],
           "invoice_id": number, "paid_on": TODAY.isoformat(), "amount": "1000.00"}  # fmt: skip
    assert api.post("/erp/payments", headers=erp, json=pay).json()["applied"]
    withdrawn = wait_until(
        lambda: (f := findings(clients, world, "receivable_overdue")[subject])["status"] == "withdrawn" and f,
        message="the finding withdrawn",
    )
    assert withdrawn["id"] == opened["id"] and withdrawn["finished_at"] is not None
    detail = clients["audit"].get(f"/findings/{opened['id']}", headers=world["auditor"]).json()
    last = detail["transitions"][-1]
    assert (last["from_status"], last["to_status"], last["action"]) == ("open", "withdrawn", "withdraw")


def photo() -> bytes:
    """Random noise: no two alike, so visits' company-wide near-duplicate check never links them to other tests."""
    image = Image.frombytes("RGB", (64, 64), os.urandom(64 * 64 * 3))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def test_the_same_photo_on_two_visits_is_reused_and_a_fresh_one_is_not(clients, admin, token, world):
    who = rep(token, world["east_office"])
    shop = outlet(clients, admin, world, world["east_office"], who)

    def upload() -> str:
        answer = clients["visits"].post(
            "/photos", content=photo(), headers={**who["headers"], "Content-Type": "image/png"}
        )
        assert answer.status_code == 201, answer.text
        return answer.json()["content_hash"]

    reused, fresh = upload(), upload()

    def display(content_hash):
        return [{"step": "display", "photos": [{"content_hash": content_hash, "caption": "shelf"}]}]

    first = visit(clients, who, shop, steps=display(reused), day="2026-03-20")
    second = visit(clients, who, shop, steps=display(reused), day="2026-03-21")
    alone = visit(clients, who, shop, steps=display(fresh), day="2026-03-22")
    wait_until(lambda: archived(clients, world, "visits.visit.completed", alone["id"]), message="near miss")
    found = wait_finding(clients, world, "photo_reused", f"photo:{reused}")
    assert found["evidence"] == {"visits": sorted([first["id"], second["id"]])}
    assert f"photo:{fresh}" not in findings(clients, world, "photo_reused")


def routed(clients, admin, token, world, unit: str) -> tuple[dict, list[dict], dict]:
    """A rep with a Monday route of two weekly outlets (grade A) in `unit`, scheduled for the week of 1 June 2026."""
    supervisor = token("supervisor", org_unit=unit)
    who = rep(token, unit)
    shops = [outlet(clients, admin, world, unit, who) for _ in range(2)]
    body = {"rep_id": str(who["id"]), "org_unit_id": unit, "weekday": 1, "name": "Monday",
            "outlet_ids": [s["id"] for s in shops]}  # fmt: skip
    assert clients["visits"].put("/routes", json=body, headers=supervisor).status_code == 200
    week = {"org_unit_id": unit, "period_start": "2026-06-01", "period_end": "2026-06-07"}
    assert clients["visits"].post("/schedule-generations", json=week, headers=supervisor).status_code == 200
    sid = clients["visits"].get(f"/schedules?rep_id={who['id']}", headers=supervisor).json()[0]["id"]
    for action, actor in (("submit", who["headers"]), ("approve", supervisor), ("publish", supervisor)):
        assert clients["visits"].post(f"/schedules/{sid}/{action}", headers=actor).status_code == 200
    entries = clients["visits"].get(f"/schedules/{sid}", headers=supervisor).json()["entries"]
    return who, entries, supervisor


def test_a_rep_who_did_one_of_two_planned_visits_is_under_plan_compliance(clients, admin, token, world):
    slack_team, keen_team = world["teams"]
    slack, slack_entries, slack_supervisor = routed(clients, admin, token, world, slack_team)
    keen, keen_entries, keen_supervisor = routed(clients, admin, token, world, keen_team)
    assert len(slack_entries) == len(keen_entries) == 2
    done = [
        visit(clients, who, {"id": entry["outlet_id"]}, day="2026-06-01", entry=entry["id"])
        for who, entries in ((slack, slack_entries[:1]), (keen, keen_entries))
        for entry in entries
    ]
    for team, supervisor, count in ((keen_team, keen_supervisor, 0), (slack_team, slack_supervisor, 1)):
        before = {"org_unit_id": team, "before": "2026-06-02"}
        missed = clients["visits"].post("/missed-visits", json=before, headers=supervisor)
        assert missed.status_code == 200 and missed.json() == {"missed": count}, missed.text
    # 1 of 2 done = 50 % < 80 %; 2 of 2 = 100 %
    found = wait_finding(clients, world, "low_plan_compliance", f"rep:{slack['id']}")
    assert found["evidence"] == {"planned": 2, "done": 1} and found["period"] == "2026-W23"
    for made in done:
        wait_until(lambda m=made: archived(clients, world, "visits.visit.completed", m["id"]), message="near miss")
    assert f"rep:{keen['id']}" not in findings(clients, world, "low_plan_compliance")


def test_two_visits_111_km_apart_35_minutes_apart_are_impossible_travel(clients, admin, token, world):
    north = {**OUTLET_POSITION, "latitude": OUTLET_POSITION["latitude"] + 1.0}  # 1° of latitude = 111.2 km
    hasty, steady = rep(token, world["east_office"]), rep(token, world["east_office"])
    for who, second_at in ((hasty, "10:00"), (steady, "11:00")):
        here = outlet(clients, admin, world, world["east_office"], who)
        there = outlet(clients, admin, world, world["east_office"], who, position=north)
        visit(clients, who, here, day="2026-03-23")  # 09:00-09:25 (UTC+8)
        # 09:25 -> 10:00 is 35 min: 111.2 km / 0.583 h = 190.6 km/h > 120; 09:25 -> 11:00 is 95 min: 70.2 km/h
        last = visit(clients, who, there, position=north, day="2026-03-23", start=second_at)
    wait_until(lambda: archived(clients, world, "visits.visit.completed", last["id"]), message="near miss")
    found = wait_finding(clients, world, "impossible_travel", f"rep:{hasty['id']}")
    assert found["evidence"] == {"km": 111.2, "max_kmh": 120} and found["period"] == "2026-03-23"
    assert f"rep:{steady['id']}" not in findings(clients, world, "impossible_travel")
