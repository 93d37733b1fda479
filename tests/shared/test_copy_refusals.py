"""Values PostgreSQL refuses inside a COPY are the same 422 as in any other statement, and nothing is stored."""

from tests.support import erp_order, unique


def test_a_nul_in_an_erp_order_line_written_by_copy_is_422_and_stores_nothing(clients, token, admin):
    api, order_id = clients["inventory"], unique("SO-NUL")
    body = erp_order(order_id, "D-NOWHERE", lines=(("SKU\x00NUL", "1", "2.00"),))
    answer = api.post("/erp/orders", json=body, headers=token("erp"))
    assert answer.status_code == 422, answer.text
    assert api.get("/orders", params={"erp_order_id": order_id}, headers=admin).json() == []
