"""Findings through the API: events published by hand reach the archive and the rules (streaming), repeats update
one finding, the workflow allows and forbids what it should, verification is earned by a re-check, scope holds."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal as D

import pytest
from kafka import KafkaProducer

from services.audit.domain.facts import ComplianceFact
from services.audit.facts.service import record
from shared.events.base import Envelope
from shared.events.targets import ProgressBehind
from tests.support import create_org_unit, wait_until

pytestmark = pytest.mark.usefixtures("workers")


@pytest.fixture(scope="module")
def tree(clients, admin):
    """company -> east, west, as audit's projection knows them."""
    company = create_org_unit(clients["targets"], admin, kind="company")
    east = create_org_unit(clients["targets"], admin, kind="region", parent_id=company["id"])
    west = create_org_unit(clients["targets"], admin, kind="region", parent_id=company["id"])
    for unit in (east, west):
        wait_until(lambda u=unit: clients["audit"].get(f"/org-units/{u['id']}", headers=admin).status_code == 200)
    return {"company": company, "east": east, "west": west}


@pytest.fixture(scope="module")
def producer(settings):
    p = KafkaProducer(bootstrap_servers=settings.kafka_bootstrap_servers, acks="all")
    yield p
    p.close()


def behind(unit: str, plan: uuid.UUID, as_of: date, rate: str) -> ProgressBehind:
    # March: time progress 10/22 = 0.4545 on the 13th; the rate is behind it by 0.4545 - rate.
    return ProgressBehind(
        plan_id=plan, metric="sales_amount", node_kind="org_unit", node_id=uuid.UUID(unit), org_unit_id=uuid.UUID(unit),
        period="2026-03", period_start=date(2026, 3, 1), period_end=date(2026, 3, 31), as_of=as_of,
        target=D("22000"), actual=D("6600"), gap=D("15400"), achievement_rate=D(rate), time_progress=D("0.4545"),
        margin=D("0.05"),
    )  # fmt: skip


def publish(producer, event) -> Envelope:
    envelope = Envelope.wrap(event, source="/tests", correlation_id=None)
    producer.send(event.topic, key=envelope.subject.encode(), value=envelope.model_dump_json().encode()).get(10)
    return envelope


def test_streamed_event_becomes_one_finding_with_its_evidence_chain(clients, admin, token, tree, producer):
    plan, east = uuid.uuid4(), tree["east"]["id"]
    subject = f"org_unit:{east}/plan:{plan}"
    first = publish(producer, behind(east, plan, date(2026, 3, 13), "0.3000"))
    auditor = token("auditor")

    def found():
        page = clients["audit"].get("/findings", params={"subject": subject}, headers=auditor).json()
        return page["items"]

    [finding] = wait_until(found, message="finding from the streamed event")
    assert (finding["rule"], finding["period"], finding["org_unit_id"]) == ("behind_time_progress", "2026-03", east)
    assert finding["evidence"]["shortfall"] == "0.1545"  # 0.4545 - 0.3000
    publish(producer, behind(east, plan, date(2026, 3, 13), "0.3000"))  # the same alert again, under a new event id
    again = publish(producer, behind(east, plan, date(2026, 3, 16), "0.3500"))
    wait_until(lambda: found()[0]["sources"] == [again.id], message="the finding updated by the later alert")
    assert len(found()) == 1
    detail = clients["audit"].get(f"/findings/{finding['id']}", headers=auditor).json()
    [source] = detail["evidence_chain"]
    assert (source["event_id"], source["type"], source["data"]["as_of"]) == (
        again.id,
        "targets.progress.behind",
        "2026-03-16",
    )
    assert len(source["hash"]) == 64 and source["seq"] > 0
    archived = clients["audit"].get(
        "/events", params={"subject": east, "type": "targets.progress.behind"}, headers=auditor
    )
    assert first.id in {e["event_id"] for e in archived.json()}
    # Scope: the west manager does not see it; the east manager does; a rep of east does not.
    assert (
        clients["audit"]
        .get(f"/findings/{finding['id']}", headers=token("region_manager", tree["west"]["id"]))
        .status_code
        == 404
    )
    assert clients["audit"].get(f"/findings/{finding['id']}", headers=token("region_manager", east)).status_code == 200
    assert (
        clients["audit"]
        .get(f"/findings/{finding['id']}", headers=token("rep", east, person_id=uuid.uuid4()))
        .status_code
        == 404
    )


def compliance_finding(engines, clients, auditor, unit: str, rep: uuid.UUID, week: date, done: int) -> dict:
    # 20 visits planned, `done` made: under 80 % (16) fires.
    with engines["audit"].begin() as conn:
        record(conn, ComplianceFact(rep, uuid.UUID(unit), week, 20, done, f"ev-{uuid.uuid4()}"), today=date(2026, 4, 1))
    [finding] = clients["audit"].get("/findings", params={"subject": f"rep:{rep}"}, headers=auditor).json()["items"]
    return finding


def act(clients, headers, finding, action: str, **body):
    return clients["audit"].post(
        f"/findings/{finding['id']}/transitions", headers=headers, json={"action": action, **body}
    )


def test_workflow_verification_is_earned_and_forbidden_moves_are_refused(clients, engines, token, tree):
    east, rep = tree["east"]["id"], uuid.uuid4()
    manager, auditor = token("region_manager", east), token("auditor")
    finding = compliance_finding(engines, clients, auditor, east, rep, date(2026, 3, 9), done=15)
    assert act(clients, manager, finding, "close").status_code == 403  # closing is the auditors'
    assert act(clients, manager, finding, "rectify", rectified_from="2026-03-16").status_code == 409  # not acknowledged
    assert act(clients, manager, finding, "acknowledge").json()["status"] == "acknowledged"
    missing = act(clients, manager, finding, "rectify")
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "rectified_from"
    assert act(clients, manager, finding, "rectify", rectified_from="2026-03-16").json()["status"] == "rectifying"
    # The re-check looks at data from 16 March on: the bad week (9 March) is before it -> verified.
    assert act(clients, auditor, finding, "recheck").json()["status"] == "verified"
    closed = act(clients, auditor, finding, "close").json()
    assert closed["status"] == "closed" and closed["finished_at"]
    assert [(t["action"], t["to_status"]) for t in closed["transitions"]] == [
        ("fire", "open"), ("acknowledge", "acknowledged"), ("rectify", "rectifying"), ("recheck", "verified"),
        ("close", "closed"),
    ]  # fmt: skip
    assert all(t["actor"] and t["at"] for t in closed["transitions"])
    refused = act(clients, manager, finding, "acknowledge")
    assert refused.status_code == 409 and refused.json()["errors"][0]["field"] == "action"


def test_recheck_that_still_fires_reopens(clients, engines, token, tree):
    east, rep = tree["east"]["id"], uuid.uuid4()
    auditor = token("auditor")
    finding = compliance_finding(engines, clients, auditor, east, rep, date(2026, 3, 9), done=15)
    act(clients, auditor, finding, "acknowledge")
    act(clients, auditor, finding, "rectify", rectified_from="2026-03-09")  # the bad week is still in the data
    assert act(clients, auditor, finding, "recheck").json()["status"] == "open"


def test_dispute_comments_and_rep_sees_their_own(clients, engines, token, tree):
    east, rep = tree["east"]["id"], uuid.uuid4()
    finding = compliance_finding(engines, clients, token("auditor"), east, rep, date(2026, 3, 9), done=10)
    mine = token("rep", east, person_id=rep)
    assert clients["audit"].get(f"/findings/{finding['id']}", headers=mine).status_code == 200
    assert act(clients, mine, finding, "dispute").status_code == 403  # reps comment; managers act
    key = {"Idempotency-Key": uuid.uuid4().hex}
    body = {
        "body": "Outlet closed for renovation that week",
        "attachment": {"name": "notice.jpg", "sha256": "a" * 64, "url": "https://files.example.com/n1"},
    }
    first = clients["audit"].post(f"/findings/{finding['id']}/comments", headers={**mine, **key}, json=body)
    retry = clients["audit"].post(f"/findings/{finding['id']}/comments", headers={**mine, **key}, json=body)
    assert first.status_code == retry.status_code == 201 and first.json() == retry.json()
    manager = token("region_manager", east)
    assert act(clients, manager, finding, "dispute").json()["status"] == "disputed"
    assert act(clients, manager, finding, "dismiss").status_code == 403
    dismissed = act(clients, token("auditor"), finding, "dismiss").json()
    assert dismissed["status"] == "dismissed" and len(dismissed["comments"]) == 1
