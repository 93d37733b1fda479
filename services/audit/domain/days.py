"""The days audit works with: 2000 to 2099, so period arithmetic (month ends, weeks, deadlines) cannot overflow."""

from __future__ import annotations

from datetime import date
from typing import overload

from shared.errors import InvalidInput

FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)


@overload
def supported(day: date, field: str) -> date: ...
@overload
def supported(day: None, field: str) -> None: ...
@overload
def supported(day: date | None, field: str) -> date | None: ...
def supported(day: date | None, field: str) -> date | None:
    """The day itself, or a 422 naming the field when it lies outside 2000-2099."""
    if day is not None and not FIRST_DAY <= day <= LAST_DAY:
        raise InvalidInput(f"{field} must lie between {FIRST_DAY} and {LAST_DAY}", field=field)
    return day
