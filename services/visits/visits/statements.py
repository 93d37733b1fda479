"""The SQL of recording a visit: one read of everything the checks and score need, one write of everything.

A completed visit used to take about nine statements (the retry check, the outlet, the policies, the previous
visit, three photo lookups, the visit, its steps, its photos, the outbox). Each is a round trip and a pass
through the driver, and at hundreds of visits a second that, not the database, was the cost. So the read is one
SELECT joining the outlet (in the caller's scope), its grade's policy, the visit id's earlier use, the rep's
previous visit and the photo facts; the write is one statement whose CTEs insert the visit, its steps (a jsonb
array), its photo links (a jsonb record set) and its events (unnest of arrays). Both strings are constant per
kind of caller (and, for the read, per visit with or without photos), so psycopg prepares them on the server after
a few uses. The events' bytes go in binary (`%(values)b`): as text, psycopg escapes a bytea array byte by byte in
Python, ~200 us of CPU for a visit's two events, once the largest single cost of a submission.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import pydantic_core
from psycopg.types.json import Jsonb
from sqlalchemy import Connection

from shared.identity import Principal, Role

SAME_TRIP = timedelta(hours=12)  # a previous check-out older than this says nothing about travel speed
NEAR_DUPLICATE_BITS = 6  # pHash Hamming distance at or below which two photos show the same scene
PHOTO_MEMORY = timedelta(days=90)

# The rep's previous visit and what other visits showed of this visit's photos; the photo scans are skipped
# outright (a one-time filter) when the visit has no photos.
_PREVIOUS_COLUMNS = """
    prev.latitude AS prev_latitude, prev.longitude AS prev_longitude, prev.check_out_client_at AS prev_check_out,
"""
_PHOTO_COLUMNS = """
    (SELECT coalesce(jsonb_object_agg(ph.content_hash, ph.phash), '{}') FROM visits.photos ph
      WHERE ph.content_hash = ANY(CAST(%(hashes)s AS text[]))) AS known_photos,
    (SELECT count(DISTINCT vp.content_hash) FROM visits.visit_photos vp
      WHERE cardinality(CAST(%(hashes)s AS text[])) > 0
        AND vp.content_hash = ANY(CAST(%(hashes)s AS text[])) AND vp.visit_id <> %(id)s) AS reused_photos,
    (SELECT count(DISTINCT vp.content_hash) FROM visits.visit_photos vp
      WHERE cardinality(CAST(%(hashes)s AS text[])) > 0
        AND vp.visit_id <> %(id)s AND vp.created_at > %(photos_since)s
        AND vp.content_hash <> ALL(CAST(%(hashes)s AS text[]))
        AND EXISTS (SELECT 1 FROM visits.photos mine WHERE mine.content_hash = ANY(CAST(%(hashes)s AS text[]))
                    AND bit_count(CAST(vp.phash # mine.phash AS bit(64))) <= %(bits)s)) AS near_duplicate_photos
"""
_PRIOR_COLUMNS = _PREVIOUS_COLUMNS + _PHOTO_COLUMNS
# A visit without photos: nothing to look up. Its own statement, because PostgreSQL re-planned the one with the
# photo scans at every execution (their estimated cost made the generic plan look worse than each custom one):
# ~0.4 ms of the database's CPU per visit, which this variant, planned once per connection, does not spend.
_NO_PHOTO_COLUMNS = (
    _PREVIOUS_COLUMNS + "CAST('{}' AS jsonb) AS known_photos, 0 AS reused_photos, 0 AS near_duplicate_photos"
)
_PREVIOUS = """
    LEFT JOIN LATERAL (
      SELECT pv.latitude, pv.longitude, pv.check_out_client_at FROM visits.visits pv
      WHERE pv.rep_id = %(rep)s AND pv.status = 'completed' AND pv.id <> %(id)s
        AND pv.check_out_client_at <= %(check_in)s AND pv.check_out_client_at > %(trip_since)s
        -- bounds on the indexed check-in too (a stop of that trip began at most a day before it ended), so a
        -- rep's years of visits are never scanned
        AND pv.check_in_client_at <= %(check_in)s AND pv.check_in_client_at > %(trip_since)s - interval '1 day'
      ORDER BY pv.check_out_client_at DESC LIMIT 1
    ) prev ON true
"""
PRIOR = f"SELECT {_PRIOR_COLUMNS} FROM (SELECT 1) one {_PREVIOUS}"

_SUBMIT_READ = """
SELECT e.rep_id AS used_by, e.fingerprint AS used_fingerprint,
       o.id AS outlet_id, o.org_unit_id, o.grade, o.channel, o.opening_hours, o.dealer_id, o.latitude AS outlet_lat,
       o.longitude AS outlet_lon, p.interval_weeks, p.minimum_minutes, p.radius_m, p.required_steps,
       (SELECT se.id FROM visits.schedule_entries se
         WHERE se.id = %(entry)s AND se.rep_id = %(rep)s AND se.outlet_id = %(outlet)s) AS entry_id,
       {prior}
FROM (SELECT 1) one
LEFT JOIN visits.visits e ON e.id = %(id)s
LEFT JOIN visits.outlets o ON o.id = %(outlet)s AND {scope}
LEFT JOIN visits.visit_policies p ON p.grade = o.grade
{previous}
"""
_SUBTREE = (
    "o.org_unit_id IN (SELECT u.id FROM visits.org_units u"
    " WHERE u.path <@ (SELECT r.path FROM visits.org_units r WHERE r.id = %(scope)s))"
)
# One constant string per kind of caller (a rep visits only the outlets of their own book), with or without photos.
_SCOPES = {"all": "true", "none": "false", "subtree": _SUBTREE, "book": f"{_SUBTREE} AND o.owner_rep_id = %(rep)s"}
SUBMIT_READS = {
    (kind, photos): _SUBMIT_READ.format(
        prior=_PRIOR_COLUMNS if photos else _NO_PHOTO_COLUMNS, previous=_PREVIOUS, scope=scope
    )
    for kind, scope in _SCOPES.items()
    for photos in (True, False)
}

VISIT_COLUMNS = (
    "id",
    "rep_id",
    "outlet_id",
    "org_unit_id",
    "schedule_entry_id",
    "status",
    "fingerprint",
    "check_in_client_at",
    "check_in_server_at",
    "latitude",
    "longitude",
    "datum",
    "sent_latitude",
    "sent_longitude",
    "accuracy_m",
    "mock_location",
    "distance_m",
    "outside_geofence",
    "check_out_client_at",
    "check_out_server_at",
    "clock_skew_s",
    "duration_minutes",
    "flags",
    "missing_steps",
    "order_taken",
    "authenticity_score",
    "authenticity_signals",
)
JSON_COLUMNS = frozenset({"flags", "missing_steps", "authenticity_signals"})
# ON CONFLICT DO NOTHING: a concurrent submission of the same id wins and this one writes nothing at all.
WRITE_VISIT = f"""
WITH v AS (
  INSERT INTO visits.visits ({", ".join(VISIT_COLUMNS)})
  VALUES ({", ".join(f"%(v_{c})s" for c in VISIT_COLUMNS)})
  ON CONFLICT (id) DO NOTHING RETURNING id, rep_id
), s AS (
  INSERT INTO visits.visit_steps (visit_id, seq, step, data)
  SELECT v.id, t.seq, t.e->>'step', t.e->'data' FROM v, jsonb_array_elements(%(steps)s) WITH ORDINALITY AS t(e, seq)
), ph AS (
  INSERT INTO visits.visit_photos (visit_id, content_hash, phash, rep_id, taken_at, meta)
  SELECT v.id, x.content_hash, x.phash, v.rep_id, x.taken_at, x.meta
  FROM v, jsonb_to_recordset(%(photos)s) AS x(content_hash text, phash bigint, taken_at timestamptz, meta jsonb)
), ob AS (
  INSERT INTO visits.outbox (event_id, topic, key, lane, value)
  SELECT x.* FROM v, unnest(CAST(%(event_ids)s AS text[]), CAST(%(topics)s AS text[]), CAST(%(keys)s AS text[]),
                            CAST(%(lanes)s AS smallint[]), CAST(%(values)b AS bytea[])) AS x
)
SELECT count(*) FROM v
"""


def caller_kind(principal: Principal) -> str:
    if principal.sees_everything:
        return "all"
    if principal.org_unit_id is None:
        return "none"
    return "book" if principal.role == Role.rep else "subtree"


def submit_read(principal: Principal, hashes: list[str]) -> str:
    """The read of a submission by this caller, naming these photos."""
    return SUBMIT_READS[caller_kind(principal), bool(hashes)]


def prior_params(visit_id: uuid.UUID, rep_id: uuid.UUID, check_in: datetime, hashes: list[str], now: datetime):
    return dict(
        id=visit_id,
        rep=rep_id,
        check_in=check_in,
        trip_since=check_in - SAME_TRIP,
        hashes=hashes,
        photos_since=now - PHOTO_MEMORY,
        bits=NEAR_DUPLICATE_BITS,
    )


def _jsonb(value: Any) -> Jsonb:
    """A jsonb parameter serialised by pydantic's Rust encoder (the standard library's cost ~20 us more a visit)."""
    return Jsonb(value, dumps=pydantic_core.to_json)


def write_visit(
    conn: Connection, visit: dict[str, Any], steps: list[dict[str, Any]], photos: list[dict], outbox_rows: list[dict]
) -> bool:
    """Insert the visit with its steps, photo links and events; False when the id was taken meanwhile."""
    params: dict[str, Any] = {f"v_{c}": _jsonb(visit[c]) if c in JSON_COLUMNS else visit[c] for c in VISIT_COLUMNS}
    params["steps"] = _jsonb(steps)
    params["photos"] = _jsonb([{k: p[k] for k in ("content_hash", "phash", "taken_at", "meta")} for p in photos])
    params["event_ids"] = [r["event_id"] for r in outbox_rows]
    params["topics"] = [r["topic"] for r in outbox_rows]
    params["keys"] = [r["key"] for r in outbox_rows]
    params["lanes"] = [r["lane"] for r in outbox_rows]
    params["values"] = [r["value"] for r in outbox_rows]
    written: int = conn.exec_driver_sql(WRITE_VISIT, params).scalar_one()
    return written > 0
