"""Coaching visits scored against the checklist, and the manager-time report against the bands."""

from __future__ import annotations

import uuid

from tests.visits.conftest import make_outlet

FULL_MARKS = {c: 5 for c in ("preparation", "relationship", "stock_check", "display", "selling", "follow_up")}


def completed_visit(clients, admin, token, territory):
    person = uuid.uuid4()
    outlet = make_outlet(clients, admin, territory["office"], owner_rep_id=str(person))
    rep = token("rep", org_unit=territory["office"], person_id=person)
    body = {
        "id": str(uuid.uuid4()),
        "outlet_id": outlet["id"],
        "check_in": {
            "position": {"latitude": 30.2825, "longitude": 120.1332, "datum": "wgs84", "accuracy_m": 8},
            "client_at": "2026-03-16T09:00:00+08:00",
        },
        "steps": [],
        "check_out": {"client_at": "2026-03-16T09:40:00+08:00"},
        "sent_at": "2026-03-16T09:40:00+08:00",
    }
    assert clients["visits"].post("/visits", json=body, headers=rep).status_code == 201
    return body["id"]


def test_a_coaching_review_scores_the_visit_and_logs_coaching_time(clients, admin, token, territory):
    visit_id = completed_visit(clients, admin, token, territory)
    manager = uuid.uuid4()
    supervisor = token("supervisor", org_unit=territory["office"], person_id=manager)
    scores = {**FULL_MARKS, "selling": 2, "follow_up": 3}  # 5+5+5+5+2+3 = 25 of 30 = 83.3 %
    answer = clients["visits"].post(f"/visits/{visit_id}/coaching", json={"scores": scores}, headers=supervisor)
    assert answer.status_code == 201, answer.text
    assert answer.json()["score_pct"] == 83.3 and answer.json()["coaching_minutes"] == 40
    again = clients["visits"].post(f"/visits/{visit_id}/coaching", json={"scores": scores}, headers=supervisor)
    assert again.status_code == 201 and again.json()["id"] == answer.json()["id"]
    report = (
        clients["visits"]
        .get(f"/managers/{manager}/time?start=2026-03-16&end=2026-03-22&period=week", headers=supervisor)
        .json()
    )
    coaching = next(s for s in report["periods"][0]["shares"] if s["category"] == "coaching")
    assert (coaching["minutes"], coaching["percent"]) == (40, "100.0")


def test_a_review_needs_every_criterion_and_a_visit_in_scope(clients, admin, token, territory):
    visit_id = completed_visit(clients, admin, token, territory)
    supervisor = token("supervisor", org_unit=territory["office"], person_id=uuid.uuid4())
    partial = {"preparation": 4}
    answer = clients["visits"].post(f"/visits/{visit_id}/coaching", json={"scores": partial}, headers=supervisor)
    assert answer.status_code == 422 and "scores" in answer.text
    outsider = token("supervisor", org_unit=territory["other_office"], person_id=uuid.uuid4())
    answer = clients["visits"].post(f"/visits/{visit_id}/coaching", json={"scores": FULL_MARKS}, headers=outsider)
    assert answer.status_code == 404


def test_the_manager_time_report_against_the_bands(clients, token, territory):
    manager = uuid.uuid4()
    headers = token("region_manager", org_unit=territory["region"], person_id=manager)
    week = [
        ("administration", 360, "2026-03-16"),
        ("personal_selling", 480, "2026-03-17"),
        ("customer_relationships", 1080, "2026-03-18"),
        ("coaching", 480, "2026-03-19"),
        ("coaching", 600, "2026-03-24"),
    ]  # the next week: all coaching
    for category, minutes, day in week:
        body = {"id": str(uuid.uuid4()), "category": category, "minutes": minutes, "on_date": day}
        assert clients["visits"].post("/manager-activities", json=body, headers=headers).status_code == 201
    report = (
        clients["visits"]
        .get(f"/managers/{manager}/time?start=2026-03-16&end=2026-03-29&period=week", headers=headers)
        .json()
    )
    first, second = report["periods"]
    # 360 + 480 + 1080 + 480 = 2400 min: admin 15 % (above 10), coaching 20 % (below 30), relationships 45 % (above 40)
    shares = {s["category"]: (s["percent"], s["status"]) for s in first["shares"]}
    assert first["period_start"] == "2026-03-16" and first["total_minutes"] == 2400
    assert shares == {
        "administration": ("15.0", "above"),
        "personal_selling": ("20.0", "no_band"),
        "customer_relationships": ("45.0", "above"),
        "coaching": ("20.0", "below"),
    }
    assert second["period_start"] == "2026-03-23" and second["total_minutes"] == 600
    month = (
        clients["visits"]
        .get(f"/managers/{manager}/time?start=2026-03-01&end=2026-03-31&period=month", headers=headers)
        .json()
    )
    # the month: coaching 480 + 600 = 1080 of 3000 = 36 % (within 30-60)
    coaching = next(s for s in month["periods"][0]["shares"] if s["category"] == "coaching")
    assert (coaching["percent"], coaching["status"]) == ("36.0", "within")
    outsider = token("supervisor", org_unit=territory["other_office"], person_id=uuid.uuid4())
    hidden = clients["visits"].get(f"/managers/{manager}/time?start=2026-03-01&end=2026-03-31", headers=outsider)
    assert hidden.json()["periods"] == []
