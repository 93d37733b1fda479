"""The targets API: org tree, people, target plans, actuals and progress. Every route prefix is set here."""

from fastapi import FastAPI

from services.targets import db
from services.targets.actuals.router import router as actuals
from services.targets.org.router import router as org_units
from services.targets.people.router import router as people
from services.targets.plans.files_router import router as plan_files
from services.targets.plans.requests_router import router as plan_requests
from services.targets.plans.router import router as plans
from services.targets.progress.router import router as progress
from shared.http.app import create_service_app
from shared.http.operations import make_operations_router


def create_app(**overrides) -> FastAPI:
    return create_service_app(
        service="targets",
        title="salesops targets",
        description="The sales organisation tree, yearly targets and their decomposition, actuals and progress.",
        routers=[
            org_units,
            people,
            plans,
            plan_requests,
            plan_files,
            actuals,
            progress,
            make_operations_router(db.dead_letters, db.outbox),
        ],
        **overrides,
    )
