"""The plan lifecycle through the API: every transition, the forbidden ones by role and by status, events."""

import json
import uuid

import pytest
from sqlalchemy import select

from services.targets import db
from tests.support import bearer
from tests.targets.plans.support import TARGETS, build_region, decomposed_plan, move, new_plan


def status_of(answer) -> str:
    assert answer.status_code == 200, answer.text
    return answer.json()["status"]


def test_the_whole_lifecycle_draft_to_archived_with_a_return_on_the_way(clients, org, planner, director):
    client = clients[TARGETS]
    plan = decomposed_plan(client, org, planner)
    assert plan["status"] == "draft" and plan["current_version"] == 1 and plan["published_version"] is None
    pid = plan["id"]
    assert status_of(move(client, planner, pid, "submit")) == "submitted"
    assert status_of(move(client, director, pid, "return", note="P2 looks too low")) == "draft"
    assert status_of(move(client, planner, pid, "submit")) == "submitted"
    assert status_of(move(client, director, pid, "approve")) == "approved"
    assert status_of(move(client, director, pid, "return", note="wait for the price list")) == "draft"
    assert status_of(move(client, planner, pid, "submit")) == "submitted"
    assert status_of(move(client, director, pid, "approve")) == "approved"
    published = move(client, director, pid, "publish").json()
    assert (published["status"], published["published_version"]) == ("published", 1)
    assert status_of(move(client, director, pid, "archive")) == "archived"
    history = client.get(f"/plans/{pid}/status-changes", headers=planner).json()
    assert [(h["action"], h["from_status"], h["to_status"]) for h in history] == [
        ("submit", "draft", "submitted"),
        ("return", "submitted", "draft"),
        ("submit", "draft", "submitted"),
        ("approve", "submitted", "approved"),
        ("return", "approved", "draft"),
        ("submit", "draft", "submitted"),
        ("approve", "submitted", "approved"),
        ("publish", "approved", "published"),
        ("archive", "published", "archived"),
    ]
    assert history[1]["note"] == "P2 looks too low"


@pytest.mark.parametrize(
    ("status_path", "action"),
    [
        ([], "approve"),
        ([], "publish"),
        ([], "archive"),
        ([], "return"),
        (["submit"], "submit"),
        (["submit"], "publish"),
        (["submit"], "archive"),
        (["submit", "approve"], "submit"),
        (["submit", "approve"], "approve"),
        (["submit", "approve"], "archive"),
        (["submit", "approve", "publish"], "submit"),
        (["submit", "approve", "publish"], "approve"),
        (["submit", "approve", "publish"], "return"),
        (["submit", "approve", "publish"], "publish"),
        (["submit", "approve", "publish", "archive"], "archive"),
        (["submit", "approve", "publish", "archive"], "submit"),
    ],
)
def test_a_transition_not_allowed_from_the_status_is_409_naming_it(
    clients, org, planner, director, status_path, action
):
    client = clients[TARGETS]
    plan = decomposed_plan(client, org, planner)
    for step in status_path:
        status_of(move(client, planner if step == "submit" else director, plan["id"], step))
    current = client.get(f"/plans/{plan['id']}", headers=planner).json()["status"]
    answer = move(client, planner if action == "submit" else director, plan["id"], action, note="n")
    assert answer.status_code == 409, answer.text
    assert f"a plan that is {current}" in answer.json()["detail"]
    assert client.get(f"/plans/{plan['id']}", headers=planner).json()["status"] == current


def test_roles_and_places_that_may_not_move_the_plan_get_403(clients, infra, org, planner, director):
    client = clients[TARGETS]
    plan = decomposed_plan(client, org, planner)
    pid = plan["id"]
    for role in ("rep", "supervisor", "auditor"):
        answer = move(client, bearer(infra.issuer, role, org.region), pid, "submit")
        assert answer.status_code == 403 and role in answer.json()["detail"]
    province_manager = bearer(infra.issuer, "region_manager", org.p1)
    assert move(client, province_manager, pid, "submit").status_code == 403  # below the root
    status_of(move(client, planner, pid, "submit"))
    own = move(client, planner, pid, "approve")  # the planner cannot approve their own region's plan
    assert own.status_code == 403 and "above the plan's root" in own.json()["detail"]
    assert move(client, bearer(infra.issuer, "region_manager", org.region), pid, "approve").status_code == 403
    assert status_of(move(client, director, pid, "approve")) == "approved"
    assert move(client, province_manager, pid, "publish").status_code == 403  # below the root
    # The region manager handed the target publishes the approved plan to their reps (issue 14, item 3).
    assert status_of(move(client, planner, pid, "publish")) == "published"
    assert move(client, planner, pid, "archive").status_code == 403


def test_the_companys_own_director_approves_and_publishes_the_company_plan(clients, infra, org, director):
    """Nobody stands above a company but admin and auditor: its own director (scoped to it) decides its plan."""
    client = clients[TARGETS]
    plan = new_plan(client, director, org.company, name="Company sales 2027")
    split = client.post(
        f"/plans/{plan['id']}/decomposition",
        headers=director,
        json={"parent_value": "1200", "split": {"method": "equal"}},
    )
    assert split.status_code == 200, split.text
    region_manager = bearer(infra.issuer, "region_manager", org.region)
    assert status_of(move(client, director, plan["id"], "submit")) == "submitted"
    assert move(client, region_manager, plan["id"], "approve").status_code == 403
    assert status_of(move(client, director, plan["id"], "approve")) == "approved"
    assert move(client, region_manager, plan["id"], "publish").status_code == 403
    assert status_of(move(client, director, plan["id"], "publish")) == "published"


def test_return_needs_a_note_and_submit_needs_targets(clients, org, planner, director):
    client = clients[TARGETS]
    empty = new_plan(client, planner, org.region)
    answer = move(client, planner, empty["id"], "submit")
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "cells"
    plan = decomposed_plan(client, org, planner)
    status_of(move(client, planner, plan["id"], "submit"))
    silent = move(client, director, plan["id"], "return")
    assert silent.status_code == 422 and silent.json()["errors"][0]["field"] == "note"


def test_publishing_records_status_and_published_events_in_the_outbox(clients, engines, org, planner, director):
    client = clients[TARGETS]
    plan = decomposed_plan(client, org, planner)
    for headers, action in [(planner, "submit"), (director, "approve"), (director, "publish")]:
        status_of(move(client, headers, plan["id"], action))
    with engines[TARGETS].connect() as conn:
        rows = conn.execute(
            select(db.outbox.c.topic, db.outbox.c.value).where(db.outbox.c.key == plan["id"]).order_by(db.outbox.c.id)
        ).all()
    envelopes = [json.loads(r.value) for r in rows]
    assert {r.topic for r in rows} == {"targets.plans.v1"}
    assert [e["type"] for e in envelopes] == ["targets.plan.status_changed"] * 3 + ["targets.plan.published"]
    assert envelopes[-1]["data"]["published_version"] == 1
    assert envelopes[-1]["data"]["root_org_unit_id"] == org.region


def test_create_is_idempotent_and_checks_scope(clients, infra, org, planner):
    client = clients[TARGETS]
    body = {
        "name": "Region volume 2027",
        "metric": "volume",
        "fiscal_year": 2027,
        "unit": "cases",
        "rounding_step": "10",
        "root_org_unit_id": org.region,
    }
    key = {"Idempotency-Key": uuid.uuid4().hex}
    first = client.post("/plans", headers={**planner, **key}, json=body)
    again = client.post("/plans", headers={**planner, **key}, json=body)
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    other = build_region(clients, bearer(infra.issuer, "admin"))
    outside = client.post("/plans", headers=planner, json=body | {"root_org_unit_id": other.region})
    assert outside.status_code == 404
    rep = client.post("/plans", headers=bearer(infra.issuer, "rep", org.o1), json=body)
    assert rep.status_code == 403
