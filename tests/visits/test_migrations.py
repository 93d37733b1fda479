"""The visits schema the migrations build is exactly the one tables.py describes."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from services.visits.db import metadata
from shared.db import make_engine


def _ours(name, type_, parents) -> bool:
    if type_ == "schema":
        return name == "visits"
    return not (type_ == "table" and name == "alembic_version")


def test_migrations_match_the_tables(settings):
    # the admin connection's default schema is public, so visits's tables reflect with their schema name
    engine = make_engine(settings.database_url, pool_size=1)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"include_schemas": True, "include_name": _ours, "compare_type": True}
            )
            differences = compare_metadata(context, metadata)
    finally:
        engine.dispose()
    assert [str(d) for d in differences] == []
