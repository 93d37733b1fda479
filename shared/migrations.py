"""Schema bootstrap (one schema and one role per service) and the Alembic environment every service shares."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, create_engine, text

from shared.settings import SERVICES, Settings

log = logging.getLogger(__name__)
SERVICES_DIR = Path(__file__).resolve().parent.parent / "services"
EXTENSIONS = ("ltree", "pg_trgm", "cube", "earthdistance")


def bootstrap(settings: Settings) -> None:
    """Create extensions, then per service a login role that owns its schema and nothing else."""
    engine = create_engine(settings.database_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        for ext in EXTENSIONS:
            conn.execute(text(f"CREATE EXTENSION IF NOT EXISTS {ext} SCHEMA public"))
        conn.execute(text("REVOKE CREATE ON SCHEMA public FROM PUBLIC"))
        for service in SERVICES:
            role = settings.role_name(service)
            exists = conn.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role})
            verb = "ALTER" if exists else "CREATE"
            password = settings.service_db_password.replace("'", "''")  # DDL takes no bind parameters
            conn.execute(text(f"{verb} ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '{password}'"))
            conn.execute(text(f"CREATE SCHEMA IF NOT EXISTS {service} AUTHORIZATION {role}"))
            conn.execute(text(f"REVOKE ALL ON SCHEMA {service} FROM PUBLIC"))
            # Runtime queries qualify every table; the search path only lets extension types resolve.
            conn.execute(text(f"ALTER ROLE {role} SET search_path = {service}, public"))
    engine.dispose()


def alembic_config(service: str, settings: Settings) -> Config:
    config = Config()
    config.set_main_option("script_location", str(SERVICES_DIR / service / "migrations"))
    config.set_main_option("sqlalchemy.url", settings.service_url(service).replace("%", "%%"))
    config.set_main_option("file_template", "%%(year)d_%%(month).2d_%%(day).2d_%%(rev)s_%%(slug)s")
    config.attributes["service"] = service
    return config


def upgrade(service: str, settings: Settings, revision: str = "head") -> None:
    command.upgrade(alembic_config(service, settings), revision)


def migrate_all(settings: Settings) -> None:
    bootstrap(settings)
    for service in SERVICES:
        upgrade(service, settings)
        log.info("migrated", extra={"schema": service})


def run_env(metadata: MetaData) -> None:
    """Body of each service's migrations/env.py: the version table lives in the service's own schema."""
    schema = metadata.schema
    config = context.config
    url = config.get_main_option("sqlalchemy.url")
    assert url, "migrations/env.py runs with sqlalchemy.url set by upgrade()"
    engine = create_engine(url)

    def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
        if type_ == "schema":
            return name == schema
        return True

    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            version_table_schema=schema,
            include_schemas=True,
            include_name=include_name,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()
