"""Tables for target plans, their versions, cells, adjustments and proposals."""
from services.targets.db import metadata  # noqa: F401
