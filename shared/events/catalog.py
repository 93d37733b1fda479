"""Imports every contract so the registry knows all topics and types."""

from shared.events import audit, erp, erp_collections, inventory, targets, visits  # noqa: F401
from shared.events.base import REGISTRY

__all__ = ["REGISTRY"]
