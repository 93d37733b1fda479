"""Where photo bytes live: content-addressed, behind a small interface (local files here; an S3-compatible
bucket implements the same three methods in production)."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Protocol

from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.settings import STATE_DIR


class ImageStore(Protocol):
    def put(self, content_hash: str, data: bytes) -> None: ...
    def get(self, content_hash: str) -> bytes | None: ...
    def exists(self, content_hash: str) -> bool: ...


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class LocalFileStore:
    """Files under root/ab/cd/<sha256>; a write goes to a temporary file renamed into place, so a reader never
    sees half a photo and two uploads of the same photo end with one file."""

    def __init__(self, root: Path):
        self.root = root

    def _path(self, h: str) -> Path:
        return self.root / h[:2] / h[2:4] / h

    def put(self, content_hash: str, data: bytes) -> None:
        path = self._path(content_hash)
        if path.exists():
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as tmp:
            tmp.write(data)
        os.replace(tmp.name, path)

    def get(self, content_hash: str) -> bytes | None:
        path = self._path(content_hash)
        return path.read_bytes() if path.exists() else None

    def exists(self, content_hash: str) -> bool:
        return self._path(content_hash).exists()


class PhotoSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="VISITS_")

    photo_dir: Path = STATE_DIR / "photos"


def default_store() -> ImageStore:
    return LocalFileStore(PhotoSettings().photo_dir)
