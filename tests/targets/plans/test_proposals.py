"""Bottom-up proposals before approval: the parent sees them beside the split and accepts, rejects or rebalances."""

import uuid
from decimal import Decimal as D

import pytest

from tests.support import bearer
from tests.targets.plans.support import TARGETS, cells, decomposed_plan, move, yearly


@pytest.fixture
def p2_manager(infra, org):
    return bearer(infra.issuer, "supervisor", org.p2, subject="p2-" + uuid.uuid4().hex[:6])


def propose(client, headers, plan_id, unit, value, reason="Two large dealers are closing"):
    return client.post(
        f"/plans/{plan_id}/proposals",
        headers=headers,
        json={"org_unit_id": unit, "proposed_value": value, "reason": reason},
    )


def subtree_total(found, units) -> D:
    return sum((v for (unit, _, _, _), v in found.items() if unit in units), D(0))


def test_accepting_locks_the_child_and_the_siblings_absorb_the_difference(clients, org, planner, p2_manager):
    client = clients[TARGETS]
    plan = decomposed_plan(client, org, planner)
    pid = plan["id"]
    asked = propose(client, p2_manager, pid, org.p2, "4000")
    assert asked.status_code == 201, asked.text
    proposal = asked.json()
    assert (D(proposal["split_value"]), D(proposal["proposed_value"]), proposal["parent_id"]) == (
        D(3000),
        D(4000),
        org.region,
    )
    split = client.get(f"/plans/{pid}/splits/{org.region}", headers=planner).json()
    beside = {c["node_id"]: (D(c["value"]), [p["id"] for p in c["proposals"]]) for c in split["children"]}
    assert beside == {org.p1: (D(9000), []), org.p2: (D(3000), [proposal["id"]])}
    own = client.post(f"/plans/{pid}/proposals/{proposal['id']}/accept", headers=p2_manager)
    assert own.status_code == 403  # a supervisor does not decide, and P2 is not above itself
    accepted = client.post(f"/plans/{pid}/proposals/{proposal['id']}/accept", headers=planner, json={"note": "fair"})
    assert accepted.status_code == 200, accepted.text
    assert (accepted.json()["status"], D(accepted.json()["final_value"])) == ("accepted", D(4000))
    found = cells(client, planner, pid)
    # R keeps 12000: P2 locked at 4000, P1 gets the other 8000 -> O1 4000, O2 4000; O1 by weight 2:1 ->
    # a1 2666.67 -> 2667, a2 1333; O3 = 4000 over three reps -> 1333.33 each, the extra unit to the smallest key.
    assert sum(found.values()) == D(12000)
    assert subtree_total(found, {org.p1, org.o1, org.o2}) == D(8000)
    assert subtree_total(found, {org.p2, org.o3}) == D(4000)
    assert (yearly(found, org.reps["a1"]), yearly(found, org.reps["a2"]), yearly(found, org.reps["b1"])) == (
        D(2667),
        D(1333),
        D(4000),
    )
    c_reps = sorted(org.reps[k] for k in ("c1", "c2", "c3"))
    assert [yearly(found, r) for r in c_reps] == [D(1334), D(1333), D(1333)]
    after = client.get(f"/plans/{pid}/splits/{org.region}", headers=planner).json()
    locked = {c["node_id"]: (D(c["value"]), c["locked"]) for c in after["children"]}
    assert locked == {org.p1: (D(8000), False), org.p2: (D(4000), True)}
    why = client.get(
        f"/plans/{pid}/cells/explanation",
        headers=planner,
        params={"org_unit_id": org.o3, "person_id": c_reps[0], "product_line": "A", "month": 1},
    ).json()
    assert "proposed a different number" in why["steps"][0]["sentence"]
    again = client.post(f"/plans/{pid}/proposals/{proposal['id']}/reject", headers=planner)
    assert again.status_code == 409 and "already accepted" in again.json()["detail"]


def test_rejecting_keeps_the_split_and_rebalancing_settles_on_the_parents_value(clients, org, planner, p2_manager):
    client = clients[TARGETS]
    plan = decomposed_plan(client, org, planner)
    pid = plan["id"]
    first = propose(client, p2_manager, pid, org.p2, "5000").json()
    rejected = client.post(
        f"/plans/{pid}/proposals/{first['id']}/reject", headers=planner, json={"note": "the market does not support it"}
    )
    assert rejected.json()["status"] == "rejected" and rejected.json()["final_value"] is None
    assert subtree_total(cells(client, planner, pid), {org.o3}) == D(3000)
    second = propose(client, p2_manager, pid, org.p2, "5000").json()
    settled = client.post(
        f"/plans/{pid}/proposals/{second['id']}/rebalance",
        headers=planner,
        json={"value": "4000", "note": "meet halfway"},
    )
    assert settled.status_code == 200, settled.text
    assert (settled.json()["status"], D(settled.json()["final_value"])) == ("rebalanced", D(4000))
    found = cells(client, planner, pid)
    # 12000 - 4000 = 8000 for P1.
    assert subtree_total(found, {org.o3}) == D(4000) and subtree_total(found, {org.o1, org.o2}) == D(8000)
    listed = client.get(f"/plans/{pid}/proposals", headers=planner, params={"parent_id": org.region}).json()
    assert [p["status"] for p in listed] == ["rejected", "rebalanced"]


def test_proposals_are_refused_when_wrong(clients, infra, org, planner, p2_manager):
    client = clients[TARGETS]
    plan = decomposed_plan(client, org, planner)
    pid = plan["id"]
    same = propose(client, p2_manager, pid, org.p2, "3000")
    assert same.status_code == 422 and "already the top-down" in same.json()["detail"]
    too_big = propose(client, p2_manager, pid, org.p2, "12001")
    assert too_big.status_code == 422 and too_big.json()["errors"][0]["field"] == "proposed_value"
    root = propose(client, planner, pid, org.region, "1000")
    assert root.status_code == 422 and root.json()["errors"][0]["field"] == "org_unit_id"
    outside = propose(client, p2_manager, pid, org.p1, "8000")
    assert outside.status_code == 404
    rep = propose(client, bearer(infra.issuer, "rep", org.o3), pid, org.o3, "2000")
    assert rep.status_code == 403
    by_planner = propose(client, planner, pid, org.p1, "8000").json()
    own = client.post(f"/plans/{pid}/proposals/{by_planner['id']}/accept", headers=planner)
    assert own.status_code == 403 and "their own" in own.json()["detail"]
    director = bearer(infra.issuer, "director", org.company)
    assert move(client, planner, pid, "submit").status_code == 200
    assert propose(client, p2_manager, pid, org.p2, "3500").status_code == 201  # still open when submitted
    assert move(client, director, pid, "approve").status_code == 200
    closed = propose(client, p2_manager, pid, org.p2, "3500")
    assert closed.status_code == 409 and "the plan is approved" in closed.json()["detail"]


def test_each_decision_is_a_version_named_by_its_proposal_and_leaves_no_lock(clients, infra, org, planner, p2_manager):
    """Issue 14 item 4: R = 12000 split P1 9000 / P2 3000 (version 1); P2 asks 4000, P1 asks 7000."""
    client = clients[TARGETS]
    pid = decomposed_plan(client, org, planner)["id"]
    p1_manager = bearer(infra.issuer, "supervisor", org.p1, subject="p1-" + uuid.uuid4().hex[:6])
    up = propose(client, p2_manager, pid, org.p2, "4000", reason="New hypermarket in the city").json()
    down = propose(client, p1_manager, pid, org.p1, "7000", reason="Two dealers closing").json()
    assert client.post(f"/plans/{pid}/proposals/{up['id']}/accept", headers=planner).status_code == 200
    # Version 2: P2 4000, P1 absorbs: 12000 - 4000 = 8000.
    assert subtree_total(cells(client, planner, pid, version=2), {org.p2, org.o3}) == D(4000)
    second = client.post(f"/plans/{pid}/proposals/{down['id']}/accept", headers=planner)
    assert second.status_code == 200, second.text  # P2's earlier decision is not a lock: it absorbs now
    # Version 3: P1 7000, no undecided sibling is left, so P2 gives way: 12000 - 7000 = 5000.
    found = cells(client, planner, pid, version=3)
    assert subtree_total(found, {org.p1, org.o1, org.o2}) == D(7000)
    assert subtree_total(found, {org.p2, org.o3}) == D(5000)
    versions = client.get(f"/plans/{pid}/versions", headers=planner).json()
    assert [(v["version"], v["proposal_id"]) for v in versions] == [(1, None), (2, up["id"]), (3, down["id"])]
    assert versions[1]["reason"].startswith("Proposal from ") and "New hypermarket in the city" in versions[1]["reason"]
    assert "accepted at 4,000" in versions[1]["reason"]
    diff = client.get(f"/plans/{pid}/diff", headers=planner, params={"from_version": 1, "to_version": 2}).json()
    assert diff["changed_cells"] > 0 and D(diff["total_delta"]) == 0  # cells moved between units; R kept 12000
    split = client.get(f"/plans/{pid}/splits/{org.region}", headers=planner, params={"version": 3}).json()
    why = {c["node_id"]: c["sentence"] for c in split["children"]}
    assert "Two dealers closing" in why[org.p1] and "7,000" in why[org.p1] and "5,000" in why[org.p1]
    assert "by the manager" not in why[org.p1]
    decomposition = client.get(f"/plans/{pid}/splits/{org.region}", headers=planner, params={"version": 1}).json()
    assert not any(c["locked"] for c in decomposition["children"])
