"""The visits API: outlets, routes, schedules and visits."""

from fastapi import FastAPI

from services.visits import db
from services.visits.outlets.router import router as outlets
from shared.http.app import create_service_app
from shared.http.operations import make_operations_router
from shared.http.org_units import make_org_units_router


def create_app(**overrides) -> FastAPI:
    return create_service_app(
        service="visits",
        title="salesops visits",
        description="The outlet master, routes, visit schedules and what reps record on a visit.",
        routers=[outlets, make_org_units_router(db.org_units), make_operations_router(db.dead_letters, db.outbox)],
        **overrides,
    )
