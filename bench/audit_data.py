"""Synthetic audit facts for the benchmarks, generated inside PostgreSQL (generate_series), not timed."""

from __future__ import annotations

import uuid

from sqlalchemy import Connection, text

REGIONS, OFFICES_PER_REGION = 10, 10


def org_tree(conn: Connection) -> list[uuid.UUID]:
    """Company -> 10 regions -> 100 offices in audit's projection; returns the offices."""
    company = uuid.uuid4()
    rows: list[tuple[uuid.UUID, uuid.UUID | None, str, str]] = [(company, None, "company", company.hex)]
    offices = []
    for _ in range(REGIONS):
        region = uuid.uuid4()
        rows.append((region, company, "region", f"{company.hex}.{region.hex}"))
        for _ in range(OFFICES_PER_REGION):
            office = uuid.uuid4()
            offices.append(office)
            rows.append((office, region, "office", f"{company.hex}.{region.hex}.{office.hex}"))
    conn.execute(
        text(
            "INSERT INTO audit.org_units (id, parent_id, kind, code, name, path) "
            "VALUES (:id, :p, :k, :c, :c, CAST(:path AS ltree))"
        ),
        [{"id": i, "p": p, "k": k, "c": f"B-{i.hex[:12]}", "path": path} for i, p, k, path in rows],
    )
    # One subtree override, so the settings join is exercised: the first region allows 5-minute visits.
    conn.execute(
        text(
            "INSERT INTO audit.rule_settings (rule, org_unit_id, enabled, severity, params, updated_by) "
            "VALUES ('visit_too_short', :u, true, 'low', '{\"min_minutes\": \"5\"}', 'bench')"
        ),
        {"u": rows[1][0]},
    )
    return offices


def visits(conn: Connection, n: int, offices: list[uuid.UUID]) -> None:
    """n visits: 4 a day per rep, 90 minutes apart, mostly 30 minutes long, near their outlet, unique photos; a few
    short, far, fast, reused-photo or low-score ones."""
    conn.execute(
        text(
            """
    INSERT INTO audit.fact_visits
    SELECT md5('visit' || g)::uuid, md5('rep' || (g / 4) % :reps)::uuid, md5('outlet' || g % 50000)::uuid,
      (CAST(:offices AS uuid[]))[1 + ((g / 4) % :reps) % cardinality(CAST(:offices AS uuid[]))],
      t, t + CASE WHEN g % 97 = 0 THEN interval '5 minutes' ELSE interval '30 minutes' END,
      lat + CASE WHEN g % 211 = 0 THEN 0.01 ELSE 0.0005 END, 120.0 + (g % 4) * 0.01,
      lat, 120.0 + (g % 4) * 0.01,
      ARRAY[CASE WHEN g % 5003 = 0 THEN 'dup' || g % 7 ELSE md5('photo' || g) END],
      CASE WHEN g % 1009 = 0 THEN 0.3 ELSE 0.6 + (g % 40) / 100.0 END, 'ev-v' || g
    FROM generate_series(0, :n - 1) g,
      LATERAL (SELECT timestamptz '2026-01-01 01:00+00' + ((g / 4) / :reps) * interval '1 day'
                      + (g % 4) * interval '90 minutes' AS t,
                      30.0 + ((g / 4) % :reps % 1000) * 0.001 + CASE WHEN g % 4 = 3 AND g % 13 = 0 THEN 3 ELSE 0 END
                      AS lat) x"""
        ),
        {"n": n, "reps": max(n // 400, 1), "offices": offices},
    )


def stock_lines(conn: Connection, n: int, offices: list[uuid.UUID]) -> None:
    """n weekly lines: 10 SKUs per dealer, 50 weeks; 22 days of cover normally, some out of band, negative,
    short-received or with near-expiry stock."""
    conn.execute(
        text(
            """
    INSERT INTO audit.fact_stock_lines
    SELECT md5('dealer' || d)::uuid, 'SKU-' || s, date '2026-01-05' + 7 * w,
      (CAST(:offices AS uuid[]))[1 + d % cardinality(CAST(:offices AS uuid[]))],
      220, 70, CASE WHEN d % 50 = 0 THEN 100 WHEN (d + w) % 301 = 0 THEN 300 ELSE 220 END,
      CASE WHEN (d + s + w) % 199 = 0 THEN 50 ELSE 5 END,
      CASE WHEN (d + w) % 97 = 0 THEN 80 ELSE 70 END, 'ev-s' || g
    FROM generate_series(0, :n - 1) g,
      LATERAL (SELECT g / 500 AS d, (g / 50) % 10 AS s, g % 50 AS w) x"""
        ),
        {"n": n, "offices": offices},
    )


def market(conn: Connection, n: int, offices: list[uuid.UUID]) -> None:
    """n/10 orders, price observations, sightings and shipments, and compliance weeks, with a few anomalies."""
    params = {"n": n // 10, "offices": offices}
    office = "(CAST(:offices AS uuid[]))[1 + g % cardinality(CAST(:offices AS uuid[]))]"
    for sql in [
        "INSERT INTO audit.fact_sku_prices SELECT 'SKU-' || s, 10, 12, 'ev-p' || s FROM generate_series(0, 9) s",
        f"""INSERT INTO audit.fact_price_observations SELECT 'o' || g, 'visit', 'outlet:' || md5('outlet' || g % 50000),
            {office}, 'SKU-' || g % 10, CASE WHEN g % 101 = 0 THEN 9.5 ELSE 12 END,
            date '2026-01-01' + g % 300, 'ev-o' || g FROM generate_series(0, :n - 1) g""",
        f"""INSERT INTO audit.fact_shipments SELECT 's' || g, md5('dealer' || g % 2000)::uuid, {office},
            md5('region' || g % 10)::uuid, 'SKU-' || g % 10, 'B' || g, 100, date '2026-01-01' + g % 300, 'ev-sh' || g
            FROM generate_series(0, :n - 1) g""",
        f"""INSERT INTO audit.fact_batch_sightings SELECT 'x' || g, md5('outlet' || g % 50000)::uuid, {office},
            md5('region' || (g + CASE WHEN g % 211 = 0 THEN 1 ELSE 0 END) % 10)::uuid, 'SKU-' || g % 10, 'B' || g,
            date '2026-01-10' + g % 300, 'ev-x' || g FROM generate_series(0, :n - 1) g""",
        f"""INSERT INTO audit.fact_orders SELECT 'ord' || g, md5('dealer' || g % 2000)::uuid, {office},
            date '2026-01-01' + g % 360, 100 + g % 50, 'ev-ord' || g FROM generate_series(0, :n - 1) g""",
        f"""INSERT INTO audit.fact_returns SELECT 'ret' || g, md5('dealer' || g % 2000)::uuid, {office},
            date '2026-01-01' + g % 360, 500, 'ev-ret' || g FROM generate_series(0, :n / 20 - 1) g""",
        f"""INSERT INTO audit.fact_compliance SELECT md5('rep' || g % 2500)::uuid, date '2026-01-05' + 7 * (g / 2500),
            {office}, 20, CASE WHEN g % 37 = 0 THEN 10 ELSE 18 END, 'ev-c' || g
            FROM generate_series(0, least(:n, 2500 * 50) - 1) g""",
    ]:
        conn.execute(text(sql), params)
