"""Hostile or careless input at the HTTP edge: bad tokens and claims, correlation ids, oversized bodies, rate limits,
unhandled errors; plus the headers, docs and metrics every API serves."""

from __future__ import annotations

import base64
import json
import re
import uuid

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import APIRouter, Depends
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY

from shared.auth import LocalIssuer, PrincipalDep, TokenVerifier, Unauthorized
from shared.http.app import create_service_app
from shared.identity import Principal, Role
from tests.support import create_org_unit


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def signed(infra, **claims) -> str:
    key = jwt.algorithms.RSAAlgorithm.from_jwk(infra.issuer.jwk)
    assert isinstance(key, rsa.RSAPrivateKey)
    base = {"iss": infra.issuer.issuer, "aud": infra.issuer.audience, "sub": "x", "role": "admin", "exp": 4_000_000_000}
    return jwt.encode({**base, **claims}, key, algorithm="RS256", headers={"kid": infra.issuer.jwk["kid"]})


def test_a_token_naming_another_algorithm_for_our_key_is_401(clients, infra):
    def part(value: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    header = part({"alg": "ES256", "kid": infra.issuer.jwk["kid"], "typ": "JWT"})
    payload = part({"iss": infra.issuer.issuer, "aud": "salesops", "sub": "x", "role": "admin", "exp": 4_000_000_000})
    answer = clients["targets"].get("/org-units", headers=bearer(f"{header}.{payload}.Z2FyYmFnZQ"))
    assert answer.status_code == 401
    assert answer.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("claims", [{"org_unit": 5}, {"org_unit": ["a"]}, {"person_id": {"a": 1}}, {"role": ["x"]}])
def test_claims_of_the_wrong_type_are_401(clients, infra, claims):
    answer = clients["targets"].get("/org-units", headers=bearer(signed(infra, **claims)))
    assert answer.status_code == 401, answer.text


def test_401_details_are_ours_not_the_librarys(clients, infra, tmp_path):
    forged = clients["targets"].get("/org-units", headers=bearer(LocalIssuer(tmp_path).issue(role="admin")))
    garbage = clients["targets"].get("/org-units", headers=bearer("not.a.token"))
    for answer in (forged, garbage):
        assert answer.status_code == 401
        detail = answer.json()["detail"]
        assert detail.startswith("invalid bearer token: ")
        assert not re.search(r"Signature verification failed|Invalid header|padding|kid '|Not enough segments", detail)


def test_a_value_the_database_refuses_is_422_without_its_message(clients, admin):
    answer = clients["targets"].post(
        "/org-units", headers=admin, json={"kind": "company", "code": "NUL1", "name": "a\0b"}
    )
    assert answer.status_code == 422
    assert "0x00" not in answer.text and "PostgreSQL" not in answer.text


def test_only_company_wide_roles_see_everything_without_a_scope(clients, token, admin):
    create_org_unit(clients["targets"], admin, kind="company")
    assert not Principal("s", Role.director, None).sees_everything
    assert Principal("s", Role.auditor, None).sees_everything
    assert clients["targets"].get("/org-units", headers=token("director")).json() == []
    assert clients["targets"].get("/org-units", headers=token("auditor")).json() != []


@pytest.mark.parametrize("given", ["a" * 100, "bad id with spaces", "ünïcode".encode(), ""])
def test_a_bad_correlation_id_is_replaced(clients, given):
    answer = clients["targets"].get("/healthz", headers={"X-Correlation-ID": given})
    returned = answer.headers["x-correlation-id"]  # given may be bytes (UTF-8): compared as sent
    assert returned != given and re.fullmatch(r"[A-Za-z0-9._-]{1,64}", returned)


def test_a_good_correlation_id_is_kept(clients):
    given = "req-1.2_" + "x" * 56
    assert clients["targets"].get("/healthz", headers={"X-Correlation-ID": given}).headers["x-correlation-id"] == given


def test_bodies_over_the_limit_are_413_whether_declared_or_streamed(clients, admin, settings):
    too_big = b"x" * (settings.http_max_body_bytes + 1)
    declared = clients["targets"].post(
        "/org-units", headers={**admin, "content-type": "application/json"}, content=too_big
    )
    assert declared.status_code == 413 and declared.json()["status"] == 413

    def chunks():  # no Content-Length: the limit counts the bytes as they arrive
        for start in range(0, len(too_big), 2**16):
            yield too_big[start : start + 2**16]

    streamed = clients["targets"].post(
        "/org-units", headers={**admin, "content-type": "application/json"}, content=chunks()
    )
    assert streamed.status_code == 413 and streamed.headers["content-type"] == "application/problem+json"


def test_file_imports_may_be_larger_than_other_bodies(clients, admin, settings):
    csv = b"org_unit_code,weight\n" + b"X,1\n" * (settings.http_max_body_bytes // 4 + 10)
    answer = clients["targets"].post(
        f"/plans/{uuid.uuid4()}/imports/weights", headers={**admin, "content-type": "text/csv"}, content=csv
    )
    assert answer.status_code == 404  # read and refused for the unknown plan, not for its size


def test_security_headers(clients, admin):
    public = clients["targets"].get("/healthz")
    private = clients["targets"].get("/org-units", headers=admin)
    assert public.headers["x-content-type-options"] == private.headers["x-content-type-options"] == "nosniff"
    assert private.headers["cache-control"] == "no-store"
    assert "cache-control" not in public.headers


def test_a_caller_over_its_rate_gets_429_with_retry_after(settings, engines, token):
    app = create_service_app(
        service="targets",
        title="limited",
        description="",
        routers=[],
        settings=settings.model_copy(update={"http_rate_per_second": 0.5, "http_rate_burst": 2}),
        engine=engines["targets"],
    )
    router = APIRouter()

    @router.get("/me")
    async def me(principal: PrincipalDep):
        return {"subject": principal.subject}

    app.include_router(router)
    client = TestClient(app)
    caller, other = token("rep"), token("rep")
    assert [client.get("/me", headers=caller).status_code for _ in range(3)] == [200, 200, 429]
    refused = client.get("/me", headers=caller)
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
    assert refused.headers["content-type"] == "application/problem+json"
    assert client.get("/me", headers=other).status_code == 200  # per caller


def test_an_unhandled_error_in_a_dependency_is_a_counted_500_problem(settings, engines):
    def broken() -> None:
        raise RuntimeError("boom")

    router = APIRouter()

    @router.get("/broken", dependencies=[Depends(broken)])
    def endpoint():
        return {}

    app = create_service_app(
        service="broken", title="b", description="", routers=[router], settings=settings, engine=engines["targets"]
    )
    labels = {"service": "broken", "route": "/broken"}
    before = REGISTRY.get_sample_value("salesops_http_errors_total", labels) or 0
    answer = TestClient(app, raise_server_exceptions=False).get("/broken", headers={"X-Correlation-ID": "trace-1"})
    assert answer.status_code == 500
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.headers["x-correlation-id"] == "trace-1"
    assert "boom" not in answer.text
    assert (
        REGISTRY.get_sample_value("salesops_http_errors_total", {"service": "broken", "route": "/broken"}) == before + 1
    )


def test_the_local_issuer_gives_each_token_its_own_subject(infra):
    first, second = (jwt.decode(infra.issuer.issue(role="rep"), options={"verify_signature": False}) for _ in range(2))
    assert first["sub"] != second["sub"]
    asked = jwt.decode(infra.issuer.issue(role="rep", subject="alice"), options={"verify_signature": False})
    assert asked["sub"] == "alice"


def test_keys_are_read_once_and_verified_tokens_remembered(tmp_path):
    issuer = LocalIssuer(tmp_path)
    verifier = TokenVerifier(str(issuer.jwks_path), issuer.issuer, issuer.audience)
    token = issuer.issue(role="rep")
    assert verifier.verify(token).role == Role.rep
    issuer.jwks_path.write_text("not json")  # a re-read now would fail: keys must come from memory
    assert verifier.verify(issuer.issue(role="admin")).role == Role.admin
    remembered = verifier.tokens.get(token)
    assert remembered is not None and remembered.role == Role.rep
    expired = issuer.issue(role="rep", ttl_seconds=-1)
    with pytest.raises(Unauthorized, match="expired"):
        verifier.verify(expired)
    assert verifier.tokens.get(expired) is None


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_load_only_local_assets(clients, page):
    html = clients["targets"].get(page).text
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets and all(a.startswith("/") for a in assets), assets
    assert "cdn" not in html.lower()
    for asset in assets:
        assert clients["targets"].get(asset).status_code == 200, asset


def test_metrics_answer_on_both_paths_without_a_redirect(clients):
    for path in ("/metrics", "/metrics/"):
        answer = clients["targets"].get(path, follow_redirects=False)
        assert answer.status_code == 200 and "salesops_http_request_seconds" in answer.text
