"""Rules for dealer orders pushed by an ERP: pricing and which version wins."""

from __future__ import annotations

import hashlib
import json
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum
from typing import Any, NamedTuple

from shared.errors import Conflict

CENT = Decimal("0.01")


class PricedLine(NamedTuple):  # a tuple: an ERP order's lines are priced tens of thousands a second
    sku: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal


def price_lines(lines: list[tuple[str, Decimal, Decimal]]) -> list[PricedLine]:
    """Line amount = quantity × unit price, rounded half-up to the cent."""
    return [PricedLine(sku, q, p, (q * p).quantize(CENT, ROUND_HALF_UP)) for sku, q, p in lines]


def order_totals(lines: list[PricedLine]) -> tuple[Decimal, Decimal]:
    """(total quantity, total amount) of an order."""
    return sum((line.quantity for line in lines), Decimal(0)), sum((line.amount for line in lines), Decimal(0))


def content_hash(document: dict[str, Any]) -> str:
    """A stable fingerprint of an ERP message, to tell a redelivery from a changed message."""
    return hashlib.sha256(json.dumps(document, sort_keys=True, default=str).encode()).hexdigest()


class VersionDecision(Enum):
    apply = "apply"  # new order, or a newer version of a known one
    unchanged = "unchanged"  # the same version again (redelivery), or an older one arriving late


def decide_version(stored: tuple[int, str] | None, version: int, digest: str) -> VersionDecision:
    """ERP messages may repeat or arrive out of order; only a newer version changes the order."""
    if stored is None:
        return VersionDecision.apply
    stored_version, stored_digest = stored
    if version > stored_version:
        return VersionDecision.apply
    if version == stored_version and digest != stored_digest:
        raise Conflict(f"ERP version {version} was already received with different content", field="version")
    return VersionDecision.unchanged
