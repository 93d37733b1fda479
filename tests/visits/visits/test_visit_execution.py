"""Visit execution over HTTP: check-in with datum conversion and the geofence, every step, check-out checks,
the one-call submission and its retries, events, and scope (a rep never sees another rep's visits)."""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, text

from shared.http.lean_db import LeanConnection

# Hangzhou is UTC+8; the outlet is open 08:00-21:00 every day.
CHECK_IN = "2026-03-16T09:00:00+08:00"
CHECK_OUT = "2026-03-16T09:25:00+08:00"
GCJ02_AT_OUTLET = {"latitude": 30.280206, "longitude": 120.137953, "datum": "gcj02", "accuracy_m": 10}


def start(client, rep, outlet, position=GCJ02_AT_OUTLET, at=CHECK_IN, **extra):
    body = {"id": str(uuid.uuid4()), "outlet_id": outlet["id"], "check_in": {"position": position, "client_at": at}}
    body["check_in"].update(extra)
    return client.post("/check-ins", json=body, headers=rep["headers"])


STEPS: list[dict[str, Any]] = [
    {
        "step": "stock_check",
        "items": [
            {"sku": "SKU-1", "quantity": "24", "batch_codes": ["B260301", "B260215"]},
            {"sku": "SKU-2", "out_of_stock": True},
        ],
    },
    {
        "step": "prices",
        "items": [
            {"sku": "SKU-1", "brand": "Ours", "ours": True, "price": "12.50"},
            {"sku": "C-1", "brand": "Rival", "ours": False, "price": "11.90"},
        ],
    },
    {"step": "competitor_activity", "items": [{"brand": "Rival", "kind": "promotion", "note": "buy 2 get 1"}]},
    {"step": "promotion_materials", "items": [{"material": "shelf talker", "quantity": "5", "recipient": "Wang Li"}]},
    {"step": "order", "lines": [{"sku": "SKU-2", "quantity": "12", "unit_price": "10.00"}]},
    {"step": "feedback", "items": [{"kind": "complaint", "text": "last delivery two days late"}]},
]


def test_a_gcj02_check_in_is_converted_before_the_distance_is_taken(clients, rep, outlet):
    answer = start(clients["visits"], rep, outlet)
    assert answer.status_code == 201, answer.text
    visit = answer.json()
    # Read as WGS-84 the point would be 522.9 m away (tests/visits/test_domain_geo.py); converted it is the shop.
    assert visit["distance_m"] < 1.0 and visit["outside_geofence"] is False
    assert visit["datum"] == "gcj02" and abs(visit["latitude"] - 30.2825) < 1e-5


def test_a_check_in_beyond_the_radius_is_accepted_and_flagged_with_its_distance(clients, rep, outlet):
    # 0.003 deg north of the outlet: 0.003 x 111 195 = 333.6 m; the default radius is 200 m
    far = {"latitude": 30.2855, "longitude": 120.1332, "datum": "wgs84", "accuracy_m": 10}
    visit = start(clients["visits"], rep, outlet, position=far).json()
    assert visit["distance_m"] == 333.6 and visit["outside_geofence"] is True


def test_every_step_then_check_out_records_checks_score_and_events(clients, rep, outlet, engines):
    client = clients["visits"]
    visit = start(client, rep, outlet).json()
    for step in STEPS:
        answer = client.post(f"/visits/{visit['id']}/steps", json=step, headers=rep["headers"])
        assert answer.status_code == 201, answer.text
    done = client.post(f"/visits/{visit['id']}/check-out", json={"client_at": CHECK_OUT}, headers=rep["headers"])
    assert done.status_code == 200, done.text
    body = done.json()
    assert [s["step"] for s in body["steps"]] == [s["step"] for s in STEPS]
    assert body["status"] == "completed" and body["duration_minutes"] == 25.0
    # supermarkets need stock_check, display and prices by default: display is missing
    assert body["missing_steps"] == ["display"] and body["flags"] == ["missing_steps"]
    assert body["order_taken"] is True
    # the test client's clock is today, far from 16 March 2026: clock_skew takes its 10 points, nothing else
    signals = {s["name"]: s["penalty"] for s in body["authenticity_signals"]}
    assert signals["clock_skew"] == 10 and sum(signals.values()) == 10 and body["authenticity_score"] == 90.0
    with engines["visits"].connect() as conn:
        events = conn.execute(
            text("SELECT topic, convert_from(value, 'UTF8')::jsonb -> 'data' FROM visits.outbox WHERE key = :k"),
            {"k": visit["id"]},
        ).all()
    by_topic = {t: d for t, d in events}
    completed = by_topic["visits.visits.v1"]
    assert completed["stock"][0]["batch_codes"] == ["B260301", "B260215"] and completed["stock"][1]["out_of_stock"]
    assert [p["price"] for p in completed["prices"]] == ["12.50", "11.90"]
    assert completed["promotion_materials"] == [{"material": "shelf talker", "quantity": "5", "recipient": "Wang Li"}]
    assert by_topic["visits.order-requests.v1"]["lines"][0]["quantity"] == "12"


def test_a_step_after_check_out_is_refused(clients, rep, outlet):
    client = clients["visits"]
    visit = start(client, rep, outlet).json()
    client.post(f"/visits/{visit['id']}/check-out", json={"client_at": CHECK_OUT}, headers=rep["headers"])
    late = client.post(f"/visits/{visit['id']}/steps", json=STEPS[0], headers=rep["headers"])
    assert late.status_code == 409


def submission(outlet, *, visit_id=None, steps=STEPS, check_out=CHECK_OUT):
    return {
        "id": str(visit_id or uuid.uuid4()),
        "outlet_id": outlet["id"],
        "check_in": {"position": GCJ02_AT_OUTLET, "client_at": CHECK_IN},
        "steps": steps,
        "check_out": {"client_at": check_out},
        "sent_at": check_out,
    }


def test_one_call_submission_retried_changes_nothing_and_a_clash_is_409(clients, rep, outlet, engines):
    client = clients["visits"]
    body = submission(outlet)
    first = client.post("/visits", json=body, headers=rep["headers"])
    again = client.post("/visits", json=body, headers=rep["headers"])
    assert first.status_code == again.status_code == 201, first.text
    assert first.json() == again.json()
    with engines["visits"].connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM visits.outbox WHERE key = :k"), {"k": body["id"]}) == 2
        assert conn.scalar(text("SELECT count(*) FROM visits.visit_steps WHERE visit_id = :k"), {"k": body["id"]}) == 6
    clash = client.post("/visits", json={**body, "steps": STEPS[:1]}, headers=rep["headers"])
    assert clash.status_code == 409


def test_a_short_out_of_hours_visit_is_flagged(clients, rep, outlet):
    body = submission(outlet, steps=STEPS[:2])
    body["check_in"]["client_at"] = "2026-03-16T20:55:00+08:00"
    body["check_out"]["client_at"] = body["sent_at"] = "2026-03-16T21:03:00+08:00"  # 8 min, after closing
    visit = clients["visits"].post("/visits", json=body, headers=rep["headers"]).json()
    assert visit["duration_minutes"] == 8.0
    assert visit["flags"] == ["too_short", "out_of_hours", "missing_steps"]
    # 8 of 20 minutes for grade A: 1 - 8/20 = 0.6 -> 20 x 0.6 = 12 points
    time_signal = next(s for s in visit["authenticity_signals"] if s["name"] == "time_in_store")
    assert time_signal["penalty"] == 12.0


def test_a_rep_cannot_read_or_write_another_reps_visit(clients, rep, other_rep, outlet):
    client = clients["visits"]
    visit = start(client, rep, outlet).json()
    assert client.get(f"/visits/{visit['id']}", headers=other_rep["headers"]).status_code == 404
    assert client.post(f"/visits/{visit['id']}/steps", json=STEPS[0], headers=other_rep["headers"]).status_code == 404
    out = client.post(f"/visits/{visit['id']}/check-out", json={"client_at": CHECK_OUT}, headers=other_rep["headers"])
    assert out.status_code == 404
    assert all(v["rep_id"] == str(other_rep["id"]) for v in client.get("/visits", headers=other_rep["headers"]).json())
    assert client.get(f"/visits/{visit['id']}", headers=rep["headers"]).status_code == 200


def test_an_outlet_outside_the_reps_scope_does_not_exist_for_them(clients, admin, token, territory):
    from tests.visits.conftest import make_outlet

    elsewhere = make_outlet(clients, admin, territory["other_office"])
    stranger = {"headers": token("rep", org_unit=territory["office"], person_id=uuid.uuid4())}
    answer = start(clients["visits"], stranger, elsewhere)
    assert answer.status_code == 404 and "outlet_id" in answer.text


def test_a_manager_reads_the_visits_of_their_subtree(clients, rep, outlet, token, territory):
    visit = start(clients["visits"], rep, outlet).json()
    region_manager = token("region_manager", org_unit=territory["region"])
    outsider = token("supervisor", org_unit=territory["other_office"])
    assert clients["visits"].get(f"/visits/{visit['id']}", headers=region_manager).status_code == 200
    assert clients["visits"].get(f"/visits/{visit['id']}", headers=outsider).status_code == 404


@contextmanager
def statements(engine):
    """The SQL statements the API sends while the block runs: on the test engine (thread-pool routes) and through
    the lean path's connections (`shared.http.lean_db`), but for the BEGIN and COMMIT around a unit of work."""
    seen: list[str] = []

    def record(conn, cursor, statement, *args):
        seen.append(" ".join(statement.split()))

    lean_execute = LeanConnection._execute

    async def record_lean(self, sql, params):
        if sql not in ("BEGIN", "COMMIT"):  # `Call.run`'s, around the use case
            record(None, None, sql)
        return await lean_execute(self, sql, params)

    event.listen(engine, "before_cursor_execute", record)
    LeanConnection._execute = record_lean  # type: ignore[method-assign]
    try:
        yield seen
    finally:
        LeanConnection._execute = lean_execute  # type: ignore[method-assign]
        event.remove(engine, "before_cursor_execute", record)


def test_a_submission_is_one_read_and_one_write(clients, rep, outlet, engines):
    body = submission(outlet)
    with statements(engines["visits"]) as seen:
        answer = clients["visits"].post("/visits", json=body, headers=rep["headers"])
    assert answer.status_code == 201, answer.text
    assert [s.split()[0] for s in seen] == ["SELECT", "WITH"], seen
    assert "INSERT INTO visits.outbox" in seen[1] and "INSERT INTO visits.visit_steps" in seen[1]
    with engines["visits"].connect() as conn:  # what the one write wrote: the visit, 6 steps, 2 events
        assert conn.scalar(text("SELECT count(*) FROM visits.visit_steps WHERE visit_id = :k"), {"k": body["id"]}) == 6
        assert conn.scalar(text("SELECT count(*) FROM visits.outbox WHERE key = :k"), {"k": body["id"]}) == 2


def test_a_rep_reads_and_visits_only_outlets_of_their_own_book(
    clients, admin, rep, other_rep, outlet, token, territory
):
    client = clients["visits"]
    assert client.get(f"/outlets/{outlet['id']}", headers=rep["headers"]).status_code == 200
    # another rep of the same office: the outlet is not in their book, so it does not exist for them
    assert client.get(f"/outlets/{outlet['id']}", headers=other_rep["headers"]).status_code == 404
    assert outlet["id"] not in [o["id"] for o in client.get("/outlets", headers=other_rep["headers"]).json()]
    answer = client.post("/visits", json=submission(outlet), headers=other_rep["headers"])
    assert answer.status_code == 404 and answer.json()["errors"][0]["field"] == "outlet_id"
    assert start(client, other_rep, outlet).status_code == 404
    # a supervisor sees their subtree's outlets, whoever owns them; one of another office does not
    assert (
        client.get(f"/outlets/{outlet['id']}", headers=token("supervisor", org_unit=territory["office"])).status_code
        == 200
    )
    elsewhere = token("supervisor", org_unit=territory["other_office"])
    assert client.get(f"/outlets/{outlet['id']}", headers=elsewhere).status_code == 404
    # an outlet a rep registers is in their own book
    body = {"code": f"O-{uuid.uuid4().hex[:8]}", "name": "New kiosk", "org_unit_id": territory["office"]}
    mine = client.post("/outlets", json=body, headers=other_rep["headers"])
    assert mine.status_code == 201 and mine.json()["owner_rep_id"] == str(other_rep["id"])
    someone_elses = {**body, "code": f"O-{uuid.uuid4().hex[:8]}", "owner_rep_id": str(rep["id"])}
    assert client.post("/outlets", json=someone_elses, headers=other_rep["headers"]).status_code == 422


def test_a_page_of_visits_is_two_statements_whatever_its_size(clients, rep, outlet, engines, token, territory):
    client = clients["visits"]
    made = []
    for hour in (9, 11, 14):
        body = submission(outlet, steps=STEPS[: hour % 5 + 1])
        body["check_in"]["client_at"] = f"2026-03-17T{hour:02d}:00:00+08:00"
        body["check_out"]["client_at"] = body["sent_at"] = f"2026-03-17T{hour:02d}:30:00+08:00"
        assert client.post("/visits", json=body, headers=rep["headers"]).status_code == 201
        made.append(body)
    with statements(engines["visits"]) as seen:
        page = client.get("/visits", params={"rep_id": str(rep["id"])}, headers=rep["headers"]).json()
    assert len(seen) == 2, seen
    assert [v["id"] for v in page] == [b["id"] for b in reversed(made)]  # newest first
    assert [len(v["steps"]) for v in page] == [len(b["steps"]) for b in reversed(made)]
    assert [s["seq"] for s in page[0]["steps"]] == list(range(1, len(made[-1]["steps"]) + 1))
    supervisor = token("supervisor", org_unit=territory["office"])
    with statements(engines["visits"]) as seen:
        assert len(client.get("/visits", params={"limit": 200}, headers=supervisor).json()) >= 3
    assert len(seen) == 2, seen
