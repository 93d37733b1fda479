"""Engines, schema-bound metadata and column helpers shared by every service."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, DateTime, Engine, Integer, LargeBinary, MetaData, String, Table, create_engine, text
from sqlalchemy.types import UserDefinedType

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def make_metadata(schema: str) -> MetaData:
    """Metadata whose every table is qualified by the service's own schema."""
    return MetaData(schema=schema, naming_convention=NAMING_CONVENTION)


def make_engine(url: str, **kwargs: Any) -> Engine:
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 10)
    return create_engine(url, **kwargs)


def utcnow() -> datetime:
    return datetime.now(UTC)


def created_at_column() -> Column[datetime]:
    return Column("created_at", DateTime(timezone=True), nullable=False, server_default=text("now()"))


class Ltree(UserDefinedType[str]):
    """PostgreSQL `ltree`: materialised org paths with indexed subtree queries (`<@`)."""

    cache_ok = True

    def get_col_spec(self, **kw: Any) -> str:
        return "ltree"


class Lquery(UserDefinedType[str]):
    """PostgreSQL `lquery`: a pattern over ltree paths (`path ~ '*.label.*'`)."""

    cache_ok = True

    def get_col_spec(self, **kw: Any) -> str:
        return "lquery"


def make_idempotency_table(metadata: MetaData) -> Table:
    """`idempotency_keys`: the stored first answer of every create sent with an `Idempotency-Key`."""
    return Table(
        "idempotency_keys",
        metadata,
        Column("principal", String(200), primary_key=True),
        Column("key", String(200), primary_key=True),
        Column("request_hash", String(64), nullable=False),
        Column("status", Integer, nullable=False),
        Column("body", LargeBinary, nullable=False),
        created_at_column(),
    )
