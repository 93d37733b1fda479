"""The ops query API: filters, cursor paging, aggregates, CSV and .xlsx exports, subtree scope; rule settings per
subtree change what fires; batch runs over a period; SLA breaches become events."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from services.audit.domain.facts import ComplianceFact
from services.audit.facts.service import store
from tests.support import create_org_unit, wait_until

pytestmark = pytest.mark.usefixtures("workers")


@pytest.fixture(scope="module")
def tree(clients, admin):
    company = create_org_unit(clients["targets"], admin, kind="company")
    east = create_org_unit(clients["targets"], admin, kind="region", parent_id=company["id"])
    office = create_org_unit(clients["targets"], admin, kind="office", parent_id=east["id"])
    west = create_org_unit(clients["targets"], admin, kind="region", parent_id=company["id"])
    for unit in (office, west):
        wait_until(lambda u=unit: clients["audit"].get(f"/org-units/{u['id']}", headers=admin).status_code == 200)
    return {"company": company, "east": east, "office": office, "west": west}


@pytest.fixture(scope="module")
def weeks(engines, clients, tree, token):
    """Five reps' weeks: 3 in the east office, 2 in the west, each 20 planned; done 15, 16, 10, 12, 19."""
    facts = []
    for unit, done in [("office", 15), ("office", 16), ("office", 10), ("west", 12), ("west", 19)]:
        facts.append(
            ComplianceFact(uuid.uuid4(), uuid.UUID(tree[unit]["id"]), date(2030, 3, 4), 20, done, f"ev-{uuid.uuid4()}")
        )
    with engines["audit"].begin() as conn:
        store(conn, facts)
    runs = clients["audit"].post(
        "/rules/runs",
        headers=token("auditor"),
        json={"from": "2030-03-04", "to": "2030-03-10", "rules": ["low_plan_compliance"]},
    )
    assert runs.status_code == 200, runs.text
    # Under 80 % of 20 (16): 15, 10 and 12 fire; 16 and 19 do not.
    assert runs.json()["runs"] == [{"rule": "low_plan_compliance", "fired": 3, "opened": 3, "reopened": 0}]
    return facts


def search(clients, headers, **params):
    return clients["audit"].get(
        "/findings", params={"rule": "low_plan_compliance", "opened_from": str(date.today()), **params}, headers=headers
    )


def test_filters_and_cursor_pages(clients, token, tree, weeks):
    auditor = token("auditor")
    subjects = {f"rep:{w.rep_id}" for w in weeks}
    seen, cursor = [], None
    for _ in range(10):
        page = search(
            clients, auditor, org_unit_id=tree["company"]["id"], limit=1, **({"cursor": cursor} if cursor else {})
        ).json()
        seen += [f["subject"] for f in page["items"] if f["subject"] in subjects]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(f"rep:{w.rep_id}" for w in weeks if w.done < 16) and len(seen) == 3
    east = search(clients, auditor, org_unit_id=tree["east"]["id"]).json()["items"]
    assert {f["subject"] for f in east} == {f"rep:{w.rep_id}" for w in weeks[:3] if w.done < 16}
    assert search(clients, auditor, cursor="not-a-cursor").status_code == 422


def test_managers_see_their_subtree_only(clients, token, tree, weeks):
    manager = token("region_manager", tree["east"]["id"])
    visible = {f["org_unit_id"] for f in search(clients, manager).json()["items"]}
    assert visible == {tree["office"]["id"]}
    assert search(clients, manager, org_unit_id=tree["west"]["id"]).status_code == 404


def test_aggregates_and_exports(clients, token, tree, weeks):
    auditor = token("auditor")
    rows = (
        clients["audit"]
        .get(
            "/findings/aggregates",
            params={"rule": "low_plan_compliance", "org_unit_id": tree["company"]["id"]},
            headers=auditor,
        )
        .json()
    )
    by_unit = {(r["org_unit_id"], r["rule"]): (r["findings"], r["open"]) for r in rows}
    assert by_unit == {
        (tree["office"]["id"], "low_plan_compliance"): (2, 2),
        (tree["west"]["id"], "low_plan_compliance"): (1, 1),
    }
    exported = clients["audit"].get(
        "/findings/export.csv", params={"org_unit_id": tree["company"]["id"]}, headers=auditor
    )
    table = list(csv.reader(io.StringIO(exported.text)))
    assert table[0][:3] == ["id", "rule", "subject"] and len(table) == 4
    xlsx = clients["audit"].get("/findings/export.xlsx", params={"org_unit_id": tree["company"]["id"]}, headers=auditor)
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in sheet[1]][:3] == ["id", "rule", "subject"] and sheet.max_row == 4


def test_subtree_setting_changes_what_fires(clients, token, tree, engines):
    # The east office tolerates 50 %: a rep with 12 of 20 (60 %) there does not fire; the same week in the west does.
    auditor = token("auditor")
    put = clients["audit"].put(
        f"/rules/low_plan_compliance/settings/{tree['east']['id']}", headers=auditor, json={"params": {"min_pct": "50"}}
    )
    assert put.status_code == 200 and put.json()["params"]["min_pct"] == "50"
    east_rep, west_rep = uuid.uuid4(), uuid.uuid4()
    with engines["audit"].begin() as conn:
        week = date(2030, 4, 1)
        store(
            conn,
            [
                ComplianceFact(east_rep, uuid.UUID(tree["office"]["id"]), week, 20, 12, "ev-e"),
                ComplianceFact(west_rep, uuid.UUID(tree["west"]["id"]), week, 20, 12, "ev-w"),
            ],
        )
    clients["audit"].post(
        "/rules/runs",
        headers=auditor,
        json={"from": "2030-04-01", "to": "2030-04-07", "rules": ["low_plan_compliance"]},
    )
    assert search(clients, auditor, subject=f"rep:{east_rep}").json()["items"] == []
    assert len(search(clients, auditor, subject=f"rep:{west_rep}").json()["items"]) == 1
    bad = clients["audit"].put(
        f"/rules/low_plan_compliance/settings/{tree['east']['id']}", headers=auditor, json={"params": {"max_pct": "5"}}
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "params"


def test_sla_breach_is_published_once(clients, token, engines, weeks):
    auditor = token("auditor")
    subject = f"rep:{weeks[0].rep_id}"
    with engines["audit"].begin() as conn:
        conn.execute(text("UPDATE audit.findings SET deadline = current_date - 1 WHERE subject = :s"), {"s": subject})
    first = clients["audit"].post("/sla-breaches", headers=auditor).json()["breached"]
    assert first >= 1
    assert clients["audit"].post("/sla-breaches", headers=auditor).json()["breached"] == 0
    with engines["audit"].connect() as conn:
        events = conn.scalar(
            text(
                "SELECT count(*) FROM audit.outbox "
                "WHERE topic = 'audit.findings.v1' AND convert_from(value, 'UTF8') LIKE :s"
            ),
            {"s": f"%{subject}%"},
        )
    assert events == 1
