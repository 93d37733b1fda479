"""The set-based SQL derivation against the domain rules (`domain/stock.py`, the specification): the same lines, the
same figures — on hand-worked numbers and on hypothesis-generated batches. Each test writes inside a transaction
on the real database and rolls it back."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert, select

from services.inventory.dealer_orders.tables import dealer_order_lines, dealer_orders
from services.inventory.dealers.tables import dealers
from services.inventory.domain.stock import Batch, StockLine, derive_line
from services.inventory.skus.tables import skus
from services.inventory.stock_reports import lookups
from services.inventory.stock_reports.submission import Row, submit
from services.inventory.stock_reports.tables import stock_report_batches, stock_report_lines, stock_reports
from shared.errors import InvalidInput
from shared.events.base import Envelope
from shared.events.inventory import StockAlertsRaised, StockReportSubmitted
from shared.identity import Principal, Role
from tests.inventory.conftest import make_dealer, make_sku

ADMIN = Principal(subject="test-derivation", role=Role.admin, org_unit_id=None)
WEEK1, WEEK2 = date(2026, 3, 8), date(2026, 3, 15)


@pytest.fixture(scope="module")
def shelf(clients, admin, token, territory):
    """Five SKUs (one with its own band, one without shelf life) and two dealers (one with its own band)."""
    director = token("director", org_unit=territory["company"]["id"])
    api = clients["inventory"]
    made = [
        make_sku(api, director, case_size=12, shelf_life_days=180),
        make_sku(api, director, case_size=6, shelf_life_days=90),
        make_sku(api, director, case_size=1, shelf_life_days=None),
        make_sku(api, director, case_size=24, shelf_life_days=60, band_low_days=2, band_high_days=3),
        make_sku(api, director, case_size=4, shelf_life_days=365),
    ]
    plain = make_dealer(api, admin, territory["office"]["id"])
    banded = make_dealer(api, admin, territory["office"]["id"], band_low_days=15, band_high_days=30)
    return {"skus": [s["code"] for s in made], "dealers": [plain["code"], banded["code"]], "territory": territory}


@pytest.fixture
def conn(engines):
    with engines["inventory"].connect() as connection:
        transaction = connection.begin()
        yield connection
        transaction.rollback()


def rows(dealer: str, period_end: date, lines: list[tuple]) -> list[Row]:
    """Rows of one report; a line is (sku, opening, received, closing, batches as a list of (code, day, qty))."""
    return [
        Row(n, dealer, period_end, sku, opening, received, closing, [dict(code=c, produced_on=d, quantity=q)
                                                                      for c, d, q in batches])
        for n, (sku, opening, received, closing, batches) in enumerate(lines, start=2)
    ]  # fmt: skip


def stored(conn, dealer: str, period_end: date) -> dict[str, dict]:
    """The lines written for one dealer's week, by SKU code, with their batches."""
    query = (
        select(stock_report_lines, skus.c.code.label("sku"), stock_reports.c.period_start)
        .join(stock_reports, stock_reports.c.id == stock_report_lines.c.report_id)
        .join(dealers, dealers.c.id == stock_reports.c.dealer_id)
        .join(skus, skus.c.id == stock_report_lines.c.sku_id)
        .where(dealers.c.code == dealer, stock_reports.c.period_end == period_end)
    )
    lines = {r.sku: r._asdict() for r in conn.execute(query)}
    for line in lines.values():
        found = conn.execute(
            select(stock_report_batches).where(
                stock_report_batches.c.report_id == line["report_id"], stock_report_batches.c.sku_id == line["sku_id"]
            )
        )
        line["batches"] = {(b.batch_code, b.produced_on, b.quantity) for b in found}
    return lines


def assert_domain_agrees(conn, dealer_code: str, period_end: date) -> int:
    """Every stored line of the report has the figures derive_line gives for the same inputs and policy."""
    dealer = conn.execute(select(dealers).where(dealers.c.code == dealer_code)).one()
    unit_policy = lookups.unit_policies(conn, {dealer.org_unit_id}).get(dealer.org_unit_id)
    lines = stored(conn, dealer_code, period_end)
    for code, line in lines.items():
        sku = conn.execute(select(skus).where(skus.c.code == code)).one()
        policy = lookups.policy_for(dealer, sku, unit_policy, 7)
        batches = tuple(Batch(c, d, q) for c, d, q in sorted(line["batches"]))
        spec = StockLine(
            code, line["opening"], line["received"], line["closing"], batches, line["previous_closing"],
            line["previous_sold"], line["open_orders"], sku.case_size, sku.shelf_life_days,
        )  # fmt: skip
        derived = derive_line(spec, period_end, policy)
        got = (
            line["sold"], line["safety_stock"], line["stock_days"], line["band"], line["oldest_age_days"],
            line["near_expiry"], line["suggested_order"], tuple(line["flags"]),
        )  # fmt: skip
        assert got == tuple(derived), (code, spec, policy)
        assert (line["band_low_days"], line["band_high_days"]) == (policy.band.low_days, policy.band.high_days)
        assert line["target_days"] == D(policy.band.target.numerator) / policy.band.target.denominator
    return len(lines)


def add_open_order(conn, dealer_code: str, sku_code: str, quantity: int, shipped: int, status: str) -> None:
    dealer = conn.execute(select(dealers).where(dealers.c.code == dealer_code)).one()
    sku_id = conn.scalar(select(skus.c.id).where(skus.c.code == sku_code))
    order_id = uuid.uuid4()
    conn.execute(
        insert(dealer_orders).values(
            id=order_id, dealer_id=dealer.id, org_unit_id=dealer.org_unit_id, status=status, source="entered",
            currency="CNY", total_quantity=quantity, total_amount=0, hold_reasons=[], created_by="test",
        )
    )  # fmt: skip
    conn.execute(
        insert(dealer_order_lines).values(
            order_id=order_id, line_no=1, sku_id=sku_id, quantity=quantity, unit_price=0, amount=0, shipped=shipped
        )
    )


def test_hand_worked_lines_over_two_weeks_match_the_seed_and_the_domain(conn, shelf):
    a, b, c, d, e = shelf["skus"]
    dealer = shelf["dealers"][0]
    submit(
        conn,
        ADMIN,
        rows(dealer, WEEK1, [(a, 420, 0, 0, []), (b, 100, 50, 80, []), (c, 30, 0, 30, [])]),
        by_code=True,
        source="bulk",
    )
    add_open_order(conn, dealer, a, 150, 50, "approved")  # 100 still to ship
    add_open_order(conn, dealer, a, 999, 0, "cancelled")  # not open: not counted
    two_batches = [("OLD", date(2025, 10, 1), 30), ("NEW", date(2026, 2, 1), 40)]
    submit(
        conn,
        ADMIN,
        rows(
            dealer,
            WEEK2,
            [
                (a, 300, 400, 210, [("A1", date(2026, 2, 1), 210)]),
                (b, None, 20, 10, []),
                (c, None, 0, 30, []),
                (e, 100, 0, 70, two_batches),
            ],
        ),
        by_code=True,
        source="bulk",
    )
    lines = stored(conn, dealer, WEEK2)
    # a: sold 300 + 400 − 210 = 490 (70 a day) → 3.0 days, low; safety 420 × 1.5 = 630.0;
    # cover ⌈490 × 22.5 / 7⌉ = 1575 > 630; gap 1575 − 210 − 100 open = 1265 → 105.4 cases of 12 → 106 = 1272;
    # opening 300 is not last week's closing 0 → flagged; A1 is 42 days old (Feb 1 → Mar 15), 138 of 180 left
    assert (lines[a]["sold"], lines[a]["stock_days"], lines[a]["band"]) == (490, D("3.0"), "low")
    assert (lines[a]["safety_stock"], lines[a]["open_orders"], lines[a]["suggested_order"]) == (D("630.0"), 100, 1272)
    assert lines[a]["flags"] == ["opening_differs_from_last_closing"]
    assert (lines[a]["oldest_age_days"], lines[a]["near_expiry"]) == (42, 0)
    # b: opening defaults to last closing 80; sold 80 + 20 − 10 = 90; 10 × 7 / 90 = 0.78 → 0.8 days, low;
    # safety 70 × 1.5 = 105.0; cover ⌈90 × 22.5 / 7⌉ = ⌈289.3⌉ = 290; gap 280 → 46.7 cases of 6 → 47 = 282
    assert (lines[b]["opening"], lines[b]["sold"], lines[b]["stock_days"]) == (80, 90, D("0.8"))
    assert (lines[b]["safety_stock"], lines[b]["suggested_order"]) == (D("105.0"), 282)
    assert lines[b]["flags"] == ["batches_missing"]
    # c: nothing sold for two weeks, 30 left: stock days none, high; no cover needed, safety 0 → order 0
    assert (lines[c]["sold"], lines[c]["stock_days"], lines[c]["band"], lines[c]["suggested_order"]) == (
        0, None, "high", 0,
    )  # fmt: skip
    # e: sold 30, 70 / (30 / 7) = 16.3 days, low; OLD is 165 days old of 365: 200 left ≥ 121.7 → not near expiry;
    # no previous period for e; cover ⌈30 × 22.5 / 7⌉ = ⌈96.4⌉ = 97 − 70 = 27 → 6.75 cases of 4 → 7 = 28
    assert (lines[e]["stock_days"], lines[e]["oldest_age_days"], lines[e]["near_expiry"]) == (D("16.3"), 165, 0)
    assert lines[e]["suggested_order"] == 28 and "no_previous_period" in lines[e]["flags"]
    assert lines[e]["batches"] == {("OLD", date(2025, 10, 1), 30), ("NEW", date(2026, 2, 1), 40)}
    assert assert_domain_agrees(conn, dealer, WEEK2) == 4


def test_the_dealer_band_then_the_sku_band_then_the_company_policy_and_its_near_expiry_share(conn, shelf):
    a, b, c, d, e = shelf["skus"]
    plain, banded = shelf["dealers"]
    from services.inventory.stock_reports.tables import stock_policies

    company = shelf["territory"]["company"]["id"]
    conn.execute(
        insert(stock_policies).values(
            org_unit_id=company, band_low_days=10, band_high_days=14, target_days=D("12.5"),
            near_expiry_fraction=D("0.6"),
        )
    )  # fmt: skip
    lines = [(a, 100, 0, 72, [("X", date(2026, 1, 1), 72)]), (d, 100, 0, 72, []), (b, 128, 0, 100, [])]
    for dealer in (plain, banded):
        submit(conn, ADMIN, rows(dealer, WEEK2, lines), by_code=True, source="bulk")
    mine = stored(conn, plain, WEEK2)
    # sold 28 (4 a day), 72 / 4 = 18.0 days: the company's 10–14 → high, cover 12.5 × 4 = 50 < 72 → no order;
    # X is 73 days old of 180: 107 left < 0.6 × 180 = 108 → 72 near expiry (a third would say 60: not near)
    assert (mine[a]["band"], mine[a]["target_days"], mine[a]["suggested_order"]) == ("high", D("12.50"), 0)
    assert (mine[a]["near_expiry"], mine[a]["flags"][-1]) == (72, "near_expiry")
    assert (mine[d]["band_low_days"], mine[d]["band_high_days"], mine[d]["band"]) == (2, 3, "high")  # the SKU's
    theirs = stored(conn, banded, WEEK2)
    # the dealer's 15–30 wins over SKU and company: 18.0 and 25.0 days are normal;
    # cover 22.5 × 4 = 90 − 72 = 18 → 1.5 cases of 12 → 2 cases = 24
    assert {line["band"] for line in theirs.values()} == {"normal"}
    assert theirs[a]["suggested_order"] == 24
    assert assert_domain_agrees(conn, plain, WEEK2) == 3 and assert_domain_agrees(conn, banded, WEEK2) == 3


def test_events_are_built_by_sql_and_read_back_through_the_typed_contracts(conn, engines, shelf):
    a, b, *_ = shelf["skus"]
    dealer = shelf["dealers"][0]
    (report_id,), _ = submit(
        conn, ADMIN, rows(dealer, WEEK2, [(a, 300, 400, 210, []), (b, 10, 0, 10, [])]), by_code=True, source="bulk"
    )
    dealer_id = conn.scalar(select(dealers.c.id).where(dealers.c.code == dealer))
    values = [Envelope.model_validate_json(v) for v in _outbox_values(conn, str(dealer_id))]
    submitted, alerts = (e.payload() for e in values)
    assert isinstance(submitted, StockReportSubmitted) and isinstance(alerts, StockAlertsRaised)
    assert (submitted.report_id, submitted.dealer_code, submitted.period_start) == (report_id, dealer, date(2026, 3, 9))
    # a: 490 sold, 3.0 days, low, 1575 − 210 = 1365 → 114 cases of 12 = 1368; b: nothing sold, 10 left → high
    first, second = submitted.lines
    assert (first["sku"], first["sold"], first["stock_days"], first["suggested_order"]) == (a, 490, D("3.0"), 1368)
    assert (second["stock_days"], second["band"], second["flags"]) == (None, "high", ["no_previous_period",
                                                                                        "batches_missing"])  # fmt: skip
    assert [(x["sku"], x["kind"]) for x in alerts.alerts] == [(a, "low"), (b, "high")]
    assert values[0].subject == str(dealer_id) and values[0].dataschema.endswith("stock_report.submitted:v1")


def _outbox_values(conn, key: str) -> list[bytes]:
    from services.inventory import db

    query = select(db.outbox.c.value).where(db.outbox.c.key == key, db.outbox.c.topic == StockReportSubmitted.topic)
    return list(conn.scalars(query.order_by(db.outbox.c.id)))


def test_a_sku_twice_in_a_report_is_refused_naming_the_second_row(conn, shelf):
    a, b, *_ = shelf["skus"]
    dealer = shelf["dealers"][0]
    with pytest.raises(InvalidInput) as refused:
        submit(conn, ADMIN, rows(dealer, WEEK2, [(a, 1, 0, 1, []), (b, 1, 0, 1, []), (a, 2, 0, 2, [])]),
               by_code=True, source="bulk")  # fmt: skip
    assert refused.value.errors == [
        {"field": "rows[4].sku", "reason": f"SKU {a!r} appears twice in the report of {dealer}"}
    ]


line_strategy = st.builds(
    lambda opening, received, share, batch_shares, days: (opening, received, share, batch_shares, days),
    st.one_of(st.none(), st.integers(0, 5_000)),
    st.integers(0, 5_000),
    st.fractions(0, 1),
    st.lists(st.integers(1, 5), max_size=3),
    st.lists(st.integers(0, 400), min_size=3, max_size=3),
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    week1=st.lists(st.tuples(st.integers(0, 3_000), st.integers(0, 3_000), st.fractions(0, 1)), min_size=5, max_size=5),
    week2=st.lists(line_strategy, min_size=5, max_size=5),
    ordered=st.integers(0, 500),
)
def test_generated_batches_derive_as_the_domain_says(engines, shelf, week1, week2, ordered):
    codes, dealer = shelf["skus"], shelf["dealers"][1]
    with engines["inventory"].connect() as conn, conn.begin() as transaction:
        first: list[tuple] = [
            (s, o, r, int((o + r) * share), []) for s, (o, r, share) in zip(codes, week1, strict=True)
        ]
        submit(conn, ADMIN, rows(dealer, WEEK1, first), by_code=True, source="bulk")
        add_open_order(conn, dealer, codes[0], ordered + 7, 7, "submitted")
        second = []
        for (sku, _, _, last_closing, _), (opening, received, share, shares, days) in zip(first, week2, strict=True):
            closing = int(((last_closing if opening is None else opening) + received) * share)
            batches = _split(closing, shares, days)
            second.append((sku, opening, received, closing, batches))
        submit(conn, ADMIN, rows(dealer, WEEK2, second), by_code=True, source="bulk")
        assert assert_domain_agrees(conn, dealer, WEEK2) == 5
        assert assert_domain_agrees(conn, dealer, WEEK1) == 5
        transaction.rollback()


def _split(closing: int, shares: list[int], days: list[int]) -> list[tuple]:
    """Batches of distinct codes summing to closing (none when closing is 0), produced `days` before the week end."""
    if not closing or not shares:
        return []
    total, parts = sum(shares), list[int]()
    for i, share in enumerate(shares):
        parts.append(closing * share // total if i < len(shares) - 1 else closing - sum(parts))
    return [(f"B{i}", WEEK2 - timedelta(days=days[i]), q) for i, q in enumerate(parts) if q > 0]


def test_every_refusal_is_named_cells_first_then_by_row_and_nothing_is_written(conn, shelf):
    a, b, c, d, e = shelf["skus"]
    plain, banded = shelf["dealers"]
    submit(conn, ADMIN, rows(banded, WEEK2, [(a, 1, 0, 1, [])]), by_code=True, source="bulk")
    bad = [
        Row(2, plain, WEEK2, a, 5, "x", 1),  # not a number
        Row(3, plain, WEEK2, b, None, 5, 1),  # no previous report to take the opening from
        Row(4, plain, WEEK2, c, -1, 5, 1),  # negative
        Row(5, plain, WEEK2, d, 9, 0, 5, [dict(code="K", produced_on=WEEK1, quantity=2)] * 2 + [dict(
            code="L", produced_on=WEEK1, quantity=1)]),  # K twice
        Row(6, plain, WEEK2, e, 9, 0, 5, "Q@2026-03-16=5"),  # produced after the week
        Row(7, plain, WEEK2, "NO-SUCH-SKU", 1, 0, 1),
        Row(8, banded, WEEK2, b, 1, 0, 1),  # banded already reported the week
    ]  # fmt: skip
    with pytest.raises(InvalidInput) as refused:
        submit(conn, ADMIN, bad, by_code=True, source="bulk")
    assert [(x["field"], x["reason"]) for x in refused.value.errors] == [
        ("rows[2].received", "'x' is not a whole number"),
        ("rows[7].sku", "SKU 'NO-SUCH-SKU' not found"),
        ("rows[8].period_end", f"{banded} already reported the week to {WEEK2}"),
        ("rows[3].opening", "opening is required: there is no previous report to take it from"),
        ("rows[4].opening", "opening may not be negative"),
        ("rows[5].batches", "a batch code appears twice"),
        ("rows[6].batches", f"a batch is produced after the period end {WEEK2}"),
    ]
    assert refused.value.detail == "7 problem(s) in 7 row(s); nothing was written"


def test_text_with_tabs_backslashes_and_quotes_is_stored_as_sent(conn, shelf):
    a, b, *_ = shelf["skus"]
    dealer = shelf["dealers"][0]
    odd = ['A\\1\t"x"', "B;=@2", "C\n3"]
    batches = [dict(code=code, produced_on=WEEK1, quantity=1) for code in odd]
    submit(conn, ADMIN, [Row(2, dealer, WEEK2, a, 3, 0, 3, batches), Row(3, dealer, WEEK2, b, 1, 0, 1, batches[:1])],
           by_code=True, source="bulk")  # fmt: skip
    lines = stored(conn, dealer, WEEK2)
    assert {code for code, _, _ in lines[a]["batches"]} == set(odd)
    assert lines[b]["batches"] == {(odd[0], WEEK1, 1)}
    with pytest.raises(InvalidInput) as refused:
        submit(conn, ADMIN, [Row(2, dealer, WEEK1, a, 1, 0, 1, [dict(code="N\x00", produced_on=WEEK1, quantity=1)])],
               by_code=True, source="bulk")  # fmt: skip
    assert refused.value.errors == [{"field": "rows[2].batches", "reason": "must not hold a NUL character"}]
