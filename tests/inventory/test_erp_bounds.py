"""Every ERP order line the schema accepts is storable (issue 7, item 3): quantity x price fits the line's amount
column, numeric(18, 2), with room for the order's total; anything larger is a 400 naming the field."""

from decimal import Decimal as D

from tests.support import erp_order, unique


def test_the_largest_line_the_schema_allows_is_recorded_and_a_larger_one_is_refused(clients, token):
    api, erp = clients["inventory"], token("erp")
    order_id = unique("SO")
    lines = (("SKU-1", "999999.999", "9999999.9999"),) * 3
    answer = api.post("/erp/orders", headers=erp, json=erp_order(order_id, unique("D"), lines=lines))
    assert answer.status_code == 202, answer.text
    stored = api.get("/orders", headers=token("admin"), params={"erp_order_id": order_id}).json()[0]
    # (10^6 - 0.001)(10^7 - 0.0001) = 10^13 - 100 - 10,000 + 10^-7 -> 9,999,999,989,900.00 a line, three lines.
    assert [D(line["amount"]) for line in stored["lines"]] == [D("9999999989900.00")] * 3
    assert D(stored["total_amount"]) == D("29999999969700.00")
    for field, line in (
        ("quantity", ("SKU-1", "1000000", "1")),  # 7 integer digits: today's schema took up to 11
        ("unit_price", ("SKU-1", "1", "99999999999")),
    ):
        refused = api.post("/erp/orders", headers=erp, json=erp_order(unique("SO"), unique("D"), lines=(line,)))
        assert refused.status_code == 400, refused.text
        assert any(f"lines.0.{field}" in str(e) or f"lines[0].{field}" in str(e) for e in refused.json()["errors"])
