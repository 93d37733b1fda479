"""Bulk stock files from dealers' systems: CSV, .xlsx and JSON, all reports written or none, errors per row."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from tests.inventory.conftest import make_dealer, make_sku

HEADER = "dealer_code,period_end,sku,opening,received,closing,batches\n"


@pytest.fixture
def book(clients, admin, token, territory):
    director = token("director")
    skus = [make_sku(clients["inventory"], director, case_size=6, shelf_life_days=90) for _ in range(2)]
    dealers = [make_dealer(clients["inventory"], admin, territory["office"]["id"]) for _ in range(2)]
    return {"skus": skus, "dealers": dealers, "erp": token("erp")}


def csv_rows(book, rows) -> bytes:
    return (HEADER + "".join(",".join(str(v) for v in row) + "\n" for row in rows)).encode()


def test_a_csv_file_of_two_dealers_is_written_with_every_figure(clients, admin, book):
    d1, d2 = (d["code"] for d in book["dealers"])
    s1, s2 = (s["code"] for s in book["skus"])
    content = csv_rows(
        book,
        [
            (d1, "2026-03-15", s1, 100, 50, 80, "A1@2026-01-01=50;A2@2026-03-01=30"),
            (d1, "2026-03-15", s2, 10, 0, 10, ""),
            (d2, "2026-03-15", s1, 0, 70, 0, ""),
        ],
    )
    answer = clients["inventory"].post(
        "/stock-report-files", headers={**book["erp"], "content-type": "text/csv"}, content=content
    )
    assert answer.status_code == 201, answer.text
    assert (answer.json()["reports"], answer.json()["lines"]) == (2, 3)
    reports = clients["inventory"].get("/stock-reports", headers=admin, params={"dealer_id": book["dealers"][0]["id"]})
    detail = clients["inventory"].get(f"/stock-reports/{reports.json()[0]['id']}", headers=admin).json()
    line = next(line for line in detail["lines"] if line["sku"] == s1)
    # sold 100 + 50 − 80 = 70 (10 a day) → 8.0 days, low; cover 225 − 80 = 145 → 24.2 cases of 6 → 25 = 150;
    # A1 is 73 days old of 90: 17 left < 30 (a third) → 50 near expiry
    assert (line["sold"], line["stock_days"], line["band"], line["suggested_order"]) == (70, "8.0", "low", 150)
    assert (line["oldest_age_days"], line["near_expiry"]) == (73, 50)


def test_one_bad_row_rejects_the_whole_file_and_names_each_row(clients, admin, book):
    d1, d2 = (d["code"] for d in book["dealers"])
    s1, s2 = (s["code"] for s in book["skus"])
    content = csv_rows(
        book,
        [
            (d1, "2026-03-15", s1, 100, 50, 80, ""),
            (d2, "2026-03-15", s1, 10, 0, 11, ""),  # closing above opening + received
            (d2, "2026-03-15", s2, 10, "x", 1, ""),  # not a number
            ("NOBODY", "2026-03-15", s2, 1, 1, 1, ""),
            (d1, "2026-03-15", s2, 10, 0, 5, "B@2026-01-01=4"),  # batches do not sum to closing
        ],
    )
    answer = clients["inventory"].post(
        "/stock-report-files", headers={**admin, "content-type": "text/csv"}, content=content
    )
    assert answer.status_code == 422, answer.text
    fields = {e["field"] for e in answer.json()["errors"]}
    assert fields == {"rows[3].closing", "rows[4].received", "rows[5].dealer_code", "rows[6].batches"}
    for dealer in book["dealers"]:
        assert (
            clients["inventory"].get("/stock-reports", headers=admin, params={"dealer_id": dealer["id"]}).json() == []
        )


def test_xlsx_and_json_files_take_the_same_path(clients, admin, book):
    d1, d2 = (d["code"] for d in book["dealers"])
    s1 = book["skus"][0]["code"]
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["dealer_code", "period_end", "sku", "opening", "received", "closing"])
    sheet.append([d1, "2026-03-15", s1, 20, 0, 13])
    buffer = io.BytesIO()
    workbook.save(buffer)
    xlsx = clients["inventory"].post("/stock-report-files", headers=book["erp"], content=buffer.getvalue())
    assert xlsx.status_code == 201, xlsx.text
    rows = [{"dealer_code": d2, "period_end": "2026-03-15", "sku": s1, "opening": 20, "received": 0, "closing": 13}]
    as_json = clients["inventory"].post("/stock-report-files", headers=book["erp"], json={"rows": rows})
    assert as_json.status_code == 201, as_json.text
    for dealer in book["dealers"]:
        (summary,) = (
            clients["inventory"].get("/stock-reports", headers=admin, params={"dealer_id": dealer["id"]}).json()
        )
        (line,) = clients["inventory"].get(f"/stock-reports/{summary['id']}", headers=admin).json()["lines"]
        assert (line["sold"], line["stock_days"]) == (7, "13.0")  # 20 − 13 = 7, 1 a day → 13 days
    again = clients["inventory"].post("/stock-report-files", headers=book["erp"], json={"rows": rows})
    assert again.status_code == 422 and again.json()["errors"][0]["field"] == "rows[0].period_end"


def test_a_manager_cannot_file_reports_for_dealers_outside_the_subtree(clients, token, territory, book):
    west = token("region_manager", org_unit=territory["west"]["id"])
    content = csv_rows(book, [(book["dealers"][0]["code"], "2026-03-15", book["skus"][0]["code"], 1, 0, 1, "")])
    answer = clients["inventory"].post(
        "/stock-report-files", headers={**west, "content-type": "text/csv"}, content=content
    )
    assert answer.status_code == 422
    assert answer.json()["errors"] == [
        {"field": "rows[2].dealer_code", "reason": f"dealer {book['dealers'][0]['code']} not found"}
    ]


def test_a_dealer_of_another_region_in_a_file_is_refused_like_an_unknown_one_and_nothing_is_written(
    clients, admin, token, territory, book
):
    api = clients["inventory"]
    west_dealer = make_dealer(api, admin, territory["west"]["id"])
    east_code, unknown_code, sku = book["dealers"][0]["code"], "NO-SUCH-DEALER", book["skus"][0]["code"]
    content = csv_rows(
        book,
        [
            (west_dealer["code"], "2026-03-15", sku, 5, 0, 5, ""),  # the manager's own: fine on its own
            (east_code, "2026-03-15", sku, 5, 0, 5, ""),
            (unknown_code, "2026-03-15", sku, 5, 0, 5, ""),
        ],
    )
    west = token("region_manager", org_unit=territory["west"]["id"])
    answer = api.post("/stock-report-files", headers={**west, "content-type": "text/csv"}, content=content)
    # the east dealer reads exactly like one that does not exist: its existence is not revealed
    assert answer.status_code == 422, answer.text
    assert answer.json()["errors"] == [
        {"field": "rows[3].dealer_code", "reason": f"dealer {east_code} not found"},
        {"field": "rows[4].dealer_code", "reason": f"dealer {unknown_code} not found"},
    ]
    for dealer in (west_dealer, book["dealers"][0]):  # all or nothing: not even the manager's own dealer's report
        assert api.get("/stock-reports", headers=admin, params={"dealer_id": dealer["id"]}).json() == []
