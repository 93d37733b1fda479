"""Routes (线路: a rep's outlets per weekday), holidays and leave, and the schedules generated from them."""

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import UUID

from services.visits.db import metadata
from shared.db import created_at_column

routes = Table(
    "routes",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("rep_id", UUID(as_uuid=True), nullable=False),
    Column("org_unit_id", UUID(as_uuid=True), ForeignKey("visits.org_units.id"), nullable=False, index=True),
    Column("weekday", SmallInteger, nullable=False),  # ISO, 1 = Monday
    Column("name", String(100), nullable=False),
    Column("start_latitude", Float),  # where the rep's day starts (home, office), WGS-84
    Column("start_longitude", Float),
    created_at_column(),
    UniqueConstraint("rep_id", "weekday", name="uq_routes_rep_id_weekday"),
)

route_stops = Table(
    "route_stops",
    metadata,
    Column("route_id", UUID(as_uuid=True), ForeignKey("visits.routes.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("outlet_id", UUID(as_uuid=True), ForeignKey("visits.outlets.id"), nullable=False),
)

holidays = Table(
    "holidays",
    metadata,
    Column("day", Date, primary_key=True),
    Column("name", String(100), nullable=False),
)

rep_leave = Table(
    "rep_leave",
    metadata,
    Column("rep_id", UUID(as_uuid=True), primary_key=True),
    Column("day", Date, primary_key=True),
)

schedules = Table(
    "schedules",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("rep_id", UUID(as_uuid=True), nullable=False),
    Column("org_unit_id", UUID(as_uuid=True), nullable=False, index=True),
    Column("period_start", Date, nullable=False),
    Column("period_end", Date, nullable=False),
    Column("status", String(12), nullable=False),  # draft, submitted, approved, published
    created_at_column(),
    UniqueConstraint("rep_id", "period_start", name="uq_schedules_rep_id_period_start"),
)

schedule_entries = Table(
    "schedule_entries",
    metadata,
    # Made by PostgreSQL: generation COPYs a quarter of a million rows, and uuid4() in Python costs seconds.
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=func.gen_random_uuid()),
    Column("schedule_id", UUID(as_uuid=True), ForeignKey("visits.schedules.id", ondelete="CASCADE"), nullable=False),
    Column("rep_id", UUID(as_uuid=True), nullable=False),
    Column("outlet_id", UUID(as_uuid=True), nullable=False),
    Column("planned_on", Date, nullable=False),
    Column("position", Integer, nullable=False),
    Column("moved_from", Date),
    Column("version", Integer, nullable=False, server_default="1"),  # bumped by every change: sync compares it
    Column("missed_at", DateTime(timezone=True)),  # when the day passed with no visit and VisitMissed went out
)
Index("ix_visits_schedule_entries_rep_day", schedule_entries.c.rep_id, schedule_entries.c.planned_on)
Index("ix_visits_schedule_entries_schedule_id", schedule_entries.c.schedule_id)
