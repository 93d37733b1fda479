"""Collections (货款回笼): invoices and payments from ERP systems or entered by hand, kept at their latest version;
bad-debt write-offs (呆帐/坏帐) awaiting approval. A message naming a dealer not registered yet is kept with no
dealer ("waiting for master data") and attributed when the dealer arrives."""

from sqlalchemy import Column, Date, DateTime, ForeignKey, Integer, Numeric, String, Table, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import UUID

from services.inventory.db import metadata
from shared.db import created_at_column

invoices = Table(
    "invoices",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("erp_system", String(64), nullable=False),
    Column("external_id", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("dealer_code", String(64), nullable=False, index=True),
    Column("dealer_id", UUID(as_uuid=True), ForeignKey("inventory.dealers.id"), index=True),  # none: waiting
    Column("org_unit_id", UUID(as_uuid=True), index=True),
    Column("invoiced_on", Date, nullable=False),
    Column("due_on", Date, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("amount", Numeric(18, 2), nullable=False),
    Column("written_off", Numeric(18, 2), nullable=False, server_default=text("0")),
    created_at_column(),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
    UniqueConstraint("erp_system", "external_id"),
)

payments = Table(
    "payments",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("erp_system", String(64), nullable=False),
    Column("external_id", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("dealer_code", String(64), nullable=False, index=True),
    Column("dealer_id", UUID(as_uuid=True), ForeignKey("inventory.dealers.id"), index=True),  # none: waiting
    Column("org_unit_id", UUID(as_uuid=True), index=True),
    Column("invoice_external_id", String(64), nullable=False),  # the invoice paid, in the same ERP system
    Column("paid_on", Date, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("amount", Numeric(18, 2), nullable=False),
    created_at_column(),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
    UniqueConstraint("erp_system", "external_id"),
)

write_offs = Table(
    "write_offs",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("invoice_id", UUID(as_uuid=True), ForeignKey("inventory.invoices.id"), nullable=False, index=True),
    Column("amount", Numeric(18, 2), nullable=False),
    Column("reason", String(300), nullable=False),
    Column("status", String(20), nullable=False),  # requested / approved / rejected
    Column("requested_by", String(200), nullable=False),
    Column("decided_by", String(200)),
    created_at_column(),
)
