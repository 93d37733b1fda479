"""Tables of progress: each company's selling calendar, the target cache progress reads, and raised alerts."""

from sqlalchemy import Boolean, Column, Date, DateTime, Integer, Numeric, SmallInteger, String, Table, text
from sqlalchemy.dialects.postgresql import ARRAY, UUID

from services.targets.db import metadata

# A company's selling calendar: weekend days, and how far behind time progress a node may fall before alerts.
progress_settings = Table(
    "progress_settings",
    metadata,
    Column("company_id", UUID(as_uuid=True), primary_key=True),
    Column("weekend_days", ARRAY(SmallInteger), nullable=False),
    Column("behind_margin", Numeric(5, 4), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
)

# Dated exceptions to the weekday rule: holidays (selling = false) and make-up working days (selling = true).
calendar_days = Table(
    "calendar_days",
    metadata,
    Column("company_id", UUID(as_uuid=True), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("selling", Boolean, nullable=False),
    Column("reason", String(200), nullable=False),
)

# Targets of a published version summed over product lines, per org unit (all its cells) and per person, as
# running totals: through_month[m] = target of months 1..m (PostgreSQL arrays count from 1), so any run of months
# is one subtraction and a whole company's year is one row per unit. A published version never changes, so the
# cache is built once per (plan, version) and never goes stale.
progress_targets = Table(
    "progress_targets",
    metadata,
    Column("plan_id", UUID(as_uuid=True), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("holder_kind", String(10), primary_key=True),
    Column("holder_id", UUID(as_uuid=True), primary_key=True),
    Column("through_month", ARRAY(Numeric(20, 2)), nullable=False),
)

progress_target_builds = Table(
    "progress_target_builds",
    metadata,
    Column("plan_id", UUID(as_uuid=True), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("built_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
)

# One alert per node, plan, period and as-of day: the key that makes evaluation idempotent.
progress_alerts = Table(
    "progress_alerts",
    metadata,
    Column("plan_id", UUID(as_uuid=True), primary_key=True),
    Column("node_id", UUID(as_uuid=True), primary_key=True),
    Column("period", String(30), primary_key=True),
    Column("as_of", Date, primary_key=True),
    Column("node_kind", String(10), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
)

# The last evaluated status of each node and period, and when it was last alerted: an alert goes out when a node
# falls behind, and again only as a weekly reminder while it stays behind.
progress_alert_states = Table(
    "progress_alert_states",
    metadata,
    Column("plan_id", UUID(as_uuid=True), primary_key=True),
    Column("node_id", UUID(as_uuid=True), primary_key=True),
    Column("period", String(30), primary_key=True),
    Column("node_kind", String(10), nullable=False),
    Column("status", String(20), nullable=False),
    Column("since", Date, nullable=False),  # the evaluated day the status began
    Column("alerted_on", Date),  # the evaluated day of the last alert, None while never behind
)
