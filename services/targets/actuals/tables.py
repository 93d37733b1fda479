"""Tables for actuals learned from events and their attribution to org units and reps.

Progress reads only the pre-aggregated sums (actual_days, actual_months) and the target cache (progress_targets),
never the per-order rows; see services/targets/progress/figures.py for why they are shaped this way.
"""

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Table,
    text,
)
from sqlalchemy.dialects.postgresql import UUID

from services.targets.db import metadata

# Actuals as learned from inventory's order events: one row per order, replaced by later ERP versions.
# amount and quantity are what the order counts for (zero when cancelled).
order_actuals = Table(
    "order_actuals",
    metadata,
    Column("order_id", UUID(as_uuid=True), primary_key=True),
    Column("erp_order_id", String(64), nullable=False),
    Column("erp_version", Integer, nullable=False),
    Column("dealer_id", UUID(as_uuid=True)),
    Column("dealer_code", String(64), nullable=False, server_default=""),
    Column("org_unit_id", UUID(as_uuid=True)),
    Column("status", String(20), nullable=False),
    Column("ordered_on", Date, nullable=False),
    Column("amount", Numeric(18, 2), nullable=False),
    Column("quantity", Numeric(18, 3), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
)
Index("ix_order_actuals_org_unit_day", order_actuals.c.org_unit_id, order_actuals.c.ordered_on)
Index("ix_order_actuals_ordered_on", order_actuals.c.ordered_on)

# The lines of each counting order (latest version), summed per SKU: progress by product line reads these.
order_actual_lines = Table(
    "order_actual_lines",
    metadata,
    Column("order_id", UUID(as_uuid=True), primary_key=True),
    Column("sku", String(64), primary_key=True),
    Column("amount", Numeric(18, 2), nullable=False),
    Column("quantity", Numeric(18, 3), nullable=False),
)

# SKUs as inventory registers them (projection of SkuChanged): a SKU's category is its product line.
sku_lines = Table(
    "sku_lines",
    metadata,
    Column("code", String(64), primary_key=True),
    Column("sku_id", UUID(as_uuid=True), nullable=False),
    Column("product_line", String(100), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# Payments (collections, 货款回笼) as learned from inventory's PaymentRecorded: the latest ERP version of each.
payment_actuals = Table(
    "payment_actuals",
    metadata,
    Column("payment_id", UUID(as_uuid=True), primary_key=True),
    Column("erp_system", String(64), nullable=False),
    Column("external_id", String(64), nullable=False),
    Column("erp_version", Integer, nullable=False),
    Column("dealer_id", UUID(as_uuid=True), nullable=False),
    Column("org_unit_id", UUID(as_uuid=True), nullable=False),
    Column("paid_on", Date, nullable=False),
    Column("amount", Numeric(18, 2), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
)

# Dealers as inventory registers them (projection of DealerRegistered): who may manage a dealer's coverage.
dealers = Table(
    "dealers",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("code", String(64), nullable=False),
    Column("name", String(200), nullable=False),
    Column("org_unit_id", UUID(as_uuid=True), nullable=False),
)

# Which reps cover a dealer, by contribution share, over time: valid_from inclusive, valid_to exclusive.
dealer_coverage = Table(
    "dealer_coverage",
    metadata,
    Column("dealer_id", UUID(as_uuid=True), primary_key=True),
    Column("person_id", UUID(as_uuid=True), primary_key=True),
    Column("valid_from", Date, primary_key=True),
    Column("valid_to", Date),
    Column("share", Numeric(7, 6), nullable=False),
    CheckConstraint("share > 0 AND share <= 1", name="share_in_range"),
    CheckConstraint("valid_to IS NULL OR valid_to > valid_from", name="valid_period"),
)

# The attribution ledger: what each fact (an order or a payment) currently contributes, per covering rep.
# org_unit_id NULL = unknown dealer; person_id NULL = no rep covered the dealer that day.
actual_attributions = Table(
    "actual_attributions",
    metadata,
    Column("source", String(20), primary_key=True),
    Column("source_id", UUID(as_uuid=True), primary_key=True),
    Column("seq", SmallInteger, primary_key=True),
    Column("dealer_id", UUID(as_uuid=True)),
    Column("org_unit_id", UUID(as_uuid=True)),
    Column("person_id", UUID(as_uuid=True)),
    Column("day", Date, nullable=False),
    Column("amount", Numeric(18, 2), nullable=False),
    Column("quantity", Numeric(18, 3), nullable=False),
)
Index("ix_actual_attributions_dealer_day", actual_attributions.c.dealer_id, actual_attributions.c.day)
Index(
    "ix_actual_attributions_unattributed",
    actual_attributions.c.day,
    postgresql_where=actual_attributions.c.person_id.is_(None),
)


def _sums_table(name: str, grain: str) -> Table:
    """Sums of attributed facts per holder (an org unit, or a person) and day or month."""
    return Table(
        name,
        metadata,
        Column("source", String(20), primary_key=True),
        Column("holder_kind", String(10), primary_key=True),  # org_unit | person
        Column("holder_id", UUID(as_uuid=True), primary_key=True),
        Column(grain, Date, primary_key=True),
        Column("amount", Numeric(18, 2), nullable=False),
        Column("quantity", Numeric(18, 3), nullable=False),
        Column("facts", Integer, nullable=False),
    )


actual_days = _sums_table("actual_days", "day")
actual_months = _sums_table("actual_months", "month")  # month = its first day
# A period's sums of every org unit come from these by index-only scans: the period's days (or months), then
# the holder and the measures straight from the index.
Index(
    "ix_actual_days_by_day",
    actual_days.c.source,
    actual_days.c.holder_kind,
    actual_days.c.day,
    postgresql_include=["holder_id", "amount", "quantity"],
)
Index(
    "ix_actual_months_by_month",
    actual_months.c.source,
    actual_months.c.holder_kind,
    actual_months.c.month,
    postgresql_include=["holder_id", "amount", "quantity"],
)
