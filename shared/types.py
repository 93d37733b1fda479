"""Strict types for request bodies, so what is accepted is exactly what the OpenAPI schema documents.
Exact decimals travel as JSON strings with a documented pattern (no float rounding); dates as YYYY-MM-DD."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any

from annotated_types import GroupedMetadata
from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema


class DecimalString(GroupedMetadata):
    """`Annotated[Decimal, DecimalString(pattern, *examples)]`: a Decimal sent as a JSON string matching `pattern`;
    the OpenAPI schema documents exactly that pattern (a type alias mypy reads as Decimal)."""

    def __init__(self, pattern: str, *examples: str) -> None:
        self.pattern = pattern
        self.examples = list(examples)
        self._compiled = re.compile(pattern)

    def check(self, value: Any) -> Any:
        if isinstance(value, Decimal):
            return value
        if not isinstance(value, str) or not self._compiled.fullmatch(value):
            raise ValueError(f"must be a decimal string matching {self.pattern}")
        return value

    def __iter__(self) -> Iterator[object]:
        yield BeforeValidator(self.check)
        yield WithJsonSchema({"type": "string", "pattern": self.pattern, "examples": self.examples})


# Bounded so that quantity x price always fits the order line's amount column, numeric(18, 2), with room for
# the order total of up to 1,000 such lines: 999,999.999 x 9,999,999.9999 < 10^13, and 1,000 of them < 10^16.
# Greater than zero, up to 6 integer digits and 3 decimals: "12", "0.5", "1200.125".
QUANTITY_PATTERN = r"^(?:[1-9][0-9]{0,5}(?:\.[0-9]{1,3})?|0?\.(?:[1-9][0-9]{0,2}|0[1-9][0-9]?|00[1-9]))$"
# Zero or more, up to 7 integer digits and 4 decimals: "0", "12.5", "7.3330".
PRICE_PATTERN = r"^[0-9]{1,7}(?:\.[0-9]{1,4})?$"

Quantity = Annotated[Decimal, DecimalString(QUANTITY_PATTERN, "10", "2.5")]
Price = Annotated[Decimal, DecimalString(PRICE_PATTERN, "12.50")]


def _iso_date(value: Any) -> Any:
    if isinstance(value, date) or (isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value)):
        return value
    raise ValueError("must be an ISO date, e.g. 2026-03-14")


# Lax pydantic would read a number, or the string "0", as a Unix timestamp; a date is written YYYY-MM-DD.
IsoDate = Annotated[date, BeforeValidator(_iso_date)]


def _json_number(value: Any) -> Any:
    if isinstance(value, (str, bool)):
        raise ValueError("must be a JSON number, not a string or boolean")
    return value


# JSON Schema calls 3.0 an integer too; lax pydantic would also take "3", which the schema does not allow.
JsonInt = Annotated[int, BeforeValidator(_json_number)]


class FixedPlaces(GroupedMetadata):
    """`Annotated[Decimal, FixedPlaces(2)]`: a Decimal answered as a JSON string with exactly that many decimals
    (rounded half up), whatever scale the computation or the column left it with; the schema says so."""

    def __init__(self, places: int, example: str, description: str) -> None:
        self.step = Decimal(1).scaleb(-places)
        self.pattern = rf"^-?[0-9]+\.[0-9]{{{places}}}$"
        self.example = example
        self.description = description

    def text(self, value: Decimal) -> str:
        return str(Decimal(value).quantize(self.step, ROUND_HALF_UP))

    def __iter__(self) -> Iterator[object]:
        yield PlainSerializer(self.text, return_type=str, when_used="json")
        yield WithJsonSchema(
            {"type": "string", "pattern": self.pattern, "examples": [self.example], "description": self.description}
        )


# The one answer format of each kind of number (see README "Numbers in answers"): money and every plan value
# (targets, actuals, gaps, run rates in the plan's unit) with 2 decimals; quantities with 3; rates and shares of
# one (achievement, time progress) with 4; shares of one (a dealer's coverage, a split's share) with 6.
MoneyOut = Annotated[Decimal, FixedPlaces(2, "125000.00", "Money or a plan value: exactly 2 decimals")]
QuantityOut = Annotated[Decimal, FixedPlaces(3, "830.000", "A quantity: exactly 3 decimals")]
RateOut = Annotated[Decimal, FixedPlaces(4, "0.3750", "A rate (1 = 100 %): exactly 4 decimals")]
ShareOut = Annotated[Decimal, FixedPlaces(6, "0.600000", "A share of one: exactly 6 decimals")]
