"""Fixtures the plan tests share: a region with offices and reps, its planner and the director above it."""

import pytest

from tests.support import bearer
from tests.targets.plans.support import build_region


@pytest.fixture
def org(clients, admin):
    return build_region(clients, admin)


@pytest.fixture
def planner(infra, org):
    """The region's manager, who drafts and submits its plan."""
    return bearer(infra.issuer, "region_manager", org.region)


@pytest.fixture
def director(infra, org):
    """The manager above the region, who approves and publishes."""
    return bearer(infra.issuer, "director", org.company)
