"""The stock-report rules as set-based SQL (specification: domain/rules_stock.py). Periods are ISO weeks."""

from services.audit.rules.sql_base import RuleQuery

_SUBJECT = "'dealer:' || s.dealer_id || '/sku:' || s.sku, to_char(s.week_start, 'IYYY-\"W\"IW'), s.org_unit_id, {sev}"
_SOLD = "(s.opening + s.received - s.closing)"
_LINES = """
  FROM audit.fact_stock_lines s LEFT JOIN eff ON eff.org_unit_id = s.org_unit_id
  WHERE s.week_start BETWEEN :from AND :to {key} AND {on}"""
_KEY = "s.dealer_id = ANY(CAST(:key AS uuid[]))"
# Out of band without dividing: closing x 7 against days x sold (nothing sold: out while any stock is left).
_OUT = f"""CASE WHEN {_SOLD} <= 0 THEN s.closing > 0
  ELSE s.closing * 7 < {{p.min_days}} * {_SOLD} OR s.closing * 7 > {{p.max_days}} * {_SOLD} END"""

STOCK_RULES = [
    RuleQuery(
        "negative_sold",
        f"SELECT {_SUBJECT}, jsonb_build_object('sold', {_SOLD}::text), ARRAY[s.event_id]{_LINES} AND {_SOLD} < 0",
        _KEY,
    ),
    RuleQuery(
        "receipt_mismatch",
        f"""SELECT {_SUBJECT}, jsonb_build_object('received', s.received::text, 'shipped', s.shipped::text),
    ARRAY[s.event_id]{_LINES} AND abs(s.received - s.shipped) > s.shipped * {{p.tolerance_pct}} / 100""",
        _KEY,
    ),
    RuleQuery(
        "near_expiry_stock",
        f"""SELECT {_SUBJECT}, jsonb_build_object('near_expiry', s.near_expiry::text, 'closing', s.closing::text),
    ARRAY[s.event_id]{_LINES} AND s.closing > 0 AND s.near_expiry * 100 > {{p.max_share_pct}} * s.closing""",
        _KEY,
    ),
    RuleQuery(
        "stock_days_out_of_band",
        f"""
  SELECT {_SUBJECT}, jsonb_build_object('weeks', s.weeks),
    run_events[run_length - s.weeks + 1 : run_length]
  FROM (
    SELECT i.*, count(*) OVER run AS run_length, array_agg(i.event_id) OVER run AS run_events
    FROM (
      SELECT o.*, o.week_start - (7 * row_number() OVER (PARTITION BY o.dealer_id, o.sku ORDER BY o.week_start))::int
        AS island
      FROM (
        SELECT s.*, {{p.weeks}}::int AS weeks, {{on}} AS enabled
        FROM audit.fact_stock_lines s LEFT JOIN eff ON eff.org_unit_id = s.org_unit_id
        WHERE s.week_start BETWEEN CAST(:from AS date) - 7 * 26 AND :to {{key}} AND {_OUT}
      ) o
    ) i
    WINDOW run AS (PARTITION BY i.dealer_id, i.sku, i.island ORDER BY i.week_start)
  ) s LEFT JOIN eff ON eff.org_unit_id = s.org_unit_id
  WHERE s.week_start BETWEEN :from AND :to AND s.enabled AND run_length >= s.weeks""",
        _KEY,
    ),
]
