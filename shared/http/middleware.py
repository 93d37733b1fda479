"""The one middleware every request passes: correlation id, metrics, security headers, body size limit, and the
last word on any exception.

Pure ASGI on purpose: Starlette's `BaseHTTPMiddleware` (`@app.middleware("http")`) runs the app in a separate task
and streams the response through memory channels, which cost most of a request's CPU. Here the request goes
straight through and only the `send` of the response start is wrapped.
"""

from __future__ import annotations

import logging
import time

from prometheus_client import Counter, Histogram
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.http.problems import problem_response
from shared.logs import CORRELATION_HEADER, correlation_id, new_correlation_id, valid_correlation_id

log = logging.getLogger(__name__)

REQUESTS = Histogram("salesops_http_request_seconds", "HTTP request latency", ["service", "method", "route", "status"])
ERRORS = Counter("salesops_http_errors_total", "HTTP 5xx answers", ["service", "route"])
_CORRELATION_KEY = CORRELATION_HEADER.lower().encode()


class BodyTooLarge(HTTPException):
    """Raised from `receive` before a byte past the limit is read; an HTTPException so FastAPI's body parser
    lets it through to the problem handlers (it turns any other error while reading into a 400)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body exceeds this endpoint's limit of {limit} bytes")


def body_limit(route: object, default: int, upload: int) -> int:
    """The route's own `max_body_size` (FastAPI's route parameter) when it declares one; else `upload` for routes
    documented as taking a file (a `format: binary` request body, e.g. spreadsheet imports); else `default`."""
    limit = getattr(route, "_salesops_body_limit", None)
    if limit is None:
        declared = getattr(route, "max_body_size", None)
        limit = declared or (upload if _takes_file(route) else default)
        if route is not None:
            route._salesops_body_limit = limit  # type: ignore[attr-defined]  # routes live as long as the app
    return limit


def _takes_file(route: object) -> bool:
    content = ((getattr(route, "openapi_extra", None) or {}).get("requestBody") or {}).get("content") or {}
    return any((media.get("schema") or {}).get("format") == "binary" for media in content.values())


def correlation_from(scope: Scope) -> str:
    for name, value in scope["headers"]:
        if name == _CORRELATION_KEY:
            return valid_correlation_id(value) or new_correlation_id()
    return new_correlation_id()


class ServiceMiddleware:
    def __init__(self, app: ASGIApp, *, service: str, max_body_bytes: int, max_upload_bytes: int) -> None:
        self.app = app
        self.service = service
        self.max_body_bytes = max_body_bytes
        self.max_upload_bytes = max_upload_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        cid = correlation_from(scope)
        token = correlation_id.set(cid)
        authenticated = any(name == b"authorization" for name, _ in scope["headers"])
        status = 500
        response_started = False
        received = 0
        declared = _content_length(scope)

        async def limited_receive() -> Message:
            nonlocal received
            # Called by the endpoint when it reads the body, so routing has already put the route in the scope.
            limit = body_limit(scope.get("route"), self.max_body_bytes, self.max_upload_bytes)
            if declared is not None and declared > limit:
                raise BodyTooLarge(limit)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def send_with_headers(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status = message["status"]
                response_started = True
                headers = MutableHeaders(scope=message)
                headers[CORRELATION_HEADER] = cid
                headers["X-Content-Type-Options"] = "nosniff"
                if authenticated:  # personal data must not land in shared caches or the browser's history
                    headers["Cache-Control"] = "no-store"
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except Exception:
            # Whatever escaped the app's handlers (a failing dependency, a bug in a handler): logged with its
            # correlation id and answered as a problem document, unless the response had already started.
            log.exception("unhandled error")
            if response_started:
                raise
            await problem_response(
                scope, 500, "Internal server error", "The error was logged with its correlation id."
            )(scope, receive, send_with_headers)
        finally:
            route = getattr(scope.get("route"), "path", "unmatched")
            REQUESTS.labels(self.service, scope["method"], route, status).observe(time.perf_counter() - started)
            if status >= 500:
                ERRORS.labels(self.service, route).inc()
            correlation_id.reset(token)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
