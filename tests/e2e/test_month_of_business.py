"""March 2026 of a small company, end to end, on the system as deployed: each API a uvicorn process, every worker in
another, driven only through the public REST APIs and the ERP topics.

The director publishes the company's yearly plan; the region manager decomposes the region's share down to the reps;
the ERP pushes orders (one sent twice, one raised to a new version, its old version arriving late, one shipped and
one cancelled), invoices and payments; reps run their published week offline and sync it, then sync it again (a
retry); dealers report stock; the audit raises exactly the two planted problems, which managers take through
rectification to closed; and every rep's and office's progress and ranking at month end equals what this test
works out from the raw inputs itself.

The company, hand-worked:
    company C -> region R -> offices O1 (reps a, b), O2 (rep c)
    director's plan: C 2,160,000 for 2026, all to R; region plan: R 2,160,000 -> O1 : O2 = 2 : 1 by manual weight
    -> O1 1,440,000 (a, b equally), O2 720,000 (c); equal months: a, b, c 60,000 each in March
    dealers: d1 (O1) covered by a and b half each, d3 (O1) by a, d2 (O2) by c
Planted: rep b checks in 1.5 km from an outlet once; dealer d2's outlet sells our SKU below its floor.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from datetime import UTC, datetime
from decimal import Decimal as D

from tests.e2e.month_support import AS_OF, HANGZHOU, MONTH, Caller, amount, ask, latest, order, send, system
from tests.support import unique, wait_until

__all__ = ["system"]  # the fixture, used by name


def test_a_month_of_business(system, infra):
    tokens = infra.issuer
    admin = Caller(system, {"Authorization": f"Bearer {tokens.issue(role='admin', subject='e2e-admin')}"})

    def as_(role, unit, person=None):
        jwt = tokens.issue(
            role=role,
            org_unit=str(unit),
            person_id=str(person) if person else None,
            subject=f"e2e-{role}-{person or unit}",
        )
        return Caller(system, {"Authorization": f"Bearer {jwt}"})

    # --- the org tree and people (targets), learnt by the other services through events
    ids = {k: str(uuid.uuid4()) for k in ("C", "R", "O1", "O2", "dir", "mgr", "a", "b", "c")}
    for key, kind, parent in (
        ("C", "company", None),
        ("R", "region", "C"),
        ("O1", "office", "R"),
        ("O2", "office", "R"),
    ):
        body = {"id": ids[key], "kind": kind, "code": unique(key), "name": f"{key} 春山"}
        admin("targets", "POST", "/org-units", {**body, **({"parent_id": ids[parent]} if parent else {})})
    for key, role, unit in (
        ("dir", "director", "C"),
        ("mgr", "region_manager", "R"),
        ("a", "rep", "O1"),
        ("b", "rep", "O1"),
        ("c", "rep", "O2"),
    ):
        body = {"id": ids[key], "name": key, "role": role, "org_unit_id": ids[unit], "valid_from": "2026-01-01"}
        admin("targets", "POST", "/people", body)
    director, manager = as_("director", ids["C"], ids["dir"]), as_("region_manager", ids["R"], ids["mgr"])
    for service in ("inventory", "visits", "audit"):
        wait_until(lambda s=service: ask(admin, s, f"/org-units/{ids['O2']}"), 60, 0.2, f"O2 in {service}")

    # --- catalogue, dealers, coverage (inventory, targets)
    sku = admin(
        "inventory",
        "POST",
        "/skus",
        {
            "code": unique("E2E"),
            "name": "春山方便面 整箱",
            "category": "方便面",
            "brand": "春山",
            "unit": "case",
            "case_size": 1,
            "shelf_life_days": 180,
            "list_price": "120.00",
            "price_floor": "108.00",
            "price_ceiling": "132.00",
        },
    )
    dealers = {
        k: manager(
            "inventory",
            "POST",
            "/dealers",
            {"code": unique(k), "name": f"经销商 {k}", "org_unit_id": ids[u], "credit_limit": "500000.00"},
        )
        for k, u in (("d1", "O1"), ("d2", "O2"), ("d3", "O1"))
    }
    coverage = {"d1": {"a": "0.5", "b": "0.5"}, "d2": {"c": "1"}, "d3": {"a": "1"}}
    for k, reps in coverage.items():
        path = f"/dealers/{dealers[k]['id']}/coverage"
        wait_until(lambda p=path: ask(manager, "targets", p), 60, 0.2, f"{k} in targets")
        manager(
            "targets",
            "PUT",
            path,
            {"valid_from": "2026-01-01", "reps": [{"person_id": ids[r], "share": s} for r, s in reps.items()]},
        )

    # --- the plans: the director's yearly plan, the region manager's decomposition of the region's share
    def plan(caller, root, value, **decomposition):
        made = caller(
            "targets",
            "POST",
            "/plans",
            {
                "name": f"plan {root}",
                "metric": "sales_amount",
                "fiscal_year": 2026,
                "unit": "CNY",
                "rounding_step": "1",
                "root_org_unit_id": ids[root],
            },
        )
        caller("targets", "POST", f"/plans/{made['id']}/decomposition", {"parent_value": value, **decomposition})
        return made["id"]

    company_plan = plan(director, "C", "2160000", leaf_level="region")
    for action in ("submit", "approve", "publish"):
        director("targets", "POST", f"/plans/{company_plan}/{action}")
    share = D(director("targets", "GET", f"/plans/{company_plan}/splits/{ids['C']}")["children"][0]["value"])
    region_plan = plan(
        manager,
        "R",
        str(share),
        leaf_level="rep",
        split={"method": "equal"},
        levels=[{"parent_kind": "region", "method": "manual"}],
        nodes=[{"node_id": ids["O1"], "manual_weight": "2"}, {"node_id": ids["O2"], "manual_weight": "1"}],
    )
    manager("targets", "POST", f"/plans/{region_plan}/submit")
    director("targets", "POST", f"/plans/{region_plan}/approve")  # a manager above the region approves
    assert manager("targets", "POST", f"/plans/{region_plan}/publish")["status"] == "published"

    # --- ERP: orders (a duplicate, a raised version, a late stale one, a shipment, a cancellation), invoices, payments
    d1, d2, d3 = dealers["d1"], dealers["d2"], dealers["d3"]
    o1, o2, o3, o4, o5 = (unique(f"SO{i}") for i in range(1, 6))
    sent = [
        order(o1, 1, d1, "03", 100),
        order(o1, 1, d1, "03", 100),  # the same message again
        order(o2, 1, d2, "05", 250),
        order(o2, 2, d2, "05", 300),  # raised
        order(o3, 1, d3, "10", 200),
        order(o2, 1, d2, "05", 250),  # the old version arrives late: ignored
        order(o4, 1, d1, "20", 150),
        order(o4, 2, d1, "20", 150, "shipped"),  # the ERP shipped it
        order(o5, 1, d2, "25", 50),
        order(o5, 2, d2, "25", 50, "cancelled"),
    ]
    bootstrap = infra.settings.kafka_bootstrap_servers
    send(bootstrap, "erp.orders.v1", sent, "order_id")
    now = latest(sent)
    invoices = [
        {
            "erp_system": "SAP",
            "invoice_id": f"INV-{m['order_id']}",
            "version": 1,
            "dealer_code": m["dealer_code"],
            "invoiced_on": m["ordered_on"],
            "due_on": "2026-04-30",
            "currency": "CNY",
            "amount": f"{amount(m):.2f}",
        }
        for m in now.values()
        if amount(m)
    ]
    send(bootstrap, "erp.invoices.v1", invoices, "invoice_id")
    payments = [
        {
            "erp_system": "SAP",
            "payment_id": f"PAY-{i['invoice_id']}",
            "version": 1,
            "dealer_code": i["dealer_code"],
            "invoice_id": i["invoice_id"],
            "paid_on": AS_OF,
            "currency": "CNY",
            "amount": i["amount"],
        }
        for i in invoices
    ]
    send(bootstrap, "erp.payments.v1", payments, "payment_id")

    # --- outlets, routes, the published week; reps visit offline, sync, and sync again (a retry)
    outlets = {}
    for n, (rep, dealer, unit) in enumerate((("a", d1, "O1"), ("b", d1, "O1"), ("c", d2, "O2"))):
        for weekday in (1, 3):
            lat, lon = HANGZHOU[0] + 0.01 * n, HANGZHOU[1] + 0.004 * weekday
            outlets[(rep, weekday)] = admin(
                "visits",
                "POST",
                "/outlets",
                {
                    "code": unique("O"),
                    "name": f"{rep} 店 {weekday}",
                    "org_unit_id": ids[unit],
                    "dealer_id": dealer["id"],
                    "grade": "A",
                    "loyalty": "loyal",
                    "location": {"latitude": lat, "longitude": lon},
                    "owner_rep_id": ids[rep],
                },
            )
            supervisor = as_("supervisor", ids[unit])
            supervisor(
                "visits",
                "PUT",
                "/routes",
                {
                    "rep_id": ids[rep],
                    "org_unit_id": ids[unit],
                    "weekday": weekday,
                    "name": f"route {weekday}",
                    "outlet_ids": [outlets[(rep, weekday)]["id"]],
                },
            )
    entries: dict[str, list[dict]] = {}
    for unit, team in (("O1", ("a", "b")), ("O2", ("c",))):
        supervisor = as_("supervisor", ids[unit])
        supervisor(
            "visits",
            "POST",
            "/schedule-generations",
            {"org_unit_id": ids[unit], "period_start": "2026-03-16", "period_end": "2026-03-22"},
        )
        for rep in team:
            (schedule,) = supervisor("visits", "GET", f"/schedules?rep_id={ids[rep]}")
            as_("rep", ids[unit], ids[rep])("visits", "POST", f"/schedules/{schedule['id']}/submit")
            supervisor("visits", "POST", f"/schedules/{schedule['id']}/approve")
            supervisor("visits", "POST", f"/schedules/{schedule['id']}/publish")
            entries[rep] = supervisor("visits", "GET", f"/schedules/{schedule['id']}")["entries"]
    by_outlet = {o["id"]: o for o in outlets.values()}
    planted_visit, dumped_outlet = None, None
    sent_at = datetime.now(UTC).isoformat()
    synced: list[str] = []
    for rep, unit in (("a", "O1"), ("b", "O1"), ("c", "O2")):
        ops = []
        for i, entry in enumerate(sorted(entries[rep], key=lambda e: e["planned_on"])):
            outlet = by_outlet[entry["outlet_id"]]
            lat, lon = outlet["location"]["latitude"], outlet["location"]["longitude"]
            price = "118.00"
            if rep == "b" and i == 0:
                lat, planted_visit = lat + 0.0135, str(uuid.uuid4())  # checked in from 1.5 km away
            if rep == "c" and i == 0:
                price, dumped_outlet = "90.00", outlet["id"]  # d2's goods sold below the floor of 108.00
            visit_id = planted_visit if rep == "b" and i == 0 else str(uuid.uuid4())
            day = entry["planned_on"]
            ops.append(
                {
                    "op_id": str(uuid.uuid4()),
                    "kind": "submit_visit",
                    "visit": {
                        "id": visit_id,
                        "outlet_id": outlet["id"],
                        "schedule_entry_id": entry["id"],
                        "check_in": {
                            "position": {"latitude": lat, "longitude": lon, "datum": "wgs84", "accuracy_m": 10},
                            "client_at": f"{day}T10:00:00+08:00",
                        },
                        "steps": [
                            {"step": "stock_check", "items": [{"sku": sku["code"], "quantity": "12"}]},
                            {
                                "step": "prices",
                                "items": [{"sku": sku["code"], "brand": "春山", "ours": True, "price": price}],
                            },
                        ],
                        "check_out": {"client_at": f"{day}T10:25:00+08:00"},
                        "sent_at": sent_at,
                    },
                }
            )
        phone = as_("rep", ids[unit], ids[rep])
        queue: dict[str, object] = {"device_id": f"phone-{rep}", "operations": ops}
        first = phone("visits", "POST", "/sync", queue)["results"]
        assert {r["outcome"] for r in first} == {"applied"} and len(first) == len(entries[rep]) >= 1
        retry = phone("visits", "POST", "/sync", queue)["results"]  # the answer was lost: the phone sends it all again
        assert all(r["duplicate"] for r in retry) and [r["visit_id"] for r in retry] == [r["visit_id"] for r in first]
        synced.extend(r["visit_id"] for r in first)
    assert planted_visit and dumped_outlet

    # --- dealers report stock: two weeks each, 20-25 days of cover, nothing received (nothing shipped those weeks)
    for k in ("d1", "d2", "d3"):
        for period_end, opening, closing in (("2026-03-15", 300, 230), ("2026-03-22", 230, 180)):
            admin(
                "inventory",
                "POST",
                "/stock-reports",
                {
                    "dealer_id": dealers[k]["id"],
                    "period_end": period_end,
                    "lines": [{"sku": sku["code"], "opening": opening, "received": 0, "closing": closing}],
                },
            )

    # --- what the test works out itself from the raw inputs
    per_rep: dict[str, D] = defaultdict(D)
    code_to_key = {d["code"]: k for k, d in dealers.items()}
    for m in now.values():
        for rep, s in coverage[code_to_key[m["dealer_code"]]].items():
            per_rep[rep] += amount(m) * D(s)
    office_actual = {"O1": per_rep["a"] + per_rep["b"], "O2": per_rep["c"]}
    # R's share split 2 : 1 over the offices, an office's equally over its reps, a year equally over 12 months.
    weight, reps_in = {"a": 2, "b": 2, "c": 1}, {"a": 2, "b": 2, "c": 1}
    monthly = {rep: share * weight[rep] / (3 * reps_in[rep] * 12) for rep in "abc"}
    office_target = {"O1": monthly["a"] + monthly["b"], "O2": monthly["c"]}
    assert monthly == {"a": 60000, "b": 60000, "c": 60000} and per_rep == {"a": 39000, "b": 15000, "c": 36000}

    total = sum(per_rep.values(), D(0))
    wait_until(lambda: D(str((ask(manager, "targets", f"/actuals/{ids['R']}") or {})["amount"])) == total, 90, 0.3)
    q = f"period={MONTH}&as_of={AS_OF}"
    for rep in "abc":
        got = manager("targets", "GET", f"/plans/{region_plan}/progress/people/{ids[rep]}?{q}")["figures"]
        assert (D(got["target"]), D(got["actual"])) == (monthly[rep], per_rep[rep]), rep
        assert D(got["achievement_rate"]) == (per_rep[rep] / monthly[rep]).quantize(D("0.0001"))
    ranking = manager("targets", "GET", f"/plans/{region_plan}/progress/org-units/{ids['R']}/ranking?{q}")
    expected = sorted(("O1", "O2"), key=lambda u: office_actual[u] / office_target[u], reverse=True)
    assert [r["node"]["id"] for r in ranking["org_units"]] == [ids[u] for u in expected]
    assert [D(r["figures"]["actual"]) for r in ranking["org_units"]] == [office_actual[u] for u in expected]
    reps_of_o1 = manager("targets", "GET", f"/plans/{region_plan}/progress/org-units/{ids['O1']}/ranking?{q}")["reps"]
    assert [r["node"]["id"] for r in reps_of_o1] == [ids[r] for r in sorted("ab", key=lambda r: -per_rep[r])]

    # --- the audit: exactly the planted findings
    auditor = Caller(system, {"Authorization": f"Bearer {tokens.issue(role='auditor', subject='e2e-auditor')}"})
    planted = {
        ("checkin_far_from_outlet", f"visit:{planted_visit}"),
        ("price_below_floor", f"outlet:{dumped_outlet}/sku:{sku['code']}"),
    }

    def findings():
        # Invoices and payments travel apart: an invoice audit takes in before its payment is overdue until the
        # payment arrives, and that finding is then withdrawn. What the audit stands by is every finding not withdrawn.
        items = auditor("audit", "GET", f"/findings?org_unit_id={ids['C']}&limit=200")["items"]
        return [f for f in items if f["status"] != "withdrawn"]

    wait_until(lambda: planted <= {(f["rule"], f["subject"]) for f in findings()}, 90, 0.3, "the planted findings")
    # Audit has taken in the last inputs of every kind (each dealer's two reports and payments, every visit) before
    # "no others".
    paid = Counter(p["dealer_code"] for p in payments)
    for k in ("d1", "d2", "d3"):
        path = f"/events?type=inventory.stock_report.submitted&subject={dealers[k]['id']}"
        wait_until(lambda p=path: len(auditor("audit", "GET", p)) == 2, 60, 0.3, f"{k}'s reports archived")
        path = f"/events?type=inventory.payment.recorded&subject={dealers[k]['id']}"
        n = paid[dealers[k]["code"]]
        wait_until(lambda p=path, n=n: len(auditor("audit", "GET", p)) == n, 60, 0.3, f"{k}'s payments archived")
    for r in synced:
        wait_until(lambda v=r: auditor("audit", "GET", f"/events?subject={v}"), 60, 0.3, f"visit {r} archived")
    assert {(f["rule"], f["subject"]) for f in findings()} == planted

    # --- managers take both findings through rectification; the auditor verifies and closes them
    for f in findings():
        path = f"/findings/{f['id']}/transitions"
        manager("audit", "POST", path, {"action": "acknowledge", "note": "seen"})
        manager("audit", "POST", path, {"action": "rectify", "note": "talked to them", "rectified_from": "2026-03-23"})
        assert auditor("audit", "POST", path, {"action": "recheck"})["status"] == "verified"
        assert auditor("audit", "POST", path, {"action": "close", "note": "clean since"})["status"] == "closed"
    assert {f["status"] for f in findings()} == {"closed"}
