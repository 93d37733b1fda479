"""The inventory API: dealers, stock and ordering."""

from fastapi import FastAPI

from services.inventory import db
from services.inventory.collections.router import router as collections
from services.inventory.dealer_orders.router import router as dealer_orders
from services.inventory.dealers.router import router as dealers
from services.inventory.orders.router import router as orders
from services.inventory.skus.router import router as skus
from services.inventory.stock_reports.router import router as stock_reports
from shared.http.app import create_service_app
from shared.http.not_yet_known import install_not_yet_known_handler
from shared.http.operations import make_operations_router
from shared.http.org_units import make_org_units_router


def create_app(**overrides) -> FastAPI:
    app = create_service_app(
        service="inventory",
        title="salesops inventory",
        description="Dealers, their stock reports and orders; ERP orders arrive here.",
        routers=[
            dealers,
            skus,
            stock_reports,
            dealer_orders,
            collections,
            orders,
            make_org_units_router(db.org_units),
            make_operations_router(db.dead_letters, db.outbox),
        ],
        **overrides,
    )
    install_not_yet_known_handler(app)
    return app
