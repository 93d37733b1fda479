"""Writing the demo's business: ERP orders, invoices and payments on their topics, shipments by batch, weekly stock
reports, reps' offline visit syncs and the year's published plan. Each is keyed by the demo's own ids, so a second
run is recognised (ERP messages by their id and version, creates by their client id, sync operations by op id)."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from shared.demo.client import Api
from shared.demo.company import Company, demo_id
from shared.demo.history import LAST_DAY, SEASON, History, ShipmentPlan, batch_code, photo

SYNC_BATCH = 100  # operations per sync call: a phone sends its queue in chunks


def erp(api: Api, h: History) -> None:
    api.publish("erp.orders.v1", ((str(o["order_id"]), o) for o in h.orders))
    api.publish("erp.invoices.v1", ((str(i["invoice_id"]), i) for i in h.invoices))
    api.publish("erp.payments.v1", ((str(p["payment_id"]), p) for p in h.payments))


def shipments(api: Api, c: Company, h: History) -> int:
    """Each planned shipment as the warehouse and the field work it: the batch is produced, the dealer orders,
    the order is approved (releasing a credit hold), shipped first-expiry-first-out, and delivered."""
    made = 0
    for plan in h.shipments:
        order_id = demo_id(c.seed, f"dealer-order:{plan.id}")
        found = api.call("inventory", "GET", f"/dealer-orders/{order_id}", ok=(200, 404))
        if found.status_code == 404:
            _produce(api, c, plan)
            body = {"id": str(order_id), "dealer_id": str(plan.dealer.id),
                    "lines": [{"sku": s.code, "quantity": q} for s, q in plan.lines]}  # fmt: skip
            found = api.call("inventory", "POST", "/dealer-orders", body=body)
            made += 1
        status = found.json()["status"]
        steps = {"draft": ["submit", "approve"], "submitted": ["approve"], "credit_hold": ["approve"]}
        for action in steps.get(status, []):
            status = api.call("inventory", "POST", f"/dealer-orders/{order_id}/{action}").json()["status"]
        if status in ("approved", "partially_shipped"):
            lines = [{"sku": s.code, "quantity": q} for s, q in plan.lines]
            ship = {"id": str(demo_id(c.seed, f"shipment:{plan.id}")), "lines": lines}
            api.call("inventory", "POST", f"/dealer-orders/{order_id}/shipments", body=ship)
            status = "shipped"
        if status == "shipped":
            api.call("inventory", "POST", f"/dealer-orders/{order_id}/deliver")
    return made


def _produce(api: Api, c: Company, plan: ShipmentPlan) -> None:
    """The batch made for this shipment: exactly its quantity, so first-expiry-first-out ships this very batch."""
    for sku, quantity in plan.lines:
        body = {"sku": sku.code, "batch_code": batch_code(c, plan.dealer, sku, plan.round),
                "produced_on": (plan.week_end - timedelta(days=9)).isoformat(), "quantity": quantity}  # fmt: skip
        api.call("inventory", "POST", "/warehouse/batches", body=body)


def stock_reports(api: Api, c: Company, h: History) -> int:
    by_report: dict[tuple[str, str], list[dict[str, object]]] = defaultdict(list)
    for row in h.stock_rows:
        by_report[(str(row["dealer_code"]), str(row["period_end"]))].append(row)
    dealers = {d.code: d for d in c.dealers}
    for (code, period_end), rows in by_report.items():
        body = {
            "id": str(demo_id(c.seed, f"stock-report:{code}:{period_end}")),
            "dealer_id": str(dealers[code].id),
            "period_end": period_end,
            "lines": [{k: r[k] for k in ("sku", "opening", "received", "closing")} for r in rows],
        }
        api.call("inventory", "POST", "/stock-reports", body=body)
    return len(by_report)


def visit_syncs(api: Api, c: Company, h: History, sent_at: str) -> int:
    """Each rep's phone sends its queue of offline visits; an operation sent again is applied once."""
    applied = 0
    for rep, visits in h.visits.items():
        team = rep.unit_id
        for v in visits:  # the shelf photos go up first, as the app uploads them when it has network
            api.call("visits", "POST", "/photos", headers=api.headers("rep", team, rep), content=photo(c, str(v["id"])),
                     content_type="image/png")  # fmt: skip
        for i in range(0, len(visits), SYNC_BATCH):
            ops = [
                {"op_id": str(demo_id(c.seed, f"op:{v['id']}")), "kind": "submit_visit",
                 "visit": {**v, "sent_at": sent_at}}
                for v in visits[i : i + SYNC_BATCH]
            ]  # fmt: skip
            answer = api.call("visits", "POST", "/sync", headers=api.headers("rep", team, rep),
                              body={"device_id": f"phone-{rep.id.hex[:8]}", "operations": ops})  # fmt: skip
            results = answer.json()["results"]
            failed = [r for r in results if r["outcome"] not in ("applied", "applied_unplanned")]
            if failed:
                raise RuntimeError(f"visit sync refused: {failed[:3]}")
            applied += sum(1 for r in results if not r["duplicate"])
    return applied


def yearly_amounts(c: Company, h: History) -> dict[str, Decimal]:
    """Each node's (unit's or rep's) orders of the plan's year so far, as targets attributes them."""
    dealers = {d.code: d for d in c.dealers}
    units = {u.id: u for u in c.units}
    out: dict[str, Decimal] = defaultdict(Decimal)
    for o in h.orders:
        if not str(o["ordered_on"]).startswith(str(LAST_DAY.year)):
            continue
        d = dealers[str(o["dealer_code"])]
        amount = sum((Decimal(str(x["quantity"])) * Decimal(str(x["unit_price"])) for x in o["lines"]), Decimal(0))  # type: ignore[attr-defined]
        unit = units[d.office.id]
        while True:
            out[str(unit.id)] += amount
            if unit.parent_id is None:
                break
            unit = units[unit.parent_id]
        out[str(d.team.id)] += amount
        reps = c.reps_of(d.team)
        for r in reps:
            out[str(r.id)] += amount / len(reps)
    return out


def plan(api: Api, c: Company, h: History) -> str:
    """The director's plan for the year: this year's sales so far, split by each node's share of them."""
    plan_id = demo_id(c.seed, f"plan:{LAST_DAY.year}")
    found = api.call("targets", "GET", f"/plans/{plan_id}", ok=(200, 404))
    if found.status_code == 200 and found.json()["status"] == "published":
        return str(plan_id)
    director = api.headers("director", c.root.id, c.with_role("director")[0])
    if found.status_code == 404:
        body = {"id": str(plan_id), "name": f"{c.root.name} {LAST_DAY.year} 销售目标", "metric": "sales_amount",
                "fiscal_year": LAST_DAY.year, "unit": "CNY", "rounding_step": "100",
                "root_org_unit_id": str(c.root.id)}  # fmt: skip
        api.call("targets", "POST", "/plans", headers=director, body=body)
        amounts = yearly_amounts(c, h)
        top = amounts[str(c.root.id)] // 1000 * 1000  # a round figure, just under this year's sales so far
        lines: dict[str, int] = defaultdict(int)
        for s in c.skus:
            lines[s.product_line] += 1
        decomposition = {
            "parent_value": str(top),
            "leaf_level": "rep",
            "split": {"method": "historical_share", "history_period": str(LAST_DAY.year)},
            "nodes": [{"node_id": k, "history": {str(LAST_DAY.year): str(v.quantize(Decimal("0.01")))}}
                      for k, v in amounts.items()],
            "product_shares": [{"product_line": k, "share": str(v)} for k, v in sorted(lines.items())],
            # The history ends in November: December weighs 0, so the demo never falls behind while it sits still.
            "seasonality": [str(s) if m <= LAST_DAY.month else "0" for m, s in enumerate(SEASON, 1)],
        }  # fmt: skip
        api.call("targets", "POST", f"/plans/{plan_id}/decomposition", headers=director, body=decomposition)
    for action in ("submit", "approve", "publish"):
        status = api.call("targets", "GET", f"/plans/{plan_id}").json()["status"]
        if status != "published" and not (action == "approve" and status == "approved"):
            api.call("targets", "POST", f"/plans/{plan_id}/{action}", headers=director, ok=(200, 409))
    return str(plan_id)
