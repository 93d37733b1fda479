"""Archive hash chain and digests, audit facts, findings, rule settings

Revision ID: audx0001
Revises: aud0001
Create Date: 2026-11-30 11:27:41.445333

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from services.audit.domain.chain import GENESIS, link_hash

# revision identifiers, used by Alembic.
revision: str = "audx0001"
down_revision: str | Sequence[str] | None = "aud0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    _chain_the_archive()
    op.create_table(
        "archive_digests",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.Column("head_hash", sa.String(length=64), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_archive_digests")),
        schema="audit",
    )
    op.create_table(
        "fact_batch_sightings",
        sa.Column("sighting_id", sa.String(length=100), nullable=False),
        sa.Column("outlet_id", sa.UUID(), nullable=False),
        sa.Column("org_unit_id", sa.UUID(), nullable=False),
        sa.Column("region_id", sa.UUID(), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("batch_code", sa.String(length=64), nullable=False),
        sa.Column("seen_on", sa.Date(), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("sighting_id", name=op.f("pk_fact_batch_sightings")),
        schema="audit",
    )
    op.create_index(
        "ix_fact_batch_sightings_seen_on", "fact_batch_sightings", ["seen_on"], unique=False, schema="audit"
    )
    op.create_table(
        "fact_compliance",
        sa.Column("rep_id", sa.UUID(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("org_unit_id", sa.UUID(), nullable=False),
        sa.Column("planned", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("rep_id", "week_start", name=op.f("pk_fact_compliance")),
        schema="audit",
    )
    op.create_table(
        "fact_dealers",
        sa.Column("dealer_id", sa.UUID(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("org_unit_id", sa.UUID(), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("dealer_id", name=op.f("pk_fact_dealers")),
        schema="audit",
    )
    op.create_table(
        "fact_orders",
        sa.Column("order_id", sa.String(length=100), nullable=False),
        sa.Column("dealer_id", sa.UUID(), nullable=False),
        sa.Column("org_unit_id", sa.UUID(), nullable=False),
        sa.Column("ordered_on", sa.Date(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=16, scale=4), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("order_id", name=op.f("pk_fact_orders")),
        schema="audit",
    )
    op.create_index(
        "ix_fact_orders_dealer_id", "fact_orders", ["dealer_id", "ordered_on"], unique=False, schema="audit"
    )
    op.create_table(
        "fact_outlets",
        sa.Column("outlet_id", sa.UUID(), nullable=False),
        sa.Column("org_unit_id", sa.UUID(), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("outlet_id", name=op.f("pk_fact_outlets")),
        schema="audit",
    )
    op.create_table(
        "fact_price_observations",
        sa.Column("observation_id", sa.String(length=100), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("subject", sa.String(length=100), nullable=False),
        sa.Column("org_unit_id", sa.UUID(), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("price", sa.Numeric(precision=16, scale=4), nullable=False),
        sa.Column("observed_on", sa.Date(), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("observation_id", name=op.f("pk_fact_price_observations")),
        schema="audit",
    )
    op.create_index(
        "ix_fact_price_observations_observed_on",
        "fact_price_observations",
        ["observed_on"],
        unique=False,
        schema="audit",
    )
    op.create_table(
        "fact_progress_behind",
        sa.Column("node_id", sa.UUID(), nullable=False),
        sa.Column("plan_id", sa.UUID(), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("node_kind", sa.String(length=10), nullable=False),
        sa.Column("org_unit_id", sa.UUID(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("achievement_rate", sa.Numeric(precision=12, scale=4), nullable=True),
        sa.Column("time_progress", sa.Numeric(precision=12, scale=4), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("node_id", "plan_id", "period", name=op.f("pk_fact_progress_behind")),
        schema="audit",
    )
    op.create_table(
        "fact_promotion_deliveries",
        sa.Column("delivery_id", sa.String(length=100), nullable=False),
        sa.Column("dealer_id", sa.UUID(), nullable=False),
        sa.Column("outlet_id", sa.UUID(), nullable=False),
        sa.Column("material", sa.String(length=100), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=16, scale=4), nullable=False),
        sa.Column("delivered_on", sa.Date(), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("delivery_id", name=op.f("pk_fact_promotion_deliveries")),
        schema="audit",
    )
    op.create_index(
        "ix_fact_promotion_deliveries_dealer_id",
        "fact_promotion_deliveries",
        ["dealer_id", "material"],
        unique=False,
        schema="audit",
    )
    op.create_table(
        "fact_promotion_issues",
        sa.Column("issue_id", sa.String(length=100), nullable=False),
        sa.Column("dealer_id", sa.UUID(), nullable=False),
        sa.Column("org_unit_id", sa.UUID(), nullable=False),
        sa.Column("material", sa.String(length=100), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=16, scale=4), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("issue_id", name=op.f("pk_fact_promotion_issues")),
        schema="audit",
    )
    op.create_table(
        "fact_receivables",
        sa.Column("invoice_id", sa.String(length=100), nullable=False),
        sa.Column("dealer_id", sa.UUID(), nullable=False),
        sa.Column("org_unit_id", sa.UUID(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("outstanding", sa.Numeric(precision=16, scale=4), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("invoice_id", name=op.f("pk_fact_receivables")),
        schema="audit",
    )
    op.create_table(
        "fact_returns",
        sa.Column("return_id", sa.String(length=100), nullable=False),
        sa.Column("dealer_id", sa.UUID(), nullable=False),
        sa.Column("org_unit_id", sa.UUID(), nullable=False),
        sa.Column("returned_on", sa.Date(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=16, scale=4), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("return_id", name=op.f("pk_fact_returns")),
        schema="audit",
    )
    op.create_index(
        "ix_fact_returns_dealer_id", "fact_returns", ["dealer_id", "returned_on"], unique=False, schema="audit"
    )
    op.create_table(
        "fact_shipments",
        sa.Column("shipment_id", sa.String(length=100), nullable=False),
        sa.Column("dealer_id", sa.UUID(), nullable=False),
        sa.Column("org_unit_id", sa.UUID(), nullable=False),
        sa.Column("region_id", sa.UUID(), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("batch_code", sa.String(length=64), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=16, scale=4), nullable=False),
        sa.Column("shipped_on", sa.Date(), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("shipment_id", name=op.f("pk_fact_shipments")),
        schema="audit",
    )
    op.create_index("ix_fact_shipments_batch_code", "fact_shipments", ["batch_code"], unique=False, schema="audit")
    op.create_index(
        "ix_fact_shipments_dealer_id", "fact_shipments", ["dealer_id", "shipped_on"], unique=False, schema="audit"
    )
    op.create_table(
        "fact_sku_prices",
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("floor_price", sa.Numeric(precision=16, scale=4), nullable=False),
        sa.Column("list_price", sa.Numeric(precision=16, scale=4), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("sku", name=op.f("pk_fact_sku_prices")),
        schema="audit",
    )
    op.create_table(
        "fact_stock_lines",
        sa.Column("dealer_id", sa.UUID(), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("org_unit_id", sa.UUID(), nullable=False),
        sa.Column("opening", sa.Numeric(precision=16, scale=4), nullable=False),
        sa.Column("received", sa.Numeric(precision=16, scale=4), nullable=False),
        sa.Column("closing", sa.Numeric(precision=16, scale=4), nullable=False),
        sa.Column("near_expiry", sa.Numeric(precision=16, scale=4), nullable=False),
        sa.Column("shipped", sa.Numeric(precision=16, scale=4), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("dealer_id", "sku", "week_start", name=op.f("pk_fact_stock_lines")),
        schema="audit",
    )
    op.create_index("ix_fact_stock_lines_week_start", "fact_stock_lines", ["week_start"], unique=False, schema="audit")
    op.create_table(
        "fact_visits",
        sa.Column("visit_id", sa.UUID(), nullable=False),
        sa.Column("rep_id", sa.UUID(), nullable=False),
        sa.Column("outlet_id", sa.UUID(), nullable=False),
        sa.Column("org_unit_id", sa.UUID(), nullable=False),
        sa.Column("checked_in_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("checked_out_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("outlet_latitude", sa.Float(), nullable=True),
        sa.Column("outlet_longitude", sa.Float(), nullable=True),
        sa.Column("photo_hashes", sa.ARRAY(sa.Text()), nullable=False),
        sa.Column("authenticity_score", sa.Numeric(precision=5, scale=4), nullable=True),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("visit_id", name=op.f("pk_fact_visits")),
        schema="audit",
    )
    op.create_index("ix_fact_visits_checked_in_at", "fact_visits", ["checked_in_at"], unique=False, schema="audit")
    op.create_index(
        "ix_fact_visits_photo_hashes",
        "fact_visits",
        ["photo_hashes"],
        unique=False,
        schema="audit",
        postgresql_using="gin",
    )
    op.create_index(
        "ix_fact_visits_rep_id", "fact_visits", ["rep_id", "checked_in_at", "visit_id"], unique=False, schema="audit"
    )
    op.create_table(
        "findings",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("rule", sa.String(length=50), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("org_unit_id", sa.UUID(), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=15), server_default="open", nullable=False),
        sa.Column("evidence", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("sources", sa.ARRAY(sa.String(length=64)), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("rectified_from", sa.Date(), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("last_fired_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("sla_breached_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_findings")),
        sa.UniqueConstraint("rule", "subject", "period", name=op.f("uq_findings_rule_subject_period")),
        schema="audit",
    )
    op.create_index("ix_findings_opened_at", "findings", ["opened_at", "id"], unique=False, schema="audit")
    op.create_index("ix_findings_org_unit_id", "findings", ["org_unit_id", "opened_at"], unique=False, schema="audit")
    op.create_index("ix_findings_status", "findings", ["status", "opened_at"], unique=False, schema="audit")
    op.create_index("ix_findings_rule", "findings", ["rule", "status", "opened_at"], unique=False, schema="audit")
    op.create_index("ix_findings_subject", "findings", ["subject"], unique=False, schema="audit")
    op.create_table(
        "rule_settings",
        sa.Column("rule", sa.String(length=50), nullable=False),
        sa.Column("org_unit_id", sa.UUID(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("params", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("rule", "org_unit_id", name=op.f("pk_rule_settings")),
        schema="audit",
    )
    op.create_table(
        "finding_comments",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("finding_id", sa.UUID(), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("attachment_name", sa.String(length=200), nullable=True),
        sa.Column("attachment_sha256", sa.String(length=64), nullable=True),
        sa.Column("attachment_url", sa.String(length=1000), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["finding_id"], ["audit.findings.id"], name=op.f("fk_finding_comments_finding_id_findings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finding_comments")),
        schema="audit",
    )
    op.create_index(
        "ix_finding_comments_finding_id", "finding_comments", ["finding_id", "id"], unique=False, schema="audit"
    )
    op.create_table(
        "finding_transitions",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("finding_id", sa.UUID(), nullable=False),
        sa.Column("from_status", sa.String(length=15), nullable=True),
        sa.Column("to_status", sa.String(length=15), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["finding_id"], ["audit.findings.id"], name=op.f("fk_finding_transitions_finding_id_findings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finding_transitions")),
        schema="audit",
    )
    op.create_index(
        "ix_finding_transitions_finding_id", "finding_transitions", ["finding_id", "id"], unique=False, schema="audit"
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.execute("DROP TRIGGER event_archive_append_only ON audit.event_archive")
    op.execute("DROP TRIGGER event_archive_no_truncate ON audit.event_archive")
    op.execute("DROP FUNCTION audit.event_archive_append_only()")
    op.drop_constraint("uq_event_archive_seq", "event_archive", schema="audit")
    for column in ("hash", "prev_hash", "seq"):
        op.drop_column("event_archive", column, schema="audit")
    op.drop_index("ix_finding_transitions_finding_id", table_name="finding_transitions", schema="audit")
    op.drop_table("finding_transitions", schema="audit")
    op.drop_index("ix_finding_comments_finding_id", table_name="finding_comments", schema="audit")
    op.drop_table("finding_comments", schema="audit")
    op.drop_table("rule_settings", schema="audit")
    op.drop_index("ix_findings_subject", table_name="findings", schema="audit")
    op.drop_index("ix_findings_rule", table_name="findings", schema="audit")
    op.drop_index("ix_findings_status", table_name="findings", schema="audit")
    op.drop_index("ix_findings_org_unit_id", table_name="findings", schema="audit")
    op.drop_index("ix_findings_opened_at", table_name="findings", schema="audit")
    op.drop_table("findings", schema="audit")
    op.drop_index("ix_fact_visits_rep_id", table_name="fact_visits", schema="audit")
    op.drop_index("ix_fact_visits_photo_hashes", table_name="fact_visits", schema="audit", postgresql_using="gin")
    op.drop_index("ix_fact_visits_checked_in_at", table_name="fact_visits", schema="audit")
    op.drop_table("fact_visits", schema="audit")
    op.drop_index("ix_fact_stock_lines_week_start", table_name="fact_stock_lines", schema="audit")
    op.drop_table("fact_stock_lines", schema="audit")
    op.drop_table("fact_sku_prices", schema="audit")
    op.drop_index("ix_fact_shipments_dealer_id", table_name="fact_shipments", schema="audit")
    op.drop_index("ix_fact_shipments_batch_code", table_name="fact_shipments", schema="audit")
    op.drop_table("fact_shipments", schema="audit")
    op.drop_index("ix_fact_returns_dealer_id", table_name="fact_returns", schema="audit")
    op.drop_table("fact_returns", schema="audit")
    op.drop_table("fact_receivables", schema="audit")
    op.drop_table("fact_promotion_issues", schema="audit")
    op.drop_index("ix_fact_promotion_deliveries_dealer_id", table_name="fact_promotion_deliveries", schema="audit")
    op.drop_table("fact_promotion_deliveries", schema="audit")
    op.drop_table("fact_progress_behind", schema="audit")
    op.drop_index("ix_fact_price_observations_observed_on", table_name="fact_price_observations", schema="audit")
    op.drop_table("fact_price_observations", schema="audit")
    op.drop_table("fact_outlets", schema="audit")
    op.drop_index("ix_fact_orders_dealer_id", table_name="fact_orders", schema="audit")
    op.drop_table("fact_orders", schema="audit")
    op.drop_table("fact_dealers", schema="audit")
    op.drop_table("fact_compliance", schema="audit")
    op.drop_index("ix_fact_batch_sightings_seen_on", table_name="fact_batch_sightings", schema="audit")
    op.drop_table("fact_batch_sightings", schema="audit")
    op.drop_table("archive_digests", schema="audit")


CHAINED = ("event_id", "topic", "type", "version", "source", "subject", "correlation_id", "occurred_at", "data")


def _chain_the_archive() -> None:
    """Add the chain columns, link the events already archived in arrival order, forbid UPDATE and DELETE."""
    for column in (
        sa.Column("seq", sa.BigInteger()),
        sa.Column("prev_hash", sa.String(64)),
        sa.Column("hash", sa.String(64)),
    ):
        op.add_column("event_archive", column, schema="audit")
    conn = op.get_bind()
    rows = conn.execute(sa.text(f"SELECT {', '.join(CHAINED)} FROM audit.event_archive ORDER BY archived_at, event_id"))
    previous, links = GENESIS, []
    for seq, row in enumerate(rows.mappings().all(), 1):
        current = link_hash(previous, dict(row))
        links.append({"event_id": row["event_id"], "seq": seq, "prev_hash": previous, "hash": current})
        previous = current
    if links:
        conn.execute(
            sa.text(
                "UPDATE audit.event_archive SET seq = :seq, prev_hash = :prev_hash, hash = :hash "
                "WHERE event_id = :event_id"
            ),
            links,
        )
    for column in ("seq", "prev_hash", "hash"):
        op.alter_column("event_archive", column, nullable=False, schema="audit")
    op.create_unique_constraint(op.f("uq_event_archive_seq"), "event_archive", ["seq"], schema="audit")
    # Append-only for the service's own role too; an owner who disables this is caught by the chain.
    op.execute(
        "CREATE FUNCTION audit.event_archive_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'event_archive is append-only'; END $$"
    )
    op.execute(
        "CREATE TRIGGER event_archive_append_only BEFORE UPDATE OR DELETE ON audit.event_archive "
        "FOR EACH ROW EXECUTE FUNCTION audit.event_archive_append_only()"
    )
    op.execute(
        "CREATE TRIGGER event_archive_no_truncate BEFORE TRUNCATE ON audit.event_archive "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit.event_archive_append_only()"
    )
