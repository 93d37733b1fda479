"""Use cases for photos: store the bytes by content hash with a perceptual hash beside them."""

from __future__ import annotations

import io

import imagehash
from PIL import Image, UnidentifiedImageError
from sqlalchemy import Connection, select
from sqlalchemy.dialects.postgresql import insert

from services.visits.photos.schemas import PhotoOut
from services.visits.photos.store import ImageStore, content_hash
from services.visits.photos.tables import photos as t
from shared.errors import InvalidInput, NotFound

MAX_BYTES = 10 * 1024 * 1024
CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


def perceptual_hash(data: bytes) -> tuple[int, str]:
    """The image's 64-bit pHash as a signed bigint (for PostgreSQL) and as hex; 422 when it is no image."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format
            value = imagehash.phash(image)
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise InvalidInput(f"not a readable image: {exc}", field="body") from exc
    if kind not in CONTENT_TYPES:
        raise InvalidInput(f"image format {kind} is not accepted; send JPEG, PNG or WebP", field="body")
    unsigned = int(str(value), 16)
    return unsigned - (1 << 64) if unsigned >= 1 << 63 else unsigned, str(value)


def to_hex(signed: int) -> str:
    return f"{signed & ((1 << 64) - 1):016x}"


def store_photo(conn: Connection, store: ImageStore, data: bytes) -> PhotoOut:
    """Keep a photo once, however often it is uploaded; the same bytes give the same answer."""
    if not data:
        raise InvalidInput("the body is empty; send the image bytes", field="body")
    if len(data) > MAX_BYTES:
        raise InvalidInput(f"a photo is at most {MAX_BYTES} bytes", field="body")
    digest = content_hash(data)
    existing = conn.execute(select(t).where(t.c.content_hash == digest)).first()
    if existing is None:
        phash, _ = perceptual_hash(data)
        with Image.open(io.BytesIO(data)) as image:
            assert image.format is not None, "Image.open names the format of every image it opened from bytes"
            content_type = CONTENT_TYPES[image.format]
        store.put(digest, data)  # bytes first: a row never points at a missing file
        conn.execute(
            insert(t)
            .values(content_hash=digest, phash=phash, content_type=content_type, size_bytes=len(data))
            .on_conflict_do_nothing()
        )
        existing = conn.execute(select(t).where(t.c.content_hash == digest)).one()
    return _out(existing)


def get_photo(conn: Connection, digest: str) -> PhotoOut:
    row = conn.execute(select(t).where(t.c.content_hash == digest)).first()
    if row is None:
        raise NotFound(f"photo {digest} not found")
    return _out(row)


def _out(row) -> PhotoOut:
    values = row._asdict()
    values["phash"] = to_hex(values["phash"])
    return PhotoOut(**values)
