"""Fixtures the plan tests share: a region with offices and reps, its planner and the director above it."""

import pytest

from tests.targets.test_plans_fixtures import auth, build_region


@pytest.fixture
def org(clients, admin):
    return build_region(clients, admin)


@pytest.fixture
def planner(infra, org):
    """The region's manager, who drafts and submits its plan."""
    return auth(infra, "region_manager", org.region)


@pytest.fixture
def director(infra, org):
    """The manager above the region, who approves and publishes."""
    return auth(infra, "director", org.company)
