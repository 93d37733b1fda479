"""Facts that depend on several events, recomputed set-based for what a poll touched.

A stock line's `shipped` needs the shipments to its dealer that week, a receivable's `outstanding` its payments and
write-offs, a rep's week of compliance every schedule outcome of that week. Either side may arrive first (they
travel on different topics), so each is recomputed whenever either side arrives, and the affected keys are
returned for the rules to re-run.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date

from sqlalchemy import Connection, text


def stock_shipped(conn: Connection, dealer_weeks: Iterable[tuple[uuid.UUID, date]]) -> list[tuple[uuid.UUID, date]]:
    """Set each (dealer, week)'s stock lines' `shipped` to what was shipped to the dealer that week, per SKU."""
    pairs = sorted(set(dealer_weeks))
    if not pairs:
        return []
    rows = conn.execute(
        text(
            """
            UPDATE audit.fact_stock_lines s SET shipped = coalesce((
              SELECT sum(sh.quantity) FROM audit.fact_shipments sh
              WHERE sh.dealer_id = s.dealer_id AND sh.sku = s.sku
                AND sh.shipped_on BETWEEN s.week_start AND s.week_start + 6), 0)
            FROM unnest(CAST(:dealers AS uuid[]), CAST(:weeks AS date[])) AS w(dealer_id, week_start)
            WHERE s.dealer_id = w.dealer_id AND s.week_start = w.week_start
            RETURNING s.dealer_id, s.week_start"""
        ),
        {"dealers": [p[0] for p in pairs], "weeks": [p[1] for p in pairs]},
    ).all()
    return sorted({(r.dealer_id, r.week_start) for r in rows})


def receivables_outstanding(
    conn: Connection, invoice_ids: Iterable[str], external: Iterable[tuple[str, str]]
) -> list[tuple[str, date]]:
    """Outstanding = amount - payments - write-offs (never below 0), for invoices named by id or by ERP names."""
    ids, names = sorted(set(invoice_ids)), sorted(set(external))
    if not ids and not names:
        return []
    rows = conn.execute(
        text(
            """
            UPDATE audit.fact_receivables r SET outstanding = greatest(r.amount
              - coalesce((SELECT sum(p.amount) FROM audit.fact_payments p
                          WHERE p.erp_system = r.erp_system AND p.invoice_external_id = r.external_id), 0)
              - coalesce((SELECT sum(w.amount) FROM audit.fact_write_offs w WHERE w.invoice_id = r.invoice_id), 0), 0)
            WHERE r.amount IS NOT NULL AND (r.invoice_id = ANY(CAST(:ids AS text[]))
              OR (r.erp_system, r.external_id) IN (
                SELECT * FROM unnest(CAST(:systems AS text[]), CAST(:externals AS text[]))))
            RETURNING r.invoice_id, r.due_on"""
        ),
        {"ids": ids, "systems": [n[0] for n in names], "externals": [n[1] for n in names]},
    ).all()
    return [(r.invoice_id, r.due_on) for r in rows]


def compliance(conn: Connection, rep_weeks: Iterable[tuple[uuid.UUID, date]]) -> list[tuple[uuid.UUID, date]]:
    """A rep's week: planned = schedule entries with a known outcome, done = those visited."""
    pairs = sorted(set(rep_weeks))
    if not pairs:
        return []
    rows = conn.execute(
        text(
            """
            INSERT INTO audit.fact_compliance AS c (rep_id, week_start, org_unit_id, planned, done, event_id)
            SELECT w.rep_id, w.week_start,
              (array_agg(o.org_unit_id ORDER BY o.planned_on DESC, o.schedule_entry_id)
                 FILTER (WHERE o.org_unit_id IS NOT NULL))[1],
              count(*), count(*) FILTER (WHERE o.done), max(o.event_id)
            FROM unnest(CAST(:reps AS uuid[]), CAST(:weeks AS date[])) AS w(rep_id, week_start)
            JOIN audit.fact_schedule_outcomes o
              ON o.rep_id = w.rep_id AND o.planned_on BETWEEN w.week_start AND w.week_start + 6
            GROUP BY w.rep_id, w.week_start
            HAVING bool_or(o.org_unit_id IS NOT NULL)
            ON CONFLICT (rep_id, week_start) DO UPDATE SET org_unit_id = excluded.org_unit_id,
              planned = excluded.planned, done = excluded.done, event_id = excluded.event_id
            RETURNING c.rep_id, c.week_start"""
        ),
        {"reps": [p[0] for p in pairs], "weeks": [p[1] for p in pairs]},
    ).all()
    return [(r.rep_id, r.week_start) for r in rows]
