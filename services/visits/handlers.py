"""Events the visits service consumes."""

from services.visits import db
from services.visits.dealers.service import project_dealer
from shared.events.inventory import DealerRegistered
from shared.org.projection import org_unit_handlers

HANDLERS = {**org_unit_handlers(db.org_units), DealerRegistered: project_dealer}
