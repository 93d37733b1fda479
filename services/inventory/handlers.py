"""Events and ERP messages the inventory service consumes."""
from services.inventory import db
from services.inventory.service import apply_erp_order
from shared.events.erp import ErpOrder
from shared.events.targets import OrgUnitCreated
from shared.org import org_unit_projector

HANDLERS = {OrgUnitCreated: org_unit_projector(db.org_units), ErpOrder: apply_erp_order}
