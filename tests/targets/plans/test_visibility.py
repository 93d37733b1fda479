"""Splits and cell explanations follow domain/visibility.py (issue 7, item 5): a rep sees their own line of their
office's split, a manager never the figure above their parent. Numbers are the standard decomposition of
support.py: R 12000 -> P1 9000, P2 3000; P1 -> O1 4500, O2 4500; O1 -> a1 3000, a2 1500."""

from tests.support import bearer
from tests.targets.plans.support import TARGETS, published_plan


def test_a_rep_sees_their_own_line_of_their_offices_split_and_not_their_peers(clients, infra, org, planner, director):
    client = clients[TARGETS]
    plan = published_plan(client, org, planner, director)
    rep = bearer(infra.issuer, "rep", org.o1, person_id=org.reps["a1"])
    split = client.get(f"/plans/{plan['id']}/splits/{org.o1}", headers=rep)
    assert split.status_code == 200, split.text
    assert split.json()["parent_value"] == "4500.00"  # the office's total
    assert [(c["node_id"], c["value"]) for c in split.json()["children"]] == [(org.reps["a1"], "3000.00")]
    assert client.get(f"/plans/{plan['id']}/splits/{org.p1}", headers=rep).status_code == 404


def test_an_office_managers_explanation_starts_at_their_parents_total(clients, infra, org, planner, director):
    client = clients[TARGETS]
    plan = published_plan(client, org, planner, director)
    office_manager = bearer(infra.issuer, "region_manager", org.o1)
    params = {"org_unit_id": org.o1, "person_id": org.reps["a1"], "product_line": "A", "month": 1}
    answer = client.get(f"/plans/{plan['id']}/cells/explanation", headers=office_manager, params=params)
    assert answer.status_code == 200, answer.text
    org_steps = [(s["parent_id"], s["node_id"]) for s in answer.json()["steps"] if s["kind"] == "org_split"]
    # R -> P1 would show the region's 12000 and P1's share, hence P2's 3000: it is left out.
    assert org_steps == [(org.p1, org.o1), (org.o1, org.reps["a1"])]
    assert "12000" not in answer.text and "9000" in answer.text  # P1's total, O1's parent, is shown
    full = client.get(f"/plans/{plan['id']}/cells/explanation", headers=planner, params=params).json()
    assert [s["node_id"] for s in full["steps"] if s["kind"] == "org_split"] == [org.p1, org.o1, org.reps["a1"]]
