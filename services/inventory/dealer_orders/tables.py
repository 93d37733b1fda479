"""Dealer orders (定货) taken by reps, entered by managers or sent by visits, and the shipments (出货) against them,
with the company warehouse's batches that shipments draw on first-expiry-first-out; returns, exchanges and
damage write-offs (退货, 换货, 报损)."""

from sqlalchemy import CheckConstraint, Column, Date, DateTime, ForeignKey, Integer, Numeric, String, Table, text
from sqlalchemy.dialects.postgresql import ARRAY, UUID

from services.inventory.db import metadata
from shared.db import created_at_column

dealer_orders = Table(
    "dealer_orders",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("dealer_id", UUID(as_uuid=True), ForeignKey("inventory.dealers.id"), nullable=False, index=True),
    Column("org_unit_id", UUID(as_uuid=True), nullable=False, index=True),
    Column("status", String(20), nullable=False),
    Column("source", String(20), nullable=False),  # entered / visit
    Column("source_ref", String(100), unique=True),  # the visit's order request id: one draft per request
    Column("currency", String(3), nullable=False),
    Column("total_quantity", Integer, nullable=False),
    Column("total_amount", Numeric(18, 2), nullable=False),
    Column("hold_reasons", ARRAY(String(300)), nullable=False),
    Column("note", String(500)),
    Column("created_by", String(200), nullable=False),
    created_at_column(),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
)

dealer_order_lines = Table(
    "dealer_order_lines",
    metadata,
    Column("order_id", UUID(as_uuid=True), ForeignKey("inventory.dealer_orders.id"), primary_key=True),
    Column("line_no", Integer, primary_key=True),
    Column("sku_id", UUID(as_uuid=True), ForeignKey("inventory.skus.id"), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("unit_price", Numeric(18, 4), nullable=False),
    Column("amount", Numeric(18, 2), nullable=False),
    Column("shipped", Integer, nullable=False, server_default=text("0")),
    CheckConstraint("shipped <= quantity", name="not_overshipped"),
)

warehouse_batches = Table(
    "warehouse_batches",
    metadata,
    Column("sku_id", UUID(as_uuid=True), ForeignKey("inventory.skus.id"), primary_key=True),
    Column("batch_code", String(64), primary_key=True),
    Column("produced_on", Date, nullable=False),
    Column("expires_on", Date, nullable=False),
    Column("available", Integer, nullable=False),
    CheckConstraint("available >= 0", name="available_not_negative"),
)

shipments = Table(
    "shipments",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("order_id", UUID(as_uuid=True), ForeignKey("inventory.dealer_orders.id"), nullable=False, index=True),
    Column("shipped_by", String(200), nullable=False),
    created_at_column(),
)

shipment_lines = Table(
    "shipment_lines",
    metadata,
    Column("shipment_id", UUID(as_uuid=True), ForeignKey("inventory.shipments.id"), primary_key=True),
    Column("sku_id", UUID(as_uuid=True), primary_key=True),
    Column("batch_code", String(64), primary_key=True),
    Column("quantity", Integer, nullable=False),
)

stock_adjustments = Table(
    "stock_adjustments",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("dealer_id", UUID(as_uuid=True), ForeignKey("inventory.dealers.id"), nullable=False, index=True),
    Column("org_unit_id", UUID(as_uuid=True), nullable=False),
    Column("kind", String(20), nullable=False),  # return / exchange / write_off
    Column("reason", String(300), nullable=False),
    Column("sku_id", UUID(as_uuid=True), ForeignKey("inventory.skus.id"), nullable=False),
    Column("batch_code", String(64)),
    Column("quantity", Integer, nullable=False),
    Column("amount", Numeric(18, 2), nullable=False),
    Column("created_by", String(200), nullable=False),
    created_at_column(),
)
