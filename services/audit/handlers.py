"""The audit service archives every published event, projects the org tree and turns events into facts.

Every contract in the catalog is archived (a contract added to shared/events is picked up at the next start);
audit's own topics are not consumed. Events that carry facts also feed the rules (streaming evaluation).
"""

from decimal import Decimal

from sqlalchemy import Connection
from sqlalchemy.dialects.postgresql import insert

from services.audit import db
from services.audit.archive.service import archive_event, archive_events
from services.audit.domain import facts as f
from services.audit.facts import tables as t
from services.audit.facts.service import record
from shared.consumer import Batch, Decoded, Handler, MessageClass, batch
from shared.events.catalog import REGISTRY
from shared.events.inventory import DealerRegistered, OrderRecorded
from shared.events.targets import ORG_UNIT_EVENTS, ProgressBehind
from shared.events.visits import OutletRegistered
from shared.org import org_unit_projector

_project_org_unit = org_unit_projector(db.org_units)


def _upsert(conn: Connection, table, **values) -> None:
    keys = [c.name for c in table.primary_key.columns]
    conn.execute(
        insert(table)
        .values(**values)
        .on_conflict_do_update(index_elements=keys, set_={k: values[k] for k in values if k not in keys})
    )


def _dealer(conn: Connection, message: Decoded) -> None:
    e = message.payload
    assert isinstance(e, DealerRegistered), "registered for DealerRegistered only"
    _upsert(
        conn, t.fact_dealers, dealer_id=e.dealer_id, code=e.code, org_unit_id=e.org_unit_id, event_id=message.event_id
    )


def _outlet(conn: Connection, message: Decoded) -> None:
    e = message.payload
    assert isinstance(e, OutletRegistered), "registered for OutletRegistered only"
    _upsert(
        conn,
        t.fact_outlets,
        outlet_id=e.outlet_id,
        org_unit_id=e.org_unit_id,
        latitude=e.latitude,
        longitude=e.longitude,
        event_id=message.event_id,
    )


def _order(conn: Connection, message: Decoded) -> None:
    e = message.payload
    assert isinstance(e, OrderRecorded), "registered for OrderRecorded only"
    if e.dealer_id is None or e.org_unit_id is None:
        return  # not attributable to a dealer yet; inventory's reconciliation lists it
    amount = Decimal(0) if e.status == "cancelled" else e.total_amount
    fact = f.OrderFact(str(e.order_id), e.dealer_id, e.org_unit_id, e.ordered_on, amount, message.event_id)
    record(conn, fact)


def _behind(conn: Connection, message: Decoded) -> None:
    e = message.payload
    assert isinstance(e, ProgressBehind), "registered for ProgressBehind only"
    fact = f.ProgressBehind(
        e.node_kind,
        e.node_id,
        e.org_unit_id,
        e.plan_id,
        e.period,
        e.as_of,
        e.achievement_rate,
        e.time_progress,
        message.event_id,
    )
    record(conn, fact)


FACT_HANDLERS: dict[MessageClass, Handler] = {
    DealerRegistered: _dealer,
    OutletRegistered: _outlet,
    OrderRecorded: _order,
    ProgressBehind: _behind,
    **{cls: _project_org_unit for cls in ORG_UNIT_EVENTS},
}


def _archiving(then: Handler) -> Handler:
    def handle(conn: Connection, message: Decoded) -> None:
        archive_event(conn, message)
        then(conn, message)

    return handle


_ARCHIVE = batch(archive_events)  # one registration, so consecutive events of any type form one run
HANDLERS: dict[MessageClass, Handler | Batch] = {
    cls: _ARCHIVE for cls in REGISTRY.events.values() if not cls.topic.startswith("audit.")
}
HANDLERS.update({cls: _archiving(handler) for cls, handler in FACT_HANDLERS.items()})
