"""Ids inside plan request bodies and spreadsheets obey the caller's scope: a person of another region reads
exactly like a person who does not exist (issue 7, item 4)."""

import csv
import io
import uuid

from tests.support import bearer, create_org_unit
from tests.targets.plans.support import TARGETS, add_rep, cells, decomposed_plan, published_plan

CSV = "text/csv"


def csv_bytes(rows) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode()


def upload(client, headers, plan_id, content: bytes, kind: str, **params):
    return client.post(
        f"/plans/{plan_id}/imports/{kind}", headers={**headers, "Content-Type": CSV}, content=content, params=params
    )


def north_rep(client, admin, org) -> str:
    """A rep in a sibling region of the plan's region, under the same company."""
    north = create_org_unit(client, admin, kind="region", parent_id=org.company)
    office = create_org_unit(client, admin, kind="office", parent_id=north["id"])
    return add_rep(client, admin, office["id"], "North rep")


def reasons(answer, id_) -> list[str]:
    """The problem's reasons with the named id blanked, to compare two answers about different ids."""
    return [e["reason"].replace(str(id_), "<id>") for e in answer.json()["errors"]]


def test_a_targets_import_row_naming_another_regions_person_reads_as_unknown(clients, admin, org, planner):
    client = clients[TARGETS]
    plan = decomposed_plan(client, org, planner)
    before = cells(client, planner, plan["id"])
    answers = {}
    for kind, person in (("north", north_rep(client, admin, org)), ("nobody", str(uuid.uuid4()))):
        rows = [["org_unit_code", "person_id", "product_line", "m01"], [org.codes[org.o1], person, "A", "5"]]
        answers[kind] = (upload(client, planner, plan["id"], csv_bytes(rows), "targets"), person)
    for answer, _ in answers.values():
        assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "rows[2].person_id"
    assert reasons(*answers["north"]) == reasons(*answers["nobody"])
    assert cells(client, planner, plan["id"]) == before


def test_an_import_row_naming_a_unit_outside_the_callers_part_reads_like_a_made_up_code(
    clients, infra, org, planner, director
):
    client = clients[TARGETS]
    plan = published_plan(client, org, planner, director)
    p1_manager = bearer(infra.issuer, "region_manager", org.p1)  # may import into the published plan (adjustment)
    answers = []
    for code in (org.codes[org.o3], "NO-SUCH-UNIT"):  # O3 is in the plan, under the sibling province P2
        rows = [["org_unit_code", "product_line", "m01"], [code, "A", "5"]]
        answer = upload(client, p1_manager, plan["id"], csv_bytes(rows), "targets", reason="new dealer")
        assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "rows[2].org_unit_code"
        answers.append(answer.json()["errors"][0]["reason"].replace(repr(code), "<code>"))
    assert answers[0] == answers[1]


def test_a_weights_import_naming_another_regions_person_reads_as_unknown(clients, admin, org, planner):
    client = clients[TARGETS]
    plan = decomposed_plan(client, org, planner)
    north, nobody = north_rep(client, admin, org), str(uuid.uuid4())
    answers = [
        (upload(client, planner, plan["id"], csv_bytes([["person_id", "weight"], [p, "2"]]), "weights"), p)
        for p in (north, nobody)
    ]
    for answer, _ in answers:
        assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "rows[2].person_id"
    assert reasons(*answers[0]) == reasons(*answers[1])
    own = upload(client, planner, plan["id"], csv_bytes([["person_id", "weight"], [org.reps["a1"], "2"]]), "weights")
    assert own.status_code == 200 and own.json()["weights_written"] == 1


def test_an_adjustment_naming_another_regions_person_is_404_like_an_unknown_one(clients, admin, org, planner, director):
    client = clients[TARGETS]
    plan = published_plan(client, org, planner, director)
    for person in (north_rep(client, admin, org), str(uuid.uuid4())):
        change = {"org_unit_id": org.o1, "person_id": person, "product_line": "A", "month": 1, "value": "7"}
        answer = client.post(
            f"/plans/{plan['id']}/adjustments", headers=planner, json={"reason": "moved", "changes": [change]}
        )
        assert answer.status_code == 404, answer.text
        assert answer.json()["errors"] == [{"field": "changes[0].person_id", "reason": f"person {person} not found"}]
    listed = client.get(f"/plans/{plan['id']}/adjustments", headers=planner).json()
    assert listed == []  # nothing half-written
