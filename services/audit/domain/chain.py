"""The archive's hash chain: each link hashes the previous link's hash with the event's canonical bytes, so
altering, removing or reordering any archived event changes every later hash."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64
CHAINED_FIELDS = ("event_id", "topic", "type", "version", "source", "subject", "correlation_id", "occurred_at", "data")


def canonical(event: Mapping[str, Any]) -> bytes:
    """The event's chained fields as sorted, compact JSON (timestamps in UTC, ISO 8601)."""
    fields = {k: event[k] for k in CHAINED_FIELDS}
    when = fields["occurred_at"]
    if isinstance(when, datetime):
        fields["occurred_at"] = when.astimezone(UTC).isoformat()
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def link_hash(previous: str, event: Mapping[str, Any]) -> str:
    return hashlib.sha256(previous.encode() + b"\n" + canonical(event)).hexdigest()


@dataclass(frozen=True)
class Link:
    seq: int
    prev_hash: str
    hash: str
    event: Mapping[str, Any]


@dataclass(frozen=True)
class Broken:
    seq: int
    event_id: str
    reason: str


def first_broken(links: Iterable[Link], previous: str = GENESIS) -> Broken | None:
    """The first link, in chain order, whose stored hashes do not match the recomputed ones."""
    for link in links:
        if link.prev_hash != previous:
            return Broken(link.seq, link.event["event_id"], "previous hash does not match the link before it")
        if link_hash(previous, link.event) != link.hash:
            return Broken(link.seq, link.event["event_id"], "event content does not match its hash")
        previous = link.hash
    return None
