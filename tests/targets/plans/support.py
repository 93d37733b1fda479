"""Shared set-up for the plan API tests (no tests here): a small region with reps, tokens, a decomposed plan.

The region, hand-worked once for every test that uses it:
    company C -> region R -> provinces P1, P2; P1 -> offices O1, O2; P2 -> office O3
    reps: O1: a1, a2; O2: b1; O3: c1, c2, c3
The standard decomposition of 12000 (step 1): R by 2026 actuals P1 300 : P2 100 -> P1 9000, P2 3000;
provinces equally -> O1 4500, O2 4500, O3 3000; offices by manual weight (a1 2, a2 1, the rest 1) ->
a1 3000, a2 1500, b1 4500, c1 = c2 = c3 = 1000; product lines A 3 : B 1; equal months.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from tests.support import create_org_unit, unique

TARGETS = "targets"


@dataclass
class Region:
    company: str
    region: str
    p1: str
    p2: str
    o1: str
    o2: str
    o3: str
    reps: dict[str, str]  # a1, a2, b1, c1, c2, c3 -> person id
    codes: dict[str, str]  # unit id -> code


def add_rep(client, admin, org_unit_id: str, name: str) -> str:
    answer = client.post(
        "/people",
        headers=admin,
        json={"name": name, "role": "rep", "org_unit_id": org_unit_id, "valid_from": "2020-01-01"},
    )
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


def build_region(clients, admin) -> Region:
    client = clients[TARGETS]
    units = {}
    company = create_org_unit(client, admin, kind="company")
    region = create_org_unit(client, admin, kind="region", parent_id=company["id"])
    for name, kind, parent in [("p1", "province", region), ("p2", "province", region)]:
        units[name] = create_org_unit(client, admin, kind=kind, parent_id=parent["id"])
    for name, province in [("o1", "p1"), ("o2", "p1"), ("o3", "p2")]:
        units[name] = create_org_unit(client, admin, kind="office", parent_id=units[province]["id"])
    reps = {
        name: add_rep(client, admin, units[office]["id"], unique(name))
        for name, office in [("a1", "o1"), ("a2", "o1"), ("b1", "o2"), ("c1", "o3"), ("c2", "o3"), ("c3", "o3")]
    }
    codes = {u["id"]: u["code"] for u in [company, region, *units.values()]}
    p1, p2, o1, o2, o3 = (units[k]["id"] for k in ("p1", "p2", "o1", "o2", "o3"))
    return Region(company["id"], region["id"], p1, p2, o1, o2, o3, reps, codes)


def new_plan(client, headers, root: str, *, step: str = "1", name: str = "Region sales 2027") -> dict:
    answer = client.post(
        "/plans",
        headers=headers,
        json={
            "name": name,
            "metric": "sales_amount",
            "fiscal_year": 2027,
            "unit": "CNY",
            "rounding_step": step,
            "root_org_unit_id": root,
        },
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


def standard_decomposition(org: Region, value: str = "12000") -> dict:
    weights = {"a1": "2", "a2": "1", "b1": "1", "c1": "1", "c2": "1", "c3": "1"}
    return {
        "parent_value": value,
        "split": {"method": "equal"},
        "levels": [
            {"parent_kind": "region", "method": "historical_share", "history_period": "2026"},
            {"parent_kind": "office", "method": "manual"},
        ],
        "nodes": [
            {"node_id": org.p1, "history": {"2026": "300"}},
            {"node_id": org.p2, "history": {"2026": "100"}},
            *({"node_id": org.reps[k], "manual_weight": w} for k, w in weights.items()),
        ],
        "product_shares": [{"product_line": "A", "share": "3"}, {"product_line": "B", "share": "1"}],
    }


def decomposed_plan(client, org: Region, planner: dict, body: dict | None = None) -> dict:
    plan = new_plan(client, planner, org.region)
    answer = client.post(
        f"/plans/{plan['id']}/decomposition", headers=planner, json=body or standard_decomposition(org)
    )
    assert answer.status_code == 200, answer.text
    return plan


def move(client, headers, plan_id: str, action: str, note: str | None = None):
    return client.post(f"/plans/{plan_id}/{action}", headers=headers, json={"note": note} if note else None)


def published_plan(client, org: Region, planner: dict, director: dict) -> dict:
    plan = decomposed_plan(client, org, planner)
    for headers, action in [(planner, "submit"), (director, "approve"), (director, "publish")]:
        answer = move(client, headers, plan["id"], action)
        assert answer.status_code == 200, answer.text
    return answer.json()


def cells(client, headers, plan_id: str, **params) -> dict[tuple, Decimal]:
    """(org unit, person or None, product line, month) -> value."""
    answer = client.get(f"/plans/{plan_id}/cells", headers=headers, params={"limit": 10_000, **params})
    assert answer.status_code == 200, answer.text
    return {
        (c["org_unit_id"], c["person_id"], c["product_line"], c["month"]): Decimal(c["value"]) for c in answer.json()
    }


def yearly(found: dict[tuple, Decimal], person_or_unit: str) -> Decimal:
    """A leaf's yearly target over every line and month."""
    return sum((v for (unit, person, _, _), v in found.items() if (person or unit) == person_or_unit), Decimal(0))
