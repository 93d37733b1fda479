"""Audit's fact tables: what the rules read, filled by handlers from events (one row per source record).

Every row keeps `event_id`, the archived event that proves it. `region_id` is the dealer's or outlet's region
(大区) when the fact was recorded, resolved from the org-tree projection, so cross-region checks need no walk.
"""

from sqlalchemy import ARRAY, Boolean, Column, Date, DateTime, Float, Index, Integer, Numeric, String, Table, Text
from sqlalchemy.dialects.postgresql import UUID

from services.audit.db import metadata


def _event() -> Column:
    return Column("event_id", String(64), nullable=False)


def _money(name: str) -> Column:
    return Column(name, Numeric(16, 4), nullable=False)


def _uuid(name: str, **kw) -> Column:
    return Column(name, UUID(as_uuid=True), nullable=kw.pop("nullable", False), **kw)


fact_dealers = Table(
    "fact_dealers",
    metadata,
    _uuid("dealer_id", primary_key=True),
    Column("code", String(64), nullable=False),
    _uuid("org_unit_id"),
    _event(),
)
fact_outlets = Table(
    "fact_outlets",
    metadata,
    _uuid("outlet_id", primary_key=True),
    _uuid("org_unit_id"),
    Column("latitude", Float),
    Column("longitude", Float),
    _event(),
)
fact_sku_prices = Table(
    "fact_sku_prices",
    metadata,
    Column("sku", String(64), primary_key=True),
    _money("floor_price"),
    _money("list_price"),
    _event(),
)
fact_price_observations = Table(
    "fact_price_observations",
    metadata,
    Column("observation_id", String(100), primary_key=True),
    Column("source", String(20), nullable=False),
    Column("subject", String(100), nullable=False),
    _uuid("org_unit_id"),
    Column("sku", String(64), nullable=False),
    _money("price"),
    Column("observed_on", Date, nullable=False),
    _event(),
)
Index("ix_fact_price_observations_observed_on", fact_price_observations.c.observed_on)
fact_shipments = Table(
    "fact_shipments",
    metadata,
    Column("shipment_id", String(100), primary_key=True),
    _uuid("dealer_id"),
    _uuid("org_unit_id"),
    _uuid("region_id"),
    Column("sku", String(64), nullable=False),
    Column("batch_code", String(64), nullable=False),
    _money("quantity"),
    Column("shipped_on", Date, nullable=False),
    _event(),
)
Index("ix_fact_shipments_batch_code", fact_shipments.c.batch_code)
Index("ix_fact_shipments_dealer_id", fact_shipments.c.dealer_id, fact_shipments.c.shipped_on)
fact_batch_sightings = Table(
    "fact_batch_sightings",
    metadata,
    Column("sighting_id", String(100), primary_key=True),
    _uuid("outlet_id"),
    _uuid("org_unit_id"),
    _uuid("region_id"),
    Column("sku", String(64), nullable=False),
    Column("batch_code", String(64), nullable=False),
    Column("seen_on", Date, nullable=False),
    _event(),
)
Index("ix_fact_batch_sightings_seen_on", fact_batch_sightings.c.seen_on)
fact_visits = Table(
    "fact_visits",
    metadata,
    _uuid("visit_id", primary_key=True),
    _uuid("rep_id"),
    _uuid("outlet_id"),
    _uuid("org_unit_id"),
    Column("checked_in_at", DateTime(timezone=True), nullable=False),
    Column("checked_out_at", DateTime(timezone=True), nullable=False),
    Column("latitude", Float),
    Column("longitude", Float),
    Column("outlet_latitude", Float),
    Column("outlet_longitude", Float),
    Column("photo_hashes", ARRAY(Text), nullable=False),
    Column("authenticity_score", Numeric(5, 4)),
    _event(),
)
Index("ix_fact_visits_checked_in_at", fact_visits.c.checked_in_at)
Index("ix_fact_visits_rep_id", fact_visits.c.rep_id, fact_visits.c.checked_in_at, fact_visits.c.visit_id)
Index("ix_fact_visits_photo_hashes", fact_visits.c.photo_hashes, postgresql_using="gin")
fact_stock_lines = Table(
    "fact_stock_lines",
    metadata,
    _uuid("dealer_id", primary_key=True),
    Column("sku", String(64), primary_key=True),
    Column("week_start", Date, primary_key=True),
    _uuid("org_unit_id"),
    _money("opening"),
    _money("received"),
    _money("closing"),
    _money("near_expiry"),
    _money("shipped"),
    _event(),
)
Index("ix_fact_stock_lines_week_start", fact_stock_lines.c.week_start)
fact_orders = Table(
    "fact_orders",
    metadata,
    Column("order_id", String(100), primary_key=True),
    _uuid("dealer_id"),
    _uuid("org_unit_id"),
    Column("ordered_on", Date, nullable=False),
    _money("amount"),
    _event(),
)
# A dealer's latest order of a span is one step back along this index (channel_stuffing's org unit); the migration
# makes order_id's part COLLATE "C", as the rule orders (reflection shows no collation, so it is not written here).
Index("ix_fact_orders_dealer_id", fact_orders.c.dealer_id, fact_orders.c.ordered_on, fact_orders.c.order_id)
# Each dealer's orders summed by day, kept by triggers on fact_orders (migration aud0004) in the statement that
# writes them: channel_stuffing reads a month as at most 31 rows however many orders it holds.
fact_order_days = Table(
    "fact_order_days",
    metadata,
    _uuid("dealer_id", primary_key=True),
    Column("day", Date, primary_key=True),
    _money("amount"),
    Column("orders", Integer, nullable=False),
)
fact_returns = Table(
    "fact_returns",
    metadata,
    Column("return_id", String(100), primary_key=True),
    _uuid("dealer_id"),
    _uuid("org_unit_id"),
    Column("returned_on", Date, nullable=False),
    _money("amount"),
    _event(),
)
Index("ix_fact_returns_dealer_id", fact_returns.c.dealer_id, fact_returns.c.returned_on)
fact_receivables = Table(
    "fact_receivables",
    metadata,
    Column("invoice_id", String(100), primary_key=True),
    _uuid("dealer_id"),
    _uuid("org_unit_id"),
    Column("due_on", Date, nullable=False),
    _money("outstanding"),  # amount less the payments and write-offs known so far (from_events derives it)
    _event(),
    # The ERP's names for the invoice, which its payments quote; NULL for facts loaded in bulk.
    Column("erp_system", String(64)),
    Column("external_id", String(64)),
    Column("amount", Numeric(16, 4)),
)
Index("ix_fact_receivables_external", fact_receivables.c.erp_system, fact_receivables.c.external_id)
fact_payments = Table(
    "fact_payments",
    metadata,
    Column("payment_id", String(100), primary_key=True),
    Column("erp_system", String(64), nullable=False),
    Column("invoice_external_id", String(64), nullable=False),
    _money("amount"),
    _event(),
)
Index("ix_fact_payments_invoice", fact_payments.c.erp_system, fact_payments.c.invoice_external_id)
fact_write_offs = Table(
    "fact_write_offs",
    metadata,
    Column("write_off_id", String(100), primary_key=True),
    Column("invoice_id", String(100), nullable=False, index=True),
    _money("amount"),
    _event(),
)
fact_promotion_issues = Table(
    "fact_promotion_issues",
    metadata,
    Column("issue_id", String(100), primary_key=True),
    _uuid("dealer_id"),
    _uuid("org_unit_id"),
    Column("material", String(100), nullable=False),
    _money("quantity"),
    Column("issued_on", Date, nullable=False),
    _event(),
)
fact_promotion_deliveries = Table(
    "fact_promotion_deliveries",
    metadata,
    Column("delivery_id", String(100), primary_key=True),
    _uuid("dealer_id"),
    _uuid("outlet_id"),
    Column("material", String(100), nullable=False),
    _money("quantity"),
    Column("delivered_on", Date, nullable=False),
    _event(),
)
Index(
    "ix_fact_promotion_deliveries_dealer_id",
    fact_promotion_deliveries.c.dealer_id,
    fact_promotion_deliveries.c.material,
)
fact_compliance = Table(
    "fact_compliance",
    metadata,
    _uuid("rep_id", primary_key=True),
    Column("week_start", Date, primary_key=True),
    _uuid("org_unit_id"),
    Column("planned", Integer, nullable=False),
    Column("done", Integer, nullable=False),
    _event(),
)
# A published schedule entry's outcome: visited (VisitCompleted naming it) or missed (VisitMissed).
fact_schedule_outcomes = Table(
    "fact_schedule_outcomes",
    metadata,
    _uuid("schedule_entry_id", primary_key=True),
    _uuid("rep_id"),
    _uuid("org_unit_id", nullable=True),
    Column("planned_on", Date, nullable=False),
    Column("done", Boolean, nullable=False),
    _event(),
)
Index("ix_fact_schedule_outcomes_rep_id", fact_schedule_outcomes.c.rep_id, fact_schedule_outcomes.c.planned_on)
fact_progress_behind = Table(
    "fact_progress_behind",
    metadata,
    _uuid("node_id", primary_key=True),
    _uuid("plan_id", primary_key=True),
    Column("period", String(10), primary_key=True),
    Column("node_kind", String(10), nullable=False),
    _uuid("org_unit_id"),
    Column("as_of", Date, nullable=False),
    Column("achievement_rate", Numeric(12, 4)),
    Column("time_progress", Numeric(12, 4), nullable=False),
    _event(),
)
