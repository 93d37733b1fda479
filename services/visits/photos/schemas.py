"""Photo bodies."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class PhotoOut(BaseModel):
    content_hash: str
    phash: str  # 16 hex digits
    content_type: str
    size_bytes: int
    created_at: datetime
