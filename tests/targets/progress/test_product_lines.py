"""Progress by product line (issue 14, item 6), from outside: org, reps, dealer, SKUs and plan through the HTTP APIs,
ERP orders posted to inventory, its SKU and order events consumed by targets on the real broker.

By hand: company -> region R (the plan's root) -> office O (reps r1, r2). Sales plan 10,000 with product lines
BEER 6 : WINE 4 -> O's BEER 6,000 and WINE 4,000 for 2026. SKUs registered in inventory: B (BEER), W (WINE);
X is not registered. Orders of O's dealer:
  A, 2 March: B 10 x 120 = 1,200; W 5 x 200 = 1,000; X 3 x 100 = 300   -> counts
  C, 3 March: B 5 x 100 = 500, then version 2 cancelled                  -> counts nothing
  L, 5 January 2027: B 7 x 100 = 700                                     -> after the period
2026 as of 31 December: BEER 1,200 of 6,000 (0.2000), WINE 1,000 of 4,000 (0.2500), X's 300 listed apart;
O's total 2,500 of 10,000. X registered later as BEER: BEER 1,500, nothing apart.
"""

from __future__ import annotations

import pytest

from tests.support import create_org_unit, erp_order, unique, wait_until
from tests.targets.outside import dealer_covered, office_with_reps, ok, published_plan

pytestmark = pytest.mark.usefixtures("workers")


def register_sku(clients, admin, code: str, category: str) -> None:
    body = {
        "code": code,
        "name": code,
        "category": category,
        "brand": "House",
        "unit": "bottle",
        "case_size": 1,
        "list_price": "100.00",
    }
    ok(clients["inventory"].post("/skus", headers=admin, json=body), 201)


def by_line(clients, admin, plan: str, office: str) -> dict:
    answer = clients["targets"].get(
        f"/plans/{plan}/progress/org-units/{office}/product-lines",
        headers=admin,
        params={"period": "2026", "as_of": "2026-12-31"},
    )
    return ok(answer)


def test_progress_by_product_line_from_order_skus(clients, admin, token):
    api, inventory, erp = clients["targets"], clients["inventory"], token("erp")
    company = create_org_unit(api, admin, kind="company")["id"]
    region = create_org_unit(api, admin, kind="region", parent_id=company)["id"]
    office, (r1, r2) = office_with_reps(clients, admin, parent_id=region)
    dealer = dealer_covered(clients, admin, office, {r1: "0.6", r2: "0.4"})
    plan = published_plan(
        clients,
        admin,
        region,
        "sales_amount",
        {
            "parent_value": "10000",
            "levels": [{"parent_kind": "office", "method": "manual"}],
            "nodes": [{"node_id": r1, "manual_weight": "6"}, {"node_id": r2, "manual_weight": "4"}],
            "product_shares": [{"product_line": "BEER", "share": "6"}, {"product_line": "WINE", "share": "4"}],
        },
    )
    b, w, x = unique("B"), unique("W"), unique("X")
    register_sku(clients, admin, b, "BEER")
    register_sku(clients, admin, w, "WINE")
    code = dealer["code"]
    orders = [
        erp_order(
            unique("SO-A"), code, ordered_on="2026-03-02", lines=((b, "10", "120"), (w, "5", "200"), (x, "3", "100"))
        ),
        erp_order((c := unique("SO-C")), code, ordered_on="2026-03-03", lines=((b, "5", "100"),)),
        erp_order(c, code, ordered_on="2026-03-03", lines=((b, "5", "100"),), version=2, status="cancelled"),
        erp_order(unique("SO-L"), code, ordered_on="2027-01-05", lines=((b, "7", "100"),)),
    ]
    for order in orders:
        assert inventory.post("/erp/orders", headers=erp, json=order).status_code == 202
    later = {"date_from": "2027-01-01", "date_to": "2027-01-31"}
    wait_until(
        lambda: (
            by_line(clients, admin, plan, office)["figures"]["actual"] == "2500.00"
            and ok(api.get(f"/actuals/{office}", headers=admin, params=later))["amount"] == "700.00"
        ),
        message="the orders in targets",
    )
    body = by_line(clients, admin, plan, office)
    assert (body["node"]["id"], body["figures"]["target"]) == (office, "10000.00")
    assert [
        (
            line["product_line"],
            line["figures"]["target"],
            line["figures"]["actual"],
            line["figures"]["achievement_rate"],
        )
        for line in body["product_lines"]
    ] == [("BEER", "6000.00", "1200.00", "0.2000"), ("WINE", "4000.00", "1000.00", "0.2500")]
    assert body["unregistered_skus"] == [{"sku": x, "actual": "300.00"}]

    # The region reads the same lines (its only office); a SKU registered later files its lines under its category.
    region_lines = by_line(clients, admin, plan, region)["product_lines"]
    assert [(line["product_line"], line["figures"]["actual"]) for line in region_lines] == [
        ("BEER", "1200.00"),
        ("WINE", "1000.00"),
    ]
    register_sku(clients, admin, x, "BEER")
    wait_until(lambda: not by_line(clients, admin, plan, office)["unregistered_skus"], message="X registered")
    body = by_line(clients, admin, plan, office)
    assert [(line["product_line"], line["figures"]["actual"]) for line in body["product_lines"]] == [
        ("BEER", "1500.00"),
        ("WINE", "1000.00"),
    ]
