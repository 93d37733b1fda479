"""Helpers for tests: waiting on a condition, unique names."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest


def wait_until(predicate: Callable[..., Any], timeout: float = 30.0, interval: float = 0.05, message: str = "") -> Any:
    """Poll a condition (not a fixed sleep): returns its first truthy value or fails the test."""
    # Callable[..., Any]: called with no arguments, but a lambda binding loop variables as defaults must type-check.
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {message or predicate}")
        time.sleep(interval)


def bearer(issuer, role: str, org_unit=None, person_id=None, subject: str | None = None) -> dict:
    """Authorization header for a caller of `role`, scoped to `org_unit`; person_id makes a rep who reads their own."""
    jwt = issuer.issue(
        role=role,
        org_unit=str(org_unit) if org_unit else None,
        person_id=str(person_id) if person_id else None,
        subject=subject or unique(f"test-{role}"),
    )
    return {"Authorization": f"Bearer {jwt}"}


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def create_org_unit(client, headers, *, kind: str, parent_id=None, code: str | None = None) -> dict:
    body = {"kind": kind, "code": code or unique(kind.upper()), "name": f"{kind} for tests"}
    if parent_id:
        body["parent_id"] = str(parent_id)
    response = client.post("/org-units", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def erp_order(
    order_id: str,
    dealer_code: str,
    *,
    version: int = 1,
    lines=(("SKU-1", "10", "12.50"),),
    status: str = "confirmed",
    ordered_on: str = "2026-03-14",
) -> dict:
    return {
        "order_id": order_id,
        "version": version,
        "dealer_code": dealer_code,
        "status": status,
        "ordered_on": ordered_on,
        "currency": "CNY",
        "lines": [{"sku": s, "quantity": q, "unit_price": p} for s, q, p in lines],
    }
