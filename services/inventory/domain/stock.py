"""Stock report (进销存) rules: what sold, safety stock, stock days and band, batches' age and expiry, next order.

Quantities are whole units (件), so every figure is computed in integers: a million lines derive in seconds,
and nothing is rounded except where a rule says so (stock days to 0.1 half-up, orders up to whole cases).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from typing import NamedTuple

SAFETY_FACTOR = Fraction(3, 2)  # 安全库存 = 上期实际销量 × 1.5 (seed 000)


@dataclass(frozen=True)
class StockBand:
    """Stock-days band (003: 20–25 days); the order aims at `target_days` of cover (the band's middle by default)."""

    low_days: int = 20
    high_days: int = 25
    target_days: Fraction | None = None

    def __post_init__(self) -> None:
        if not 0 < self.low_days <= self.high_days:
            raise ValueError("a stock band needs 0 < low_days <= high_days")

    @cached_property
    def target(self) -> Fraction:
        return self.target_days if self.target_days is not None else Fraction(self.low_days + self.high_days, 2)


@dataclass(frozen=True)
class StockPolicy:
    """How a line is judged: the band, the period length and the near-expiry rule (less than 1/3 of shelf life left)."""

    band: StockBand = field(default_factory=StockBand)
    period_days: int = 7
    near_expiry_fraction: Fraction = Fraction(1, 3)


class Batch(NamedTuple):
    code: str
    produced_on: date
    quantity: int


class StockLine(NamedTuple):
    """What a dealer reports for one SKU and period, with what the system knows about it.

    Lines, batches and derived figures are named tuples: immutable, and a million of them build in a second."""

    sku: str
    opening: int
    received: int
    closing: int
    batches: tuple[Batch, ...] = ()
    previous_closing: int | None = None  # closing of the previous report, the default opening
    previous_sold: int | None = None
    open_orders: int = 0  # ordered by the dealer, not yet received
    case_size: int = 1
    shelf_life_days: int | None = None


class DerivedLine(NamedTuple):
    sold: int
    safety_stock: Decimal
    stock_days: Decimal | None  # None when nothing sold and stock is left: it would last forever
    band: str  # low / normal / high
    oldest_age_days: int | None
    near_expiry: int | None
    suggested_order: int
    flags: tuple[str, ...]


class LineRejected(ValueError):
    """The line cannot be true as reported; `column` names the figure that is wrong."""

    def __init__(self, column: str, reason: str):
        super().__init__(reason)
        self.column = column
        self.reason = reason


def ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def check_line(line: StockLine, as_of: date) -> None:
    """Reject what cannot be true: negative figures, negative sales, batches that do not make up closing."""
    if line.opening < 0 or line.received < 0 or line.closing < 0:
        column = "opening" if line.opening < 0 else "received" if line.received < 0 else "closing"
        raise LineRejected(column, f"{column} may not be negative")
    if line.closing > line.opening + line.received:
        raise LineRejected(
            "closing",
            f"closing {line.closing} is larger than opening + received = {line.opening + line.received}; "
            "sold would be negative",
        )
    if line.batches:
        _check_batches(line, as_of)


def _check_batches(line: StockLine, as_of: date) -> None:
    codes = [b.code for b in line.batches]
    if len(set(codes)) != len(codes):
        raise LineRejected("batches", "a batch code appears twice")
    if any(b.quantity <= 0 for b in line.batches):
        raise LineRejected("batches", "a batch quantity must be positive")
    if any(b.produced_on > as_of for b in line.batches):
        raise LineRejected("batches", f"a batch is produced after the period end {as_of}")
    total = sum(b.quantity for b in line.batches)
    if total != line.closing:
        raise LineRejected("batches", f"batches sum to {total}, not to closing {line.closing}")


def stock_days(closing: int, sold: int, period_days: int) -> Decimal | None:
    """closing ÷ average daily sales (sold ÷ period days), to 0.1 day half-up; None when nothing sold."""
    if closing == 0:
        return Decimal(0)
    if sold == 0:
        return None
    tenths = (2 * closing * period_days * 10 + sold) // (2 * sold)
    return Decimal(tenths).scaleb(-1)


def band_status(closing: int, sold: int, policy: StockPolicy) -> str:
    """low below the band, high above it, on the exact ratio (not the rounded stock days)."""
    band, days = policy.band, closing * policy.period_days
    if closing == 0:
        return "low"
    if sold == 0 or days > band.high_days * sold:
        return "high"
    return "low" if days < band.low_days * sold else "normal"


def batch_figures(line: StockLine, as_of: date, fraction: Fraction) -> tuple[int | None, int | None]:
    """(oldest stock age in days, quantity with less than `fraction` of its shelf life left) at the period end."""
    if not line.batches:
        return None, None
    oldest = max((as_of - b.produced_on).days for b in line.batches)
    if line.shelf_life_days is None:
        return oldest, None
    life = line.shelf_life_days
    # remaining = life − age < life × fraction, kept in integers
    near = sum(
        b.quantity
        for b in line.batches
        if (life - (as_of - b.produced_on).days) * fraction.denominator < life * fraction.numerator
    )
    return oldest, near


def suggested_order(line: StockLine, sold: int, policy: StockPolicy) -> tuple[int, int, int]:
    """(order, cover need, safety need): enough for the target days of cover and never below safety stock,
    net of closing stock and open orders, rounded up to whole cases."""
    target = policy.band.target
    cover_need = ceil_div(sold * target.numerator, policy.period_days * target.denominator)
    safety_need = ceil_div((line.previous_sold or 0) * SAFETY_FACTOR.numerator, SAFETY_FACTOR.denominator)
    gap = max(cover_need, safety_need) - line.closing - line.open_orders
    order = ceil_div(gap, line.case_size) * line.case_size if gap > 0 else 0
    return order, cover_need, safety_need


def derive_line(line: StockLine, as_of: date, policy: StockPolicy) -> DerivedLine:
    """Every derived figure of a valid line (call check_line first)."""
    sold = line.opening + line.received - line.closing
    flags = []
    if line.previous_closing is not None and line.opening != line.previous_closing:
        flags.append("opening_differs_from_last_closing")
    if line.previous_sold is None:
        flags.append("no_previous_period")
    if not line.batches and line.closing:
        flags.append("batches_missing")
    oldest, near = batch_figures(line, as_of, policy.near_expiry_fraction)
    if near:
        flags.append("near_expiry")
    previous = line.previous_sold or 0
    return DerivedLine(
        sold=sold,
        safety_stock=Decimal(previous * 15).scaleb(-1),  # × 1.5, one decimal exactly
        stock_days=stock_days(line.closing, sold, policy.period_days),
        band=band_status(line.closing, sold, policy),
        oldest_age_days=oldest,
        near_expiry=near,
        suggested_order=suggested_order(line, sold, policy)[0],
        flags=tuple(flags),
    )


def _number(value: Fraction) -> str:
    """A fraction as a short decimal for people: 22.5, 70, 31.43."""
    return f"{float(value):.2f}".rstrip("0").rstrip(".")


def explain(line: StockLine, derived: DerivedLine, policy: StockPolicy) -> list[str]:
    """The suggested order, step by step, in the words a manager reads to the dealer."""
    order, cover_need, safety_need = suggested_order(line, derived.sold, policy)
    band, days = policy.band, policy.period_days
    steps = [
        f"sold = opening {line.opening} + received {line.received} − closing {line.closing} = {derived.sold}",
        f"average daily sales = {derived.sold} ÷ {days} days = {_number(Fraction(derived.sold, days))}"
        if derived.sold
        else "nothing sold this period",
        f"stock days = closing {line.closing} ÷ daily sales = {derived.stock_days}; band {band.low_days}–"
        f"{band.high_days} days → {derived.band}"
        if derived.stock_days is not None
        else f"stock days: none sold, so {line.closing} in stock would never run out → high",
        f"safety stock = previous period's sold {line.previous_sold} × 1.5 = {derived.safety_stock}"
        if line.previous_sold is not None
        else "safety stock = 0: no previous period reported",
        f"cover for {_number(band.target)} days = {derived.sold} × {_number(band.target)} ÷ {days}, "
        f"rounded up = {cover_need}",
        f"stock needed = the larger of cover {cover_need} and safety stock {safety_need} = "
        f"{max(cover_need, safety_need)}",
        f"gap = needed {max(cover_need, safety_need)} − closing {line.closing} − open orders {line.open_orders} = "
        f"{max(cover_need, safety_need) - line.closing - line.open_orders}",
    ]
    if order:
        steps.append(f"suggested order = gap rounded up to whole cases of {line.case_size} = {order}")
    else:
        steps.append("suggested order = 0: stock and open orders already cover the need")
    return steps
