"""The visits API: outlets, routes, schedules and visits."""

from fastapi import FastAPI

from services.visits import db
from services.visits.coaching.router import router as coaching
from services.visits.coverage.router import router as coverage
from services.visits.day.router import router as day
from services.visits.manager_time.router import router as manager_time
from services.visits.outlets.router import router as outlets
from services.visits.photos.router import router as photos
from services.visits.policies.router import router as policies
from services.visits.promotions.router import router as promotions
from services.visits.schedules.router import router as schedules
from services.visits.sync.router import router as sync
from services.visits.visits.router import check_ins
from services.visits.visits.router import router as visits
from shared.http.app import create_service_app
from shared.http.not_yet_known import install_not_yet_known_handler
from shared.http.operations import make_operations_router
from shared.http.org_units import make_org_units_router


def create_app(**overrides) -> FastAPI:
    app = create_service_app(
        service="visits",
        title="salesops visits",
        description="The outlet book, routes and schedules, the rep's day, visits with their evidence, coaching, "
        "manager time and offline sync.",
        routers=[
            outlets,
            visits,
            check_ins,
            photos,
            policies,
            promotions,
            schedules,
            day,
            coaching,
            manager_time,
            sync,
            coverage,
            make_org_units_router(db.org_units),
            make_operations_router(db.dead_letters, db.outbox),
        ],
        **overrides,
    )
    install_not_yet_known_handler(app)
    return app
