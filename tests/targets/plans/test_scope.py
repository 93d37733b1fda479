"""Plans are read and written within the caller's subtree: other regions' plans are 404, reps see their own cells."""

from decimal import Decimal as D

from tests.support import bearer, create_org_unit
from tests.targets.plans.support import (
    TARGETS,
    cells,
    decomposed_plan,
    new_plan,
    published_plan,
    standard_decomposition,
    yearly,
)


def test_a_manager_in_one_region_cannot_see_another_regions_plan(clients, admin, infra, org, planner, director):
    client = clients[TARGETS]
    other_region = create_org_unit(client, admin, kind="region", parent_id=org.company)
    other_planner = bearer(infra.issuer, "region_manager", other_region["id"])
    theirs = new_plan(client, other_planner, other_region["id"], name="Other region 2027")
    mine = decomposed_plan(client, org, planner)
    pid = theirs["id"]
    for path in (
        f"/plans/{pid}",
        f"/plans/{pid}/cells",
        f"/plans/{pid}/versions",
        f"/plans/{pid}/export.csv",
        f"/plans/{pid}/status-changes",
    ):
        assert client.get(path, headers=planner).status_code == 404, path
    decompose = client.post(f"/plans/{pid}/decomposition", headers=planner, json=standard_decomposition(org))
    assert decompose.status_code == 404
    listed = {p["id"] for p in client.get("/plans", headers=planner, params={"limit": 1000}).json()}
    assert mine["id"] in listed and pid not in listed
    seen_by_director = {p["id"] for p in client.get("/plans", headers=director, params={"limit": 1000}).json()}
    assert {mine["id"], pid} <= seen_by_director


def test_a_province_manager_sees_the_region_plan_but_only_their_provinces_cells(clients, infra, org, planner):
    client = clients[TARGETS]
    plan = decomposed_plan(client, org, planner)
    province = bearer(infra.issuer, "region_manager", org.p1)
    assert client.get(f"/plans/{plan['id']}", headers=province).status_code == 200
    found = cells(client, province, plan["id"])
    # P1's reps a1, a2, b1: 3 x 2 lines x 12 months = 72 cells worth 9000.
    assert len(found) == 72 and sum(found.values()) == D(9000)
    assert {unit for unit, _, _, _ in found} == {org.o1, org.o2}
    # The region is P1's parent: its total and P1's own line, never P2's (domain/visibility.py).
    split = client.get(f"/plans/{plan['id']}/splits/{org.region}", headers=province)
    assert split.status_code == 200, split.text
    assert split.json()["parent_value"] == "12000.00"
    assert [(c["node_id"], c["value"]) for c in split.json()["children"]] == [(org.p1, "9000.00")]
    assert client.get(f"/plans/{plan['id']}/splits/{org.company}", headers=province).status_code == 404


def test_a_rep_reads_only_their_own_published_targets(clients, infra, org, planner, director):
    client = clients[TARGETS]
    draft = decomposed_plan(client, org, planner)
    a1, a2, c1 = org.reps["a1"], org.reps["a2"], org.reps["c1"]
    rep = bearer(infra.issuer, "rep", org.o1, person_id=a1)
    assert client.get(f"/plans/{draft['id']}", headers=rep).status_code == 404  # drafts are not shown to reps
    plan = published_plan(client, org, planner, director)
    pid = plan["id"]
    own = cells(client, rep, pid)
    assert len(own) == 24 and {person for _, person, _, _ in own} == {a1} and yearly(own, a1) == D(3000)
    assert cells(client, rep, pid, person_id=a2) == {}
    officemate = client.get(
        f"/plans/{pid}/cells/explanation",
        headers=rep,
        params={"org_unit_id": org.o1, "person_id": a2, "product_line": "A", "month": 1},
    )
    assert officemate.status_code == 404
    mine = client.get(
        f"/plans/{pid}/cells/explanation",
        headers=rep,
        params={"org_unit_id": org.o1, "person_id": a1, "product_line": "A", "month": 1},
    )
    assert mine.status_code == 200 and "rounded to 188" in mine.json()["sentence"]
    exported = client.get(f"/plans/{pid}/export.csv", headers=rep).content.decode("utf-8-sig").splitlines()
    assert len(exported) == 1 + 2 + 1 and all(a1 in line for line in exported[1:3])  # header, A and B, totals
    other_office = bearer(infra.issuer, "rep", org.o3, person_id=c1)
    assert a1 not in {person for _, person, _, _ in cells(client, other_office, pid)}
    assert cells(client, bearer(infra.issuer, "rep", org.o1), pid) == {}  # a rep token without a person sees nothing
    assert (
        client.post(
            f"/plans/{pid}/adjustments",
            headers=rep,
            json={
                "reason": "mine is too high",
                "changes": [{"org_unit_id": org.o1, "person_id": a1, "month": 1, "product_line": "A", "value": "1"}],
            },
        ).status_code
        == 403
    )
