"""Events published by the inventory service."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel
from typing_extensions import TypedDict

from shared.events.base import Event


class DealerRegistered(Event):
    """A dealer (经销商) now buys from the company in a territory owned by an org unit."""

    type = "inventory.dealer.registered"
    version = 1
    topic = "inventory.dealers.v1"

    dealer_id: uuid.UUID
    code: str
    name: str
    org_unit_id: uuid.UUID
    credit_limit: Decimal | None = None
    payment_terms_days: int | None = None
    grade: str | None = None
    status: str | None = None

    def key(self) -> str:
        return str(self.dealer_id)


class DealerUpdated(Event):
    """A dealer's master data changed (territory, credit limit, terms, grade or status); the full new state."""

    type = "inventory.dealer.updated"
    version = 1
    topic = "inventory.dealers.v1"

    dealer_id: uuid.UUID
    code: str
    name: str
    org_unit_id: uuid.UUID
    credit_limit: Decimal | None
    payment_terms_days: int
    grade: str
    status: str

    def key(self) -> str:
        return str(self.dealer_id)


class SkuChanged(Event):
    """A SKU was registered or changed: the full new state (category, case size, shelf life, price band)."""

    type = "inventory.sku.changed"
    version = 1
    topic = "inventory.skus.v1"

    change: Literal["registered", "updated"]
    sku_id: uuid.UUID
    code: str
    name: str
    category: str
    brand: str
    unit: str
    case_size: int
    shelf_life_days: int | None
    list_price: Decimal
    price_floor: Decimal | None
    price_ceiling: Decimal | None
    band_low_days: int | None
    band_high_days: int | None
    status: str
    updated_at: datetime

    def key(self) -> str:
        return str(self.sku_id)


class OrderLine(BaseModel):
    sku: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal


class OrderRecorded(Event):
    """A dealer order, as of one ERP version; a later version replaces the earlier one."""

    type = "inventory.order.recorded"
    version = 1
    topic = "inventory.orders.v1"

    order_id: uuid.UUID
    erp_order_id: str
    erp_version: int
    dealer_id: uuid.UUID | None
    dealer_code: str
    org_unit_id: uuid.UUID | None
    status: str
    ordered_on: date
    currency: str
    total_quantity: Decimal
    total_amount: Decimal
    lines: list[OrderLine]

    def key(self) -> str:
        return str(self.order_id)


class StockLineFigures(TypedDict):
    """One SKU of a stock report with what was derived from it (a typed dict: a bulk file holds a million)."""

    sku_id: uuid.UUID
    sku: str
    opening: int
    received: int
    closing: int
    sold: int
    safety_stock: Decimal
    stock_days: Decimal | None
    band: Literal["low", "normal", "high"]
    oldest_age_days: int | None
    near_expiry: int | None
    suggested_order: int
    flags: list[str]


class StockReportSubmitted(Event):
    """A dealer's weekly stock report (进销存) was accepted, with sold, safety stock, stock days and the next order."""

    type = "inventory.stock_report.submitted"
    version = 1
    topic = "inventory.stock_reports.v1"

    report_id: uuid.UUID
    dealer_id: uuid.UUID
    dealer_code: str
    org_unit_id: uuid.UUID
    period_start: date
    period_end: date
    lines: list[StockLineFigures]

    def key(self) -> str:
        return str(self.dealer_id)


class StockAlert(TypedDict):
    """A line that needs action: stock days below or above the band, or near-expiry stock."""

    sku_id: uuid.UUID
    sku: str
    kind: Literal["low", "high", "near_expiry"]
    closing: int
    stock_days: Decimal | None
    near_expiry: int | None
    suggested_order: int


class StockAlertsRaised(Event):
    """Lines of a stock report outside the stock-days band, or holding near-expiry stock (即期品)."""

    type = "inventory.stock.alerts_raised"
    version = 1
    topic = "inventory.stock_reports.v1"

    report_id: uuid.UUID
    dealer_id: uuid.UUID
    org_unit_id: uuid.UUID
    period_end: date
    alerts: list[StockAlert]

    def key(self) -> str:
        return str(self.dealer_id)


class DealerOrderLine(BaseModel):
    sku_id: uuid.UUID
    sku: str
    quantity: int
    unit_price: Decimal
    amount: Decimal
    shipped: int


class DealerOrderStatusChanged(Event):
    """A dealer order moved in its lifecycle (draft → … → closed, rejected or cancelled)."""

    type = "inventory.dealer_order.status_changed"
    version = 1
    topic = "inventory.dealer_orders.v1"

    order_id: uuid.UUID
    dealer_id: uuid.UUID
    org_unit_id: uuid.UUID
    status: str
    previous_status: str | None
    total_quantity: int
    total_amount: Decimal
    hold_reasons: list[str]
    reason: str | None = None
    lines: list[DealerOrderLine]

    def key(self) -> str:
        return str(self.order_id)


class ShippedBatchLine(BaseModel):
    sku_id: uuid.UUID
    sku: str
    batch_code: str
    quantity: int


class ShipmentDispatched(Event):
    """Goods left the warehouse for a dealer, by batch code (audit follows batches found outside their region)."""

    type = "inventory.shipment.dispatched"
    version = 1
    topic = "inventory.dealer_orders.v1"

    shipment_id: uuid.UUID
    order_id: uuid.UUID
    dealer_id: uuid.UUID
    org_unit_id: uuid.UUID
    lines: list[ShippedBatchLine]

    def key(self) -> str:
        return str(self.order_id)


class StockAdjusted(Event):
    """A return (退货), exchange (换货) or damage write-off (报损) at a dealer, with its reason."""

    type = "inventory.stock.adjusted"
    version = 1
    topic = "inventory.stock_reports.v1"

    adjustment_id: uuid.UUID
    dealer_id: uuid.UUID
    org_unit_id: uuid.UUID
    kind: Literal["return", "exchange", "write_off"]
    reason: str
    sku_id: uuid.UUID
    sku: str
    batch_code: str | None
    quantity: int
    amount: Decimal

    def key(self) -> str:
        return str(self.dealer_id)


class InvoiceRecorded(Event):
    """An invoice to a dealer, as of one ERP version (published once the dealer is known)."""

    type = "inventory.invoice.recorded"
    version = 1
    topic = "inventory.collections.v1"

    invoice_id: uuid.UUID
    erp_system: str
    external_id: str
    erp_version: int
    dealer_id: uuid.UUID
    dealer_code: str
    org_unit_id: uuid.UUID
    invoiced_on: date
    due_on: date
    currency: str
    amount: Decimal

    def key(self) -> str:
        return str(self.dealer_id)


class PaymentRecorded(Event):
    """A dealer's payment (货款回笼), as of one ERP version (published once the dealer is known)."""

    type = "inventory.payment.recorded"
    version = 1
    topic = "inventory.collections.v1"

    payment_id: uuid.UUID
    erp_system: str
    external_id: str
    erp_version: int
    dealer_id: uuid.UUID
    dealer_code: str
    org_unit_id: uuid.UUID
    invoice_external_id: str
    paid_on: date
    currency: str
    amount: Decimal

    def key(self) -> str:
        return str(self.dealer_id)


class InvoiceWrittenOff(Event):
    """A bad debt (坏帐) on an invoice was written off with a manager's approval."""

    type = "inventory.invoice.written_off"
    version = 1
    topic = "inventory.collections.v1"

    write_off_id: uuid.UUID
    invoice_id: uuid.UUID
    dealer_id: uuid.UUID
    org_unit_id: uuid.UUID
    amount: Decimal
    reason: str

    def key(self) -> str:
        return str(self.dealer_id)
