"""Spreadsheets: export as .xlsx and CSV with totals, round trips, and all-or-nothing imports with row errors."""

import csv
import io
from decimal import Decimal as D

from openpyxl import load_workbook

from services.targets.plans.spreadsheets import HEADERS, XLSX_MEDIA_TYPE
from tests.support import bearer
from tests.targets.plans.support import (
    TARGETS,
    cells,
    decomposed_plan,
    published_plan,
    standard_decomposition,
)


def upload(client, headers, plan_id, content: bytes, kind="targets", media=XLSX_MEDIA_TYPE, **params):
    return client.post(
        f"/plans/{plan_id}/imports/{kind}", headers={**headers, "Content-Type": media}, content=content, params=params
    )


def csv_bytes(rows) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode()


def test_xlsx_export_has_a_row_per_rep_and_line_with_totals_and_round_trips(clients, org, planner):
    client = clients[TARGETS]
    plan = decomposed_plan(client, org, planner)
    answer = client.get(f"/plans/{plan['id']}/export.xlsx", headers=planner)
    assert answer.status_code == 200 and answer.headers["content-type"] == XLSX_MEDIA_TYPE
    book = load_workbook(io.BytesIO(answer.content))
    rows = list(book["targets"].iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    body, totals = rows[1:-1], rows[-1]
    assert len(body) == 12  # 6 reps x 2 product lines
    a1_line_a = next(r for r in body if r[2] == org.reps["a1"] and r[4] == "A")
    assert a1_line_a[0] == org.codes[org.o1] and list(a1_line_a[5:17]) == [188] * 6 + [187] * 6
    # Issue 14 item 5: the total is a formula over the row's months (a1's A: 188 x 6 + 187 x 6 = 2250 once Excel
    # computes it), the totals line sums what a filter leaves visible, amounts carry thousands separators.
    n = body.index(a1_line_a) + 2
    assert a1_line_a[17] == f"=SUM(F{n}:Q{n})"
    assert totals[0] == "TOTAL" and totals[5] == "=SUBTOTAL(9,F2:F13)" and totals[17] == "=SUBTOTAL(9,R2:R13)"
    sheet = book["targets"]
    assert sheet["F2"].number_format == "#,##0" and sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:T13"
    assert sheet.column_dimensions["T"].width == 40
    assert rows[0][5] == "1月 Jan" and rows[0][0] == "单位编码 Unit code"
    # The place of each row: its region and its path from the plan's root (org names from create_org_unit).
    assert a1_line_a[18] == "region for tests"
    assert a1_line_a[19] == "region for tests / province for tests / office for tests"
    # One summary sheet per level: the region 12,000; provinces P1 9,000 and P2 3,000; three offices.
    assert book.sheetnames == ["targets", "大区 region", "省区 province", "办事处 office", "plan"]
    provinces = list(book["省区 province"].iter_rows(min_row=2, values_only=True))
    assert sorted(sum(r[1:13]) for r in provinces) == [3000, 9000]
    region = list(book["大区 region"].iter_rows(min_row=2, values_only=True))
    assert [sum(r[1:13]) for r in region] == [12000] and region[0][13] == "=SUM(B2:M2)"
    assert dict(book["plan"].iter_rows(values_only=True))["version"] == 1

    unchanged = upload(client, planner, plan["id"], answer.content)
    assert unchanged.status_code == 200 and (unchanged.json()["rows"], unchanged.json()["cells_written"]) == (12, 0)
    sheet = load_workbook(io.BytesIO(answer.content))
    row = next(r for r in sheet["targets"].iter_rows(min_row=2) if r[2].value == org.reps["a1"] and r[4].value == "A")
    row[5].value = 200
    edited = io.BytesIO()
    sheet.save(edited)
    changed = upload(client, planner, plan["id"], edited.getvalue())
    assert changed.status_code == 200 and changed.json()["cells_written"] == 1
    found = cells(client, planner, plan["id"])
    assert found[(org.o1, org.reps["a1"], "A", 1)] == D(200) and sum(found.values()) == D(12012)


def test_csv_export_and_import_round_trip(clients, org, planner):
    client = clients[TARGETS]
    plan = decomposed_plan(client, org, planner)
    exported = client.get(f"/plans/{plan['id']}/export.csv", headers=planner)
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert lines[0] == HEADERS and lines[-1][0] == "TOTAL" and D(lines[-1][17]) == D(12000)
    assert upload(client, planner, plan["id"], exported.content, media="text/csv").json()["cells_written"] == 0
    c1_b = next(i for i, line in enumerate(lines) if line[2] == org.reps["c1"] and line[4] == "B")
    lines[c1_b][16] = "25"  # December 20 -> 25
    written = upload(client, planner, plan["id"], csv_bytes(lines), media="text/csv")
    assert written.json()["cells_written"] == 1
    assert cells(client, planner, plan["id"])[(org.o3, org.reps["c1"], "B", 12)] == D(25)


def test_a_csv_saved_by_chinese_excel_in_gbk_is_read_and_says_so(clients, org, planner):
    client = clients[TARGETS]
    plan = decomposed_plan(client, org, planner)
    exported = client.get(f"/plans/{plan['id']}/export.csv", headers=planner).content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(exported)))
    c1_b = next(i for i, line in enumerate(lines) if line[2] == org.reps["c1"] and line[4] == "B")
    lines[c1_b][16] = "25"  # December 20 -> 25; the header is Chinese, so UTF-8 would not be GBK's bytes
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(lines)
    gbk = out.getvalue().encode("gbk")
    assert gbk != out.getvalue().encode("utf-8")
    written = upload(client, planner, plan["id"], gbk, media="text/csv")
    assert written.status_code == 200, written.text
    assert (written.json()["encoding"], written.json()["cells_written"]) == ("GB18030/GBK", 1)
    assert cells(client, planner, plan["id"])[(org.o3, org.reps["c1"], "B", 12)] == D(25)
    utf8 = upload(client, planner, plan["id"], exported.encode("utf-8-sig"), media="text/csv")
    assert utf8.json()["encoding"] == "UTF-8"


def test_any_bad_row_refuses_the_whole_import_listing_each_row_and_column(clients, org, planner):
    client = clients[TARGETS]
    plan = decomposed_plan(client, org, planner)
    before = cells(client, planner, plan["id"])
    o1, a1 = org.codes[org.o1], org.reps["a1"]
    rows = [
        ["org_unit_code", "person_id", "product_line", "m01", "m02", "m03", "m04"],
        [o1, a1, "A", "100", "", "", ""],  # row 2: valid
        ["NOPE", "", "A", "1", "", "", ""],  # row 3: unknown unit
        [o1, a1, "B", "", "-4", "", ""],  # row 4: negative
        [o1, org.reps["a2"], "A", "", "", "lots", ""],  # row 5: not a number
        [o1, org.reps["a2"], "B", "", "", "", "1.5"],  # row 6: not a multiple of the step 1
        [o1, a1, "A", "", "", "", "7"],  # row 7: same unit, rep and line as row 2
        [o1, "not-a-uuid", "A", "1", "", "", ""],  # row 8: bad person id
        ["TOTAL", "", "", "1", "", "", ""],
    ]  # the totals line is skipped
    answer = upload(client, planner, plan["id"], csv_bytes(rows), media="text/csv")
    assert answer.status_code == 422
    problem = answer.json()
    assert [e["field"] for e in problem["errors"]] == [
        "rows[3].org_unit_code",
        "rows[4].m02",
        "rows[5].m03",
        "rows[6].m04",
        "rows[7].org_unit_code",
        "rows[8].person_id",
    ]
    assert "nothing was imported" in problem["detail"]
    assert cells(client, planner, plan["id"]) == before  # not even row 2


def test_imported_weights_feed_the_manual_method(clients, org, planner):
    client = clients[TARGETS]
    plan = decomposed_plan(client, org, planner)
    bad = upload(
        client,
        planner,
        plan["id"],
        csv_bytes([["org_unit_code", "weight"], [org.codes[org.p1], "x"], [org.codes[org.p2], "-1"]]),
        kind="weights",
        media="text/csv",
    )
    assert [e["field"] for e in bad.json()["errors"]] == ["rows[2].weight", "rows[3].weight"]
    good = upload(
        client,
        planner,
        plan["id"],
        csv_bytes([["org_unit_code", "weight"], [org.codes[org.p1], "1"], [org.codes[org.p2], "3"]]),
        kind="weights",
        media="text/csv",
    )
    assert good.status_code == 200 and good.json()["weights_written"] == 2
    body = standard_decomposition(org) | {"leaf_level": "province"}
    body["levels"] = [{"parent_kind": "region", "method": "manual"}]
    body["nodes"] = []
    answer = client.post(f"/plans/{plan['id']}/decomposition", headers=planner, json=body)
    # Imported weights 1 : 3 over 12000 -> P1 3000, P2 9000.
    assert {c["node_id"]: D(c["value"]) for c in answer.json()["children"]} == {org.p1: D(3000), org.p2: D(9000)}


def test_importing_into_a_published_plan_opens_an_adjustment(clients, infra, org, planner):
    client = clients[TARGETS]
    plan = published_plan(client, org, planner, bearer(infra.issuer, "director", org.company))
    content = csv_bytes(
        [["org_unit_code", "person_id", "product_line", "m01"], [org.codes[org.o1], org.reps["a1"], "A", "150"]]
    )
    silent = upload(client, planner, plan["id"], content, media="text/csv")
    assert silent.status_code == 422 and silent.json()["errors"][0]["field"] == "reason"
    opened = upload(client, planner, plan["id"], content, media="text/csv", reason="dealer lost")
    assert opened.status_code == 200 and opened.json()["adjustment_id"]
    adjustment = client.get(f"/plans/{plan['id']}/adjustments/{opened.json()['adjustment_id']}", headers=planner)
    assert adjustment.json()["status"] == "pending" and D(adjustment.json()["changes"][0]["value"]) == D(150)
    assert cells(client, planner, plan["id"])[(org.o1, org.reps["a1"], "A", 1)] == D(188)  # until approved


def test_unreadable_files_are_422_naming_the_file(clients, org, planner):
    client = clients[TARGETS]
    plan = decomposed_plan(client, org, planner)
    for content in (b"PK\x03\x04 not really a zip", b"\xff\xfe\x00garbage", b"", b"just,a,header\n"):
        answer = upload(client, planner, plan["id"], content)
        assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "file", content
