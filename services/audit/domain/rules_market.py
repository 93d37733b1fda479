"""Rules on the market: prices, goods out of region (窜货), promotions withheld (截留), stuffing (压货), debts."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from decimal import Decimal

from services.audit.domain.facts import (
    BatchSighting,
    OrderFact,
    PriceObservation,
    PromotionDelivery,
    PromotionIssue,
    ReceivableFact,
    ReturnFact,
    Shipment,
    SkuPrice,
)
from services.audit.domain.hits import Hit, SettingOf, hit, month_end, month_of


def price_below_floor(
    observations: Iterable[PriceObservation], prices: Mapping[str, SkuPrice], setting_of: SettingOf
) -> list[Hit]:
    """A price under the SKU's floor, or off its list price by more than max_off_list_pct (003: too low or high)."""
    firing: dict[tuple[str, str], list[PriceObservation]] = defaultdict(list)
    for o in observations:
        sku, s = prices.get(o.sku), setting_of(o.org_unit_id)
        if sku is None or not s.enabled:
            continue
        off_list = abs(o.price - sku.list_price) * 100 > s["max_off_list_pct"] * sku.list_price
        if o.price < sku.floor_price or off_list:
            firing[(f"{o.subject}/sku:{o.sku}", month_of(o.observed_on))].append(o)
    hits = []
    for (subject, period), seen in firing.items():
        first = min(seen, key=lambda o: (o.observed_on, o.observation_id))
        sku = prices[first.sku]
        hits.append(
            hit(
                "price_below_floor",
                subject,
                period,
                first.org_unit_id,
                setting_of(first.org_unit_id),
                [o.event_id for o in seen],
                lowest=str(min(o.price for o in seen)),
                floor=str(sku.floor_price),
                list=str(sku.list_price),
            )
        )
    return hits


def cross_region_goods(
    sightings: Iterable[BatchSighting], shipments: Iterable[Shipment], setting_of: SettingOf
) -> list[Hit]:
    """A batch code seen at an outlet of one region that was shipped to a dealer of another region."""
    shipped: dict[str, list[Shipment]] = defaultdict(list)
    for sh in shipments:
        shipped[sh.batch_code].append(sh)
    firing: dict[tuple[str, str], list[BatchSighting | Shipment]] = defaultdict(list)
    for seen in sightings:
        s = setting_of(seen.org_unit_id)
        elsewhere = [sh for sh in shipped[seen.batch_code] if sh.region_id != seen.region_id]
        if s.enabled and elsewhere:
            firing[(f"outlet:{seen.outlet_id}/batch:{seen.batch_code}", month_of(seen.seen_on))] += [seen, *elsewhere]
    hits = []
    for (subject, period), proof in firing.items():
        seen = min((p for p in proof if isinstance(p, BatchSighting)), key=lambda p: (p.seen_on, p.sighting_id))
        dealers = sorted({str(p.dealer_id) for p in proof if isinstance(p, Shipment)})
        hits.append(
            hit(
                "cross_region_goods",
                subject,
                period,
                seen.org_unit_id,
                setting_of(seen.org_unit_id),
                [p.event_id for p in proof],
                shipped_to_dealers=dealers,
            )
        )
    return hits


def channel_stuffing(orders: Iterable[OrderFact], returns: Iterable[ReturnFact], setting_of: SettingOf) -> list[Hit]:
    """Over min_share_pct of a dealer's month in its last `last_days` days, and returns early next month of at
    least min_return_pct of that month-end amount."""
    months: dict[tuple[uuid.UUID, str], list[OrderFact]] = defaultdict(list)
    for o in orders:
        months[(o.dealer_id, month_of(o.ordered_on))].append(o)
    returns = list(returns)
    hits = []
    for (dealer, month), placed in months.items():
        last = max(placed, key=lambda o: (o.ordered_on, o.order_id))
        s = setting_of(last.org_unit_id)
        end = month_end(last.ordered_on)
        tail_from = end - timedelta(days=int(s["last_days"]) - 1)
        total = sum((o.amount for o in placed), Decimal(0))
        tail = [o for o in placed if o.ordered_on >= tail_from]
        tail_amount = sum((o.amount for o in tail), Decimal(0))
        back_until = end + timedelta(days=int(s["return_days"]))
        back = [r for r in returns if r.dealer_id == dealer and end < r.returned_on <= back_until]
        returned = sum((r.amount for r in back), Decimal(0))
        if (
            s.enabled
            and total > 0
            and tail_amount * 100 > s["min_share_pct"] * total
            and returned * 100 >= s["min_return_pct"] * tail_amount
            and returned > 0
        ):
            hits.append(
                hit(
                    "channel_stuffing",
                    f"dealer:{dealer}",
                    month,
                    last.org_unit_id,
                    s,
                    [x.event_id for x in tail + back],
                    month_total=str(total),
                    month_end_orders=str(tail_amount),
                    returned_next_month=str(returned),
                )
            )
    return hits


def receivable_overdue(receivables: Iterable[ReceivableFact], as_of: date, setting_of: SettingOf) -> list[Hit]:
    """An invoice still outstanding more than `days` past its due date (呆帐/坏帐 risk), as of a day."""
    hits = []
    for r in receivables:
        s = setting_of(r.org_unit_id)
        overdue = (as_of - r.due_on).days
        if s.enabled and r.outstanding > 0 and overdue > int(s["days"]):
            hits.append(
                hit(
                    "receivable_overdue",
                    f"invoice:{r.invoice_id}",
                    month_of(r.due_on),
                    r.org_unit_id,
                    s,
                    [r.event_id],
                    days_overdue=overdue,
                    outstanding=str(r.outstanding),
                )
            )
    return hits


def promotion_withheld(
    issues: Iterable[PromotionIssue], deliveries: Iterable[PromotionDelivery], as_of: date, setting_of: SettingOf
) -> list[Hit]:
    """Materials issued to a dealer in a month, of which under min_delivered_pct reached outlets by the month's
    end plus grace_days; judged only once that day has passed."""
    issued: dict[tuple[uuid.UUID, str, str], list[PromotionIssue]] = defaultdict(list)
    for i in issues:
        issued[(i.dealer_id, i.material, month_of(i.issued_on))].append(i)
    deliveries = list(deliveries)
    hits = []
    for (dealer, material, month), given in issued.items():
        first = min(given, key=lambda i: (i.issued_on, i.issue_id))
        s = setting_of(first.org_unit_id)
        deadline = month_end(first.issued_on) + timedelta(days=int(s["grace_days"]))
        if not s.enabled or as_of <= deadline:
            continue
        quantity = sum((i.quantity for i in given), Decimal(0))
        reached = [
            d for d in deliveries
            if d.dealer_id == dealer and d.material == material and first.issued_on <= d.delivered_on <= deadline
        ]  # fmt: skip
        delivered = sum((d.quantity for d in reached), Decimal(0))
        if delivered * 100 < s["min_delivered_pct"] * quantity:
            hits.append(
                hit(
                    "promotion_withheld",
                    f"dealer:{dealer}/material:{material}",
                    month,
                    first.org_unit_id,
                    s,
                    [x.event_id for x in given + reached],
                    issued=str(quantity),
                    delivered=str(delivered),
                )
            )
    return hits
