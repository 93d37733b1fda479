"""Visit policy per outlet grade: how often, how long at least, how close, and the steps each channel needs."""

from sqlalchemy import Column, Float, Integer, String, Table
from sqlalchemy.dialects.postgresql import JSONB

from services.visits.db import metadata

visit_policies = Table(
    "visit_policies",
    metadata,
    Column("grade", String(1), primary_key=True),
    Column("interval_weeks", Integer, nullable=False),
    Column("minimum_minutes", Integer, nullable=False),
    Column("radius_m", Float, nullable=False),
    Column("required_steps", JSONB, nullable=False),  # {"supermarket": ["stock_check", "display"], "*": [...]}
)
