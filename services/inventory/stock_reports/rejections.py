"""Why a submission is refused: the bad rows found by query over the staged lines, worded as the domain words them.

Only refused rows come back to Python (at most the first MAX_ERRORS, with the total counted by the query). A line
the query refuses is re-judged by `domain.stock.check_line`, so the reason and the column are the domain's own."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, text

from services.inventory.domain.stock import Batch, LineRejected, StockLine, check_line

ERRORS = text("""
SELECT phase, row_no, sub, kind, subject, detail, count(*) OVER () AS total FROM (
    SELECT 1 AS phase, first_row AS row_no, 0 AS sub,
           CASE WHEN dealer_id IS NULL THEN 'dealer_missing' WHEN status <> 'active' THEN 'dealer_inactive'
                ELSE 'another_week' END AS kind, dealer_ref AS subject, status AS detail
    FROM stock_stage_reports WHERE dealer_id IS NULL OR status <> 'active' OR another_week
    UNION ALL
    SELECT 1, row_no, 1, 'sku_missing', sku, NULL FROM stock_stage_lines WHERE sku_id IS NULL
    UNION ALL
    SELECT 2, first_row, 0, 'taken', dealer_code, period_end::text FROM stock_stage_reports WHERE taken
    UNION ALL
    SELECT 3, row_no, 0, CASE WHEN opening IS NULL THEN 'opening_missing' ELSE 'rejected' END, sku, NULL
    FROM stock_stage_lines WHERE dealer_found AND sku_id IS NOT NULL AND (opening IS NULL OR rejected)
) e ORDER BY phase, row_no, sub LIMIT :limit
""")

# A SKU twice in one dealer's week: the primary key of the lines finds it when all else is well (no cost then),
# this query names the rows when a submission is refused anyway or the key was violated.
DUPLICATES = text("""
SELECT 1 AS phase, d.row_no, 2 AS sub, 'sku_twice' AS kind, d.sku AS subject, r.dealer_ref AS detail,
       count(*) OVER () AS total
FROM (SELECT row_no, report_no, sku, row_number() OVER (PARTITION BY report_no, sku_id ORDER BY row_no) AS n
      FROM stock_stage_lines WHERE sku_id IS NOT NULL) d
JOIN stock_stage_reports r ON r.report_no = d.report_no
WHERE d.n > 1 ORDER BY d.row_no LIMIT :limit
""")

REJECTED_LINES = text("""
SELECT l.row_no, l.sku, l.opening, l.received, l.closing, r.period_end, l.batch_count, l.batch_code, l.batch_total,
       l.oldest, (SELECT json_agg(json_build_array(b.code, b.produced_on, b.quantity))
                  FROM stock_stage_batches b WHERE b.row_no = l.row_no) AS batches
FROM stock_stage_lines l JOIN stock_stage_reports r ON r.report_no = l.report_no WHERE l.row_no = ANY(:rows)
""")


def find(conn: Connection, limit: int, *, duplicates: bool) -> tuple[list, int]:
    """(the first `limit` refusals as rows of the queries above, how many there are in all)."""
    queries = [ERRORS, DUPLICATES] if duplicates else [ERRORS]
    found: list = []
    total = 0
    for query in queries:
        rows = conn.execute(query, {"limit": max(limit, 1)}).all()
        total += rows[0].total if rows else 0
        found.extend(rows)
    return sorted(found, key=lambda r: (r.phase, r.row_no, r.sub))[:limit], total


def describe(conn: Connection, found: list, label: str, *, by_code: bool) -> list[dict]:
    """Each refusal as {field, reason}, in the words the rules use."""
    lines = {}
    rejected = [r.row_no for r in found if r.kind == "rejected"]
    if rejected:
        lines = {r.row_no: r for r in conn.execute(REJECTED_LINES, {"rows": rejected})}
    dealer_field = "dealer_code" if by_code else "dealer_id"
    out = []
    for r in found:
        at = f"{label}[{r.row_no}]"
        if r.kind == "dealer_missing":
            out.append({"field": f"{at}.{dealer_field}", "reason": f"dealer {r.subject} not found"})
        elif r.kind == "dealer_inactive":
            out.append({"field": f"{at}.{dealer_field}", "reason": f"dealer {r.subject} is {r.detail}"})
        elif r.kind == "another_week":
            reason = f"send one week per dealer at a time ({r.subject} has two)"
            out.append({"field": f"{at}.period_end", "reason": reason})
        elif r.kind == "sku_missing":
            out.append({"field": f"{at}.sku", "reason": f"SKU {r.subject!r} not found"})
        elif r.kind == "sku_twice":
            reason = f"SKU {r.subject!r} appears twice in the report of {r.detail}"
            out.append({"field": f"{at}.sku", "reason": reason})
        elif r.kind == "taken":
            reason = f"{r.subject} already reported the week to {r.detail}"
            out.append({"field": f"{at}.period_end", "reason": reason})
        elif r.kind == "opening_missing":
            reason = "opening is required: there is no previous report to take it from"
            out.append({"field": f"{at}.opening", "reason": reason})
        else:
            column, reason = _rejection(lines[r.row_no])
            out.append({"field": f"{at}.{column}", "reason": reason})
    return out


def _rejection(row) -> tuple[str, str]:
    """The domain's reason for refusing a line the query refused."""
    if row.batch_count == 1:
        batches: tuple[Batch, ...] = (Batch(row.batch_code, row.oldest, row.batch_total),)
    else:
        batches = tuple(Batch(code, date.fromisoformat(day), qty) for code, day, qty in row.batches or ())
    line = StockLine(row.sku, row.opening, row.received, row.closing, batches)
    try:
        check_line(line, row.period_end)
    except LineRejected as exc:
        return exc.column, exc.reason
    raise AssertionError(f"row {row.row_no}: the query refused a line the domain accepts")  # the two must agree
