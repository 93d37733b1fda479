"""Events the visits service consumes."""
from services.visits import db
from services.visits.service import project_dealer
from shared.events.inventory import DealerRegistered
from shared.events.targets import OrgUnitCreated
from shared.org import org_unit_projector

HANDLERS = {OrgUnitCreated: org_unit_projector(db.org_units), DealerRegistered: project_dealer}
