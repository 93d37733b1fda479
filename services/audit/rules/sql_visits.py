"""The visit rules as set-based SQL (specification: domain/rules_visits.py). Days are UTC days."""

from services.audit.rules.sql_base import RuleQuery, haversine_m

_DAY = "(v.checked_in_at AT TIME ZONE 'UTC')::date"
# The anchor as a range on the timestamp itself (UTC days [from, to]), so an index on it can serve it.
_IN_WINDOW = (
    "v.checked_in_at >= CAST(:from AS date)::timestamp AT TIME ZONE 'UTC' "
    "AND v.checked_in_at < (CAST(:to AS date) + 1)::timestamp AT TIME ZONE 'UTC'"
)
_VISITS = f"""
  FROM audit.fact_visits v LEFT JOIN eff ON eff.org_unit_id = v.org_unit_id
  WHERE {_IN_WINDOW} {{key}} AND {{on}}"""
_ONE = f"'visit:' || v.visit_id, {_DAY}::text, v.org_unit_id, {{sev}}"
_DISTANCE = haversine_m("v.latitude", "v.longitude", "v.outlet_latitude", "v.outlet_longitude")

VISIT_RULES = [
    RuleQuery(
        "checkin_far_from_outlet",
        f"""SELECT {_ONE},
    jsonb_build_object('distance_m', round({_DISTANCE}),
                       'max_distance_m', {{p.max_distance_m}}::int),
    ARRAY[v.event_id]{_VISITS}
    AND v.latitude IS NOT NULL AND v.outlet_latitude IS NOT NULL
    AND {_DISTANCE} > {{p.max_distance_m}}""",
        "v.rep_id = ANY(CAST(:key AS uuid[]))",
    ),
    RuleQuery(
        "visit_too_short",
        f"""SELECT {_ONE},
    jsonb_build_object('minutes', round(extract(epoch FROM v.checked_out_at - v.checked_in_at) / 60, 1),
                       'min_minutes', {{p.min_minutes}}::int),
    ARRAY[v.event_id]{_VISITS}
    AND extract(epoch FROM v.checked_out_at - v.checked_in_at) / 60 < {{p.min_minutes}}""",
        "v.rep_id = ANY(CAST(:key AS uuid[]))",
    ),
    RuleQuery(
        "low_authenticity",
        f"""SELECT {_ONE},
    jsonb_build_object('score', v.authenticity_score::text, 'min_score', {{p.min_score}}::text),
    ARRAY[v.event_id]{_VISITS}
    AND v.authenticity_score < {{p.min_score}}""",
        "v.rep_id = ANY(CAST(:key AS uuid[]))",
    ),
    RuleQuery(
        "impossible_travel",
        f"""
  SELECT 'rep:' || rep_id, day::text,
    (array_agg(org_unit_id ORDER BY checked_in_at DESC, visit_id DESC))[1],
    (array_agg(severity ORDER BY checked_in_at DESC, visit_id DESC))[1],
    jsonb_build_object('km', (array_agg(round(km::numeric, 1) ORDER BY checked_in_at DESC, visit_id DESC))[1],
                       'max_kmh', (array_agg(max_kmh ORDER BY checked_in_at DESC, visit_id DESC))[1]),
    array(SELECT DISTINCT e COLLATE "C" FROM unnest(array_agg(event_id) || array_agg(prev_event)) e ORDER BY 1)
  FROM (
    SELECT b.*, {{sev}} AS severity, {{p.max_kmh}}::int AS max_kmh,
      {haversine_m("b.prev_lat", "b.prev_lon", "b.latitude", "b.longitude")} / 1000 AS km,
      extract(epoch FROM b.checked_in_at - b.prev_out) / 3600 AS hours, {{on}} AS enabled, {{p.max_kmh}} AS limit_kmh
    FROM (
      SELECT v.visit_id, v.rep_id, v.org_unit_id, v.checked_in_at, v.latitude, v.longitude, v.event_id,
        {_DAY} AS day, lag({_DAY}) OVER w AS prev_day,
        lag(v.latitude) OVER w AS prev_lat, lag(v.longitude) OVER w AS prev_lon,
        lag(v.checked_out_at) OVER w AS prev_out, lag(v.event_id) OVER w AS prev_event
      FROM audit.fact_visits v
      WHERE {_IN_WINDOW} {{key}}
      WINDOW w AS (PARTITION BY v.rep_id ORDER BY v.checked_in_at, v.visit_id)
    ) b LEFT JOIN eff ON eff.org_unit_id = b.org_unit_id
    WHERE b.prev_day = b.day AND b.prev_lat IS NOT NULL AND b.latitude IS NOT NULL
  ) pairs
  WHERE enabled AND km > 0 AND (hours <= 0 OR km / hours > limit_kmh)
  GROUP BY rep_id, day""",
        "v.rep_id = ANY(CAST(:key AS uuid[]))",
    ),
    RuleQuery(
        "photo_reused",
        """
  SELECT 'photo:' || photo, to_char(first_at AT TIME ZONE 'UTC', 'YYYY-MM'), unit, {sev},
    jsonb_build_object('visits', to_jsonb(visits)), sources
  FROM (
    SELECT u.photo, min(u.checked_in_at) AS first_at,
      (array_agg(u.org_unit_id ORDER BY u.checked_in_at, u.visit_id))[1] AS unit,
      array_agg(DISTINCT u.visit_id::text COLLATE "C" ORDER BY u.visit_id::text COLLATE "C") AS visits,
      array_agg(DISTINCT u.event_id COLLATE "C" ORDER BY u.event_id COLLATE "C") AS sources
    FROM (
      SELECT DISTINCT ON (v.visit_id, h.photo) v.visit_id, v.org_unit_id, v.checked_in_at, v.event_id, h.photo
      FROM audit.fact_visits v CROSS JOIN LATERAL unnest(v.photo_hashes) AS h(photo)
      WHERE v.photo_hashes && (
        -- candidates: photos seen more than once at all (a visit listing one twice is sorted out below)
        SELECT coalesce(array_agg(c.photo), '{{}}') FROM (
          SELECT h.photo FROM audit.fact_visits w CROSS JOIN LATERAL unnest(w.photo_hashes) AS h(photo)
          WHERE true {key} GROUP BY h.photo HAVING count(*) >= 2) c) {key}
    ) u
    GROUP BY u.photo HAVING count(DISTINCT u.visit_id) >= 2
  ) g LEFT JOIN eff ON eff.org_unit_id = g.unit
  WHERE (g.first_at AT TIME ZONE 'UTC')::date BETWEEN :from AND :to AND {on}""",
        "h.photo = ANY(CAST(:key AS text[]))",
    ),
]
