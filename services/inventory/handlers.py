"""Events and ERP messages the inventory service consumes."""

from services.inventory import db
from services.inventory.collections.ingest import apply_erp_invoice, apply_erp_payment
from services.inventory.orders.service import apply_erp_order
from shared.events.erp import ErpOrder
from shared.events.erp_collections import ErpInvoice, ErpPayment
from shared.org import org_unit_handlers

HANDLERS = {**org_unit_handlers(db.org_units), ErpOrder: apply_erp_order}
HANDLERS[ErpInvoice] = apply_erp_invoice
HANDLERS[ErpPayment] = apply_erp_payment
