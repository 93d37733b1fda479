"""The targets API: org tree, target plans and progress."""

from fastapi import FastAPI

from services.targets.api import actuals, org_units, people, plans, progress
from shared.http.app import create_service_app


def create_app(**overrides) -> FastAPI:
    return create_service_app(
        service="targets",
        title="salesops targets",
        description="The sales organisation tree, yearly targets and their decomposition, actuals and progress.",
        routers=[org_units.router, people.router, plans.router, actuals.router, progress.router],
        **overrides,
    )
