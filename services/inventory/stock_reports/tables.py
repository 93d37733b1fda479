"""Weekly stock reports (进销存表): one line per SKU with its derived figures, closing stock by batch, and the
stock-days band a company (or any org unit) sets for its dealers."""

from sqlalchemy import Column, Date, ForeignKey, Integer, Numeric, String, Table, UniqueConstraint
from sqlalchemy.dialects.postgresql import ARRAY, UUID

from services.inventory.db import metadata
from shared.db import created_at_column

stock_reports = Table(
    "stock_reports",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("dealer_id", UUID(as_uuid=True), ForeignKey("inventory.dealers.id"), nullable=False),
    Column("org_unit_id", UUID(as_uuid=True), nullable=False, index=True),  # the dealer's when submitted
    Column("period_start", Date, nullable=False),
    Column("period_end", Date, nullable=False),
    Column("source", String(10), nullable=False),  # single / bulk
    Column("submitted_by", String(200), nullable=False),
    Column("line_count", Integer, nullable=False),
    created_at_column(),
    UniqueConstraint("dealer_id", "period_end"),
)

# Every figure the explanation needs is kept with the line, so a report reads back as it was judged.
# Lines and batches carry no foreign key to their report: they are written only with it, from the same staging
# rows, and a key checked row by row would cost 8 s of a 1 M-line file (revision invy0001).
stock_report_lines = Table(
    "stock_report_lines",
    metadata,
    Column("report_id", UUID(as_uuid=True), primary_key=True),
    Column("sku_id", UUID(as_uuid=True), primary_key=True),
    Column("opening", Integer, nullable=False),
    Column("received", Integer, nullable=False),
    Column("closing", Integer, nullable=False),
    Column("sold", Integer, nullable=False),
    Column("previous_closing", Integer),
    Column("previous_sold", Integer),
    Column("safety_stock", Numeric(14, 1), nullable=False),
    Column("stock_days", Numeric(12, 1)),
    Column("band", String(8), nullable=False),
    Column("band_low_days", Integer, nullable=False),
    Column("band_high_days", Integer, nullable=False),
    Column("target_days", Numeric(6, 2), nullable=False),
    Column("oldest_age_days", Integer),
    Column("near_expiry", Integer),
    Column("open_orders", Integer, nullable=False),
    Column("case_size", Integer, nullable=False),
    Column("suggested_order", Integer, nullable=False),
    Column("flags", ARRAY(String(40)), nullable=False),
)

stock_report_batches = Table(
    "stock_report_batches",
    metadata,
    Column("report_id", UUID(as_uuid=True), primary_key=True),
    Column("sku_id", UUID(as_uuid=True), primary_key=True),
    Column("batch_code", String(64), primary_key=True),
    Column("produced_on", Date, nullable=False),
    Column("quantity", Integer, nullable=False),
)

stock_policies = Table(
    "stock_policies",
    metadata,
    Column("org_unit_id", UUID(as_uuid=True), ForeignKey("inventory.org_units.id"), primary_key=True),
    Column("band_low_days", Integer, nullable=False),
    Column("band_high_days", Integer, nullable=False),
    Column("target_days", Numeric(6, 2)),  # none: the band's middle
    Column("near_expiry_fraction", Numeric(5, 4)),  # none: a third of shelf life
    created_at_column(),
)
