"""Writing the demo's master data through the APIs: org tree, people, SKUs, dealers, coverage, outlets, routes.

Every create carries the demo's own id: run again, a create answers 409 for an id it holds, which the demo checks
names the same record and moves on, so a second run writes nothing."""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any

from shared.demo.client import Api, DemoError
from shared.demo.company import Company, Unit
from shared.demo.history import STOCK_BAND

STARTED = "2025-01-01"  # when the company's people and coverage began


def ensure(api: Api, service: str, collection: str, body: dict[str, Any], *, waiting: tuple[int, ...] = ()) -> bool:
    """Create the record unless its id is already there; True when it was created now.

    `waiting`: answers meaning a record it refers to has not reached this service yet (events travel): retried."""
    deadline = time.monotonic() + 60
    while True:
        answer = api.call(service, "POST", collection, body=body, ok=(200, 201, 409, *waiting))
        if answer.status_code not in waiting or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    if answer.status_code in waiting:
        raise DemoError(f"POST {service}{collection} -> {answer.status_code}: {answer.text[:300]}")
    if answer.status_code != 409:
        return True
    if not api.exists(service, f"{collection}/{body['id']}"):
        raise DemoError(f"{collection}: {body.get('code', body['id'])} is taken by another record: {answer.text}")
    return False


def org_and_people(api: Api, c: Company) -> int:
    made = 0
    for u in c.units:
        body = {"id": str(u.id), "kind": u.kind, "code": u.code, "name": u.name}
        if u.parent_id:
            body["parent_id"] = str(u.parent_id)
        made += ensure(api, "targets", "/org-units", body)
    for x in c.people:
        body = {"id": str(x.id), "name": x.name, "role": x.role, "org_unit_id": str(x.unit_id), "valid_from": STARTED}
        made += ensure(api, "targets", "/people", body)
    return made


def projected(api: Api, c: Company, unit: Unit) -> None:
    """Wait until inventory, visits and audit have each stored the unit (the last one created)."""
    for service in ("inventory", "visits", "audit"):
        api.wait_exists(service, f"/org-units/{unit.id}")


def catalogue(api: Api, c: Company) -> int:
    made = 0
    for s in c.skus:
        body = {
            "id": str(s.id),
            "code": s.code,
            "name": s.name,
            "category": s.category,
            "brand": "春山",
            "unit": s.unit,
            "case_size": s.case_size,
            "shelf_life_days": s.shelf_life_days,
            "list_price": str(s.list_price),
            "price_floor": str(s.floor),
            "price_ceiling": str(s.ceiling),
        }
        made += ensure(api, "inventory", "/skus", body)
    for d in c.dealers:
        body = {
            "id": str(d.id),
            "code": d.code,
            "name": d.name,
            "org_unit_id": str(d.office.id),
            "credit_limit": f"{d.credit_limit:.2f}",
            "payment_terms_days": d.terms_days,
            "grade": d.grade,
        }
        made += ensure(api, "inventory", "/dealers", body)
    low, high = STOCK_BAND
    api.call("inventory", "PUT", f"/stock-policies/{c.root.id}", body={"band_low_days": low, "band_high_days": high})
    api.call(
        "audit",
        "PUT",
        f"/rules/stock_days_out_of_band/settings/{c.root.id}",
        body={"params": {"min_days": str(low), "max_days": str(high)}},
    )
    # The demo's shipments are made today (a shipment carries no date of its own), not in the weeks its stock
    # reports cover, so received-versus-shipped cannot be compared on its history: switched off for the demo.
    api.call("audit", "PUT", f"/rules/receipt_mismatch/settings/{c.root.id}", body={"enabled": False})
    return made


def shares(n: int) -> list[str]:
    """n shares of 6 decimals summing to exactly 1 (the first takes the remainder)."""
    each = (Decimal(1) / n).quantize(Decimal("0.000001"), rounding="ROUND_DOWN")
    return [str(Decimal(1) - each * (n - 1)), *[str(each)] * (n - 1)]


def coverage(api: Api, c: Company) -> None:
    """Each dealer's sales count for the reps of its office's team, in equal shares (targets' actuals)."""
    for d in c.dealers:
        api.wait_exists("targets", f"/dealers/{d.id}/coverage")
        reps = c.reps_of(d.team)
        body = {
            "valid_from": STARTED,
            "reps": [{"person_id": str(r.id), "share": s} for r, s in zip(reps, shares(len(reps)), strict=True)],
        }
        current = api.call("targets", "GET", f"/dealers/{d.id}/coverage").json()
        if not current["spans"]:
            api.call("targets", "PUT", f"/dealers/{d.id}/coverage", body=body)


EVERY_DAY = [{"weekday": d, "opens": "08:00", "closes": "21:00"} for d in range(1, 8)]


def outlets_and_routes(api: Api, c: Company) -> int:
    made = 0
    for o in c.outlets:
        body = {
            "id": str(o.id),
            "code": o.code,
            "name": o.name,
            "org_unit_id": str(o.team.id),
            "dealer_id": str(o.dealer.id),
            "grade": o.grade,
            "loyalty": "loyal",
            "channel": o.channel,
            "address": o.address,
            "location": {"latitude": o.latitude, "longitude": o.longitude},
            "owner_rep_id": str(o.rep.id),
            "opening_hours": EVERY_DAY,
        }
        made += ensure(api, "visits", "/outlets", body, waiting=(404, 422))  # the dealer may not be there yet
    for rep in c.with_role("rep"):
        team = next(u for u in c.units if u.id == rep.unit_id)
        outlets = c.outlets_of(rep)
        for weekday in range(1, 6):
            stops = [str(o.id) for i, o in enumerate(outlets) if i % 5 == weekday - 1]
            if stops:
                route: dict[str, object] = {"rep_id": str(rep.id), "org_unit_id": str(team.id), "weekday": weekday,
                        "name": f"周{'一二三四五'[weekday - 1]}线路", "outlet_ids": stops}  # fmt: skip
                api.call("visits", "PUT", "/routes", body=route)
    return made
