"""Reading an uploaded spreadsheet (.xlsx, or CSV in UTF-8 or GB18030) into header codes and rows, within bounds
that keep a hostile file from costing more than a whole company's plan."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from openpyxl import load_workbook

from services.targets.plans.spreadsheets import FORMULA_STARTS, HEADER_CODES, TOTAL_MARK
from shared.errors import InvalidInput

MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 50_000  # data rows below the header: a whole company's reps x product lines fits
MAX_COLUMNS = 30  # the export's 20 columns and room for a few more
MAX_AMOUNT = Decimal(10) ** 15  # target cells are numeric(18, 2)
MAX_WEIGHT = Decimal(10) ** 17  # weights are numeric(24, 6)
PRODUCT_LINE = re.compile(r"^[^\x00-\x1f\\]{0,64}$")


def _bounded(lines: Iterable[Sequence[Any]]) -> list[list[Any]]:
    """The sheet's lines, refusing more than MAX_ROWS data rows or a value beyond MAX_COLUMNS columns."""
    kept: list[list[Any]] = []
    for number, line in enumerate(lines, start=1):
        if number > MAX_ROWS + 1:  # the header and MAX_ROWS data rows
            raise InvalidInput(f"a file may hold at most {MAX_ROWS} rows below the header", field="file")
        values = list(line)
        if any(v is not None and str(v).strip() != "" for v in values[MAX_COLUMNS:]):
            raise InvalidInput(f"a file may use at most {MAX_COLUMNS} columns (row {number})", field="file")
        kept.append(values[:MAX_COLUMNS])
    return kept


def _xlsx_lines(content: bytes) -> list[list[Any]]:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = book["targets"] if "targets" in book.sheetnames else book.worksheets[0]
        # The declared <dimension> is the writer's claim, not the data: a 5 KB file may declare A1:XFD1048576, and
        # read-only openpyxl pads every row to it. Forget it; read one column past the limit to detect overflow.
        sheet.reset_dimensions()
        return _bounded(sheet.iter_rows(max_col=MAX_COLUMNS + 1, values_only=True))
    except InvalidInput:
        raise
    except Exception as exc:  # a malformed workbook fails in many ways (zip, XML, openpyxl); all mean the same
        raise InvalidInput(f"not a readable .xlsx file: {type(exc).__name__}: {exc}", field="file") from exc


# Chinese Excel saves CSV as GBK by default; GB18030 reads every GBK (and GB2312) file, and UTF-8 is tried first.
CSV_ENCODINGS = (("utf-8-sig", "UTF-8"), ("gb18030", "GB18030/GBK"))


def _csv_lines(content: bytes) -> tuple[list[list[Any]], str]:
    """The CSV's lines and the encoding they were read in."""
    for codec, name in CSV_ENCODINGS:
        try:
            text = content.decode(codec)
        except UnicodeDecodeError:
            continue
        try:
            return _bounded(csv.reader(io.StringIO(text, newline=""))), name
        except csv.Error as exc:
            raise InvalidInput(f"not a readable CSV file: {exc}", field="file") from exc
    raise InvalidInput("a CSV file must be UTF-8 or GBK/GB18030", field="file")


def read_rows(content: bytes) -> tuple[list[str], list[tuple[int, dict[str, Any]]]]:
    """Header names (lower case) and (sheet row number, values by header) of each non-blank data row."""
    header, rows, _, _ = read_sheet(content)
    return header, rows


def read_sheet(
    content: bytes,
) -> tuple[list[str], list[tuple[int, dict[str, Any]]], list[tuple[int, dict[str, Any]]], str]:
    """The header (as codes), the data rows, the totals lines (first column TOTAL) apart, and the encoding read."""
    if not content:
        raise InvalidInput("the file is empty", field="file")
    if len(content) > MAX_BYTES:
        raise InvalidInput(f"the file is larger than {MAX_BYTES // 1024 // 1024} MB", field="file")
    lines, encoding = (_xlsx_lines(content), "xlsx") if content[:2] == b"PK" else _csv_lines(content)
    if not lines:
        raise InvalidInput("the file has no header line", field="file")
    # The export's bilingual labels ("1月 Jan") and the bare codes ("m01") both name a column.
    header = [HEADER_CODES.get(h, h) for h in (str(h or "").strip().lower() for h in lines[0])]
    rows: list[tuple[int, dict[str, Any]]] = []
    totals: list[tuple[int, dict[str, Any]]] = []
    for number, line in enumerate(lines[1:], start=2):
        values = {
            h: revived(v) for h, v in zip(header, line, strict=False) if h and v is not None and str(v).strip() != ""
        }
        if values:
            is_total = str(values.get(header[0], "")).strip().upper() == TOTAL_MARK
            (totals if is_total else rows).append((number, values))
    return header, rows, totals, encoding


def revived(value: Any) -> Any:
    """Undo the export's guard: "'=x" was written for the text "=x", so a file round-trips unchanged."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def number(value: Any) -> Decimal:
    """A spreadsheet number or numeric text as an exact Decimal (floats via their shortest text)."""
    if isinstance(value, bool):
        raise ValueError("not a number")
    try:
        result = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a number") from None
    if not result.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    return result
