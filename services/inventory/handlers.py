"""Events and ERP messages the inventory service consumes."""

from services.inventory import db
from services.inventory.collections.ingest import apply_erp_invoice, apply_erp_payment
from services.inventory.dealer_orders.visit_requests import apply_order_request
from services.inventory.orders.recording import apply_erp_orders
from shared.consumer import Batch, Handler, MessageClass, batch
from shared.events.erp import ErpOrder
from shared.events.erp_collections import ErpInvoice, ErpPayment
from shared.events.visits import OrderRequested
from shared.org import org_unit_handlers

HANDLERS: dict[MessageClass, Handler | Batch] = {
    **org_unit_handlers(db.org_units),
    ErpOrder: batch(apply_erp_orders),
    ErpInvoice: apply_erp_invoice,
    ErpPayment: apply_erp_payment,
    OrderRequested: apply_order_request,  # orders reps took on visits: draft dealer orders
}
