"""Audit plans and spot checks: a reproducible risk-stratified sample, a checklist whose failed items become
findings and whose passing re-inspection verifies them; scorecards by severity and age with weekly trends."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import text

from tests.support import create_org_unit, wait_until

pytestmark = pytest.mark.usefixtures("workers")


@pytest.fixture(scope="module")
def region(clients, admin, engines):
    """A region with 12 outlets in audit's facts; one of them carries an open high finding."""
    company = create_org_unit(clients["targets"], admin, kind="company")
    unit = create_org_unit(clients["targets"], admin, kind="region", parent_id=company["id"])
    wait_until(lambda: clients["audit"].get(f"/org-units/{unit['id']}", headers=admin).status_code == 200)
    outlets = [uuid.uuid4() for _ in range(12)]
    with engines["audit"].begin() as conn:
        conn.execute(
            text("INSERT INTO audit.fact_outlets (outlet_id, org_unit_id, event_id) VALUES (:o, :u, 'ev-test')"),
            [{"o": o, "u": unit["id"]} for o in outlets],
        )
        conn.execute(
            text(
                "INSERT INTO audit.findings (rule, subject, period, org_unit_id, severity, evidence, sources, "
                "deadline) VALUES ('price_below_floor', :s, '2026-03', :u, 'high', '{}', '{}', date '2026-04-01')"
            ),
            {"s": f"outlet:{outlets[0]}/sku:SKU-1", "u": unit["id"]},
        )
    return {"unit": unit, "outlets": outlets}


def test_spot_check_sample_is_stratified_and_reproducible(clients, token, region):
    auditor = token("auditor")
    plan = clients["audit"].post(
        "/audit-plans",
        headers=auditor,
        json={
            "org_unit_id": region["unit"]["id"],
            "title": "Quarterly",
            "every_months": 3,
            "population": "outlet",
            "sample_size": 4,
            "first_due": "2026-04-01",
        },
    )
    assert plan.status_code == 201, plan.text
    plan_id = plan.json()["id"]
    draws = [
        clients["audit"]
        .post(f"/audit-plans/{plan_id}/spot-checks", headers=auditor, json={"seed": 7, "checked_on": "2026-04-01"})
        .json()
        for _ in range(2)
    ]
    samples = [[(i["subject"], i["stratum"]) for i in d["items"]] for d in draws]
    assert samples[0] == samples[1]  # same seed, same population: same sample
    # high: 1 outlet x 3 = 3, low: 11 x 1 = 11; 4 x 3/14 = 0.86, 4 x 11/14 = 3.14 -> 0 and 3, the spare to high (.86).
    assert sorted(k for _, k in samples[0]) == ["high", "low", "low", "low"]
    assert (f"outlet:{region['outlets'][0]}", "high") in samples[0]
    [listed] = [p for p in clients["audit"].get("/audit-plans", headers=auditor).json() if p["id"] == plan_id]
    assert listed["next_due"] == "2026-07-01"
    # A manager of another subtree cannot see the plan's spot check.
    other = token("region_manager", uuid.uuid4())
    assert clients["audit"].get(f"/spot-checks/{draws[0]['id']}", headers=other).status_code == 404


def test_failed_checklist_items_become_findings_verified_by_a_later_pass(clients, token, region):
    auditor = token("auditor")
    plan_id = (
        clients["audit"]
        .post(
            "/audit-plans",
            headers=auditor,
            json={
                "org_unit_id": region["unit"]["id"],
                "title": "Monthly",
                "every_months": 1,
                "population": "outlet",
                "sample_size": 12,
                "first_due": "2026-04-01",
            },
        )
        .json()["id"]
    )
    check = (
        clients["audit"]
        .post(f"/audit-plans/{plan_id}/spot-checks", headers=auditor, json={"seed": 1, "checked_on": "2026-04-02"})
        .json()
    )
    subject = check["items"][0]["subject"]
    filled = clients["audit"].put(
        f"/spot-checks/{check['id']}/checklists",
        headers=auditor,
        json={
            "subject": subject,
            "items": [
                {"code": "price_tags", "passed": False, "note": "9.50 on the shelf"},
                {"code": "display", "passed": True},
            ],
        },
    )
    assert filled.status_code == 200, filled.text
    [finding_id] = filled.json()["findings_opened"]
    outside = clients["audit"].put(
        f"/spot-checks/{check['id']}/checklists",
        headers=auditor,
        json={"subject": "outlet:nope", "items": [{"code": "x", "passed": True}]},
    )
    assert outside.status_code == 422 and outside.json()["errors"][0]["field"] == "subject"
    manager = token("region_manager", region["unit"]["id"])
    for action in ({"action": "acknowledge"}, {"action": "rectify", "rectified_from": "2026-04-03"}):
        assert (
            clients["audit"].post(f"/findings/{finding_id}/transitions", headers=manager, json=action).status_code
            == 200
        )
    # No SQL rule to re-run: an auditor's recheck is refused; the next spot check's pass verifies it.
    assert (
        clients["audit"]
        .post(f"/findings/{finding_id}/transitions", headers=auditor, json={"action": "recheck"})
        .status_code
        == 409
    )
    later = (
        clients["audit"]
        .post(f"/audit-plans/{plan_id}/spot-checks", headers=auditor, json={"seed": 2, "checked_on": "2026-05-02"})
        .json()
    )
    passed = clients["audit"].put(
        f"/spot-checks/{later['id']}/checklists",
        headers=auditor,
        json={"subject": subject, "items": [{"code": "price_tags", "passed": True}]},
    )
    assert passed.json()["findings_verified"] == [finding_id]
    assert clients["audit"].get(f"/findings/{finding_id}", headers=auditor).json()["status"] == "verified"


def test_scorecards_by_severity_and_age(clients, token, engines):
    # One dealer, two open findings: high opened 15 days ago -> 9 x 1.5 = 13.5; medium 120 days ago (capped at 90)
    # -> 3 x 4 = 12; score 25.5. A week earlier: high 8 days -> 9 x (1 + 8/30) = 11.40, medium 12 -> 23.40.
    dealer, unit, today = uuid.uuid4(), uuid.uuid4(), datetime.now(UTC).date()
    with engines["audit"].begin() as conn:
        for severity, days in (("high", 15), ("medium", 120)):
            conn.execute(
                text(
                    "INSERT INTO audit.findings (rule, subject, period, org_unit_id, severity, evidence, sources, "
                    "deadline, opened_at) VALUES ('receivable_overdue', :s, :p, :u, :sev, '{}', '{}', :d, :at)"
                ),
                {
                    "s": f"dealer:{dealer}/x:{severity}",
                    "p": severity,
                    "u": unit,
                    "sev": severity,
                    "d": today,
                    "at": datetime.combine(today - timedelta(days=days), datetime.min.time(), tzinfo=UTC)
                    + timedelta(hours=12),
                },
            )
    cards = (
        clients["audit"]
        .get("/scorecards/dealer", headers=token("auditor"), params={"weeks": 2, "as_of": str(today)})
        .json()
    )
    [card] = [c for c in cards if c["subject"] == f"dealer:{dealer}"]
    assert (card["score"], card["open_findings"]) == ("25.50", 2)
    assert [(p["week_end"], p["score"]) for p in card["trend"]] == [
        (str(today - timedelta(days=7)), "23.40"),
        (str(today), "25.50"),
    ]
    assert date.fromisoformat(card["trend"][0]["week_end"]) < today
