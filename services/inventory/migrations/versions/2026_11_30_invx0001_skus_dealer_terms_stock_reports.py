"""SKUs, dealers' credit terms and bands, stock reports, stock policies, dealer orders, shipments,
warehouse batches, invoices, payments, write-offs

Revision ID: invx0001
Revises: inv0001
Create Date: 2026-11-30 11:30:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "invx0001"
down_revision: str | Sequence[str] | None = "inv0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = "inventory"


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "skus",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=100), nullable=False),
        sa.Column("brand", sa.String(length=100), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("case_size", sa.Integer(), nullable=False),
        sa.Column("shelf_life_days", sa.Integer(), nullable=True),
        sa.Column("list_price", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("price_floor", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("price_ceiling", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("band_low_days", sa.Integer(), nullable=True),
        sa.Column("band_high_days", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("case_size > 0", name=op.f("ck_skus_case_size_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_skus")),
        sa.UniqueConstraint("code", name=op.f("uq_skus_code")),
        schema=S,
    )
    op.add_column("dealers", sa.Column("credit_limit", sa.Numeric(precision=18, scale=2), nullable=True), schema=S)
    for name, default in (("payment_terms_days", "30"), ("overdue_allowance_days", "0")):
        op.add_column(
            "dealers", sa.Column(name, sa.Integer(), server_default=sa.text(default), nullable=False), schema=S
        )
    op.add_column(
        "dealers", sa.Column("grade", sa.String(length=10), server_default=sa.text("'B'"), nullable=False), schema=S
    )
    op.add_column(
        "dealers",
        sa.Column("status", sa.String(length=20), server_default=sa.text("'active'"), nullable=False),
        schema=S,
    )
    op.add_column("dealers", sa.Column("band_low_days", sa.Integer(), nullable=True), schema=S)
    op.add_column("dealers", sa.Column("band_high_days", sa.Integer(), nullable=True), schema=S)
    op.add_column(
        "dealers",
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        schema=S,
    )
    op.create_table(
        "stock_reports",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("dealer_id", sa.UUID(), nullable=False),
        sa.Column("org_unit_id", sa.UUID(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("submitted_by", sa.String(length=200), nullable=False),
        sa.Column("line_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["dealer_id"], ["inventory.dealers.id"], name=op.f("fk_stock_reports_dealer_id_dealers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_reports")),
        sa.UniqueConstraint("dealer_id", "period_end", name=op.f("uq_stock_reports_dealer_id_period_end")),
        schema=S,
    )
    op.create_index(
        op.f("ix_inventory_stock_reports_org_unit_id"), "stock_reports", ["org_unit_id"], unique=False, schema=S
    )
    op.create_table(
        "stock_report_lines",
        sa.Column("report_id", sa.UUID(), nullable=False),
        sa.Column("sku_id", sa.UUID(), nullable=False),
        sa.Column("opening", sa.Integer(), nullable=False),
        sa.Column("received", sa.Integer(), nullable=False),
        sa.Column("closing", sa.Integer(), nullable=False),
        sa.Column("sold", sa.Integer(), nullable=False),
        sa.Column("previous_closing", sa.Integer(), nullable=True),
        sa.Column("previous_sold", sa.Integer(), nullable=True),
        sa.Column("safety_stock", sa.Numeric(precision=14, scale=1), nullable=False),
        sa.Column("stock_days", sa.Numeric(precision=12, scale=1), nullable=True),
        sa.Column("band", sa.String(length=8), nullable=False),
        sa.Column("band_low_days", sa.Integer(), nullable=False),
        sa.Column("band_high_days", sa.Integer(), nullable=False),
        sa.Column("target_days", sa.Numeric(precision=6, scale=2), nullable=False),
        sa.Column("oldest_age_days", sa.Integer(), nullable=True),
        sa.Column("near_expiry", sa.Integer(), nullable=True),
        sa.Column("open_orders", sa.Integer(), nullable=False),
        sa.Column("case_size", sa.Integer(), nullable=False),
        sa.Column("suggested_order", sa.Integer(), nullable=False),
        sa.Column("flags", postgresql.ARRAY(sa.String(length=40)), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"], ["inventory.stock_reports.id"], name=op.f("fk_stock_report_lines_report_id_stock_reports")
        ),
        sa.PrimaryKeyConstraint("report_id", "sku_id", name=op.f("pk_stock_report_lines")),
        schema=S,
    )
    op.create_table(
        "stock_report_batches",
        sa.Column("report_id", sa.UUID(), nullable=False),
        sa.Column("sku_id", sa.UUID(), nullable=False),
        sa.Column("batch_code", sa.String(length=64), nullable=False),
        sa.Column("produced_on", sa.Date(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["inventory.stock_reports.id"],
            name=op.f("fk_stock_report_batches_report_id_stock_reports"),
        ),
        sa.PrimaryKeyConstraint("report_id", "sku_id", "batch_code", name=op.f("pk_stock_report_batches")),
        schema=S,
    )
    op.create_table(
        "stock_policies",
        sa.Column("org_unit_id", sa.UUID(), nullable=False),
        sa.Column("band_low_days", sa.Integer(), nullable=False),
        sa.Column("band_high_days", sa.Integer(), nullable=False),
        sa.Column("target_days", sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column("near_expiry_fraction", sa.Numeric(precision=5, scale=4), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_unit_id"], ["inventory.org_units.id"], name=op.f("fk_stock_policies_org_unit_id_org_units")
        ),
        sa.PrimaryKeyConstraint("org_unit_id", name=op.f("pk_stock_policies")),
        schema=S,
    )

    op.create_table(
        "dealer_orders",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("dealer_id", sa.UUID(), nullable=False),
        sa.Column("org_unit_id", sa.UUID(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("source_ref", sa.String(length=100), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("total_quantity", sa.Integer(), nullable=False),
        sa.Column("total_amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("hold_reasons", postgresql.ARRAY(sa.String(length=300)), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["dealer_id"], ["inventory.dealers.id"], name=op.f("fk_dealer_orders_dealer_id_dealers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dealer_orders")),
        sa.UniqueConstraint("source_ref", name=op.f("uq_dealer_orders_source_ref")),
        schema=S,
    )
    op.create_index(op.f("ix_inventory_dealer_orders_dealer_id"), "dealer_orders", ["dealer_id"], schema=S)
    op.create_index(op.f("ix_inventory_dealer_orders_org_unit_id"), "dealer_orders", ["org_unit_id"], schema=S)
    op.create_table(
        "dealer_order_lines",
        sa.Column("order_id", sa.UUID(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("sku_id", sa.UUID(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("shipped", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.CheckConstraint("shipped <= quantity", name=op.f("ck_dealer_order_lines_not_overshipped")),
        sa.ForeignKeyConstraint(
            ["order_id"], ["inventory.dealer_orders.id"], name=op.f("fk_dealer_order_lines_order_id_dealer_orders")
        ),
        sa.ForeignKeyConstraint(["sku_id"], ["inventory.skus.id"], name=op.f("fk_dealer_order_lines_sku_id_skus")),
        sa.PrimaryKeyConstraint("order_id", "line_no", name=op.f("pk_dealer_order_lines")),
        schema=S,
    )
    op.create_table(
        "warehouse_batches",
        sa.Column("sku_id", sa.UUID(), nullable=False),
        sa.Column("batch_code", sa.String(length=64), nullable=False),
        sa.Column("produced_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("available", sa.Integer(), nullable=False),
        sa.CheckConstraint("available >= 0", name=op.f("ck_warehouse_batches_available_not_negative")),
        sa.ForeignKeyConstraint(["sku_id"], ["inventory.skus.id"], name=op.f("fk_warehouse_batches_sku_id_skus")),
        sa.PrimaryKeyConstraint("sku_id", "batch_code", name=op.f("pk_warehouse_batches")),
        schema=S,
    )
    op.create_table(
        "shipments",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("order_id", sa.UUID(), nullable=False),
        sa.Column("shipped_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["inventory.dealer_orders.id"], name=op.f("fk_shipments_order_id_dealer_orders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shipments")),
        schema=S,
    )
    op.create_index(op.f("ix_inventory_shipments_order_id"), "shipments", ["order_id"], schema=S)
    op.create_table(
        "shipment_lines",
        sa.Column("shipment_id", sa.UUID(), nullable=False),
        sa.Column("sku_id", sa.UUID(), nullable=False),
        sa.Column("batch_code", sa.String(length=64), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["shipment_id"], ["inventory.shipments.id"], name=op.f("fk_shipment_lines_shipment_id_shipments")
        ),
        sa.PrimaryKeyConstraint("shipment_id", "sku_id", "batch_code", name=op.f("pk_shipment_lines")),
        schema=S,
    )
    op.create_table(
        "stock_adjustments",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("dealer_id", sa.UUID(), nullable=False),
        sa.Column("org_unit_id", sa.UUID(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("sku_id", sa.UUID(), nullable=False),
        sa.Column("batch_code", sa.String(length=64), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["dealer_id"], ["inventory.dealers.id"], name=op.f("fk_stock_adjustments_dealer_id_dealers")
        ),
        sa.ForeignKeyConstraint(["sku_id"], ["inventory.skus.id"], name=op.f("fk_stock_adjustments_sku_id_skus")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_adjustments")),
        schema=S,
    )
    op.create_index(op.f("ix_inventory_stock_adjustments_dealer_id"), "stock_adjustments", ["dealer_id"], schema=S)

    op.create_table(
        "invoices",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("erp_system", sa.String(length=64), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("dealer_code", sa.String(length=64), nullable=False),
        sa.Column("dealer_id", sa.UUID(), nullable=True),
        sa.Column("org_unit_id", sa.UUID(), nullable=True),
        sa.Column("invoiced_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("written_off", sa.Numeric(precision=18, scale=2), server_default=sa.text("0"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["dealer_id"], ["inventory.dealers.id"], name=op.f("fk_invoices_dealer_id_dealers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoices")),
        sa.UniqueConstraint("erp_system", "external_id", name=op.f("uq_invoices_erp_system_external_id")),
        schema=S,
    )
    op.create_table(
        "payments",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("erp_system", sa.String(length=64), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("dealer_code", sa.String(length=64), nullable=False),
        sa.Column("dealer_id", sa.UUID(), nullable=True),
        sa.Column("org_unit_id", sa.UUID(), nullable=True),
        sa.Column("invoice_external_id", sa.String(length=64), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["dealer_id"], ["inventory.dealers.id"], name=op.f("fk_payments_dealer_id_dealers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
        sa.UniqueConstraint("erp_system", "external_id", name=op.f("uq_payments_erp_system_external_id")),
        schema=S,
    )
    for table in ("invoices", "payments"):
        for column in ("dealer_code", "dealer_id", "org_unit_id"):
            op.create_index(op.f(f"ix_inventory_{table}_{column}"), table, [column], schema=S)
    op.create_table(
        "write_offs",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("invoice_id", sa.UUID(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("requested_by", sa.String(length=200), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["inventory.invoices.id"], name=op.f("fk_write_offs_invoice_id_invoices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_write_offs")),
        schema=S,
    )
    op.create_index(op.f("ix_inventory_write_offs_invoice_id"), "write_offs", ["invoice_id"], schema=S)


def downgrade() -> None:
    """Downgrade schema."""
    for table in ("write_offs", "payments", "invoices"):
        op.drop_table(table, schema=S)
    for table in ("stock_adjustments", "shipment_lines", "shipments", "warehouse_batches", "dealer_order_lines"):
        op.drop_table(table, schema=S)
    op.drop_table("dealer_orders", schema=S)
    for table in ("stock_policies", "stock_report_batches", "stock_report_lines"):
        op.drop_table(table, schema=S)
    op.drop_index(op.f("ix_inventory_stock_reports_org_unit_id"), table_name="stock_reports", schema=S)
    op.drop_table("stock_reports", schema=S)
    for column in (
        "updated_at",
        "band_high_days",
        "band_low_days",
        "status",
        "grade",
        "overdue_allowance_days",
        "payment_terms_days",
        "credit_limit",
    ):
        op.drop_column("dealers", column, schema=S)
    op.drop_table("skus", schema=S)
