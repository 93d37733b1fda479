"""`salesops demo`: build the demo company through the running system's APIs and ERP topics, then let the audit
look at it. Running it again with the same seed changes nothing."""

from __future__ import annotations

import time as clock
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any

from shared.demo import business, company, history, master
from shared.demo.client import Api

Say = Callable[[str], None]


@dataclass
class Built:
    company: company.Company
    history: history.History
    plan_id: str
    counts: dict[str, int] = field(default_factory=dict)
    created: dict[str, int] = field(default_factory=dict)


def build(api: Api, *, say: Say = print) -> Built:
    c = api.company
    h = history.build(c)
    started = clock.monotonic()

    def step(what: str) -> None:
        say(f"  {clock.monotonic() - started:5.1f} s  {what}")

    created: dict[str, int] = {}
    say(f"demo company {c.root.name} ({c.root.code}), size {c.size.name}, seed {c.seed}")
    created["org units and people"] = master.org_and_people(api, c)
    step(f"{len(c.units)} org units, {len(c.people)} people")
    master.projected(api, c, c.units[-1])
    created["skus and dealers"] = master.catalogue(api, c)
    step(f"{len(c.skus)} SKUs, {len(c.dealers)} dealers with credit limits")
    master.coverage(api, c)
    created["outlets"] = master.outlets_and_routes(api, c)
    step(f"{len(c.outlets)} outlets around their city centres, a route per rep and weekday")
    business.erp(api, h)
    step(f"ERP: {len(h.orders)} orders, {len(h.invoices)} invoices, {len(h.payments)} payments published")
    created["shipments"] = business.shipments(api, c, h)
    step(f"{len(h.shipments)} shipments by batch")
    business.stock_reports(api, c, h)
    step(f"{len(h.stock_rows)} stock-report lines")
    # The phones send their queues on the last evening (a fixed time: a resent operation must be the same one).
    sent_at = datetime.combine(history.LAST_DAY, time(20, 0), history.CHINA).isoformat()
    created["visits"] = business.visit_syncs(api, c, h, sent_at)
    step(f"{sum(map(len, h.visits.values()))} visits synced by {len(h.visits)} reps")
    settle(api, c, h)
    step("every order counted in targets' actuals")
    plan_id = business.plan(api, c, h)
    step(f"{history.LAST_DAY.year} plan published and decomposed to every rep")
    found = planted_findings(api, c, h)
    step("audit found the planted problems: " + ", ".join(f"{rule} {n}" for rule, n in sorted(found.items())))
    counts = {
        "org_units": len(c.units),
        "people": len(c.people),
        "skus": len(c.skus),
        "dealers": len(c.dealers),
        "outlets": len(c.outlets),
        "orders": len(h.orders),
        "shipments": len(h.shipments),
        "stock_lines": len(h.stock_rows),
        "visits": sum(map(len, h.visits.values())),
    }
    return Built(c, h, plan_id, counts, created)


def settle(api: Api, c: company.Company, h: history.History, timeout: float = 180.0) -> None:
    """Wait until every ERP order reached targets' actuals through inventory (events travel)."""
    api.wait(
        "orders in targets' actuals",
        lambda: api.call("targets", "GET", f"/actuals/{c.root.id}").json()["orders"] >= len(h.orders),
        timeout=timeout,
    )


def findings(api: Api, c: company.Company) -> list[dict[str, Any]]:
    """Every finding in the demo company's tree (all pages)."""
    out: list[dict[str, Any]] = []
    cursor = ""
    while True:
        page = api.call("audit", "GET", f"/findings?org_unit_id={c.root.id}&limit=200{cursor}").json()
        out.extend(page["items"])
        if not page["next_cursor"]:
            return out
        cursor = f"&cursor={page['next_cursor']}"


def planted_findings(api: Api, c: company.Company, h: history.History, timeout: float = 180.0) -> dict[str, int]:
    """Wait until the audit raised a finding on every planted subject (rules run as the facts arrive)."""
    wanted = {(p.rule, s) for p in h.planted for s in p.subjects}

    def all_found() -> bool:
        return wanted <= {(f["rule"], f["subject"]) for f in findings(api, c)}

    api.wait("the planted findings", all_found, timeout=timeout)
    return dict(Counter(f["rule"] for f in findings(api, c)))
