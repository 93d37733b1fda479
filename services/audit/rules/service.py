"""Running rules: over one key as its facts arrive (streaming) or over a period (batch), with the same SQL.

Each run upserts findings by (rule, subject, period): a repeat updates evidence and sources, never duplicates; a
verified finding that fires again is reopened (recorded as a transition by `system:rules`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Row, select, text
from sqlalchemy.dialects.postgresql import insert

from services.audit.domain.hits import month_end
from services.audit.domain.settings import RULES, Severity, override, rule_spec
from services.audit.domain.workflow import DEADLINE_DAYS, WITHDRAWABLE
from services.audit.rules.sql_base import RuleQuery
from services.audit.rules.sql_market import MARKET_RULES
from services.audit.rules.sql_stock import STOCK_RULES
from services.audit.rules.sql_visits import VISIT_RULES
from services.audit.rules.tables import rule_settings
from shared.identity import Principal

QUERIES: dict[str, RuleQuery] = {q.rule: q for q in [*VISIT_RULES, *STOCK_RULES, *MARKET_RULES]}
SYSTEM = "system:rules"
BATCH_WORK_MEM = "256MB"
_DEADLINE = "CASE h.severity " + " ".join(f"WHEN '{s.value}' THEN {d}" for s, d in DEADLINE_DAYS.items()) + " END"
_COLUMNS = "subject, period, org_unit_id, severity, evidence, sources"


@dataclass(frozen=True)
class RunResult:
    rule: str
    fired: int
    opened: int
    reopened: int


def window(rule: str, first: date, last: date) -> tuple[date, date]:
    """[first, last] widened to whole periods of the rule, so a batch sees every fact of each period it touches."""
    granularity = RULES[rule].period
    if granularity == "month":
        return first.replace(day=1), month_end(last)
    if granularity == "week":
        return first - timedelta(days=first.weekday()), last + timedelta(days=6 - last.weekday())
    return first, last


def _params(rule: str, first: date, last: date, key, as_of: date) -> dict:
    return {"rule": rule, "from": first, "to": last, "key": key, "as_of": as_of}


# Rules whose finding subject starts with the streaming key, so a keyed re-run knows every finding it could have
# produced and can withdraw the ones it no longer does (an invoice paid late, a schedule caught up, a stock report
# corrected). The subject is the key's part alone, or that part then "/" and a detail (a SKU, a batch, a material).
KEYED_SUBJECT = {
    "receivable_overdue": "'invoice:' || k",
    "channel_stuffing": "'dealer:' || k",
    "low_plan_compliance": "'rep:' || k",
    "impossible_travel": "'rep:' || k",
    "photo_reused": "'photo:' || k",
}
KEYED_PREFIX = {
    "negative_sold": "'dealer:' || k",
    "receipt_mismatch": "'dealer:' || k",
    "near_expiry_stock": "'dealer:' || k",
    "stock_days_out_of_band": "'dealer:' || k",
    "cross_region_goods": "'outlet:' || k",
    "price_below_floor": "k",
}
_WITHDRAWABLE = ", ".join(f"'{s.value}'" for s in WITHDRAWABLE)
_REFIRED = "('verified', 'withdrawn')"


def periods(rule: str, first: date, last: date) -> list[str] | None:
    """The period labels of the rule's findings that [first, last] covers (None: the window is all time)."""
    if rule == "photo_reused":
        return None
    granularity = RULES[rule].period
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    if granularity == "month":
        return sorted({d.strftime("%Y-%m") for d in days})
    if granularity == "week":
        return sorted({f"{d.isocalendar().year}-W{d.isocalendar().week:02d}" for d in days})
    return [d.isoformat() for d in days]


def _keys(key) -> list | None:
    if key is None:
        return None
    return [str(k) for k in (key if isinstance(key, list | tuple | set | frozenset) else [key])]


def run_rule(conn: Connection, rule: str, first: date, last: date, *, as_of: date, key=None) -> RunResult:
    """Evaluate one rule over [first, last] (optionally for a key or a list of keys) and upsert its findings."""
    query = QUERIES[rule]
    first, last = window(rule, first, last)
    keys = _keys(key)
    head = query.render(keyed=keys is not None)
    params = _params(rule, first, last, keys, as_of)
    reopened = 0
    if conn.scalar(text(f"SELECT 1 FROM audit.findings WHERE rule = :rule AND status IN {_REFIRED} LIMIT 1"), params):
        reopened = conn.execute(
            text(
                head
                + f""", reopened AS (
                  UPDATE audit.findings f SET status = 'open', updated_at = now(), last_fired_at = now(),
                    finished_at = NULL
                  FROM hits h, audit.findings old
                  WHERE f.rule = :rule AND f.subject = h.subject AND f.period = h.period AND old.id = f.id
                    AND f.status IN {_REFIRED} RETURNING f.id, old.status AS was)
                INSERT INTO audit.finding_transitions (finding_id, from_status, to_status, action, actor, note)
                SELECT id, was, 'open', 'refire', '{SYSTEM}', 'the rule fired again' FROM reopened"""
            ),
            params,
        ).rowcount
    row = conn.execute(
        text(
            head
            + f""", upserted AS (
              INSERT INTO audit.findings AS f (rule, {_COLUMNS}, deadline)
              SELECT :rule, {_COLUMNS}, current_date + {_DEADLINE} FROM hits h
              ON CONFLICT (rule, subject, period) DO UPDATE SET
                evidence = excluded.evidence, sources = excluded.sources, severity = excluded.severity,
                org_unit_id = excluded.org_unit_id, last_fired_at = now(), updated_at = now()
              RETURNING f.id, (xmax = 0) AS inserted),
            opened AS (
              INSERT INTO audit.finding_transitions (finding_id, to_status, action, actor)
              SELECT id, 'open', 'fire', '{SYSTEM}' FROM upserted WHERE inserted RETURNING 1)
            SELECT (SELECT count(*) FROM upserted) AS fired, (SELECT count(*) FROM opened) AS opened"""
        ),
        params,
    ).one()
    if keys is not None and (rule in KEYED_SUBJECT or rule in KEYED_PREFIX):
        _withdraw(conn, head, rule, params, periods(rule, first, last))
    return RunResult(rule, row.fired, row.opened, reopened)


def _withdraw(conn: Connection, head: str, rule: str, params: dict, labels: list[str] | None) -> None:
    """Withdraw the key's unfinished findings in the window that the re-run no longer produced."""
    in_window = "" if labels is None else "AND f.period = ANY(CAST(:periods AS text[]))"
    if rule in KEYED_SUBJECT:
        of_keys = f"f.subject IN (SELECT {KEYED_SUBJECT[rule]} FROM unnest(CAST(:key AS text[])) k)"
    else:  # split at the first "/" only: the detail after it may itself hold one
        of_keys = f"split_part(f.subject, '/', 1) IN (SELECT {KEYED_PREFIX[rule]} FROM unnest(CAST(:key AS text[])) k)"
    conn.execute(
        text(
            head
            + f""", gone AS (
              SELECT f.id, f.status FROM audit.findings f
              WHERE f.rule = :rule AND f.status IN ({_WITHDRAWABLE}) {in_window}
                AND {of_keys}
                AND NOT EXISTS (SELECT 1 FROM hits h WHERE h.subject = f.subject AND h.period = f.period)
              FOR UPDATE OF f),
            withdrawn AS (
              UPDATE audit.findings f SET status = 'withdrawn', updated_at = now(), finished_at = now()
              FROM gone WHERE f.id = gone.id RETURNING f.id, gone.status AS was)
            INSERT INTO audit.finding_transitions (finding_id, from_status, to_status, action, actor, note)
            SELECT id, was, 'withdrawn', 'withdraw', '{SYSTEM}', 'the rule no longer fires on newer facts'
            FROM withdrawn"""
        ),
        {**params, "periods": labels},
    )


def still_fires(conn: Connection, rule: str, subject: str, since: date, *, as_of: date) -> bool:
    """Whether the rule fires for the subject on the facts from `since` to `as_of` (a finding's re-check)."""
    first, last = window(rule, since, as_of)
    query = QUERIES[rule].render(keyed=False)
    hit = conn.execute(
        text(query + " SELECT 1 FROM hits h WHERE h.subject = :subject LIMIT 1"),
        {**_params(rule, max(first, since), last, None, as_of), "subject": subject},
    ).first()
    return hit is not None


def run_batch(conn: Connection, first: date, last: date, *, as_of: date, rules: Iterable[str] | None = None):
    """Every rule (or the named ones) over a period: the same statements as streaming, without a key."""
    # Whole-period windows and groupings sort millions of rows: let them sort in memory, for this transaction only.
    conn.execute(text(f"SET LOCAL work_mem = '{BATCH_WORK_MEM}'"))
    return [run_rule(conn, rule, first, last, as_of=as_of) for rule in (rules or QUERIES)]


def put_setting(
    conn: Connection,
    principal: Principal,
    *,
    rule: str,
    org_unit_id,
    enabled: bool | None,
    severity: Severity | None,
    params: dict[str, Decimal],
):
    """Set a rule's setting for an org subtree (merged over the default; the nearest ancestor's row wins)."""
    setting = override(rule_spec(rule), enabled=enabled, severity=severity, params=params)
    values = dict(
        enabled=setting.enabled,
        severity=setting.severity.value,
        params={k: str(v) for k, v in setting.params.items()},
        updated_by=principal.subject,
    )
    conn.execute(
        insert(rule_settings)
        .values(rule=rule, org_unit_id=org_unit_id, **values)
        .on_conflict_do_update(index_elements=["rule", "org_unit_id"], set_={**values, "updated_at": text("now()")})
    )
    return setting


def settings_of(conn: Connection, rule: str) -> Sequence[Row[Any]]:
    return conn.execute(select(rule_settings).where(rule_settings.c.rule == rule)).all()
