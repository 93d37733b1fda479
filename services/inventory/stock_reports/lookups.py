"""The dealers a submission names (in the caller's scope) and the stock policies of their org units, one query each;
and `policy_for`, the precedence of bands in Python (the SQL derivation applies the same, tests hold them together)."""

from __future__ import annotations

import uuid
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, func, select

from services.inventory import db
from services.inventory.dealers.service import org_scope
from services.inventory.dealers.tables import dealers as d
from services.inventory.domain.stock import StockBand, StockPolicy
from services.inventory.stock_reports.tables import stock_policies as sp
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
    """The band of the dealer, else of the SKU, else of the nearest org unit with one, else 20–25 days (003).

    The reference the SQL derivation (derivation.LINES) is tested against."""
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
