"""Promotions (促销活动) running in a territory, for reps to carry out in the outlets they visit."""

from sqlalchemy import Column, Date, ForeignKey, Index, String, Table
from sqlalchemy.dialects.postgresql import JSONB, UUID

from services.visits.db import metadata
from shared.db import created_at_column

promotions = Table(
    "promotions",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("code", String(64), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("org_unit_id", UUID(as_uuid=True), ForeignKey("visits.org_units.id"), nullable=False),  # and below
    Column("starts_on", Date, nullable=False),
    Column("ends_on", Date, nullable=False),
    Column("channels", JSONB, nullable=False),  # the outlet channels it runs in; [] = every channel
    Column("mechanic", String(300), nullable=False),  # what the rep tells the shop: "buy 2 get 1", "5% off"
    Column("skus", JSONB, nullable=False),  # the SKUs it covers
    created_at_column(),
)
Index("ix_visits_promotions_period", promotions.c.starts_on, promotions.c.ends_on)
