"""Routes, holidays and leave in, schedules out (the rules themselves: tests/visits/test_domain_schedule.py),
then submit, approve and publish with the roles that may, adjustments with versions, and scope."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import text

from tests.support import create_org_unit, wait_until
from tests.visits.conftest import make_outlet, projected

MARCH = {"period_start": "2026-03-01", "period_end": "2026-03-31"}


def routed_rep(clients, admin, token, territory, unit=None):
    """Monday: A, B, C, B (positions 0-3); Tuesday: one D outlet."""
    unit = unit or territory["office"]
    supervisor = token("supervisor", org_unit=unit)
    grades = ["A", "B", "C", "B", "D"]
    rep = uuid.uuid4()
    made = [make_outlet(clients, admin, unit, grade=g, owner_rep_id=str(rep)) for g in grades]
    for weekday, outlets in ((1, made[:4]), (2, made[4:])):
        body = {
            "rep_id": str(rep),
            "org_unit_id": unit,
            "weekday": weekday,
            "name": f"day {weekday}",
            "outlet_ids": [o["id"] for o in outlets],
        }
        answer = clients["visits"].put("/routes", json=body, headers=supervisor)
        assert answer.status_code == 200, answer.text
    return rep, made, supervisor


def test_generate_submit_approve_publish(clients, admin, token, territory, engines):
    client = clients["visits"]
    rep, made, supervisor = routed_rep(clients, admin, token, territory)
    holiday = client.put("/holidays", json={"day": "2026-03-16", "name": "test holiday"}, headers=admin)
    assert holiday.status_code == 200
    generated = client.post(
        "/schedule-generations", json={"org_unit_id": territory["office"], **MARCH}, headers=supervisor
    )
    assert generated.status_code == 200, generated.text
    # A weekly 2, 9, 16->17, 23, 30; B (position 1) 2, 16->17, 30; C 9; B (position 3) 2, 16->17, 30; D (every 8
    # weeks, position 0) is due in week 120 = 20 April, so not in March: 5 + 3 + 1 + 3 = 12
    assert generated.json()["entries"] == 12 and generated.json()["schedules"] == 1
    rep_headers = token("rep", org_unit=territory["office"], person_id=rep)
    schedules = client.get("/schedules", headers=rep_headers).json()
    assert len(schedules) == 1 and schedules[0]["status"] == "draft"
    schedule = client.get(f"/schedules/{schedules[0]['id']}", headers=rep_headers).json()
    days = sorted({e["planned_on"] for e in schedule["entries"]})
    assert days == ["2026-03-02", "2026-03-09", "2026-03-17", "2026-03-23", "2026-03-30"]
    assert sum(1 for e in schedule["entries"] if e["moved_from"] == "2026-03-16") == 3

    sid = schedule["id"]
    assert client.post(f"/schedules/{sid}/approve", headers=supervisor).status_code == 409  # not submitted yet
    assert client.post(f"/schedules/{sid}/submit", headers=rep_headers).json()["status"] == "submitted"
    assert client.post(f"/schedules/{sid}/approve", headers=rep_headers).status_code == 403
    assert client.post(f"/schedules/{sid}/approve", headers=supervisor).json()["status"] == "approved"
    assert client.post(f"/schedules/{sid}/publish", headers=supervisor).json()["status"] == "published"
    with engines["visits"].connect() as conn:
        data = conn.scalar(
            text("SELECT convert_from(value, 'UTF8')::jsonb -> 'data' FROM visits.outbox WHERE key = :k"), {"k": sid}
        )
    assert data["planned_visits"] == 12 and data["rep_id"] == str(rep)
    # regenerating leaves the published schedule alone
    again = client.post("/schedule-generations", json={"org_unit_id": territory["office"], **MARCH}, headers=supervisor)
    assert again.json()["kept"] == 1 and again.json()["entries"] == 0


def test_moving_an_entry_needs_its_current_version(clients, admin, token, territory):
    client = clients["visits"]
    rep, _, supervisor = routed_rep(clients, admin, token, territory)
    client.post("/schedule-generations", json={"org_unit_id": territory["office"], **MARCH}, headers=supervisor)
    sid = client.get(f"/schedules?rep_id={rep}", headers=supervisor).json()[0]["id"]
    entry = client.get(f"/schedules/{sid}", headers=supervisor).json()["entries"][0]
    url = f"/schedules/{sid}/entries/{entry['id']}"
    moved = client.patch(url, json={"planned_on": "2026-03-04", "version": 1}, headers=supervisor)
    assert moved.status_code == 200 and moved.json()["version"] == 2
    stale = client.patch(url, json={"planned_on": "2026-03-05", "version": 1}, headers=supervisor)
    assert stale.status_code == 409 and "version 2" in stale.text
    outside = client.patch(url, json={"planned_on": "2026-04-01", "version": 2}, headers=supervisor)
    assert outside.status_code == 422 and "planned_on" in outside.text


def test_routes_and_schedules_obey_scope(clients, admin, token, territory):
    client = clients["visits"]
    rep, _, supervisor = routed_rep(clients, admin, token, territory)
    elsewhere = make_outlet(clients, admin, territory["other_office"])
    body = {
        "rep_id": str(rep),
        "org_unit_id": territory["office"],
        "weekday": 3,
        "name": "x",
        "outlet_ids": [elsewhere["id"]],
    }
    answer = client.put("/routes", json=body, headers=supervisor)
    assert answer.status_code == 404 and "outlet_ids[0]" in answer.text
    client.post("/schedule-generations", json={"org_unit_id": territory["office"], **MARCH}, headers=supervisor)
    sid = client.get(f"/schedules?rep_id={rep}", headers=supervisor).json()[0]["id"]
    stranger = token("rep", org_unit=territory["office"], person_id=uuid.uuid4())
    assert client.get(f"/schedules/{sid}", headers=stranger).status_code == 404
    outsider = token("supervisor", org_unit=territory["other_office"])
    assert client.get(f"/schedules/{sid}", headers=outsider).status_code == 404
    assert client.post("/leave", json={"rep_id": str(rep), "days": ["2026-03-09"]}, headers=outsider).status_code == 404


def test_leave_is_respected_when_generating(clients, admin, token, territory):
    client = clients["visits"]
    rep, made, supervisor = routed_rep(clients, admin, token, territory)
    leave = {"rep_id": str(rep), "days": [f"2026-03-{d:02d}" for d in range(9, 14)]}
    assert client.post("/leave", json=leave, headers=supervisor).status_code == 200
    generated = client.post(
        "/schedule-generations", json={"org_unit_id": territory["office"], **MARCH}, headers=supervisor
    )
    # as in the domain test: A due 9 March cannot move (Tue 10 is leave too, next due 16 March) -> not placed
    missed = [m for m in generated.json()["not_placed"] if m["rep_id"] == str(rep)]
    assert [(m["outlet_id"], m["due_on"]) for m in missed] == [(made[0]["id"], "2026-03-09")]


def test_visits_planned_and_not_done_are_reported_missed_once(clients, admin, token, territory, engines):
    client = clients["visits"]
    team = create_org_unit(clients["targets"], admin, kind="team", parent_id=territory["office"])
    wait_until(lambda: projected(clients, admin, team["id"]))
    rep, made, supervisor = routed_rep(clients, admin, token, territory, unit=team["id"])
    team_week = {"org_unit_id": team["id"], "period_start": "2026-06-01", "period_end": "2026-06-07"}
    client.post("/schedule-generations", json=team_week, headers=supervisor)
    sid = client.get(f"/schedules?rep_id={rep}", headers=supervisor).json()[0]["id"]
    rep_headers = token("rep", org_unit=team["id"], person_id=rep)
    for action, who in (("submit", rep_headers), ("approve", supervisor), ("publish", supervisor)):
        assert client.post(f"/schedules/{sid}/{action}", headers=who).status_code == 200
    entries = client.get(f"/schedules/{sid}", headers=supervisor).json()["entries"]
    # Monday 1 June 2026 is week 126: A (weekly) due; B at position 1 and 3: (126 + 1) odd -> not due;
    # C: (126 + 2) % 4 = 0 -> due; D on Tuesday: 126 % 8 = 6 -> not due. Two entries, both on 1 June.
    assert sorted(e["outlet_id"] for e in entries) == sorted([made[0]["id"], made[2]["id"]])
    done = next(e for e in entries if e["outlet_id"] == made[0]["id"])
    visit = {
        "id": str(uuid.uuid4()),
        "outlet_id": made[0]["id"],
        "schedule_entry_id": done["id"],
        "check_in": {
            "position": {"latitude": 30.2825, "longitude": 120.1332, "datum": "wgs84", "accuracy_m": 5},
            "client_at": "2026-06-01T10:00:00+08:00",
        },
        "steps": [],
        "check_out": {"client_at": "2026-06-01T10:30:00+08:00"},
        "sent_at": "2026-06-01T10:30:00+08:00",
    }
    assert client.post("/visits", json=visit, headers=rep_headers).status_code == 201
    missed = client.post("/missed-visits", json={"org_unit_id": team["id"], "before": "2026-06-02"}, headers=supervisor)
    assert missed.status_code == 200 and missed.json() == {"missed": 1}  # C's visit; A's was done
    again = client.post("/missed-visits", json={"org_unit_id": team["id"], "before": "2026-06-02"}, headers=supervisor)
    assert again.json() == {"missed": 0}
    c_entry = next(e for e in entries if e["outlet_id"] == made[2]["id"])
    with engines["visits"].connect() as conn:
        event = conn.scalar(
            text("SELECT convert_from(value, 'UTF8')::jsonb FROM visits.outbox WHERE key = :k"), {"k": c_entry["id"]}
        )
    assert event["type"] == "visits.visit.missed" and event["data"]["planned_on"] == "2026-06-01"


def test_the_hourly_job_publishes_missed_visits_once(clients, admin, token, territory, engines, settings):
    from services.visits.worker import SPEC, publish_missed_visits
    from shared.jobs import Job, run_once

    client = clients["visits"]
    team = create_org_unit(clients["targets"], admin, kind="team", parent_id=territory["office"])
    wait_until(lambda: projected(clients, admin, team["id"]))
    rep, made, supervisor = routed_rep(clients, admin, token, territory, unit=team["id"])
    # A week before any other test's plans, so the job (which sweeps every published schedule) meets only ours.
    week = {"org_unit_id": team["id"], "period_start": "2025-01-06", "period_end": "2025-01-12"}
    client.post("/schedule-generations", json=week, headers=supervisor)
    sid = client.get(f"/schedules?rep_id={rep}", headers=supervisor).json()[0]["id"]
    rep_headers = token("rep", org_unit=team["id"], person_id=rep)
    for action, who in (("submit", rep_headers), ("approve", supervisor), ("publish", supervisor)):
        assert client.post(f"/schedules/{sid}/{action}", headers=who).status_code == 200
    entries = client.get(f"/schedules/{sid}", headers=supervisor).json()["entries"]
    assert len(entries) >= 2, entries  # grade A is due every Monday, and something else is due too
    done, *not_done = entries
    visit = {
        "id": str(uuid.uuid4()),
        "outlet_id": done["outlet_id"],
        "schedule_entry_id": done["id"],
        "check_in": {
            "position": {"latitude": 30.2825, "longitude": 120.1332, "datum": "wgs84", "accuracy_m": 5},
            "client_at": f"{done['planned_on']}T10:00:00+08:00",
        },
        "steps": [],
        "check_out": {"client_at": f"{done['planned_on']}T10:30:00+08:00"},
        "sent_at": f"{done['planned_on']}T10:30:00+08:00",
    }
    assert client.post("/visits", json=visit, headers=rep_headers).status_code == 201
    job = next(j for j in SPEC.jobs if j.name == "missed-visits")
    assert job.every_s == 3600
    on_13_january = Job(
        job.name, job.every_s, lambda engine, s: publish_missed_visits(engine, s, today=date(2025, 1, 13))
    )

    def published(entry_id):
        with engines["visits"].connect() as conn:
            return conn.scalars(
                text("SELECT convert_from(value, 'UTF8')::jsonb ->> 'type' FROM visits.outbox WHERE key = :k"),
                {"k": entry_id},
            ).all()

    first = run_once(on_13_january, engines["visits"], settings, service="visits")
    assert first is not None and first >= len(not_done)
    assert run_once(on_13_january, engines["visits"], settings, service="visits") == 0  # nothing twice
    assert all(published(e["id"]) == ["visits.visit.missed"] for e in not_done)
    assert published(done["id"]) == []  # visited: not missed


def test_a_reps_routes_read_back_monday_first_in_route_order(clients, admin, token, territory):
    client = clients["visits"]
    rep, made, supervisor = routed_rep(clients, admin, token, territory)
    for headers in (admin, supervisor, token("rep", org_unit=territory["office"], person_id=rep)):
        answer = client.get("/routes", params={"rep_id": str(rep)}, headers=headers)
        assert answer.status_code == 200, answer.text
        assert [(r["weekday"], r["outlet_ids"]) for r in answer.json()] == [
            (1, [o["id"] for o in made[:4]]),
            (2, [made[4]["id"]]),
        ]
