"""The audit service archives every published event and projects the org tree."""

from sqlalchemy import Connection

from services.audit import db
from services.audit.archive.service import archive_event
from shared.consumer import Decoded, Handler
from shared.events.catalog import REGISTRY
from shared.events.targets import ORG_UNIT_EVENTS
from shared.org.projection import org_unit_projector

_project_org_unit = org_unit_projector(db.org_units)


def _archive_and_project(conn: Connection, message: Decoded) -> None:
    archive_event(conn, message)
    _project_org_unit(conn, message)


HANDLERS: dict[type, Handler] = {cls: archive_event for cls in REGISTRY.events.values()}
HANDLERS.update({cls: _archive_and_project for cls in ORG_UNIT_EVENTS})
