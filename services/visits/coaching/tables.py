"""Coaching visits (协访): a manager joins a rep's visit and scores it against a checklist."""

from sqlalchemy import Column, Float, ForeignKey, String, Table
from sqlalchemy.dialects.postgresql import JSONB, UUID

from services.visits.db import metadata
from shared.db import created_at_column

coaching_reviews = Table(
    "coaching_reviews",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("visit_id", UUID(as_uuid=True), ForeignKey("visits.visits.id"), nullable=False, unique=True),
    Column("manager_id", UUID(as_uuid=True), nullable=False),
    Column("scores", JSONB, nullable=False),  # [{"criterion": ..., "score": 0-5, "note": ...}]
    Column("score_pct", Float, nullable=False),
    Column("comment", String(1000)),
    created_at_column(),
)
