"""The visits API: outlets, routes, schedules and visits."""

from fastapi import FastAPI

from services.visits import db
from services.visits.outlets.router import router as outlets
from shared.http.app import create_service_app
from shared.http.not_yet_known import install_not_yet_known_handler
from shared.http.org_units import make_org_units_router


def create_app(**overrides) -> FastAPI:
    app = create_service_app(
        service="visits",
        title="salesops visits",
        description="The outlet master, routes, visit schedules and what reps record on a visit.",
        routers=[outlets, make_org_units_router(db.org_units)],
        **overrides,
    )
    install_not_yet_known_handler(app)
    return app
