"""Orders taken by reps on visits (visits.order.requested) become draft dealer orders: one per request, its id
the request's, so a redelivered or replayed request finds the draft it made. A request that cannot become an order
(no supplying dealer, an unknown dealer or SKU, a part unit) raises with the reason, so it goes to the dead letters
where an operator sees why and can replay it once the master data is fixed."""

from __future__ import annotations

from decimal import Decimal

from pydantic import ValidationError
from sqlalchemy import Connection

from services.inventory.dealer_orders.schemas import DealerOrderCreate, DealerOrderOut, OrderLineIn
from services.inventory.dealer_orders.service import create_order
from shared.consumer import Decoded
from shared.errors import InvalidInput
from shared.events.visits import OrderRequested
from shared.identity import Principal, Role


def _whole_units(value: object, field: str) -> int:
    quantity = Decimal(str(value))
    if quantity != quantity.to_integral_value():
        raise InvalidInput(f"{field}: {quantity} is not a whole number of units", field=field)
    return int(quantity)


def create_draft_from_request(conn: Connection, request: OrderRequested) -> DealerOrderOut:
    """The draft order for the request's dealer, created by the rep who took it (acting company-wide: the visit
    was already checked against the rep's territory by visits)."""
    where = f"order request {request.request_id}"
    if request.dealer_id is None:
        raise InvalidInput(f"{where}: the outlet has no supplying dealer", field="dealer_id")
    try:
        command = DealerOrderCreate(
            id=request.request_id,
            dealer_id=request.dealer_id,
            lines=[
                OrderLineIn(
                    sku=line["sku"],
                    quantity=_whole_units(line["quantity"], f"lines[{i}].quantity"),
                    unit_price=line.get("unit_price"),
                )
                for i, line in enumerate(request.lines)
            ],
            note=f"taken on visit {request.visit_id}",
        )
    except ValidationError as exc:
        raise InvalidInput(f"{where}: {exc.errors()[0]['loc']} {exc.errors()[0]['msg']}") from exc
    rep = Principal(subject=f"rep:{request.rep_id}", role=Role.admin, org_unit_id=None, person_id=request.rep_id)
    try:
        return create_order(conn, rep, command, source="visit", source_ref=str(request.request_id))
    except InvalidInput as exc:  # name every bad line in the one-line reason the dead letter keeps
        reasons = "; ".join(f"{e['field']}: {e['reason']}" for e in exc.errors) or exc.detail
        raise InvalidInput(f"{where}: {reasons}", errors=exc.errors) from exc


def apply_order_request(conn: Connection, message: Decoded) -> None:
    """Handler of visits.order.requested."""
    assert isinstance(message.payload, OrderRequested), "registered for OrderRequested only"
    create_draft_from_request(conn, message.payload)
