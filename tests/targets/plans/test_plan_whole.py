"""Adjustments and imports keep the plan whole (issue 14, item 2): only existing cells change, closed months stay
closed unless an admin reopens them, imports list exactly what they change and never ignore an edited total.

The standard region (tests/targets/plans/support.py): 12,000 over reps a1 3,000, a2 1,500, b1 4,500, c1 = c2 = c3
= 1,000; lines A 3 : B 1; equal months, so a1/A/January = 2,250 / 12 = 187.5 -> 188; the plan total 12,000.
"""

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal as D

from services.targets.plans.spreadsheets import LABELS
from tests.support import bearer
from tests.targets.plans.support import TARGETS, cells, move, published_plan


def change(unit, person, line, month, value) -> dict:
    return {"org_unit_id": unit, "person_id": person, "product_line": line, "month": month, "value": value}


def request(client, headers, plan_id, changes, **extra):
    body = {"reason": "Typhoon closed the port", "changes": changes, **extra}
    return client.post(f"/plans/{plan_id}/adjustments", headers=headers, json=body)


def total(found: dict) -> D:
    return sum(found.values(), D(0))


def test_an_adjustment_may_only_change_cells_the_plan_has(clients, org, planner, director):
    client = clients[TARGETS]
    plan = published_plan(client, org, planner, director)
    pid, a1, c1 = plan["id"], org.reps["a1"], org.reps["c1"]
    before = cells(client, planner, pid)
    assert total(before) == D(12000)
    wrong = {
        "a new product line": change(org.o1, a1, "P99", 3, "12000"),
        "a cell on an office above its reps": change(org.o1, None, "A", 3, "12000"),
        "a rep filed under another office": change(org.o1, c1, "A", 3, "12000"),
    }
    for what, cell in wrong.items():
        answer = request(client, planner, pid, [change(org.o1, a1, "A", 1, "300"), cell])
        assert answer.status_code == 422, what
        assert answer.json()["errors"][0]["field"] == "changes[1]", what
        assert "no cell" in answer.json()["detail"], what
    assert client.get(f"/plans/{pid}/adjustments", headers=planner).json() == []
    # An existing cell changes, and the approved version has exactly the leaves of the first: 144 cells, and the
    # total moves by the change alone: 12,000 - 188 + 300 = 12,112.
    ok = request(client, planner, pid, [change(org.o1, a1, "A", 1, "300")])
    assert ok.status_code == 201, ok.text
    approved = client.post(f"/plans/{pid}/adjustments/{ok.json()['id']}/approve", headers=director)
    assert approved.status_code == 200, approved.text
    after = cells(client, planner, pid)
    assert (len(after), set(after) == set(before), total(after)) == (144, True, D(12112))


def past_plan(client, org, planner, director, admin) -> str:
    """A plan of last year (every month closed), decomposed equally over the region and published."""
    year = datetime.now(UTC).year - 1
    body = {
        "name": "Last year",
        "metric": "sales_amount",
        "fiscal_year": year,
        "unit": "CNY",
        "rounding_step": "1",
        "root_org_unit_id": org.region,
    }
    plan = client.post("/plans", headers=planner, json=body)
    assert plan.status_code == 201, plan.text
    pid = plan.json()["id"]
    split = client.post(
        f"/plans/{pid}/decomposition", headers=planner, json={"parent_value": "7200", "split": {"method": "equal"}}
    )
    assert split.status_code == 200, split.text
    for headers, action in [(planner, "submit"), (director, "approve"), (director, "publish")]:
        assert move(client, headers, pid, action).status_code == 200
    return pid


def test_closed_months_change_only_when_an_admin_reopens_them(clients, infra, org, planner, director, admin):
    client = clients[TARGETS]
    pid = past_plan(client, org, planner, director, admin)
    a1_march = next(k for k in cells(client, planner, pid) if k[1] == org.reps["a1"] and k[3] == 3)
    cell = change(a1_march[0], a1_march[1], a1_march[2], 3, "999")
    refused = request(client, planner, pid, [cell])
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "changes[0].month"
    assert "closed" in refused.json()["detail"]
    not_admin = request(client, director, pid, [cell], reopen_reason="ERP restated March")
    assert not_admin.status_code == 403
    admin_silent = request(client, admin, pid, [cell])
    assert admin_silent.status_code == 422
    reopened = request(client, admin, pid, [cell], reopen_reason="ERP restated March")
    assert reopened.status_code == 201, reopened.text
    assert reopened.json()["changes"][0]["reopened"].endswith("ERP restated March")
    approved = client.post(
        f"/plans/{pid}/adjustments/{reopened.json()['id']}/approve",
        headers=bearer(infra.issuer, "admin"),  # another admin: nobody decides their own request
    )
    assert approved.status_code == 200, approved.text
    assert cells(client, planner, pid)[a1_march] == D(999)


def exported_rows(client, headers, pid) -> list[list[str]]:
    answer = client.get(f"/plans/{pid}/export.csv", headers=headers)
    assert answer.status_code == 200, answer.text
    return list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))


def upload_csv(client, headers, pid, rows):
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return client.post(
        f"/plans/{pid}/imports/targets",
        headers={**headers, "Content-Type": "text/csv"},
        content=out.getvalue().encode("utf-8"),
        params={"reason": "two corrections"},
    )


def header_row(rows) -> int:
    return next(i for i, r in enumerate(rows) if r and r[0] == LABELS["org_unit_code"])


def test_an_import_lists_exactly_the_changed_cells(clients, org, planner, director):
    client = clients[TARGETS]
    pid = published_plan(client, org, planner, director)["id"]
    rows = exported_rows(client, planner, pid)
    h = header_row(rows)
    header, body = rows[h], rows[h + 1 : -1]
    m01, m02 = header.index(LABELS["m01"]), header.index(LABELS["m02"])
    body[0][m01] = str(int(D(body[0][m01])) + 10)
    body[1][m02] = str(int(D(body[1][m02])) + 20)
    answer = upload_csv(client, planner, pid, [header, *body])
    assert answer.status_code == 200, answer.text
    adjustment = client.get(f"/plans/{pid}/adjustments/{answer.json()['adjustment_id']}", headers=planner).json()
    assert sorted(c["month"] for c in adjustment["changes"]) == [1, 2]  # 2 cells, not all 144


def test_an_edited_total_is_refused_with_its_row(clients, org, planner, director):
    client = clients[TARGETS]
    pid = published_plan(client, org, planner, director)["id"]
    rows = exported_rows(client, planner, pid)
    h = header_row(rows)
    header = rows[h]
    t, m01 = header.index(LABELS["total"]), header.index(LABELS["m01"])
    edited = [list(r) for r in rows[h:]]
    edited[1][t] = str(int(D(edited[1][t])) + 1000)  # the first rep line's total, months untouched
    answer = upload_csv(client, planner, pid, edited)
    assert answer.status_code == 422, answer.text
    assert [e["field"] for e in answer.json()["errors"]] == ["rows[2].total"]
    edited = [list(r) for r in rows[h:]]
    edited[-1][m01] = str(int(D(edited[-1][m01])) + 5)  # the TOTAL line's January
    answer = upload_csv(client, planner, pid, edited)
    assert answer.status_code == 422, answer.text
    assert [e["field"] for e in answer.json()["errors"]] == [f"rows[{len(edited)}].m01"]
    # The unedited export round-trips: its totals agree, and it changes nothing.
    same = upload_csv(client, planner, pid, rows[h:])
    assert same.status_code == 422 and "changes no target" in same.json()["detail"]
