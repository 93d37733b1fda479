"""Visits (拜访): check-in, what was observed step by step, check-out, and the checks and score recorded."""

from sqlalchemy import Boolean, Column, DateTime, Float, ForeignKey, Index, Integer, String, Table
from sqlalchemy.dialects.postgresql import JSONB, UUID

from services.visits.db import metadata
from shared.db import created_at_column

visits = Table(
    "visits",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),  # client-generated: a retried submission is recognised
    Column("rep_id", UUID(as_uuid=True), nullable=False),
    Column("outlet_id", UUID(as_uuid=True), ForeignKey("visits.outlets.id"), nullable=False, index=True),
    Column("org_unit_id", UUID(as_uuid=True), nullable=False, index=True),  # the outlet's, for scope
    Column("schedule_entry_id", UUID(as_uuid=True)),
    Column("status", String(12), nullable=False),  # in_progress, completed
    Column("fingerprint", String(64), nullable=False),  # of the check-in as sent, to tell a retry from a clash
    # Check-in: the device's time and the server's are both kept; the position in WGS-84 after conversion.
    Column("check_in_client_at", DateTime(timezone=True), nullable=False),
    Column("check_in_server_at", DateTime(timezone=True), nullable=False),
    Column("latitude", Float, nullable=False),
    Column("longitude", Float, nullable=False),
    Column("datum", String(5), nullable=False),  # what the device sent: wgs84, gcj02, bd09
    Column("sent_latitude", Float, nullable=False),
    Column("sent_longitude", Float, nullable=False),
    Column("accuracy_m", Float, nullable=False),
    Column("mock_location", Boolean, nullable=False),
    Column("distance_m", Float),  # null when the outlet has no position on the map
    Column("outside_geofence", Boolean, nullable=False),
    Column("check_out_client_at", DateTime(timezone=True)),
    Column("check_out_server_at", DateTime(timezone=True)),
    Column("clock_skew_s", Float),
    Column("duration_minutes", Float),
    Column("flags", JSONB),  # too_short, out_of_hours, missing_steps, outside_geofence
    Column("missing_steps", JSONB),
    Column("order_taken", Boolean, nullable=False, server_default="false"),
    Column("authenticity_score", Float),
    Column("authenticity_signals", JSONB),
    created_at_column(),
)
Index("ix_visits_visits_rep_check_in", visits.c.rep_id, visits.c.check_in_client_at)

visit_steps = Table(
    "visit_steps",
    metadata,
    Column("visit_id", UUID(as_uuid=True), ForeignKey("visits.visits.id"), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("step", String(30), nullable=False),
    Column("data", JSONB, nullable=False),
    created_at_column(),
)
