"""Events the targets service consumes."""
from services.targets.actuals_service import apply_order_recorded
from shared.events.inventory import OrderRecorded

HANDLERS = {OrderRecorded: apply_order_recorded}
