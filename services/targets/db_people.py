"""Tables for people, their roles and assignments, and the org tree's history."""
from services.targets.db import metadata  # noqa: F401
