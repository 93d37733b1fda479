"""Everything a batch of stock reports is judged against, fetched set-based (one query each, whatever the size)."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Date, bindparam, func, select, text
from sqlalchemy.dialects.postgresql import ARRAY, UUID

from services.inventory import db
from services.inventory.dealer_orders.tables import dealer_order_lines as ol
from services.inventory.dealer_orders.tables import dealer_orders as o
from services.inventory.dealers.service import org_scope
from services.inventory.dealers.tables import dealers as d
from services.inventory.domain.dealer_orders import OPEN_STATUSES
from services.inventory.domain.stock import StockBand, StockPolicy
from services.inventory.skus.tables import skus as s
from services.inventory.stock_reports.tables import stock_policies as sp
from services.inventory.stock_reports.tables import stock_report_lines as sl
from services.inventory.stock_reports.tables import stock_reports as sr
from shared.identity import Principal


def dealer_scope(principal: Principal):
    """A dealer's own system pushes through the `erp` integration role, which is company-wide by design."""
    return org_scope(principal, d.c.org_unit_id)


def dealers_by_code(conn: Connection, principal: Principal, codes: set[str]) -> dict[str, Any]:
    query = select(d.c.id, d.c.code, d.c.org_unit_id, d.c.band_low_days, d.c.band_high_days, d.c.status)
    rows = conn.execute(query.where(d.c.code.in_(codes), dealer_scope(principal)))
    return {r.code: r for r in rows}


def dealers_by_id(conn: Connection, principal: Principal, ids: set[uuid.UUID]) -> dict[uuid.UUID, Any]:
    query = select(d.c.id, d.c.code, d.c.org_unit_id, d.c.band_low_days, d.c.band_high_days, d.c.status)
    return {r.id: r for r in conn.execute(query.where(d.c.id.in_(ids), dealer_scope(principal)))}


def skus_by_code(conn: Connection, codes: set[str]) -> dict[str, Any]:
    query = select(s.c.id, s.c.code, s.c.case_size, s.c.shelf_life_days, s.c.band_low_days, s.c.band_high_days)
    return {r.code: r for r in conn.execute(query.where(s.c.code.in_(codes)))}


def existing_reports(conn: Connection, keys: set[tuple[uuid.UUID, date]]) -> set[tuple[uuid.UUID, date]]:
    dealers = {k[0] for k in keys}
    rows = conn.execute(select(sr.c.dealer_id, sr.c.period_end).where(sr.c.dealer_id.in_(dealers)))
    return {(r.dealer_id, r.period_end) for r in rows} & keys


_PREVIOUS = text(
    f"""SELECT k.dealer_id, p.id FROM unnest(:dealers, :periods) AS k(dealer_id, period_end)
    CROSS JOIN LATERAL (SELECT r.id FROM {db.SCHEMA}.stock_reports r WHERE r.dealer_id = k.dealer_id
        AND r.period_end < k.period_end ORDER BY r.period_end DESC LIMIT 1) p"""
).bindparams(bindparam("dealers", type_=ARRAY(UUID(as_uuid=True))), bindparam("periods", type_=ARRAY(Date)))


def previous_lines(
    conn: Connection, keys: list[tuple[uuid.UUID, date]]
) -> dict[uuid.UUID, dict[uuid.UUID, tuple[int, int]]]:
    """For each dealer, its latest earlier report's (closing, sold) by SKU."""
    if not keys:
        return {}
    reports: dict[uuid.UUID, uuid.UUID] = dict(
        conn.execute(_PREVIOUS, {"dealers": [k[0] for k in keys], "periods": [k[1] for k in keys]}).tuples().all()
    )
    found: dict[uuid.UUID, dict[uuid.UUID, tuple[int, int]]] = {dealer: {} for dealer in reports}
    dealer_of = {report: dealer for dealer, report in reports.items()}
    query = select(sl.c.report_id, sl.c.sku_id, sl.c.closing, sl.c.sold).where(sl.c.report_id.in_(dealer_of))
    for report_id, sku_id, closing, sold in conn.execute(query).tuples():
        found[dealer_of[report_id]][sku_id] = (closing, sold)
    return found


def unit_policies(conn: Connection, org_unit_ids: set[uuid.UUID]) -> dict[uuid.UUID, Any]:
    """The stock policy of each org unit's nearest ancestor (itself included) that has one."""
    unit, ancestor = db.org_units.alias("unit"), db.org_units.alias("ancestor")
    query = (
        select(unit.c.id.label("unit_id"), sp)
        .select_from(unit)
        .join(ancestor, unit.c.path.op("<@")(ancestor.c.path))
        .join(sp, sp.c.org_unit_id == ancestor.c.id)
        .where(unit.c.id.in_(org_unit_ids))
        .order_by(unit.c.id, func.nlevel(ancestor.c.path).desc())
        .distinct(unit.c.id)
    )
    return {r.unit_id: r for r in conn.execute(query)}


def policy_for(dealer, sku, unit_policy, period_days: int) -> StockPolicy:
    """The band of the dealer, else of the SKU, else of the nearest org unit with one, else 20–25 days (003)."""
    if dealer.band_low_days is not None:
        band = (dealer.band_low_days, dealer.band_high_days, None)
    elif sku.band_low_days is not None:
        band = (sku.band_low_days, sku.band_high_days, None)
    elif unit_policy is not None:
        band = (unit_policy.band_low_days, unit_policy.band_high_days, unit_policy.target_days)
    else:
        band = None
    fraction = unit_policy.near_expiry_fraction if unit_policy else None
    return _policy(band, fraction, period_days)


@lru_cache(maxsize=1024)
def _policy(band: tuple | None, fraction: Decimal | None, period_days: int) -> StockPolicy:
    """Policies are few and immutable: a million lines share a handful of them."""
    stock_band = StockBand(band[0], band[1], Fraction(band[2]) if band[2] else None) if band else StockBand()
    return StockPolicy(stock_band, period_days, Fraction(fraction) if fraction else Fraction(1, 3))


def open_orders(conn: Connection, dealer_ids: set[uuid.UUID]) -> dict[tuple[uuid.UUID, uuid.UUID], int]:
    """Units ordered by each dealer and not yet shipped, by (dealer, SKU): the suggested order nets them out."""
    query = (
        select(o.c.dealer_id, ol.c.sku_id, func.sum(ol.c.quantity - ol.c.shipped))
        .join(ol, ol.c.order_id == o.c.id)
        .where(o.c.dealer_id.in_(dealer_ids), o.c.status.in_([s.value for s in OPEN_STATUSES]))
        .group_by(o.c.dealer_id, ol.c.sku_id)
    )
    return {(dealer, sku): int(quantity) for dealer, sku, quantity in conn.execute(query).tuples()}
