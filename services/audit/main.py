"""The audit API: rules, findings and the event archive."""

from fastapi import FastAPI

from services.audit import db
from services.audit.archive.router import router as archive
from services.audit.findings.router import jobs as finding_jobs
from services.audit.findings.router import router as findings
from services.audit.plans.router import router as plans
from services.audit.rules.router import router as rules
from services.audit.scorecards.router import router as scorecards
from shared.http.app import create_service_app
from shared.http.operations import make_operations_router
from shared.http.org_units import make_org_units_router


def create_app(**overrides) -> FastAPI:
    return create_service_app(
        service="audit",
        title="salesops audit",
        description="Business audits (业务稽查): the archive of every event, rules and findings.",
        routers=[
            archive,
            findings,
            finding_jobs,
            rules,
            plans,
            scorecards,
            make_org_units_router(db.org_units),
            make_operations_router(db.dead_letters, db.outbox),
        ],
        **overrides,
    )
