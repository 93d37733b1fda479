"""Invoices and payments ERP systems push, as plain JSON without an envelope (like erp.orders.v1)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import ConfigDict, Field

from shared.events.base import InboundMessage
from shared.types import DecimalString, IsoDate, JsonInt

Money = Annotated[Decimal, DecimalString(r"^[0-9]{1,16}(?:\.[0-9]{1,2})?$", "1250.00")]


class ErpInvoice(InboundMessage):
    """An invoice to a dealer; each change bumps `version`. Idempotent on (erp_system, invoice_id, version)."""

    topic = "erp.invoices.v1"
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "erp_system": "SAP-EAST",
                    "invoice_id": "INV-2026-000123",
                    "version": 1,
                    "dealer_code": "D-0001",
                    "invoiced_on": "2026-03-14",
                    "due_on": "2026-04-13",
                    "currency": "CNY",
                    "amount": "12500.00",
                }
            ]
        }
    )

    erp_system: str = Field("ERP", min_length=1, max_length=64, examples=["SAP-EAST"])
    invoice_id: str = Field(min_length=1, max_length=64, examples=["INV-2026-000123"])
    version: JsonInt = Field(ge=1, le=2**31 - 1, examples=[1])
    dealer_code: str = Field(min_length=1, max_length=64, examples=["D-0001"])
    invoiced_on: IsoDate = Field(examples=["2026-03-14"])
    due_on: IsoDate = Field(examples=["2026-04-13"])
    currency: str = Field("CNY", min_length=3, max_length=3)
    amount: Money

    def message_id(self) -> str:
        return f"erp.invoice:{self.erp_system}:{self.invoice_id}:v{self.version}"

    def key(self) -> str:
        return self.invoice_id


class ErpPayment(InboundMessage):
    """A dealer's payment against one invoice of the same ERP system; idempotent on (system, payment, version)."""

    topic = "erp.payments.v1"
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "erp_system": "SAP-EAST",
                    "payment_id": "PAY-2026-000045",
                    "version": 1,
                    "dealer_code": "D-0001",
                    "invoice_id": "INV-2026-000123",
                    "paid_on": "2026-03-30",
                    "currency": "CNY",
                    "amount": "5000.00",
                }
            ]
        }
    )

    erp_system: str = Field("ERP", min_length=1, max_length=64, examples=["SAP-EAST"])
    payment_id: str = Field(min_length=1, max_length=64, examples=["PAY-2026-000045"])
    version: JsonInt = Field(ge=1, le=2**31 - 1, examples=[1])
    dealer_code: str = Field(min_length=1, max_length=64, examples=["D-0001"])
    invoice_id: str = Field(min_length=1, max_length=64, examples=["INV-2026-000123"])
    paid_on: IsoDate = Field(examples=["2026-03-30"])
    currency: str = Field("CNY", min_length=3, max_length=3)
    amount: Money

    def message_id(self) -> str:
        return f"erp.payment:{self.erp_system}:{self.payment_id}:v{self.version}"

    def key(self) -> str:
        return self.payment_id
