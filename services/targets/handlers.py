"""Events the targets service consumes."""

from services.targets.actuals.service import apply_dealer_registered, apply_orders_recorded
from shared.consumer import Batch, Handler, MessageClass, batch
from shared.events.inventory import DealerRegistered, OrderRecorded

HANDLERS: dict[MessageClass, Handler | Batch] = {
    OrderRecorded: batch(apply_orders_recorded),
    DealerRegistered: apply_dealer_registered,
}
