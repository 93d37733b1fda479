"""Decimal types for request bodies: exact values travel as JSON strings, and the documented pattern
says precisely which strings are accepted (no float rounding, no surprises for clients)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, WithJsonSchema


def _decimal_string(pattern: str):
    import re

    compiled = re.compile(pattern)

    def check(value: Any) -> Any:
        if isinstance(value, Decimal):
            return value
        if not isinstance(value, str) or not compiled.fullmatch(value):
            raise ValueError(f"must be a decimal string matching {pattern}")
        return value

    return check


# Greater than zero, up to 11 integer digits and 3 decimals: "12", "0.5", "1200.125".
QUANTITY_PATTERN = r"^(?:[1-9][0-9]{0,10}(?:\.[0-9]{1,3})?|0?\.(?:[1-9][0-9]{0,2}|0[1-9][0-9]?|00[1-9]))$"
# Zero or more, up to 10 integer digits and 4 decimals: "0", "12.5", "7.3330".
PRICE_PATTERN = r"^[0-9]{1,10}(?:\.[0-9]{1,4})?$"

Quantity = Annotated[
    Decimal, BeforeValidator(_decimal_string(QUANTITY_PATTERN)),
    WithJsonSchema({"type": "string", "pattern": QUANTITY_PATTERN, "examples": ["10", "2.5"]}),
]
Price = Annotated[
    Decimal, BeforeValidator(_decimal_string(PRICE_PATTERN)),
    WithJsonSchema({"type": "string", "pattern": PRICE_PATTERN, "examples": ["12.50"]}),
]


def _iso_date(value: Any) -> Any:
    if isinstance(value, (str, date)):
        return value
    raise ValueError("must be an ISO date string, e.g. 2026-03-14")


# Lax pydantic would read a number as a Unix timestamp; a date is written as a date.
IsoDate = Annotated[date, BeforeValidator(_iso_date)]


def _json_number(value: Any) -> Any:
    if isinstance(value, (str, bool)):
        raise ValueError("must be a JSON number, not a string or boolean")
    return value


# JSON Schema calls 3.0 an integer too; lax pydantic would also take "3", which the schema does not allow.
JsonInt = Annotated[int, BeforeValidator(_json_number)]
