"""Decomposition through the API with hand-worked expectations, explanations, and refusals naming the field."""

import re
from decimal import Decimal as D

import pytest

from tests.support import bearer
from tests.targets.plans.support import (
    TARGETS,
    cells,
    decomposed_plan,
    move,
    new_plan,
    standard_decomposition,
    yearly,
)


def test_each_level_splits_by_its_method_down_to_reps_lines_and_months(clients, org, planner):
    client = clients[TARGETS]
    plan = new_plan(client, planner, org.region)
    answer = client.post(f"/plans/{plan['id']}/decomposition", headers=planner, json=standard_decomposition(org))
    assert answer.status_code == 200, answer.text
    summary = answer.json()
    # 6 reps x 2 lines x 12 months; R split by 2026 actuals 300 : 100 -> 9000 / 3000.
    assert (summary["version"], summary["leaves"], summary["product_lines"], summary["cells"]) == (1, 6, 2, 144)
    assert {c["node_id"]: D(c["value"]) for c in summary["children"]} == {org.p1: D(9000), org.p2: D(3000)}
    found = cells(client, planner, plan["id"])
    assert len(found) == 144 and sum(found.values()) == D(12000)
    # Provinces equally, offices by manual weight: a1 3000, a2 1500, b1 4500, c1 = c2 = c3 = 1000.
    assert {k: yearly(found, r) for k, r in org.reps.items()} == {
        "a1": D(3000),
        "a2": D(1500),
        "b1": D(4500),
        "c1": D(1000),
        "c2": D(1000),
        "c3": D(1000),
    }
    # a1: line A = 3000 * 3/4 = 2250 -> 187.5 a month -> months 1-6 get the 6 leftover units: 188, then 187.
    a1 = org.reps["a1"]
    assert [found[(org.o1, a1, "A", m)] for m in range(1, 13)] == [D(188)] * 6 + [D(187)] * 6
    # c1: line B = 1000 / 4 = 250 -> 20.83 a month -> 20 x 12 = 240, 10 leftover units to months 1-10.
    c1 = org.reps["c1"]
    assert [found[(org.o3, c1, "B", m)] for m in range(1, 13)] == [D(21)] * 10 + [D(20)] * 2


def test_a_cell_explains_every_step_from_the_root_down(clients, org, planner):
    client = clients[TARGETS]
    plan = decomposed_plan(client, org, planner)
    a1 = org.reps["a1"]
    answer = client.get(
        f"/plans/{plan['id']}/cells/explanation",
        headers=planner,
        params={"org_unit_id": org.o1, "person_id": a1, "product_line": "A", "month": 1},
    )
    assert answer.status_code == 200, answer.text
    why = answer.json()
    assert D(why["cell"]["value"]) == D(188)
    assert [(s["kind"], s["node_id"]) for s in why["steps"]] == [
        ("org_split", org.p1),
        ("org_split", org.o1),
        ("org_split", a1),
        ("product_month", a1),
    ]
    assert why["steps"][0]["detail"]["method"] == "historical_share"
    # Issue 14 item 6: each step names both units, with separators and the plan's unit (CNY); no id in the text.
    assert why["steps"][0]["sentence"] == (
        "province for tests gets Historical share (2026 actuals): 75.00 % of region for tests's 12,000 CNY "
        "= 9,000 CNY; the units under region for tests add up to exactly 12,000 CNY."
    )
    assert why["steps"][1]["sentence"].startswith(
        "office for tests gets Equal split: 50.00 % of province for tests's 9,000 CNY = 4,500 CNY"
    )
    assert why["steps"][2]["sentence"].startswith("a1-")  # the rep by name
    assert "gets Manual weight: 66.67 % of office for tests's 4,500 CNY = 3,000 CNY" in why["steps"][2]["sentence"]
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-", why["sentence"])
    assert "month 1 takes 8.33 % of that by the seasonality profile = 187.5, rounded to 188" in why["sentence"]
    assert why["steps"][3]["sentence"].startswith("A takes 75.00 % of a1-")  # the rep by name: 3000 * 3/4 = 2250
    split = client.get(f"/plans/{plan['id']}/splits/{org.region}", headers=planner).json()
    assert split["method"] == "historical_share" and D(split["parent_value"]) == D(12000)
    assert {c["node_id"]: (D(c["value"]), D(c["weight"])) for c in split["children"]} == {
        org.p1: (D(9000), D(300)),
        org.p2: (D(3000), D(100)),
    }


def test_locks_and_a_shallower_leaf_level(clients, org, planner):
    client = clients[TARGETS]
    body = standard_decomposition(org) | {"leaf_level": "office", "product_shares": []}
    body["nodes"] = [n for n in body["nodes"] if n["node_id"] in (org.p1, org.p2)] + [
        {"node_id": org.o2, "locked_value": "5000"}
    ]
    plan = decomposed_plan(client, org, planner, body)
    found = cells(client, planner, plan["id"])
    # P1 9000 with O2 locked at 5000 -> O1 gets the other 4000; P2 -> O3 3000. One line '', 12 equal months.
    assert {u: yearly(found, u) for u in (org.o1, org.o2, org.o3)} == {
        org.o1: D(4000),
        org.o2: D(5000),
        org.o3: D(3000),
    }
    assert {(person, line) for _, person, line, _ in found} == {(None, "")}
    # O2: 5000 / 12 = 416.67 -> 416 x 12 = 4992, the 8 leftover units to months 1-8.
    assert [found[(org.o2, None, "", m)] for m in range(1, 13)] == [D(417)] * 8 + [D(416)] * 4

    # Issue 14 item 6: the explanations say which number "the rest" is, naming the units, with the plan's unit.
    def office_step(office: str) -> str:
        params = {"org_unit_id": office, "month": 1}
        answer = client.get(f"/plans/{plan['id']}/cells/explanation", headers=planner, params=params)
        assert answer.status_code == 200, answer.text
        return answer.json()["steps"][1]["sentence"]

    assert office_step(org.o2) == (
        "office for tests is locked at 5,000 CNY by the manager; the rest of province for tests's 9,000 CNY, "
        "4,000 CNY, is shared by the other units under province for tests."
    )
    assert office_step(org.o1) == (
        "office for tests gets Equal split: 100.00 % of the rest of province for tests's 9,000 CNY once locked "
        "units are taken out, 4,000 CNY = 4,000 CNY; the units under province for tests add up to exactly 9,000 CNY."
    )


def test_growth_ceiling_holds_a_child_and_the_sibling_takes_the_rest(clients, org, planner):
    client = clients[TARGETS]
    body = standard_decomposition(org) | {"leaf_level": "province"}
    body["levels"][0]["growth_bounds"] = {"max_growth": "0.2"}
    body["nodes"] = [
        {"node_id": org.p1, "history": {"2026": "300"}, "last_year": "7000"},
        {"node_id": org.p2, "history": {"2026": "100"}},
    ]
    plan = decomposed_plan(client, org, planner, body)
    found = cells(client, planner, plan["id"])
    # P1 would get 9000 but its ceiling is 7000 * 1.2 = 8400; P2 (no last year, so unbounded) takes 3600.
    assert (yearly(found, org.p1), yearly(found, org.p2)) == (D(8400), D(3600))


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ("no_history", "nodes[{p2}].history", "no actual for 2026"),
        ("zero_weights", "nodes[*].manual_weight", "every manual weight is zero"),
        ("locks_exceed", "nodes[*].locked_value", "more than the parent 9000"),
        ("negative", "parent_value", "negative"),
        ("outside", "nodes[0].node_id", "not in the plan's tree"),
        ("silent_months", "seasonality", "every monthly weight"),
        ("duplicate_line", "product_shares[2].product_line", "given twice"),
    ],
)
def test_invalid_input_is_422_naming_the_field_and_writes_nothing(clients, org, planner, change, field, words):
    client = clients[TARGETS]
    body = standard_decomposition(org)
    weights = {n["node_id"]: n for n in body["nodes"]}
    if change == "no_history":
        weights[org.p2].pop("history")
    elif change == "zero_weights":
        for rep in ("c1", "c2", "c3"):
            weights[org.reps[rep]]["manual_weight"] = "0"
    elif change == "locks_exceed":
        body["nodes"] += [{"node_id": org.o1, "locked_value": "6000"}, {"node_id": org.o2, "locked_value": "6000"}]
    elif change == "negative":
        body["parent_value"] = "-5"
    elif change == "outside":
        body["nodes"].insert(0, {"node_id": org.company, "manual_weight": "1"})
    elif change == "silent_months":
        body["seasonality"] = ["0"] * 12
    elif change == "duplicate_line":
        body["product_shares"].append({"product_line": "A", "share": "1"})
    body["nodes"] = list(weights.values()) if change in ("no_history", "zero_weights") else body["nodes"]
    plan = new_plan(client, planner, org.region)
    answer = client.post(f"/plans/{plan['id']}/decomposition", headers=planner, json=body)
    assert answer.status_code == 422, answer.text
    problem = answer.json()
    assert problem["errors"][0]["field"] == field.format(p2=org.p2)
    assert words in problem["detail"]
    assert cells(client, planner, plan["id"]) == {}


def test_a_value_off_the_plans_step_is_refused(clients, org, planner):
    client = clients[TARGETS]
    plan = new_plan(client, planner, org.region, step="100")
    answer = client.post(
        f"/plans/{plan['id']}/decomposition", headers=planner, json=standard_decomposition(org, value="12050")
    )
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "parent_value"
    bad_step = client.post(
        "/plans",
        headers=planner,
        json={
            "name": "x",
            "metric": "volume",
            "fiscal_year": 2027,
            "unit": "cases",
            "rounding_step": "0.005",
            "root_org_unit_id": org.region,
        },
    )
    assert bad_step.status_code == 422 and bad_step.json()["errors"][0]["field"] == "rounding_step"


def test_decomposing_again_replaces_the_draft_and_only_a_draft_is_decomposed(clients, infra, org, planner):
    client = clients[TARGETS]
    plan = decomposed_plan(client, org, planner)
    again = client.post(
        f"/plans/{plan['id']}/decomposition", headers=planner, json=standard_decomposition(org, value="24000")
    )
    assert again.status_code == 200
    found = cells(client, planner, plan["id"])
    assert len(found) == 144 and sum(found.values()) == D(24000)
    assert move(client, planner, plan["id"], "submit").status_code == 200
    late = client.post(f"/plans/{plan['id']}/decomposition", headers=planner, json=standard_decomposition(org))
    assert late.status_code == 409 and "submitted" in late.json()["detail"]


def test_only_a_manager_at_or_above_the_root_decomposes(clients, infra, org, planner):
    client = clients[TARGETS]
    plan = new_plan(client, planner, org.region)
    body = standard_decomposition(org)
    rep = bearer(infra.issuer, "rep", org.o1, person_id=org.reps["a1"])
    assert client.post(f"/plans/{plan['id']}/decomposition", headers=rep, json=body).status_code == 403
    province_manager = bearer(infra.issuer, "region_manager", org.p1)
    below = client.post(f"/plans/{plan['id']}/decomposition", headers=province_manager, json=body)
    assert below.status_code == 403 and "at or above the plan's root" in below.json()["detail"]
    director = bearer(infra.issuer, "director", org.company)
    assert client.post(f"/plans/{plan['id']}/decomposition", headers=director, json=body).status_code == 200
