"""The demo company's business up to its last day: ERP orders, invoices and payments, shipments, weekly stock
reports and visits, with seasonality and the planted problems the audit must find. Pure: no I/O.
"""

from __future__ import annotations

import hashlib
import math
import random
import struct
import uuid
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal

from shared.demo.company import Company, Dealer, Outlet, Person, Sku, demo_id, stream

LAST_DAY = date(2026, 11, 29)  # a Sunday: the demo's history ends with a whole week
CHINA = timezone(timedelta(hours=8))
# Sales by month relative to an average month: Spring Festival stocking, a summer lull, Mid-Autumn and National Day.
SEASON = (1.35, 1.25, 0.85, 0.9, 0.95, 0.9, 0.85, 0.9, 1.2, 1.1, 0.95, 1.05)
CORE_SKUS = 4  # SKUs each dealer stocks and reports weekly
STOCK_BAND = (14, 45)  # the demo company's stock-days band (its policy, set in inventory and audit)
COVER_WEEKS = 4  # a dealer starts with about four weeks of stock


@dataclass(frozen=True)
class Planted:
    """A problem the demo plants, the rule that must find it and the subjects its findings may name."""

    problem: str
    rule: str
    subjects: tuple[str, ...]
    also: tuple[str, ...] = ()  # rules that may find the same subjects too (never required, never elsewhere)


@dataclass(frozen=True)
class ShipmentPlan:
    round: int
    week_end: date
    dealer: Dealer
    lines: tuple[tuple[Sku, int], ...]

    @property
    def id(self) -> str:
        return f"{self.dealer.code}-R{self.round}"


@dataclass
class History:
    orders: list[dict[str, object]] = field(default_factory=list)
    invoices: list[dict[str, object]] = field(default_factory=list)
    payments: list[dict[str, object]] = field(default_factory=list)
    shipments: list[ShipmentPlan] = field(default_factory=list)
    stock_rows: list[dict[str, object]] = field(default_factory=list)
    visits: dict[Person, list[dict[str, object]]] = field(default_factory=dict)
    planted: list[Planted] = field(default_factory=list)
    leaked: set[str] = field(default_factory=set)


def week_ends(weeks: int) -> list[date]:
    return [LAST_DAY - timedelta(days=7 * i) for i in reversed(range(weeks))]


def batch_code(company: Company, dealer: Dealer, sku: Sku, round_no: int) -> str:
    """One production batch per dealer, SKU and shipment round, so a batch on a shelf names the dealer it went to."""
    return f"B{company.tag}-{dealer.code.split('-')[1]}-{sku.code.split('-')[1]}-R{round_no}"


def core_skus(company: Company, dealer: Dealer) -> list[Sku]:
    rng = stream(company.seed, f"core:{dealer.code}")
    # Long-lived lines only: their batches are still good when the demo ships them, whenever it is run.
    return rng.sample([s for s in company.skus if s.shelf_life_days >= 180], CORE_SKUS)


def weekly_units(dealer: Dealer, sku: Sku) -> int:
    """Units of one core SKU the dealer sells in a week: a quarter of its weekly sales, in whole cases."""
    cases = max(1, math.floor(float(dealer.weekly_sales) / CORE_SKUS / float(sku.list_price) / sku.case_size))
    return cases * sku.case_size


def _money(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def orders(company: Company, h: History, stuffed: Dealer) -> None:
    """A weekly ERP order per dealer (a confirmed order, invoiced, paid within its terms)."""
    first = LAST_DAY - timedelta(days=7 * round(company.size.order_months * 52 / 12) - 1)
    n = 0
    for dealer in company.dealers:
        rng = stream(company.seed, f"orders:{dealer.code}")
        day = first + timedelta(days=rng.randrange(7))
        while day <= LAST_DAY:
            target = float(dealer.weekly_sales) * SEASON[day.month - 1] * rng.uniform(0.85, 1.15)
            n += 1
            _order(company, h, dealer, day, target, n, rng.sample(company.skus, rng.randrange(3, 7)), rng)
            day += timedelta(days=7)
        if dealer is stuffed:  # 压货: a month-end order of five weeks' sales, to make the month's figures
            n += 1
            big = float(dealer.weekly_sales) * 5
            _order(company, h, dealer, LAST_DAY - timedelta(days=2), big, n, core_skus(company, dealer), rng)


def _order(
    company: Company, h: History, dealer: Dealer, day: date, amount: float, n: int, skus: list[Sku], rng: random.Random
) -> None:
    lines: list[dict[str, str]] = []
    total = Decimal(0)
    for sku in skus:
        quantity = max(1, round(amount / len(skus) / float(sku.list_price)))
        lines.append({"sku": sku.code, "quantity": str(quantity), "unit_price": str(sku.list_price)})
        total += sku.list_price * quantity
    order_id = f"SO{company.tag}-{n:06d}"
    h.orders.append(
        {"order_id": order_id, "version": 1, "dealer_code": dealer.code, "status": "confirmed",
         "ordered_on": day.isoformat(), "currency": "CNY", "lines": lines}
    )  # fmt: skip
    invoice = f"INV{company.tag}-{n:06d}"
    due = day + timedelta(days=dealer.terms_days)
    h.invoices.append(
        {"erp_system": "SAP-CS", "invoice_id": invoice, "version": 1, "dealer_code": dealer.code,
         "invoiced_on": day.isoformat(), "due_on": due.isoformat(), "currency": "CNY", "amount": str(_money(total))}
    )  # fmt: skip
    paid = min(day + timedelta(days=rng.randrange(10, dealer.terms_days)), LAST_DAY)  # every dealer pays in time
    h.payments.append(
        {"erp_system": "SAP-CS", "payment_id": f"PAY{company.tag}-{n:06d}", "version": 1,
         "dealer_code": dealer.code, "invoice_id": invoice, "paid_on": paid.isoformat(), "currency": "CNY",
         "amount": str(_money(total))}
    )  # fmt: skip


def stock(company: Company, h: History, stuffed: Dealer) -> None:
    """Shipments every other week and a weekly stock report (进销存) per dealer for its core SKUs.

    Each shipment brings two weeks of sales, so stock stays between three and four weeks of cover (21-28 days,
    inside the band); the stuffed dealer's month-end shipment brings ten weeks' worth at once."""
    ends = week_ends(company.size.weeks)
    for dealer in company.dealers:
        rng = stream(company.seed, f"stock:{dealer.code}")
        skus = core_skus(company, dealer)
        closing = {s.code: weekly_units(dealer, s) * COVER_WEEKS for s in skus}
        for week_no, end in enumerate(ends):
            ship = week_no % 2 == 1
            stuffing = dealer is stuffed and week_no == len(ends) - 4
            lines = []
            for sku in skus:
                usual = weekly_units(dealer, sku)
                sold = usual + sku.case_size * rng.randrange(-1, 2) * (usual >= 4 * sku.case_size)  # ±1 case
                received = weekly_units(dealer, sku) * (10 if stuffing else 2 if ship else 0)
                opening = closing[sku.code]
                closing[sku.code] = max(0, opening + received - sold)
                if received:
                    lines.append((sku, received))
                h.stock_rows.append(
                    {"dealer_code": dealer.code, "period_end": end.isoformat(), "sku": sku.code,
                     "opening": opening, "received": received, "closing": closing[sku.code]}
                )  # fmt: skip
            if lines:
                h.shipments.append(ShipmentPlan(week_no, end, dealer, tuple(lines)))
    h.planted.append(
        Planted(
            "a dealer over-stocked before month end (压货)",
            "stock_days_out_of_band",
            tuple(f"dealer:{stuffed.id}/sku:{s.code}" for s in core_skus(company, stuffed)),
        )
    )


def shipped_batches(company: Company, h: History, dealer: Dealer, before: date) -> dict[str, str]:
    """The newest batch of each core SKU shipped to the dealer in a week ending before `before`."""
    seen: dict[str, str] = {}
    for s in h.shipments:
        if s.dealer.id == dealer.id and s.week_end < before:
            for sku, _ in s.lines:
                seen[sku.code] = batch_code(company, dealer, sku, s.round)
    return seen


def photo(company: Company, visit_id: str) -> bytes:
    """A small PNG of noise, its own for every visit (a shelf photo's stand-in: distinct content, distinct hash)."""
    rng = stream(company.seed, f"photo:{visit_id}")
    width = height = 16
    rows = b"".join(b"\x00" + bytes(rng.randrange(256) for _ in range(width * 3)) for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def photo_hash(company: Company, visit_id: str) -> str:
    return hashlib.sha256(photo(company, visit_id)).hexdigest()


def visits(company: Company, h: History, dumping: Dealer, faker: Person, leak: tuple[Dealer, Outlet]) -> None:
    """Each outlet visited once a week on its route's weekday, 09:00 on, ~25 minutes each, 40 minutes apart."""
    ends = week_ends(company.size.weeks)
    rng = stream(company.seed, "visits")
    leaked_dealer, leak_outlet = leak
    far: list[str] = []
    for rep in company.with_role("rep"):
        outlets = company.outlets_of(rep)
        made = h.visits.setdefault(rep, [])
        for week_no, end in enumerate(ends):
            monday = end - timedelta(days=6)
            late = week_no >= len(ends) - 2
            for i, outlet in enumerate(outlets):
                day = monday + timedelta(days=i % 5)
                start = datetime.combine(day, time(9, 0), CHINA) + timedelta(minutes=40 * (i // 5))
                visit_id = demo_id(company.seed, f"visit:{outlet.code}:{day}")
                lat, lon = outlet.latitude, outlet.longitude
                if rep.id == faker.id and late:  # checks in from home, ~1.5 km away, and says they were there
                    lat, lon = lat + 0.0135, lon + 0.004
                    far.append(f"visit:{visit_id}")
                else:
                    lat, lon = lat + rng.uniform(-0.0001, 0.0001), lon + rng.uniform(-0.0001, 0.0001)
                made.append(_visit(company, h, outlet, visit_id, start, lat, lon, late, dumping, leak, rng))
    # A check-in 1.5 km from the outlet also costs the visit authenticity points; whether the score falls under the
    # threshold depends on the rep's previous visit as visits knew it when this one arrived.
    h.planted.append(Planted("a rep faking check-ins", "checkin_far_from_outlet", tuple(far), ("low_authenticity",)))
    dumped = sorted(f"outlet:{o.id}/sku:{s.code}" for o in company.outlets if o.dealer.id == dumping.id
                    for s in core_skus(company, dumping))  # fmt: skip
    h.planted.append(Planted("a dealer dumping prices (砸价)", "price_below_floor", tuple(dumped)))
    h.planted.append(
        Planted("goods leaking across a region border (窜货)", "cross_region_goods", tuple(sorted(h.leaked)))
    )


def _visit(
    company: Company,
    h: History,
    outlet: Outlet,
    visit_id: uuid.UUID,
    start: datetime,
    lat: float,
    lon: float,
    late: bool,
    dumping: Dealer,
    leak: tuple[Dealer, Outlet],
    rng: random.Random,
) -> dict[str, object]:
    end = start + timedelta(minutes=rng.randrange(18, 31))
    batches = shipped_batches(company, h, outlet.dealer, start.date())
    leaked_dealer, leak_outlet = leak
    if late and outlet.id == leak_outlet.id:  # goods shipped to a dealer of another region found on this shelf
        batches = shipped_batches(company, h, leaked_dealer, start.date())
        skus = core_skus(company, leaked_dealer)
        h.leaked.update(f"outlet:{outlet.id}/batch:{b}" for b in batches.values())
    else:
        skus = core_skus(company, outlet.dealer)
    stock_items = [
        {"sku": s.code, "quantity": str(rng.randrange(6, 48)),
         **({"batch_codes": [batches[s.code]]} if s.code in batches else {})}
        for s in skus
    ]  # fmt: skip
    prices = []
    for s in skus:
        price = s.list_price * Decimal(str(round(rng.uniform(0.96, 1.05), 2)))
        if late and outlet.dealer.id == dumping.id:
            price = s.floor * Decimal("0.8")  # the dealer sells to outlets far below the company's floor
        prices.append({"sku": s.code, "brand": "春山", "ours": True, "price": str(_money(price))})
    return {
        "id": str(visit_id),
        "outlet_id": str(outlet.id),
        "check_in": {
            "position": {"latitude": round(lat, 6), "longitude": round(lon, 6), "datum": "wgs84", "accuracy_m": 10},
            "client_at": start.isoformat(),
        },
        "steps": [
            {"step": "stock_check", "items": stock_items},
            {"step": "display", "photos": [{"content_hash": photo_hash(company, str(visit_id))}]},
            {"step": "prices", "items": prices},
        ],
        "check_out": {"client_at": end.isoformat()},
    }


def build(company: Company) -> History:
    """Everything dated up to LAST_DAY; the planted problems' actors are picked by position, not by chance."""
    h = History()
    offices = company.of_kind("office")
    first_region = [d for d in company.dealers if d.office.region == offices[0].region]
    other_region = [o for o in company.outlets if o.team.region != offices[0].region]
    dumping, leaked_dealer = first_region[1], first_region[0]
    stuffed = company.dealers[-1]
    faker = company.reps_of(company.team_of(offices[-1]))[1]
    leak_outlet = next(o for o in other_region if o.rep.id != faker.id and o.dealer.id != stuffed.id)
    orders(company, h, stuffed)
    stock(company, h, stuffed)
    visits(company, h, dumping, faker, (leaked_dealer, leak_outlet))
    return h
