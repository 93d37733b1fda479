"""Keyset cursors for listings ordered by (instant, id): opaque to clients, checked when read back."""

from __future__ import annotations

import base64
import binascii
import uuid
from datetime import datetime

from shared.errors import InvalidInput


def encode_cursor(at: datetime, row_id: uuid.UUID) -> str:
    return base64.urlsafe_b64encode(f"{at.isoformat()}|{row_id}".encode()).decode()


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    """The (instant, id) a cursor continues after; a 400 naming `cursor` for anything this API did not return."""
    try:
        at, row_id = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        return datetime.fromisoformat(at), uuid.UUID(row_id)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidInput("not a cursor this API returned", field="cursor") from None
