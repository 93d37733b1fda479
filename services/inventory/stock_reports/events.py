"""The events a stock report causes, built and recorded by one INSERT … SELECT: the report with its derived figures,
and alerts for lines that need action (low, high, near expiry).

The envelopes are the JSON `Envelope.wrap(event).model_dump_json()` would give (CloudEvents names, decimals as
strings, dates as ISO text), assembled by PostgreSQL with string_agg from the staged lines, so a million lines
never become Python objects. Tests read them back through the typed contracts."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import Connection, text

from shared.events.base import SCHEMA_URN, Event
from shared.events.inventory import StockAlertsRaised, StockReportSubmitted
from shared.logs import correlation_id

# JSON is assembled as text (to_json quotes the free text, numbers and decimals print as PostgreSQL prints them):
# json_build_object would look up the type of each of 13 arguments for each of a million lines, twice as slow.
# One pass over the lines, grouped by report: each line's JSON, and its alerts (band, then near expiry) when any.
RECORD = text("""
WITH report AS (
    SELECT report_no, '[' || string_agg(
        '{"sku_id":"' || sku_id || '","sku":' || to_json(sku) || ',"opening":' || opening
        || ',"received":' || received || ',"closing":' || closing || ',"sold":' || sold
        || ',"safety_stock":"' || safety_stock || '","stock_days":' || coalesce('"' || stock_days || '"', 'null')
        || ',"band":"' || band || '","oldest_age_days":' || coalesce(oldest_age_days::text, 'null')
        || ',"near_expiry":' || coalesce(near_expiry::text, 'null') || ',"suggested_order":' || suggested_order
        || ',"flags":' || array_to_json(flags) || '}', ',' ORDER BY row_no) || ']' AS lines,
        '[' || string_agg(concat_ws(',',
            CASE WHEN band <> 'normal' THEN '{"kind":"' || band || '",' || alert END,
            CASE WHEN near_expiry > 0 THEN '{"kind":"near_expiry",' || alert END), ',' ORDER BY row_no)
        FILTER (WHERE band <> 'normal' OR near_expiry > 0) || ']' AS alerts
    FROM (SELECT *, '"sku_id":"' || sku_id || '","sku":' || to_json(sku) || ',"closing":' || closing
                    || ',"stock_days":' || coalesce('"' || stock_days || '"', 'null') || ',"near_expiry":'
                    || coalesce(near_expiry::text, 'null') || ',"suggested_order":' || suggested_order || '}' AS alert
          FROM stock_stage_lines) l
    GROUP BY report_no
), events AS (  -- a report's submitted event, then its alerts when it has any: a dealer's events stay in order
    SELECT e.* FROM stock_stage_reports r JOIN report USING (report_no) CROSS JOIN LATERAL (
        SELECT r.submitted_event_id AS event_id, CAST(:submitted AS text) AS head,
               '{"report_id":"' || r.report_id || '","dealer_id":"' || r.dealer_id || '","dealer_code":'
               || to_json(r.dealer_code) || ',"org_unit_id":"' || r.org_unit_id || '","period_start":'
               || to_json(r.period_start) || ',"period_end":' || to_json(r.period_end) || ',"lines":'
               || report.lines || '}' AS data, r.dealer_id, r.lane
        UNION ALL
        SELECT r.alerts_event_id, CAST(:alerts AS text),
               '{"report_id":"' || r.report_id || '","dealer_id":"' || r.dealer_id || '","org_unit_id":"'
               || r.org_unit_id || '","period_end":' || to_json(r.period_end) || ',"alerts":' || report.alerts || '}',
               r.dealer_id, r.lane
        WHERE report.alerts IS NOT NULL
    ) e
)
INSERT INTO inventory.outbox (event_id, topic, key, lane, value)
SELECT event_id::text, :topic, dealer_id::text, lane, convert_to(
    '{"specversion":"1.0","id":"' || event_id || '","subject":"' || dealer_id || '",' || head
    || ',"datacontenttype":"application/json","data":' || data || '}', 'UTF8')
FROM events
""")


def record_events(conn: Connection, *, source: str) -> None:
    """StockReportSubmitted for every staged report, StockAlertsRaised for those with a line that needs action."""
    now = datetime.now(UTC)
    conn.execute(
        RECORD,
        {
            "topic": StockReportSubmitted.topic,
            "submitted": _head(StockReportSubmitted, source, now),
            "alerts": _head(StockAlertsRaised, source, now),
        },
    )


def _head(event: type[Event], source: str, now: datetime) -> str:
    """The envelope attributes every event of a type shares in one submission, as JSON members."""
    attributes = {
        "source": source,
        "type": event.type,
        "time": now.isoformat().replace("+00:00", "Z"),
        "dataschema": f"{SCHEMA_URN}:{event.type}:v{event.version}",
        "dataversion": event.version,
        "correlationid": correlation_id.get(),
    }
    return json.dumps(attributes, ensure_ascii=False)[1:-1]
