"""Photos taken on visits: stored once by content hash, linked to every visit that shows them."""

from sqlalchemy import BigInteger, Column, DateTime, ForeignKey, Integer, String, Table
from sqlalchemy.dialects.postgresql import JSONB, UUID

from services.visits.db import metadata
from shared.db import created_at_column

photos = Table(
    "photos",
    metadata,
    Column("content_hash", String(64), primary_key=True),  # sha256 of the bytes
    Column("phash", BigInteger, nullable=False),  # 64-bit perceptual hash, for near duplicates
    Column("content_type", String(40), nullable=False),
    Column("size_bytes", Integer, nullable=False),
    created_at_column(),
)

visit_photos = Table(
    "visit_photos",
    metadata,
    Column("visit_id", UUID(as_uuid=True), ForeignKey("visits.visits.id"), primary_key=True),
    Column("content_hash", String(64), ForeignKey("visits.photos.content_hash"), primary_key=True, index=True),
    Column("phash", BigInteger, nullable=False),  # copied so the near-duplicate scan reads one table
    Column("rep_id", UUID(as_uuid=True), nullable=False),
    Column("taken_at", DateTime(timezone=True)),
    Column("meta", JSONB, nullable=False),  # caption, shelf, device
    created_at_column(),
)
