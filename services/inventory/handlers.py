"""Events and ERP messages the inventory service consumes."""

from services.inventory import db
from services.inventory.orders.recording import apply_erp_orders
from shared.consumer import batch
from shared.events.erp import ErpOrder
from shared.org import org_unit_handlers

HANDLERS = {**org_unit_handlers(db.org_units), ErpOrder: batch(apply_erp_orders)}
