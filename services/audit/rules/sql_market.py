"""Market, channel and target rules as set-based SQL (specification: domain/rules_market.py, rules_targets.py)."""

from services.audit.rules.sql_base import RuleQuery

_SORTED = 'array(SELECT DISTINCT e COLLATE "C" FROM unnest({}) e ORDER BY 1)'

MARKET_RULES = [
    RuleQuery(
        "price_below_floor",
        f"""
  SELECT o.subject || '/sku:' || o.sku, to_char(o.observed_on, 'YYYY-MM'),
    (array_agg(o.org_unit_id ORDER BY o.observed_on, o.observation_id COLLATE "C"))[1],
    (array_agg({{sev}} ORDER BY o.observed_on, o.observation_id COLLATE "C"))[1],
    jsonb_build_object('lowest', min(o.price)::text, 'floor', max(p.floor_price)::text,
                       'list', max(p.list_price)::text),
    {_SORTED.format("array_agg(o.event_id)")}
  FROM audit.fact_price_observations o
  JOIN audit.fact_sku_prices p ON p.sku = o.sku
  LEFT JOIN eff ON eff.org_unit_id = o.org_unit_id
  WHERE o.observed_on BETWEEN :from AND :to {{key}} AND {{on}}
    AND (o.price < p.floor_price OR abs(o.price - p.list_price) * 100 > {{p.max_off_list_pct}} * p.list_price)
  GROUP BY 1, 2""",
        "o.subject = ANY(CAST(:key AS text[]))",
    ),
    RuleQuery(
        "cross_region_goods",
        f"""
  SELECT 'outlet:' || b.outlet_id || '/batch:' || b.batch_code, to_char(b.seen_on, 'YYYY-MM'),
    (array_agg(b.org_unit_id ORDER BY b.seen_on, b.sighting_id COLLATE "C"))[1],
    (array_agg({{sev}} ORDER BY b.seen_on, b.sighting_id COLLATE "C"))[1],
    jsonb_build_object('shipped_to_dealers', to_jsonb(array_agg(DISTINCT sh.dealer_id::text COLLATE "C"))),
    {_SORTED.format("array_agg(b.event_id) || array_agg(sh.event_id)")}
  FROM audit.fact_batch_sightings b
  JOIN audit.fact_shipments sh ON sh.batch_code = b.batch_code AND sh.region_id <> b.region_id
  LEFT JOIN eff ON eff.org_unit_id = b.org_unit_id
  WHERE b.seen_on BETWEEN :from AND :to {{key}} AND {{on}}
  GROUP BY 1, 2""",
        "b.outlet_id = ANY(CAST(:key AS uuid[]))",
    ),
    RuleQuery(
        "channel_stuffing",
        f"""
  SELECT 'dealer:' || t.dealer_id, to_char(t.month_start, 'YYYY-MM'), t.unit, t.severity,
    jsonb_build_object('month_total', t.total::text, 'month_end_orders', t.tail::text,
                       'returned_next_month', r.returned::text),
    {
            _SORTED.format(
                "array(SELECT o.event_id FROM audit.fact_orders o WHERE o.dealer_id = t.dealer_id "
                "AND o.ordered_on > t.month_end - t.last_days AND o.ordered_on <= t.month_end) || r.back_events"
            )
        }
  FROM (
    SELECT g.dealer_id, g.month_start, g.unit, g.severity, g.enabled, g.min_share, g.min_return, g.month_end,
      g.return_days, g.last_days, sum(o.amount) AS total,
      coalesce(sum(o.amount) FILTER (WHERE o.day > g.month_end - g.last_days), 0) AS tail
    FROM (
      SELECT l.*, {{sev}} AS severity, {{on}} AS enabled, {{p.last_days}}::int AS last_days,
        {{p.return_days}}::int AS return_days, {{p.min_share_pct}} AS min_share, {{p.min_return_pct}} AS min_return
      FROM (
        -- the org unit of the dealer's latest order of the month within [from, to]: one step along its index
        SELECT m.*, (SELECT o.org_unit_id FROM audit.fact_orders o
                     WHERE o.dealer_id = m.dealer_id AND o.ordered_on BETWEEN m.first_day AND m.last_day
                     ORDER BY o.ordered_on DESC, o.order_id COLLATE "C" DESC LIMIT 1) AS unit
        FROM (
          SELECT o.dealer_id, date_trunc('month', o.day)::date AS month_start,
            (date_trunc('month', o.day) + interval '1 month' - interval '1 day')::date AS month_end,
            min(o.day) AS first_day, max(o.day) AS last_day
          FROM audit.fact_order_days o WHERE o.day BETWEEN :from AND :to AND o.orders > 0 {{key}} GROUP BY 1, 2, 3
        ) m
      ) l LEFT JOIN eff ON eff.org_unit_id = l.unit
    ) g JOIN audit.fact_order_days o ON o.dealer_id = g.dealer_id AND o.day BETWEEN g.month_start AND g.month_end
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
  ) t CROSS JOIN LATERAL (
    SELECT coalesce(sum(x.amount), 0) AS returned, coalesce(array_agg(x.event_id), '{{{{}}}}') AS back_events
    FROM audit.fact_returns x
    WHERE x.dealer_id = t.dealer_id AND x.returned_on > t.month_end AND x.returned_on <= t.month_end + t.return_days
  ) r
  WHERE t.enabled AND t.total > 0 AND t.tail * 100 > t.min_share * t.total
    AND r.returned * 100 >= t.min_return * t.tail AND r.returned > 0""",
        "o.dealer_id = ANY(CAST(:key AS uuid[]))",
    ),
    RuleQuery(
        "receivable_overdue",
        """
  SELECT 'invoice:' || r.invoice_id, to_char(r.due_on, 'YYYY-MM'), r.org_unit_id, {sev},
    jsonb_build_object('days_overdue', CAST(:as_of AS date) - r.due_on, 'outstanding', r.outstanding::text),
    ARRAY[r.event_id]
  FROM audit.fact_receivables r LEFT JOIN eff ON eff.org_unit_id = r.org_unit_id
  WHERE r.due_on BETWEEN :from AND :to {key} AND {on}
    AND r.outstanding > 0 AND CAST(:as_of AS date) - r.due_on > {p.days}""",
        "r.invoice_id = ANY(CAST(:key AS text[]))",
    ),
    RuleQuery(
        "promotion_withheld",
        f"""
  SELECT 'dealer:' || g.dealer_id || '/material:' || g.material, to_char(g.first_on, 'YYYY-MM'), g.unit, g.severity,
    jsonb_build_object('issued', g.quantity::text, 'delivered', d.delivered::text),
    {_SORTED.format("g.events || d.events")}
  FROM (
    SELECT i.*, {{sev}} AS severity, {{on}} AS enabled, {{p.min_delivered_pct}} AS min_pct,
      ((date_trunc('month', i.first_on) + interval '1 month' - interval '1 day')::date
        + {{p.grace_days}}::int) AS deadline
    FROM (
      SELECT p.dealer_id, p.material, date_trunc('month', p.issued_on) AS month, min(p.issued_on) AS first_on,
        (array_agg(p.org_unit_id ORDER BY p.issued_on, p.issue_id COLLATE "C"))[1] AS unit,
        sum(p.quantity) AS quantity, array_agg(p.event_id) AS events
      FROM audit.fact_promotion_issues p WHERE p.issued_on BETWEEN :from AND :to {{key}} GROUP BY 1, 2, 3
    ) i LEFT JOIN eff ON eff.org_unit_id = i.unit
  ) g CROSS JOIN LATERAL (
    SELECT coalesce(sum(x.quantity), 0) AS delivered, coalesce(array_agg(x.event_id), '{{{{}}}}') AS events
    FROM audit.fact_promotion_deliveries x
    WHERE x.dealer_id = g.dealer_id AND x.material = g.material AND x.delivered_on BETWEEN g.first_on AND g.deadline
  ) d
  WHERE g.enabled AND CAST(:as_of AS date) > g.deadline AND d.delivered * 100 < g.min_pct * g.quantity""",
        "p.dealer_id = ANY(CAST(:key AS uuid[]))",
    ),
    RuleQuery(
        "low_plan_compliance",
        """
  SELECT 'rep:' || c.rep_id, to_char(c.week_start, 'IYYY-"W"IW'), c.org_unit_id, {sev},
    jsonb_build_object('planned', c.planned, 'done', c.done), ARRAY[c.event_id]
  FROM audit.fact_compliance c LEFT JOIN eff ON eff.org_unit_id = c.org_unit_id
  WHERE c.week_start BETWEEN :from AND :to {key} AND {on}
    AND c.planned > 0 AND c.done * 100 < {p.min_pct} * c.planned""",
        "c.rep_id = ANY(CAST(:key AS uuid[]))",
    ),
    RuleQuery(
        "behind_time_progress",
        """
  SELECT 'org_unit:' || b.node_id || '/plan:' || b.plan_id, b.period, b.org_unit_id, {sev},
    jsonb_build_object('shortfall', (b.time_progress - coalesce(b.achievement_rate, 0))::text,
                       'as_of', b.as_of::text),
    ARRAY[b.event_id]
  FROM audit.fact_progress_behind b LEFT JOIN eff ON eff.org_unit_id = b.org_unit_id
  WHERE b.as_of BETWEEN :from AND :to {key} AND {on} AND b.node_kind = 'org_unit'
    AND b.time_progress - coalesce(b.achievement_rate, 0) > {p.min_shortfall}""",
        "b.node_id = ANY(CAST(:key AS uuid[]))",
    ),
]
