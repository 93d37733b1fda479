"""Events published by the targets service, one module per concept."""

from shared.events.targets import people
from shared.events.targets.org import ORG_UNIT_EVENTS, OrgUnitCreated, OrgUnitMoved, OrgUnitRenamed
from shared.events.targets.people import *  # noqa: F401,F403
from shared.events.targets.plans import *  # noqa: F401,F403
from shared.events.targets.progress import *  # noqa: F401,F403
from shared.identity import OrgUnitKind

__all__ = ["ORG_UNIT_EVENTS", "OrgUnitCreated", "OrgUnitKind", "OrgUnitMoved", "OrgUnitRenamed", *people.__all__]
