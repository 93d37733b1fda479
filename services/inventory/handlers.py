"""Events and ERP messages the inventory service consumes."""

from services.inventory import db
from services.inventory.orders.service import apply_erp_order
from shared.events.erp import ErpOrder
from shared.org.projection import org_unit_handlers

HANDLERS = {**org_unit_handlers(db.org_units), ErpOrder: apply_erp_order}
