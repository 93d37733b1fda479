"""Every figure of every staged line derived by PostgreSQL in one set-based statement, as `domain/stock.py` specifies.

The domain functions stay the specification (tests hold the two to the same numbers). Here the same integer
arithmetic is written in SQL, so a million lines are judged where they are stored instead of one by one in Python:
sold, safety stock, stock days to 0.1 half-up, the band on the exact ratio, batches' age and near-expiry quantity,
and the suggested order in whole cases."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any, cast

from sqlalchemy import Connection, text

from services.inventory.domain.dealer_orders import OPEN_STATUSES
from services.inventory.stock_reports import lookups
from shared.identity import Principal
from shared.outbox import lane_of

# One row per (dealer, week) in the file: the dealer in the caller's scope, its previous report and what is refused.
REPORTS = """
SELECT row_number() OVER (ORDER BY g.first_row)::integer AS report_no,
       coalesce(CAST(:report_id AS uuid), gen_random_uuid()) AS report_id,
       gen_random_uuid() AS submitted_event_id, gen_random_uuid() AS alerts_event_id,
       g.dealer_ref, g.period_end, coalesce(CAST(:period_start AS date), g.period_end - 6) AS period_start,
       g.first_row, g.line_count, d.dealer_id, d.code AS dealer_code, d.org_unit_id, d.status, d.lane,
       -- the dealer's own band, and the band of its nearest org unit with a policy (else 20–25 days, 003),
       -- with the days of cover each aims at in hundredths (the middle of the band unless the policy says)
       d.band_low, d.band_high, (d.band_low + d.band_high) * 50 AS dealer_target,
       coalesce(d.policy_low, 20) AS unit_low, coalesce(d.policy_high, 25) AS unit_high,
       coalesce((d.policy_target * 100)::bigint, (coalesce(d.policy_low, 20) + coalesce(d.policy_high, 25)) * 50)
           AS unit_target,
       -- near expiry: less than num/den of the shelf life left (a third unless the policy says otherwise)
       CASE WHEN d.policy_fraction > 0 THEN (d.policy_fraction * 10000)::bigint ELSE 1 END AS near_num,
       CASE WHEN d.policy_fraction > 0 THEN 10000 ELSE 3 END AS near_den,
       g.first_row > min(g.first_row) OVER (PARTITION BY g.dealer_ref) AS another_week,
       EXISTS (SELECT FROM inventory.stock_reports x WHERE x.dealer_id = d.dealer_id AND x.period_end = g.period_end)
           AS taken,
       (SELECT p.id FROM inventory.stock_reports p WHERE p.dealer_id = d.dealer_id AND p.period_end < g.period_end
        ORDER BY p.period_end DESC LIMIT 1) AS previous_id
FROM (SELECT dealer_ref, period_end, min(row_no) AS first_row, count(*) AS line_count
      FROM stock_stage GROUP BY dealer_ref, period_end) g
LEFT JOIN stock_stage_dealers d ON d.ref = g.dealer_ref
"""

# Every line of the submission with its figures. Integer arithmetic throughout, as in the domain: a ceiling is
# (a + b − 1) / b on non-negative integers, days of cover are in hundredths, a share of shelf life is num/den.
# The inner query is kept apart (OFFSET 0) so that sold and the band are computed once per line, not per use.
LINES = """
WITH previous AS (  -- per report through the lines' primary key: never a scan of every line ever reported
    SELECT pl.report_id, pl.sku_id, pl.closing, pl.sold FROM stock_stage_reports r
    CROSS JOIN LATERAL (SELECT * FROM inventory.stock_report_lines x WHERE x.report_id = r.previous_id) pl
), open_orders AS (
    SELECT o.dealer_id, ol.sku_id, sum(ol.quantity - ol.shipped) AS quantity
    FROM inventory.dealer_orders o JOIN inventory.dealer_order_lines ol ON ol.order_id = o.id
    WHERE o.dealer_id IN (SELECT dealer_id FROM stock_stage_reports) AND o.status = ANY(CAST(:open AS text[]))
    GROUP BY o.dealer_id, ol.sku_id
)
SELECT row_no, report_no, report_id, dealer_found, sku_id, sku, opening, received, closing, sold,
       previous_closing, previous_sold, open_orders, case_size, batch_count, batch_code, batch_total, oldest,
       (coalesce(previous_sold, 0) * 15)::numeric * 0.1 AS safety_stock,  -- × 1.5, one decimal exactly
       CASE WHEN closing = 0 THEN 0 WHEN sold = 0 THEN NULL  -- to 0.1 day, half up
            ELSE ((2 * closing * period_days * 10 + sold) / (2 * sold))::numeric * 0.1 END AS stock_days,
       CASE WHEN closing = 0 THEN 'low'
            WHEN sold = 0 OR closing * period_days > band_high * sold THEN 'high'
            WHEN closing * period_days < band_low * sold THEN 'low' ELSE 'normal' END AS band,
       band_low, band_high, target::numeric * 0.01 AS target_days,
       CASE WHEN batch_count > 0 THEN period_end - oldest END AS oldest_age_days, near_expiry,
       CASE WHEN gap > 0 THEN (gap + case_size - 1) / case_size * case_size ELSE 0 END AS suggested_order,
       array_remove(ARRAY[
           CASE WHEN previous_closing IS NOT NULL AND opening <> previous_closing
                THEN 'opening_differs_from_last_closing' END,
           CASE WHEN previous_sold IS NULL THEN 'no_previous_period' END,
           CASE WHEN batch_count = 0 AND closing <> 0 THEN 'batches_missing' END,
           CASE WHEN near_expiry > 0 THEN 'near_expiry' END], NULL)::varchar(40)[] AS flags,
       -- check_line's refusals: negative figures, negative sales, batches that do not make up closing
       opening < 0 OR received < 0 OR closing < 0 OR sold < 0
           OR (batch_count > 0 AND (NOT codes_unique OR batch_min <= 0 OR newest > period_end
                                    OR batch_total <> closing)) AS rejected
FROM (
    SELECT *, greatest((sold * target + period_days * 100 - 1) / (period_days * 100),  -- cover for the target days
                       (coalesce(previous_sold, 0) * 3 + 1) / 2)  -- safety stock, whole units up
              - closing - open_orders AS gap
    FROM (
        SELECT l.row_no, r.report_no, r.report_id, r.dealer_id IS NOT NULL AS dealer_found, r.period_end,
               r.period_end - r.period_start + 1 AS period_days, s.id AS sku_id, l.sku, s.case_size,
               coalesce(l.opening, p.closing) + l.received - l.closing AS sold,
               coalesce(l.opening, p.closing) AS opening, l.received, l.closing,
               p.closing AS previous_closing, p.sold AS previous_sold, coalesce(oo.quantity, 0) AS open_orders,
               l.batch_count, l.batch_code, l.batch_total, l.batch_min, l.oldest, l.newest, l.codes_unique,
               -- the band of the dealer, else of the SKU, else of the nearest org unit with a policy, else 20–25
               coalesce(r.band_low, s.band_low_days, r.unit_low) AS band_low,
               CASE WHEN r.band_low IS NOT NULL THEN r.band_high WHEN s.band_low_days IS NOT NULL
                    THEN s.band_high_days ELSE r.unit_high END AS band_high,
               CASE WHEN r.band_low IS NOT NULL THEN r.dealer_target WHEN s.band_low_days IS NOT NULL
                    THEN (s.band_low_days + s.band_high_days) * 50 ELSE r.unit_target END AS target,
               CASE WHEN l.batch_count = 0 OR s.shelf_life_days IS NULL THEN NULL
                    WHEN l.batch_count = 1 THEN CASE WHEN (s.shelf_life_days - (r.period_end - l.oldest)) * r.near_den
                                                          < s.shelf_life_days * r.near_num THEN l.batch_total ELSE 0 END
                    ELSE (SELECT coalesce(sum(b.quantity), 0) FROM stock_stage_batches b WHERE b.row_no = l.row_no
                          AND (s.shelf_life_days - (r.period_end - b.produced_on)) * r.near_den
                              < s.shelf_life_days * r.near_num) END AS near_expiry
        FROM stock_stage l
        LEFT JOIN stock_stage_reports r ON r.dealer_ref = l.dealer_ref AND r.period_end = l.period_end
        LEFT JOIN inventory.skus s ON s.code = l.sku
        LEFT JOIN previous p ON p.report_id = r.previous_id AND p.sku_id = s.id
        LEFT JOIN open_orders oo ON oo.dealer_id = r.dealer_id AND oo.sku_id = s.id
        OFFSET 0
    ) line
    OFFSET 0
) need
"""

# The staging tables filled here (made once per session: submission.STAGING); the derived two take the shape of
# their statements, parameters as NULL.
TABLES = f"""
CREATE TEMP TABLE IF NOT EXISTS stock_stage_dealers (
    ref text PRIMARY KEY, dealer_id uuid NOT NULL, code text NOT NULL, org_unit_id uuid NOT NULL,
    status text NOT NULL, lane integer NOT NULL, band_low integer, band_high integer,
    policy_low integer, policy_high integer, policy_target numeric, policy_fraction numeric
) ON COMMIT DELETE ROWS;
CREATE TEMP TABLE IF NOT EXISTS stock_stage_reports ON COMMIT DELETE ROWS AS
{REPORTS.replace(":report_id", "NULL").replace(":period_start", "NULL")} WITH NO DATA;
CREATE TEMP TABLE IF NOT EXISTS stock_stage_lines ON COMMIT DELETE ROWS AS
{LINES.replace(":open", "NULL")} WITH NO DATA;
"""


# Above this many rows the planner is given the staged tables' statistics (ANALYZE) and a hash join; a rep's report
# of a few lines skips both, which buy nothing there and cost round trips and catalog writes.
LARGE = 1_000
FILL_REPORTS = text(f"INSERT INTO stock_stage_reports {REPORTS}")
FILL_LINES = text(f"INSERT INTO stock_stage_lines {LINES}")
OPEN = sorted(s.value for s in OPEN_STATUSES)
HASH_JOIN = "SELECT set_config('enable_mergejoin', 'off', true), set_config('work_mem', '64MB', true)"
PLANNER_DEFAULTS = (  # back to what the session had before (reset_val), for the rest of the transaction
    "SELECT set_config(name, reset_val || CASE WHEN unit = 'kB' THEN 'kB' ELSE '' END, true) FROM pg_settings "
    "WHERE name IN ('enable_mergejoin', 'work_mem')"
)


def stage_dealers(conn: Connection, principal: Principal, refs: set[str], *, by_code: bool) -> None:
    """The dealers named in the submission that the caller may see, with the policy of their org unit."""
    if by_code:
        found = lookups.dealers_by_code(conn, principal, refs)
    else:
        found = {str(k): v for k, v in lookups.dealers_by_id(conn, principal, {uuid.UUID(r) for r in refs}).items()}
    policies = lookups.unit_policies(conn, {d.org_unit_id for d in found.values()})
    raw = cast(Any, conn.connection.driver_connection)
    with raw.cursor() as cursor, cursor.copy("COPY stock_stage_dealers FROM STDIN") as copy:
        for ref, d in found.items():
            p = policies.get(d.org_unit_id)
            policy = (p.band_low_days, p.band_high_days, p.target_days, p.near_expiry_fraction) if p else (None,) * 4
            band = (d.band_low_days, d.band_high_days)
            copy.write_row((ref, d.id, d.code, d.org_unit_id, d.status, lane_of(str(d.id)), *band, *policy))


def derive(conn: Connection, *, rows: int, report_id: uuid.UUID | None, period_start: date | None) -> None:
    """Group the `rows` staged rows into reports and derive every line (`stock_stage_reports`, `stock_stage_lines`)."""
    large = rows > LARGE
    if large:
        conn.exec_driver_sql("ANALYZE stock_stage")  # the planner's row counts for the joins that follow
    conn.execute(FILL_REPORTS, {"report_id": report_id, "period_start": period_start})
    if not large:
        conn.execute(FILL_LINES, {"open": OPEN})
        return
    conn.exec_driver_sql("ANALYZE stock_stage_reports")
    # Last week's lines are found by hashing them (about 64 bytes a line), not by the merge join the planner picks,
    # which sorts the million wide staged rows (200 MB spilled to disk): measured side by side on 300,000 lines,
    # 1.1 s of PostgreSQL CPU instead of 2.2 s. The hash of a 1 M-line week fits the 64 MB (x2 for hashes).
    conn.exec_driver_sql(HASH_JOIN)
    conn.execute(FILL_LINES, {"open": OPEN})
    conn.exec_driver_sql(PLANNER_DEFAULTS)
