"""Writing derived reports, lines and batches from the staging tables: one INSERT … SELECT each, whatever the size."""

from __future__ import annotations

from sqlalchemy import Connection, text

REPORTS = text("""
INSERT INTO inventory.stock_reports
    (id, dealer_id, org_unit_id, period_start, period_end, source, submitted_by, line_count)
SELECT report_id, dealer_id, org_unit_id, period_start, period_end, :source, :submitted_by, line_count
FROM stock_stage_reports ORDER BY first_row
RETURNING id
""")

LINES = text("""
INSERT INTO inventory.stock_report_lines
    (report_id, sku_id, opening, received, closing, sold, previous_closing, previous_sold, safety_stock, stock_days,
     band, band_low_days, band_high_days, target_days, oldest_age_days, near_expiry, open_orders, case_size,
     suggested_order, flags)
SELECT report_id, sku_id, opening, received, closing, sold, previous_closing, previous_sold, safety_stock, stock_days,
       band, band_low, band_high, target_days, oldest_age_days, near_expiry, open_orders, case_size,
       suggested_order, flags
FROM stock_stage_lines
""")

# A line's single batch is staged with the line; several batches of a line were staged row by row.
BATCHES = text("""
INSERT INTO inventory.stock_report_batches (report_id, sku_id, batch_code, produced_on, quantity)
SELECT report_id, sku_id, batch_code, oldest, batch_total FROM stock_stage_lines WHERE batch_count = 1
UNION ALL
SELECT l.report_id, l.sku_id, b.code, b.produced_on, b.quantity
FROM stock_stage_batches b JOIN stock_stage_lines l ON l.row_no = b.row_no
""")


def write_reports(conn: Connection, *, source: str, submitted_by: str) -> list:
    """The reports, in the order their first rows came; returns their ids."""
    return list(conn.execute(REPORTS, {"source": source, "submitted_by": submitted_by}).scalars())


def write_lines(conn: Connection) -> None:
    """Every line with its figures. Raises IntegrityError when a SKU appears twice in a report (the primary key)."""
    conn.execute(LINES)


def write_batches(conn: Connection) -> None:
    conn.execute(BATCHES)
