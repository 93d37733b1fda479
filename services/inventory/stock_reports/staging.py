"""A submission's rows streamed into temporary tables by COPY, each cell checked in Python as it passes.

Nothing but the cells is judged here: a row whose cells read is staged as text PostgreSQL takes without a second
look, one whose cells do not becomes an error naming the row and the column. Rows are never all held in memory."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterable
from typing import Any, cast

from sqlalchemy import Connection

from services.inventory.stock_reports.parsing import batches, count, day

TABLES = """
CREATE TEMP TABLE IF NOT EXISTS stock_stage (
    row_no integer NOT NULL, dealer_ref text NOT NULL, period_end date NOT NULL, sku text NOT NULL,
    opening bigint, received bigint NOT NULL, closing bigint NOT NULL,
    batch_count integer NOT NULL, batch_code text, batch_total bigint, batch_min bigint,
    oldest date, newest date, codes_unique boolean
) ON COMMIT DELETE ROWS;
CREATE TEMP TABLE IF NOT EXISTS stock_stage_batches (
    row_no integer NOT NULL, code text NOT NULL, produced_on date NOT NULL, quantity bigint NOT NULL
) ON COMMIT DELETE ROWS;
"""
COPY_ROWS = "COPY stock_stage FROM STDIN"
COPY_BATCHES = "COPY stock_stage_batches FROM STDIN"
NO_BATCHES = "0\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N"
FLUSH_ROWS = 5_000
_dates: dict[Any, str] = {}


class CellError(ValueError):
    """A cell that does not read as what its column holds."""

    def __init__(self, column: str, reason: str):
        super().__init__(reason)
        self.column = column
        self.reason = reason


def stage_rows(conn: Connection, rows: Iterable[tuple], label: str, add_error) -> tuple[int, set[str]]:
    """COPY every readable row into the empty `stock_stage` (batches of several codes into `stock_stage_batches`);
    returns the number of rows read and the dealer references met. `add_error(field, reason)` hears of each bad cell."""
    raw = cast(Any, conn.connection.driver_connection)
    refs: set[str] = set()
    count_rows = 0
    # Lines holding several batches are rare: theirs wait in a file (memory up to 8 MB) until the rows are in.
    with tempfile.SpooledTemporaryFile(max_size=8 << 20, mode="w+", encoding="utf-8") as extra:
        with raw.cursor() as cursor, cursor.copy(COPY_ROWS) as copy:
            buffer: list[str] = []
            for number, dealer, period_end, sku, opening, received, closing, cell in rows:
                count_rows += 1
                try:
                    ref, text = _row(number, dealer, period_end, sku, opening, received, closing, cell, extra)
                except CellError as exc:
                    add_error(f"{label}[{number}].{exc.column}", exc.reason)
                    continue
                refs.add(ref)
                buffer.append(text)
                if len(buffer) >= FLUSH_ROWS:
                    copy.write("".join(buffer))
                    buffer.clear()
            copy.write("".join(buffer))
        if extra.tell():
            extra.seek(0)
            with raw.cursor() as cursor, cursor.copy(COPY_BATCHES) as copy:
                while chunk := extra.read(1 << 20):
                    copy.write(chunk)
    return count_rows, refs


def _row(number, dealer, period_end, sku, opening, received, closing, cell, extra) -> tuple[str, str]:
    """(dealer reference, the row as a line of COPY text); "" and None are both a blank cell."""
    if type(dealer) is not str or not dealer:
        if not isinstance(dealer, uuid.UUID):
            raise CellError("dealer_code", "must be text")
        dealer = str(dealer)
    if type(sku) is not str or not sku:
        raise CellError("sku", "must be text")
    column = "period_end"  # the cells are read in the order the first bad one is reported
    try:
        end = _day(period_end)
        column = "received"
        received = _count(received)
        column = "closing"
        closing = _count(closing)
        column = "opening"
        opening = "\\N" if opening is None or opening == "" else _count(opening)
        column = "batches"
        batch_text = _batches(number, cell, end, extra) if cell else NO_BATCHES
        column = "dealer_code"
        names = _text(dealer) + "\t" + end + "\t" + _text(sku, "sku")
    except CellError as exc:
        raise CellError(exc.column or column, exc.reason) from None
    except (ValueError, KeyError, TypeError) as exc:
        raise CellError(column, str(exc)) from None
    return dealer, f"{number}\t{names}\t{opening}\t{received}\t{closing}\t{batch_text}\n"


def _count(value: Any) -> str:
    """A whole number of units as COPY text; the usual cell (a few ASCII digits) passes as it is."""
    if type(value) is str and value.isdigit() and value.isascii() and len(value) < 10:
        return value
    return str(count(value))


def _day(value: Any) -> str:
    """An ISO date as COPY text; a file repeats the same few dates a million times, each is read once."""
    try:
        return _dates[value]
    except KeyError:
        pass
    except TypeError:  # a list or a dict in a JSON cell
        return day(value).isoformat()
    text = day(value).isoformat()
    if len(_dates) > 4096:
        _dates.clear()
    _dates[value] = text
    return text


def _text(value: str, column: str = "") -> str:
    """Text as COPY text: backslash, tab, newline and carriage return escaped; NUL has no place in PostgreSQL."""
    if value.isprintable() and "\\" not in value:
        return value
    if "\x00" in value:
        raise CellError(column, "must not hold a NUL character")
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _batches(number: int, cell: Any, end: str, extra) -> str:
    """The batch columns of a row: one batch inline, several summed up here and written out to `extra`."""
    if type(cell) is str and ";" not in cell:  # the usual cell: CODE@YYYY-MM-DD=QUANTITY
        part = cell.strip()
        if not part:
            return NO_BATCHES
        code, at, rest = part.partition("@")
        produced, equals, quantity = rest.partition("=")
        if not (code and at and equals) or len(code) > 64:
            raise ValueError(f"batch {part!r} is not written CODE@YYYY-MM-DD=QUANTITY")
        produced, quantity = _day(produced), _count(quantity)
        return f"1\t{_text(code)}\t{quantity}\t{quantity}\t{produced}\t{produced}\tt"
    found = batches(cell)
    if not found:
        return NO_BATCHES
    if len(found) == 1:
        (b,) = found
        return f"1\t{_text(b.code)}\t{b.quantity}\t{b.quantity}\t{b.produced_on}\t{b.produced_on}\tt"
    extra.write("".join(f"{number}\t{_text(b.code)}\t{b.produced_on}\t{b.quantity}\n" for b in found))
    dates = [b.produced_on for b in found]
    unique = "t" if len({b.code for b in found}) == len(found) else "f"
    total, least = sum(b.quantity for b in found), min(b.quantity for b in found)
    return f"{len(found)}\t\\N\t{total}\t{least}\t{min(dates)}\t{max(dates)}\t{unique}"
