"""Events the targets service consumes."""

from services.targets.actuals.service import apply_dealer_registered, apply_order_recorded
from shared.consumer import Handler
from shared.events.inventory import DealerRegistered, OrderRecorded

HANDLERS: dict[type, Handler] = {OrderRecorded: apply_order_recorded, DealerRegistered: apply_dealer_registered}
