"""Events of the targets service about people."""
from __future__ import annotations

__all__: list[str] = []
