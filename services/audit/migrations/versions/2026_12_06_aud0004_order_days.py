"""order days: each dealer's orders summed by day, kept by triggers; the dealer index ends with the order id

Revision ID: aud0004
Revises: aud0003
Create Date: 2026-12-06 23:30:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "aud0004"
down_revision: str | Sequence[str] | None = "aud0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# One statement's rows added (new) and taken away (old), per dealer and day, in key order so that two writers
# lock the same rows in the same order.
ROLL_UP = """
CREATE FUNCTION audit.fact_order_days_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    DELETE FROM audit.fact_order_days;
  ELSIF TG_OP = 'INSERT' THEN
    INSERT INTO audit.fact_order_days AS d (dealer_id, day, amount, orders)
    SELECT dealer_id, ordered_on, sum(amount), count(*) FROM new_rows GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (dealer_id, day) DO UPDATE SET amount = d.amount + excluded.amount, orders = d.orders + excluded.orders;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO audit.fact_order_days AS d (dealer_id, day, amount, orders)
    SELECT dealer_id, day, sum(amount), sum(orders) FROM (
      SELECT dealer_id, ordered_on AS day, amount, 1 AS orders FROM new_rows
      UNION ALL SELECT dealer_id, ordered_on, -amount, -1 FROM old_rows) c
    GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (dealer_id, day) DO UPDATE SET amount = d.amount + excluded.amount, orders = d.orders + excluded.orders;
  ELSE
    UPDATE audit.fact_order_days d SET amount = d.amount - o.amount, orders = d.orders - o.orders
    FROM (SELECT dealer_id, ordered_on, sum(amount) AS amount, count(*) AS orders FROM old_rows GROUP BY 1, 2) o
    WHERE d.dealer_id = o.dealer_id AND d.day = o.ordered_on;
  END IF;
  RETURN NULL;
END $$
"""


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "fact_order_days",
        sa.Column("dealer_id", sa.UUID(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("amount", sa.Numeric(16, 4), nullable=False),
        sa.Column("orders", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("dealer_id", "day", name=op.f("pk_fact_order_days")),
        schema="audit",
    )
    op.execute(
        "INSERT INTO audit.fact_order_days (dealer_id, day, amount, orders) "
        "SELECT dealer_id, ordered_on, sum(amount), count(*) FROM audit.fact_orders GROUP BY 1, 2"
    )
    op.execute(ROLL_UP)
    for event, tables in (
        ("INSERT", "NEW TABLE AS new_rows"),
        ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
        ("DELETE", "OLD TABLE AS old_rows"),
        ("TRUNCATE", ""),
    ):
        op.execute(
            f"CREATE TRIGGER fact_order_days_{event.lower()} AFTER {event} ON audit.fact_orders "
            f"{tables and 'REFERENCING ' + tables} FOR EACH STATEMENT EXECUTE FUNCTION audit.fact_order_days_follow()"
        )
    op.drop_index("ix_fact_orders_dealer_id", table_name="fact_orders", schema="audit")
    op.execute(
        'CREATE INDEX ix_fact_orders_dealer_id ON audit.fact_orders (dealer_id, ordered_on, order_id COLLATE "C")'
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index("ix_fact_orders_dealer_id", table_name="fact_orders", schema="audit")
    op.create_index("ix_fact_orders_dealer_id", "fact_orders", ["dealer_id", "ordered_on"], schema="audit")
    for event in ("insert", "update", "delete", "truncate"):
        op.execute(f"DROP TRIGGER fact_order_days_{event} ON audit.fact_orders")
    op.execute("DROP FUNCTION audit.fact_order_days_follow()")
    op.drop_table("fact_order_days", schema="audit")
