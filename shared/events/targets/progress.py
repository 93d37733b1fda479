"""Events of the targets service about progress."""
from __future__ import annotations

__all__: list[str] = []
