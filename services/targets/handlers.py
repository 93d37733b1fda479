"""Events the targets service consumes."""

from services.targets.actuals.payments import apply_payments_recorded
from services.targets.actuals.service import apply_dealer_registered, apply_orders_recorded
from services.targets.actuals.skus import apply_sku_changed
from shared.consumer import Batch, Handler, MessageClass, batch
from shared.events.inventory import DealerRegistered, OrderRecorded, PaymentRecorded, SkuChanged

HANDLERS: dict[MessageClass, Handler | Batch] = {
    OrderRecorded: batch(apply_orders_recorded),
    PaymentRecorded: batch(apply_payments_recorded),
    DealerRegistered: apply_dealer_registered,
    SkuChanged: apply_sku_changed,
}
