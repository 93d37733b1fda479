"""Collections progress from inventory's payment events (issue 14, item 6), from outside: org, reps, dealer and plan
through the HTTP APIs, payments posted to inventory as an ERP would, events on the real broker.

By hand: company C -> regions EAST (office SH, reps r1 and r2 covering SH's dealer 60 / 40) and NORTH (no office).
Collections plan 20,000 split equally: EAST 10,000 (all SH's: r1 6,000, r2 4,000 by manual weights 6 : 4), NORTH
10,000. A payment of 2,000 on 2 March: SH 2,000 of 10,000 = 20 %, r1 1,200 of 6,000, r2 800 of 4,000. SH then
moves to NORTH effective 1 July; payments of 1,000 on 3 August and 500 dated 20 March (arriving late) follow:
SH's year 3,500, of which EAST's (its months there) 2,500 and NORTH's 1,000.
"""

from __future__ import annotations

import pytest

from tests.support import create_org_unit, unique, wait_until
from tests.targets.outside import dealer_covered, figures, office_with_reps, published_plan

pytestmark = pytest.mark.usefixtures("workers")


def pay(clients, erp, dealer: dict, amount: str, paid_on: str, payment_id: str | None = None) -> str:
    payment_id = payment_id or unique("PAY")
    body = {
        "erp_system": "SAP-EAST",
        "payment_id": payment_id,
        "version": 1,
        "dealer_code": dealer["code"],
        "invoice_id": f"INV-{payment_id}",
        "paid_on": paid_on,
        "amount": amount,
    }
    answer = clients["inventory"].post("/erp/payments", headers=erp, json=body)
    assert answer.status_code in (200, 201, 202), answer.text
    return payment_id


def test_payments_count_for_the_dealers_office_and_reps_as_the_tree_stood_on_the_payment_day(clients, admin, token):
    api, erp = clients["targets"], token("erp")
    company = create_org_unit(api, admin, kind="company")["id"]
    east, north = (create_org_unit(api, admin, kind="region", parent_id=company)["id"] for _ in range(2))
    sh, (r1, r2) = office_with_reps(clients, admin, parent_id=east)
    dealer = dealer_covered(clients, admin, sh, {r1: "0.6", r2: "0.4"})
    plan = published_plan(
        clients,
        admin,
        company,
        "collections",
        {
            "parent_value": "20000",
            "split": {"method": "equal"},
            "levels": [{"parent_kind": "office", "method": "manual"}],
            "nodes": [{"node_id": r1, "manual_weight": "6"}, {"node_id": r2, "manual_weight": "4"}],
        },
    )
    march = {"as_of": "2026-03-10"}
    first = pay(clients, erp, dealer, "2000.00", "2026-03-02")
    wait_until(lambda: figures(api, admin, plan, "org-units", sh, **march)["actual"] == "2000.00", message="payment")
    office = figures(api, admin, plan, "org-units", sh, **march)
    assert (office["target"], office["actual"], office["achievement_rate"]) == ("10000.00", "2000.00", "0.2000")
    reps = [figures(api, admin, plan, "people", r, **march) for r in (r1, r2)]
    assert [(f["target"], f["actual"], f["achievement_rate"]) for f in reps] == [
        ("6000.00", "1200.00", "0.2000"),  # 60 % of 2,000
        ("4000.00", "800.00", "0.2000"),  # 40 %
    ]
    pay(clients, erp, dealer, "2000.00", "2026-03-02", payment_id=first)  # the ERP sends it again: nothing changes

    moved = api.post(f"/org-units/{sh}/move", headers=admin, json={"parent_id": north, "effective_date": "2026-07-01"})
    assert moved.status_code == 200, moved.text
    pay(clients, erp, dealer, "1000.00", "2026-08-03")
    pay(clients, erp, dealer, "500.00", "2026-03-20")  # dated in EAST's time, arriving after the move
    wait_until(lambda: figures(api, admin, plan, "org-units", sh)["actual"] == "3500.00", message="later payments")
    actual = {unit: figures(api, admin, plan, "org-units", unit)["actual"] for unit in (company, east, north)}
    assert actual == {company: "3500.00", east: "2500.00", north: "1000.00"}
    assert [figures(api, admin, plan, "people", r)["actual"] for r in (r1, r2)] == ["2100.00", "1400.00"]
    # Payments carry no SKUs: progress by product line is for order metrics, and says so.
    lines = api.get(f"/plans/{plan}/progress/org-units/{sh}/product-lines", headers=admin, params={"period": "2026"})
    assert (lines.status_code, lines.json()["errors"][0]["field"]) == (422, "plan_id")
