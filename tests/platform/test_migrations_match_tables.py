"""Each service's schema as its migrations build it is exactly the one its tables.py files describe."""

import importlib

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from shared.db import make_engine
from shared.settings import SERVICES


@pytest.mark.parametrize("service", SERVICES)
def test_migrations_match_the_tables(settings, service):
    def ours(name, type_, parents) -> bool:
        if type_ == "schema":
            return name == service
        return not (type_ == "table" and name == "alembic_version")

    metadata = importlib.import_module(f"services.{service}.db").metadata
    # the admin connection's default schema is public, so the service's tables reflect with their schema name
    engine = make_engine(settings.database_url, pool_size=1)
    try:
        with engine.connect() as conn:
            options = {"include_schemas": True, "include_name": ours, "compare_type": True}
            differences = compare_metadata(MigrationContext.configure(conn, opts=options), metadata)
    finally:
        engine.dispose()
    assert [str(d) for d in differences] == []
