"""Events published by the targets service, one module per concept."""
from shared.events.targets.org import OrgUnitCreated, OrgUnitKind
from shared.events.targets.people import *  # noqa: F401,F403
from shared.events.targets.plans import *  # noqa: F401,F403
from shared.events.targets.progress import *  # noqa: F401,F403

__all__ = ["OrgUnitCreated", "OrgUnitKind"]
