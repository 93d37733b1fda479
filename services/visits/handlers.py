"""Events the visits service consumes."""

from services.visits import db
from services.visits.dealer_orders.service import project_dealer_order
from services.visits.dealers.service import project_dealer
from shared.events.inventory import DealerOrderStatusChanged, DealerRegistered
from shared.org.projection import org_unit_handlers

HANDLERS = {
    **org_unit_handlers(db.org_units),
    DealerRegistered: project_dealer,
    DealerOrderStatusChanged: project_dealer_order,
}
