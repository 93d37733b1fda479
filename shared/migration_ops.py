"""Operations migrations share. Each function is frozen at the schema version in its name: a later change to
these tables is a new function and a new revision, never an edit here."""

import sqlalchemy as sa
from alembic import op

import shared.db

PLATFORM_TABLES_V1 = ("outbox", "org_units", "inbox", "idempotency_keys")


def create_platform_tables_v1(schema: str) -> None:
    """The outbox, inbox, idempotency keys and org-unit tree every service starts with."""
    op.create_table(
        "idempotency_keys",
        sa.Column("principal", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("principal", "key", name=op.f("pk_idempotency_keys")),
        schema=schema,
    )
    op.create_table(
        "inbox",
        sa.Column("consumer", sa.String(length=100), nullable=False),
        sa.Column("event_id", sa.String(length=200), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("consumer", "event_id", name=op.f("pk_inbox")),
        schema=schema,
    )
    op.create_table(
        "org_units",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("parent_id", sa.UUID(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("path", shared.db.Ltree(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_units")),
        sa.UniqueConstraint("code", name=op.f("uq_org_units_code")),
        schema=schema,
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("lane", sa.SmallInteger(), nullable=False),
        sa.Column("value", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("event_id", name=op.f("uq_outbox_event_id")),
        schema=schema,
    )
    op.create_index(
        f"ix_{schema}_org_units_path", "org_units", ["path"], unique=False, schema=schema, postgresql_using="gist"
    )
    op.create_index(
        "ix_outbox_pending",
        "outbox",
        ["lane", "id"],
        unique=False,
        schema=schema,
        postgresql_where=sa.text("published_at IS NULL"),
    )


def drop_platform_tables_v1(schema: str) -> None:
    for table in PLATFORM_TABLES_V1:
        op.drop_table(table, schema=schema)


def add_event_pipeline_v2(schema: str) -> None:
    """Outbox acknowledgement and parking columns, the dead-letter table, and indexes the retention jobs use."""
    op.add_column("outbox", sa.Column("published_partition", sa.Integer(), nullable=True), schema=schema)
    op.add_column("outbox", sa.Column("published_offset", sa.BigInteger(), nullable=True), schema=schema)
    op.add_column("outbox", sa.Column("parked_at", sa.DateTime(timezone=True), nullable=True), schema=schema)
    op.add_column("outbox", sa.Column("park_reason", sa.Text(), nullable=True), schema=schema)
    op.create_index(
        "ix_outbox_acknowledged",
        "outbox",
        ["topic", "published_partition", "published_offset"],
        schema=schema,
        postgresql_where=sa.text("published_offset IS NOT NULL"),
    )
    op.create_index("ix_outbox_published_at", "outbox", ["published_at"], schema=schema)
    op.create_index("ix_inbox_applied_at", "inbox", ["applied_at"], schema=schema)
    op.create_index("ix_idempotency_keys_created_at", "idempotency_keys", ["created_at"], schema=schema)
    op.create_table(
        "dead_letters",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("consumer", sa.String(length=100), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("partition", sa.Integer(), nullable=False),
        sa.Column("offset", sa.BigInteger(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=True),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("payload_size", sa.Integer(), nullable=False),
        sa.Column("payload_truncated", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("status", sa.String(length=20), server_default="open", nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dead_letters")),
        schema=schema,
    )
    op.create_index(
        "uq_dead_letters_source",
        "dead_letters",
        ["consumer", "topic", "partition", "offset"],
        unique=True,
        schema=schema,
    )
    op.create_index("ix_dead_letters_first_seen", "dead_letters", ["topic", "first_seen_at"], schema=schema)


def drop_event_pipeline_v2(schema: str) -> None:
    op.drop_table("dead_letters", schema=schema)
    for index, table in (
        ("ix_idempotency_keys_created_at", "idempotency_keys"),
        ("ix_inbox_applied_at", "inbox"),
        ("ix_outbox_published_at", "outbox"),
        ("ix_outbox_acknowledged", "outbox"),
    ):
        op.drop_index(index, table_name=table, schema=schema)
    for column in ("park_reason", "parked_at", "published_offset", "published_partition"):
        op.drop_column("outbox", column, schema=schema)
