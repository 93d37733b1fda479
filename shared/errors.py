"""Domain exceptions. One handler (shared.http.problems) maps them to RFC 9457 problem responses."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A business rule refused the request; `field` names the offending input when there is one."""

    status = 422
    title = "Business rule violated"

    def __init__(self, detail: str, *, field: str | None = None, errors: list[dict[str, Any]] | None = None):
        super().__init__(detail)
        self.detail = detail
        self.field = field
        self.errors = errors or ([{"field": field, "reason": detail}] if field else [])


class InvalidInput(DomainError):
    status = 422
    title = "Invalid input"


class NotFound(DomainError):
    status = 404
    title = "Not found"


class Conflict(DomainError):
    status = 409
    title = "Conflict"


class Forbidden(DomainError):
    status = 403
    title = "Forbidden"


class NotYetKnown(DomainError):
    """A reference this service has not received yet but soon may: events are still travelling; retry."""

    status = 503
    title = "Not known here yet"

    def __init__(self, detail: str, *, field: str | None = None, retry_after_seconds: int = 1):
        super().__init__(detail, field=field)
        self.retry_after_seconds = retry_after_seconds
