"""First-expiry-first-out allocation of warehouse batches to a shipment line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class StockBatch:
    code: str
    expires_on: date
    available: int


@dataclass(frozen=True)
class Allocation:
    code: str
    quantity: int


def allocate_fefo(batches: list[StockBatch], quantity: int) -> tuple[list[Allocation], int]:
    """Take from the batch that expires first (then by code, for a stable answer); returns (allocations, shortfall)."""
    if quantity < 0:
        raise ValueError("quantity may not be negative")
    allocations, remaining = [], quantity
    for batch in sorted(batches, key=lambda b: (b.expires_on, b.code)):
        if remaining == 0:
            break
        take = min(batch.available, remaining)
        if take > 0:
            allocations.append(Allocation(batch.code, take))
            remaining -= take
    return allocations, remaining
