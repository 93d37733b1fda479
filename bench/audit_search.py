"""Findings search over 1 M findings: p95 latency of a filtered first page through the HTTP API (in-process
client, real token verification, real PostgreSQL), over a mix of filters auditors and managers use."""

from __future__ import annotations

import hashlib
import random
import time
import uuid

from fastapi.testclient import TestClient
from sqlalchemy import text

from bench.audit_data import org_tree
from bench.servers import benchmark_servers, figures, parse_args, percentile
from services.audit.domain.settings import RULES, Severity
from services.audit.domain.workflow import Status
from services.audit.main import create_app
from shared.db import make_engine


def findings(conn, n: int, offices) -> None:
    """n findings over 2026, spread over 16 rules, 4 severities, 8 statuses and 100 offices (not timed)."""
    conn.execute(
        text(
            """
    INSERT INTO audit.findings (rule, subject, period, org_unit_id, severity, status, evidence, sources, deadline,
                                opened_at, last_fired_at)
    SELECT (CAST(:rules AS text[]))[1 + g % 16], 'rep:' || md5('rep' || g % 20000)::uuid, 'P' || g,
      (CAST(:offices AS uuid[]))[1 + (g / 7) % 100], (CAST(:severities AS text[]))[1 + (g / 3) % 4],
      (CAST(:statuses AS text[]))[1 + (g / 5) % 8], '{}', ARRAY['ev-' || g], date '2026-02-01',
      t, t
    FROM generate_series(0, :n - 1) g, LATERAL (SELECT timestamptz '2026-01-01' + g * interval '31 seconds' AS t) x"""
        ),
        {
            "n": n,
            "rules": list(RULES),
            "offices": offices,
            "severities": [s.value for s in Severity],
            "statuses": [s.value for s in Status],
        },
    )


def _bearer(jwt: str) -> dict:
    return {"Authorization": f"Bearer {jwt}"}


def main() -> None:
    args = parse_args(__doc__)
    n, queries = (50_000, 100) if args.quick else (1_000_000, 400)
    with benchmark_servers() as infra:
        engine = make_engine(infra.settings.service_url("audit"))
        with engine.begin() as conn:
            offices = org_tree(conn)
            findings(conn, n, offices)
            conn.execute(text("ANALYZE"))
            regions = conn.scalars(text("SELECT id FROM audit.org_units WHERE kind = 'region'")).all()
        rng = random.Random(13)
        auditor = _bearer(infra.issuer.issue(role="auditor", subject="bench-auditor"))
        managers = [(_bearer(infra.issuer.issue(role="region_manager", org_unit=str(r))), r) for r in regions]
        client = TestClient(create_app(settings=infra.settings, engine=engine))

        def request() -> tuple[dict, dict]:
            kind = rng.randrange(6)
            rule = rng.choice(list(RULES))
            if kind == 0:
                return auditor, {"rule": rule}
            if kind == 1:
                return auditor, {"rule": rule, "status": rng.choice(list(Status)).value}
            if kind == 2:
                return auditor, {"org_unit_id": str(rng.choice(regions)), "severity": "high"}
            if kind == 3:
                return auditor, {
                    "subject": f"rep:{uuid.UUID(hashlib.md5(f'rep{rng.randrange(20000)}'.encode()).hexdigest())}"
                }
            if kind == 4:
                day = f"2026-{rng.randrange(1, 12):02d}-{rng.randrange(1, 28):02d}"
                return auditor, {"opened_from": day, "opened_to": day, "status": "open"}
            headers, _ = rng.choice(managers)
            return headers, {"status": rng.choice(["open", "acknowledged", "rectifying"])}

        samples = []
        for i in range(queries + 20):
            headers, params = request()
            started = time.perf_counter()
            answer = client.get("/findings", params=params, headers=headers)
            elapsed = time.perf_counter() - started
            assert answer.status_code == 200, answer.text
            if i >= 20:  # warm-up: connection pool and caches
                samples.append(elapsed * 1000)
        client.close()
        engine.dispose()
    print(figures(findings=n, queries=len(samples), p50_ms=percentile(samples, 50), p95_ms=percentile(samples, 95)))


if __name__ == "__main__":
    main()
