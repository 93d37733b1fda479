"""Reading bulk stock files (CSV, .xlsx, JSON) into plain rows, and the cells of a row into numbers and dates."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from openpyxl import load_workbook

from services.inventory.domain.stock import Batch
from shared.errors import InvalidInput

MAX_BYTES = 256 * 1024 * 1024
MAX_ROWS = 1_100_000
MAX_COUNT = 1_000_000_000
COLUMNS = ("dealer_code", "period_end", "sku", "opening", "received", "closing", "batches")
REQUIRED = ("dealer_code", "period_end", "sku", "received", "closing")


def read_rows(content: bytes) -> Iterator[tuple]:
    """(row number in the file, dealer_code, period_end, sku, opening, received, closing, batches) of each non-blank
    data row of a CSV or .xlsx file; a blank cell is None. Read as a stream: rows are never all held at once."""
    if not content:
        raise InvalidInput("the file is empty", field="file")
    if len(content) > MAX_BYTES:
        raise InvalidInput(f"the file is larger than {MAX_BYTES // 1024 // 1024} MB", field="file")
    if content[:2] == b"PK":
        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
            lines: Iterator = sheet.iter_rows(values_only=True)
            header = next(lines, None)
        except Exception as exc:  # a malformed workbook fails in many ways (zip, XML, openpyxl); all mean the same
            raise InvalidInput(f"not a readable .xlsx file: {type(exc).__name__}: {exc}", field="file") from exc
    else:
        try:
            # Decoded as it is read (BytesIO shares the bytes): no second copy of the whole file as text.
            lines = csv.reader(io.TextIOWrapper(io.BytesIO(content), encoding="utf-8-sig", newline=""))
            header = next(lines, None)
        except (UnicodeDecodeError, csv.Error) as exc:
            raise InvalidInput(f"not a readable UTF-8 CSV file: {exc}", field="file") from exc
    names = [str(h or "").strip().lower() for h in header or ()]
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise InvalidInput(f"the header needs the columns {', '.join(missing)}", field="file")
    at = [names.index(c) if c in names else None for c in COLUMNS]
    try:
        yield from _rows(lines, at, names)
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"not a readable UTF-8 CSV file: {exc}", field="file") from exc
    except csv.Error as exc:
        raise InvalidInput(f"not a readable CSV file: {exc}", field="file") from exc


def _rows(lines: Iterator, at: list[int | None], names: list[str]) -> Iterator[tuple]:
    exact = tuple(names) == COLUMNS  # the usual file: our columns in our order, so a row is taken as it is
    count = 0
    for number, line in enumerate(lines, start=2):
        if exact and len(line) == 7:
            if not any(line):
                continue
            values = line  # blank cells stay "": the submission reads "" and None alike as blank
        else:
            values = [None if i is None or i >= len(line) or line[i] == "" else line[i] for i in at]
            if values == _BLANK:
                continue
        count += 1
        if count > MAX_ROWS:
            raise InvalidInput(f"the file has more than {MAX_ROWS} rows", field="file")
        yield (number, *values)


_BLANK = [None] * len(COLUMNS)


def count(value: Any) -> int:
    """A whole number of units from text or a spreadsheet number."""
    if type(value) is str and value.isascii() and value.isdigit() and len(value) < 10:  # the usual case: fast
        return int(value)
    if isinstance(value, bool):
        raise ValueError("not a whole number")
    if isinstance(value, int):
        result = value
    elif isinstance(value, float) and value.is_integer():
        result = int(value)
    else:
        text = str(value).strip()
        if not text.lstrip("-").isdigit():
            raise ValueError(f"{value!r} is not a whole number")
        result = int(text)
    if result > MAX_COUNT:
        raise ValueError(f"{result} is above {MAX_COUNT}")
    if result < -MAX_COUNT:  # negative counts are refused by the rules, naming the line; this bounds the staging
        raise ValueError(f"{result} is below -{MAX_COUNT}")
    return result


def day(value: Any) -> date:
    """A date from ISO text or a spreadsheet date."""
    if isinstance(value, str):
        return _iso_day(value)
    if isinstance(value, datetime):  # spreadsheets give dates as datetimes
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"{value!r} is not a date like 2026-03-15") from None


def _code(value: Any) -> str:
    if not isinstance(value, str) or not 0 < len(value) <= 64:
        raise ValueError("a batch code is text of 1 to 64 characters")
    return value


@lru_cache(maxsize=4096)
def _iso_day(text: str) -> date:
    """A file repeats the same few dates a million times; each is parsed once."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{text!r} is not a date like 2026-03-15") from None


def batches(value: Any) -> tuple[Batch, ...]:
    """`CODE@2026-02-01=40;CODE2@2026-03-01=20` (a file cell), or a list of {code, produced_on, quantity}."""
    if isinstance(value, list):
        return tuple(Batch(_code(b["code"]), day(b["produced_on"]), count(b["quantity"])) for b in value)
    result = []
    for part in str(value).split(";"):
        part = part.strip()
        if not part:
            continue
        code, at, rest = part.partition("@")
        produced, equals, quantity = rest.partition("=")
        if not (code and at and equals) or len(code) > 64:
            raise ValueError(f"batch {part!r} is not written CODE@YYYY-MM-DD=QUANTITY")
        result.append(Batch(code, day(produced), count(quantity)))
    return tuple(result)
