"""Rules: their defaults, per-subtree settings, and batch re-runs over a period."""

import uuid
from datetime import UTC, datetime, timedelta

from fastapi import APIRouter

from services.audit import db
from services.audit.domain.days import supported
from services.audit.domain.settings import RULES, rule_spec
from services.audit.rules import service
from services.audit.rules.schemas import RuleOut, RunIn, RunOut, RunsOut, SettingIn, SettingOut
from shared.auth import PrincipalDep, require_role
from shared.errors import InvalidInput
from shared.http.app import ConnDep
from shared.identity import Role
from shared.org import ensure_in_scope

router = APIRouter(prefix="/rules", tags=["rules"])
auditors = require_role(Role.auditor)
MAX_RUN_DAYS = 400


@router.get("", response_model=list[RuleOut], summary="Every rule with its company-wide default setting")
def list_rules(principal: PrincipalDep):
    return [
        RuleOut(
            rule=s.name,
            title=s.title,
            period=s.period,
            enabled=s.default.enabled,
            severity=s.default.severity,
            params=dict(s.default.params),
        )
        for s in RULES.values()
    ]


@router.get(
    "/{rule}/settings",
    response_model=list[SettingOut],
    dependencies=[auditors],
    summary="A rule's settings by org subtree (the nearest ancestor's wins)",
)
def list_settings(rule: str, conn: ConnDep):
    rule_spec(rule)
    return [SettingOut.model_validate(r, from_attributes=True) for r in service.settings_of(conn, rule)]


@router.put(
    "/{rule}/settings/{org_unit_id}",
    response_model=SettingOut,
    dependencies=[auditors],
    summary="Switch a rule on or off, set its severity and thresholds for an org subtree",
)
def put_setting(rule: str, org_unit_id: uuid.UUID, body: SettingIn, conn: ConnDep, principal: PrincipalDep):
    ensure_in_scope(conn, db.org_units, principal, org_unit_id)
    setting = service.put_setting(
        conn,
        principal,
        rule=rule,
        org_unit_id=org_unit_id,
        enabled=body.enabled,
        severity=body.severity,
        params=body.params,
    )
    return SettingOut(
        rule=rule,
        org_unit_id=org_unit_id,
        enabled=setting.enabled,
        severity=setting.severity,
        params=dict(setting.params),
    )


@router.post(
    "/runs",
    response_model=RunsOut,
    dependencies=[auditors],
    summary="Re-run rules over a period (batch): the same findings streaming would give, upserted",
)
def run(body: RunIn, conn: ConnDep):
    supported(body.period_from, "from")
    supported(body.period_to, "to")
    supported(body.as_of, "as_of")
    if body.period_to < body.period_from:
        raise InvalidInput("`to` is before `from`", field="to")
    if body.period_to - body.period_from > timedelta(days=MAX_RUN_DAYS):
        raise InvalidInput(f"a run covers at most {MAX_RUN_DAYS} days", field="to")
    for name in body.rules or []:
        rule_spec(name)
    as_of = body.as_of or datetime.now(UTC).date()
    runs = service.run_batch(conn, body.period_from, body.period_to, as_of=as_of, rules=body.rules)
    return RunsOut(
        period_from=body.period_from,
        period_to=body.period_to,
        runs=[RunOut(rule=r.rule, fired=r.fired, opened=r.opened, reopened=r.reopened) for r in runs],
    )
