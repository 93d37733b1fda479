"""JSON logs carrying the correlation id of the request or event being handled."""

from __future__ import annotations

import logging
import re
from contextvars import ContextVar

from pythonjsonlogger.json import JsonFormatter

from shared.ids import new_uuid

correlation_id: ContextVar[str | None] = ContextVar("correlation_id", default=None)
CORRELATION_HEADER = "X-Correlation-ID"  # on HTTP requests, and as a Kafka header on ERP messages
# Copied into events and the audit archive (64 characters): anything else is replaced, never trusted.
_VALID_CORRELATION = re.compile(rb"[A-Za-z0-9._-]{1,64}")


def valid_correlation_id(value: bytes) -> str | None:
    """The caller's correlation id when it is one we may copy into events and logs; None otherwise."""
    return value.decode() if _VALID_CORRELATION.fullmatch(value) else None


def new_correlation_id() -> str:
    return new_uuid().hex


class _CorrelationFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.correlation_id = correlation_id.get()
        return True


def configure_logging(level: str = "INFO", service: str | None = None) -> None:
    """Route every logger through one JSON handler on stderr."""
    handler = logging.StreamHandler()
    handler.setFormatter(
        JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s %(correlation_id)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            static_fields={"service": service} if service else None,
        )
    )
    handler.addFilter(_CorrelationFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("kafka").setLevel(logging.WARNING)
