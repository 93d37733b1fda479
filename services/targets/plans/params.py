"""What the plans endpoints share: who may manage or ask, and the version and paging parameters."""

from typing import Annotated

from fastapi import Query

from shared.auth import require_role
from shared.identity import Role

managers = require_role(Role.region_manager, Role.director)
requesters = require_role(Role.supervisor, Role.region_manager, Role.director)
Version = Annotated[int | None, Query(ge=1, le=100_000, description="Default: the published version, else the draft")]
Limit = Annotated[int, Query(ge=1, le=10_000)]
Offset = Annotated[int, Query(ge=0, le=10_000_000)]
