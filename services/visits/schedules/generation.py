"""Schedule generation in PostgreSQL: the rules of domain/schedule.py, set-based.

A region's month is a quarter of a million planned visits. Computing them in Python meant reading every route
stop out, building a tuple per visit and COPYing them back; here the days of the period (generate_series) are
joined to the route stops and policies, filtered by the rhythm, and moved off holidays and leave, and the
schedules and their entries are written by INSERT ... SELECT in the same statement: no row crosses the wire.
domain/schedule.py stays the readable statement of the rules (and the reference a test compares this with).
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import Connection

from services.visits.domain.schedule import ANCHOR
from shared.ids import new_uuid

_ROUTED = """
    SELECT r.rep_id, r.org_unit_id, r.weekday, s.position, s.outlet_id, o.grade
    FROM visits.routes r
    JOIN visits.route_stops s ON s.route_id = r.id
    JOIN visits.outlets o ON o.id = s.outlet_id
    WHERE r.org_unit_id IN (SELECT u.id FROM visits.org_units u
                            WHERE u.path <@ (SELECT t.path FROM visits.org_units t WHERE t.id = %(unit)s))
"""
# Drafts are replaced; a schedule already submitted, approved or published is kept as it is.
_DELETE_DRAFTS = f"""
DELETE FROM visits.schedules s
WHERE s.period_start = %(start)s AND s.status = 'draft' AND s.rep_id IN (SELECT rep_id FROM ({_ROUTED}) routed)
"""
# Written not to depend on the planner's row estimates (a region's routes may have been loaded a moment ago and
# never analysed): no join whose size grows with reps x reps. A rep's working weekdays travel with each stop as a
# bit mask (a window function, not a join), and a schedule's id is derived from the rep and this run's salt, so
# its entries need no join back to the inserted schedules.
_SCHEDULE_ID = "md5(st.rep_id::text || %(salt)s)::uuid"
_GENERATE = f"""
WITH routed AS ({_ROUTED}),
kept AS (
  SELECT DISTINCT k.rep_id FROM visits.schedules k
  WHERE k.period_start = %(start)s AND k.rep_id IN (SELECT rep_id FROM routed)
),
stops AS MATERIALIZED (
  SELECT st.*, iv.every, bit_or(1 << st.weekday) OVER (PARTITION BY st.rep_id) AS working
  FROM routed st
  JOIN unnest(CAST(%(grades)s AS text[]), CAST(%(intervals)s AS int[])) AS iv(grade, every) ON iv.grade = st.grade
  WHERE st.rep_id NOT IN (SELECT rep_id FROM kept)
),
days AS MATERIALIZED (
  SELECT d::date AS day, extract(isodow FROM d)::int AS weekday,
         floor((d::date - CAST(%(anchor)s AS date))::numeric / 7)::int AS week,
         EXISTS (SELECT 1 FROM visits.holidays h WHERE h.day = d::date) AS holiday
  FROM generate_series(CAST(%(start)s AS date), CAST(%(end)s AS date), interval '1 day') AS d
),
due AS MATERIALIZED (  -- materialised: whether a due day is blocked is looked up once per visit
  SELECT st.rep_id, st.outlet_id, st.position, st.every, st.working, d.day, d.holiday,
         d.holiday OR EXISTS (SELECT 1 FROM visits.rep_leave l WHERE l.rep_id = st.rep_id AND l.day = d.day) AS blocked
  FROM stops st JOIN days d ON d.weekday = st.weekday
  WHERE (d.week + st.position) %% st.every = 0
),
placed AS MATERIALIZED (
  SELECT rep_id, outlet_id, position, holiday, day AS planned_on, NULL::date AS moved_from, day AS due_on
  FROM due WHERE NOT blocked
  UNION ALL  -- a blocked due day moves to the rep's next working day before the outlet is next due
  SELECT due.rep_id, due.outlet_id, due.position, due.holiday, moved.day, due.day, due.day
  FROM due
  LEFT JOIN LATERAL (
    SELECT d.day FROM days d
    WHERE d.day > due.day AND d.day < due.day + 7 * due.every
      AND (due.working >> d.weekday) & 1 = 1 AND NOT d.holiday
      AND NOT EXISTS (SELECT 1 FROM visits.rep_leave l WHERE l.rep_id = due.rep_id AND l.day = d.day)
    ORDER BY d.day LIMIT 1
  ) moved ON true
  WHERE due.blocked
),
new_schedules AS (
  INSERT INTO visits.schedules (id, rep_id, org_unit_id, period_start, period_end, status)
  SELECT DISTINCT ON (st.rep_id) {_SCHEDULE_ID}, st.rep_id, st.org_unit_id, %(start)s, %(end)s, 'draft'
  FROM stops st
  RETURNING 1
),
entries AS (
  INSERT INTO visits.schedule_entries (schedule_id, rep_id, outlet_id, planned_on, position, moved_from)
  SELECT {_SCHEDULE_ID}, st.rep_id, st.outlet_id, st.planned_on, st.position, st.moved_from
  FROM placed st
  WHERE st.planned_on IS NOT NULL
  RETURNING 1
)
SELECT (SELECT count(*) FROM new_schedules) AS schedules,
       (SELECT count(*) FROM entries) AS entries,
       (SELECT count(*) FROM kept) AS kept,
       (SELECT coalesce(jsonb_agg(n), '[]') FROM (
          SELECT rep_id, outlet_id, due_on,
                 CASE WHEN holiday THEN 'holiday' ELSE 'leave' END || ', no working day before next due' AS reason
          FROM placed WHERE planned_on IS NULL ORDER BY due_on, rep_id, position LIMIT 200) n) AS not_placed
"""


def generate_in_database(
    conn: Connection, org_unit_id: uuid.UUID, start: date, end: date, intervals: dict[str, int]
) -> tuple[int, int, int, list[dict]]:
    """(schedules made, entries made, schedules kept, the first 200 due visits not placed) for the subtree."""
    params = dict(unit=org_unit_id, start=start, end=end, anchor=ANCHOR)
    conn.exec_driver_sql(_DELETE_DRAFTS, params)
    salt = new_uuid().hex  # a fresh schedule id per rep and run, even for a draft generated again
    row = conn.exec_driver_sql(
        _GENERATE, {**params, "salt": salt, "grades": list(intervals), "intervals": list(intervals.values())}
    ).one()
    return row.schedules, row.entries, row.kept, row.not_placed
