"""A hand-worked world for the progress and actuals tests (no tests here): a region, reps, a published plan, and
orders applied through the consumer handler as the worker would."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal as D
from types import SimpleNamespace

from services.targets.actuals.service import apply_dealer_registered, apply_order_recorded
from services.targets.people.tables import people, person_assignments
from services.targets.plans.tables import target_cells, target_plans
from shared.consumer import Decoded
from shared.events.inventory import DealerRegistered, OrderRecorded
from tests.support import create_org_unit, unique

AS_OF = "2026-03-13"  # a Friday: 10 of March's 22 selling days have elapsed


def record_order(conn, dealer, org_unit, amount, day, *, status="confirmed", version=1, order_id=None):
    """An OrderRecorded event applied by the targets consumer handler, as the worker would."""
    order = OrderRecorded(
        order_id=order_id or uuid.uuid4(),
        erp_order_id=unique("SO"),
        erp_version=version,
        dealer_id=dealer,
        dealer_code=unique("D"),
        org_unit_id=org_unit,
        status=status,
        ordered_on=day,
        currency="CNY",
        total_quantity=D("1"),
        total_amount=D(amount),
        lines=[],
    )
    apply_order_recorded(conn, Decoded(OrderRecorded.topic, str(uuid.uuid4()), order))
    return order.order_id


def register_dealer(conn, org_unit) -> uuid.UUID:
    dealer = DealerRegistered(dealer_id=uuid.uuid4(), code=unique("D"), name="Dealer", org_unit_id=org_unit)
    apply_dealer_registered(conn, Decoded(DealerRegistered.topic, str(uuid.uuid4()), dealer))
    return dealer.dealer_id


def cover(client, headers, dealer, reps: dict, valid_from="2026-01-01"):
    answer = client.put(
        f"/dealers/{dealer}/coverage",
        headers=headers,
        json={"valid_from": valid_from, "reps": [{"person_id": str(p), "share": s} for p, s in reps.items()]},
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def build_world(clients, admin, engines, metric="sales_amount", published=True):
    """company → region R (the plan's root) → offices O1 (reps r1, r2) and O2 (rep r3).

    March targets: r1 11,000 (6,000 + 5,000 over two product lines), r2 11,000, r3 22,000; February: r1 10,000.
    Orders up to 13 March: dealer d1 (O1, r1 and r2 half each) 8,000; d2 (O2, r3) 12,000; d3 (O1, nobody)
    1,000; a cancelled 500 on d1. After 13 March: d2 5,000 on the 20th.
    """
    api = clients["targets"]
    company = create_org_unit(api, admin, kind="company")
    region = create_org_unit(api, admin, kind="region", parent_id=company["id"])
    o1, o2 = (create_org_unit(api, admin, kind="office", parent_id=region["id"]) for _ in range(2))
    w = SimpleNamespace(
        company=uuid.UUID(company["id"]),
        region=uuid.UUID(region["id"]),
        o1=uuid.UUID(o1["id"]),
        o2=uuid.UUID(o2["id"]),
        r1=uuid.uuid4(),
        r2=uuid.uuid4(),
        r3=uuid.uuid4(),
        plan=uuid.uuid4(),
    )
    cells = [
        (w.o1, w.r1, "BEER", 3, "6000.00"),
        (w.o1, w.r1, "WINE", 3, "5000.00"),
        (w.o1, w.r2, "", 3, "11000.00"),
        (w.o2, w.r3, "", 3, "22000.00"),
        (w.o1, w.r1, "", 2, "10000.00"),
    ]
    with engines["targets"].begin() as conn:
        conn.execute(
            people.insert(),
            [dict(id=p, name=n, role="rep") for p, n in ((w.r1, "Rep One"), (w.r2, "Rep Two"), (w.r3, "Rep Three"))],
        )
        conn.execute(
            person_assignments.insert(),
            [
                dict(person_id=p, valid_from=date(2026, 1, 1), org_unit_id=u)
                for p, u in ((w.r1, w.o1), (w.r2, w.o1), (w.r3, w.o2))
            ],
        )
        conn.execute(
            target_plans.insert().values(
                id=w.plan,
                root_org_unit_id=w.region,
                name="Region sales 2026",
                metric=metric,
                fiscal_year=2026,
                unit="CNY",
                rounding_step=D("0.01"),
                status="published" if published else "draft",
                published_version=1 if published else None,
                current_version=1,
            )
        )
        conn.execute(
            target_cells.insert(),
            [
                dict(plan_id=w.plan, version=1, org_unit_id=u, person_id=p, product_line=line, month=m, value=D(v))
                for u, p, line, m, v in cells
            ],
        )
        w.d1, w.d2, w.d3 = register_dealer(conn, w.o1), register_dealer(conn, w.o2), register_dealer(conn, w.o1)
    cover(api, admin, w.d1, {w.r1: "0.5", w.r2: "0.5"})  # before the orders: the handler splits them
    with engines["targets"].begin() as conn:
        record_order(conn, w.d1, w.o1, "8000.00", date(2026, 3, 2))
        record_order(conn, w.d2, w.o2, "12000.00", date(2026, 3, 5))
        record_order(conn, w.d3, w.o1, "1000.00", date(2026, 3, 10))
        record_order(conn, w.d2, w.o2, "5000.00", date(2026, 3, 20))
        cancelled = record_order(conn, w.d1, w.o1, "500.00", date(2026, 3, 3))
        record_order(conn, w.d1, w.o1, "500.00", date(2026, 3, 3), status="cancelled", version=2, order_id=cancelled)
    cover(api, admin, w.d2, {w.r3: "1"})  # after the orders: the coverage change re-splits them
    return w
