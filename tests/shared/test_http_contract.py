"""What every API promises: bearer tokens, roles and subtree scope, problem documents that name the field,
idempotent creates, health and metrics endpoints, correlation ids that travel with the events."""

from __future__ import annotations

import json
import uuid

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import select

from services.targets import db as targets_db
from shared.auth import LocalIssuer
from tests.support import create_org_unit, unique, wait_until


def test_missing_and_forged_tokens_are_401_problems(clients, tmp_path):
    missing = clients["targets"].get("/org-units")
    assert missing.status_code == 401
    assert missing.headers["content-type"] == "application/problem+json"
    assert missing.headers["www-authenticate"] == "Bearer"
    forged = LocalIssuer(tmp_path).issue(role="admin")  # signed by a key the services do not trust
    answer = clients["targets"].get("/org-units", headers={"Authorization": f"Bearer {forged}"})
    assert answer.status_code == 401 and "invalid bearer token" in answer.json()["detail"]


def test_expired_token_is_rejected(clients, infra):
    expired = infra.issuer.issue(role="admin", ttl_seconds=-60)
    answer = clients["inventory"].get("/dealers", headers={"Authorization": f"Bearer {expired}"})
    assert answer.status_code == 401 and "expired" in answer.json()["detail"].lower()


def test_role_without_the_right_gets_403(clients, token, admin):
    company = create_org_unit(clients["targets"], admin, kind="company")
    rep = token("rep", company["id"])
    answer = clients["targets"].post(
        "/org-units", headers=rep, json={"kind": "region", "code": unique("R"), "name": "x", "parent_id": company["id"]}
    )
    assert answer.status_code == 403
    assert "rep" in answer.json()["detail"]
    assert clients["inventory"].post("/erp/orders", headers=rep, json={}).status_code in (400, 403)


def test_schema_violation_is_400_naming_each_field(clients, admin):
    answer = clients["targets"].post(
        "/org-units", headers=admin, json={"kind": "planet", "code": "has space", "name": ""}
    )
    assert answer.status_code == 400
    fields = {e["field"] for e in answer.json()["errors"]}
    assert fields == {"body.kind", "body.code", "body.name"}


def test_business_rule_violation_is_422_naming_the_field(clients, admin):
    answer = clients["targets"].post(
        "/org-units", headers=admin, json={"kind": "region", "code": unique("R"), "name": "Orphan"}
    )
    assert answer.status_code == 422
    assert answer.json()["errors"] == [{"field": "parent_id", "reason": answer.json()["detail"]}]


def test_unknown_or_repeated_query_parameter_is_400(clients, admin):
    unknown = clients["inventory"].get("/dealers?limt=5", headers=admin)
    assert unknown.status_code == 400 and unknown.json()["errors"][0]["field"] == "query.limt"
    repeated = clients["inventory"].get("/dealers?limit=5&limit=6", headers=admin)
    assert repeated.status_code == 400 and repeated.json()["errors"][0]["field"] == "query.limit"


def test_method_not_allowed_lists_every_allowed_method(clients, admin):
    answer = clients["targets"].delete("/org-units", headers=admin)
    assert answer.status_code == 405
    assert answer.headers["allow"] == "GET, POST"


def test_retried_create_with_idempotency_key_returns_the_first_result(clients, admin, engines):
    company = create_org_unit(clients["targets"], admin, kind="company")
    body = {"kind": "region", "code": unique("R"), "name": "East", "parent_id": company["id"]}
    key = {"Idempotency-Key": uuid.uuid4().hex}
    first = clients["targets"].post("/org-units", headers={**admin, **key}, json=body)
    again = clients["targets"].post("/org-units", headers={**admin, **key}, json=body)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    with engines["targets"].connect() as conn:
        events = conn.execute(select(targets_db.outbox.c.id).where(targets_db.outbox.c.key == first.json()["id"]))
        assert len(events.all()) == 1
    other = clients["targets"].post("/org-units", headers={**admin, **key}, json={**body, "name": "West"})
    assert other.status_code == 409 and other.json()["errors"][0]["field"] == "Idempotency-Key"


def test_duplicate_code_is_409_and_writes_nothing(clients, admin, engines):
    company = create_org_unit(clients["targets"], admin, kind="company")
    again = clients["targets"].post(
        "/org-units", headers=admin, json={"kind": "company", "code": company["code"], "name": "Twin"}
    )
    assert again.status_code == 409 and again.json()["errors"][0]["field"] == "code"
    with engines["targets"].connect() as conn:
        assert (
            conn.execute(select(targets_db.org_units.c.id).where(targets_db.org_units.c.name == "Twin")).first() is None
        )


def test_manager_sees_only_their_subtree(clients, token, admin):
    company = create_org_unit(clients["targets"], admin, kind="company")
    east = create_org_unit(clients["targets"], admin, kind="region", parent_id=company["id"])
    west = create_org_unit(clients["targets"], admin, kind="region", parent_id=company["id"])
    east_office = create_org_unit(clients["targets"], admin, kind="office", parent_id=east["id"])
    manager = token("region_manager", east["id"])
    assert clients["targets"].get(f"/org-units/{east_office['id']}", headers=manager).status_code == 200
    assert clients["targets"].get(f"/org-units/{west['id']}", headers=manager).status_code == 404
    assert clients["targets"].get(f"/actuals/{west['id']}", headers=manager).status_code == 404
    visible = {u["id"] for u in clients["targets"].get("/org-units", headers=manager).json()}
    assert visible == {east["id"], east_office["id"]}
    refused = clients["targets"].post(
        "/org-units",
        headers=manager,
        json={"kind": "office", "code": unique("O"), "name": "Sneaky", "parent_id": west["id"]},
    )
    assert refused.status_code == 404


def test_health_readiness_and_metrics(clients, admin):
    for client in clients.values():
        assert client.get("/healthz").json() == {"status": "ok", "checks": {}}
        ready = client.get("/readyz")
        assert ready.status_code == 200 and ready.json()["checks"] == {"database": True, "broker": True}
    clients["inventory"].get("/dealers", headers=admin)
    metrics = clients["inventory"].get("/metrics/").text
    assert (
        'salesops_http_request_seconds_count{method="GET",route="/dealers",service="inventory",status="200"}' in metrics
    )


@pytest.mark.usefixtures("workers")
def test_correlation_id_flows_from_request_into_events_and_consumers(clients, admin, engines):
    correlation = uuid.uuid4().hex
    company = clients["targets"].post(
        "/org-units",
        headers={**admin, "X-Correlation-ID": correlation},
        json={"kind": "company", "code": unique("C"), "name": "Traced"},
    )
    assert company.headers["x-correlation-id"] == correlation
    with engines["targets"].connect() as conn:
        value = conn.scalar(select(targets_db.outbox.c.value).where(targets_db.outbox.c.key == company.json()["id"]))
    assert json.loads(value)["correlationid"] == correlation
    auditor = {"Authorization": admin["Authorization"]}
    archived = wait_until(
        lambda: clients["audit"].get("/events", params={"correlation_id": correlation}, headers=auditor).json(),
        message="archived event",
    )
    assert [e["subject"] for e in archived] == [company.json()["id"]]


def test_token_claims_are_checked_against_issuer_and_audience(clients, infra):
    key = jwt.algorithms.RSAAlgorithm.from_jwk(infra.issuer.jwk)
    assert isinstance(key, rsa.RSAPrivateKey), "the local issuer's JWK holds its private key"
    wrong_audience = jwt.encode(
        {"iss": infra.issuer.issuer, "aud": "other", "sub": "x", "role": "admin", "exp": 4_000_000_000},
        key,
        algorithm="RS256",
        headers={"kid": infra.issuer.jwk["kid"]},
    )
    answer = clients["visits"].get("/outlets", headers={"Authorization": f"Bearer {wrong_audience}"})
    assert answer.status_code == 401 and "audience" in answer.json()["detail"].lower()
