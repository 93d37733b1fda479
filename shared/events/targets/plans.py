"""Events of the targets service about plans."""
from __future__ import annotations

__all__: list[str] = []
