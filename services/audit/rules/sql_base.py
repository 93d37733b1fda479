"""How a rule's SQL is written: the effective settings CTE, parameter macros, the distance formula.

Each rule is one SELECT giving (subject, period, org_unit_id, severity, evidence, sources) for the facts whose
anchor day lies in [:from, :to]; `{key}` narrows it to one dealer, rep, outlet... for streaming. Streaming and
batch run the same statement, so they cannot disagree; the pure functions in domain/ are the specification the
tests hold both to.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.audit.domain.settings import RULES

# Each org unit's nearest setting of the rule: the deepest ancestor (or the unit itself) with a row wins.
EFFECTIVE = """
eff AS (
  SELECT DISTINCT ON (u.id) u.id AS org_unit_id, r.enabled, r.severity, r.params
  FROM audit.org_units u
  JOIN audit.org_units a ON u.path <@ a.path
  JOIN audit.rule_settings r ON r.org_unit_id = a.id AND r.rule = :rule
  ORDER BY u.id, nlevel(a.path) DESC
)"""


def haversine_m(lat1: str, lon1: str, lat2: str, lon2: str) -> str:
    """The same great-circle formula as domain.hits.distance_m (radius 6,371 km), as SQL."""
    return (
        f"(2 * 6371000.0 * asin(sqrt(power(sin((radians({lat2}) - radians({lat1})) / 2), 2) + "
        f"cos(radians({lat1})) * cos(radians({lat2})) * power(sin(radians({lon2} - {lon1}) / 2), 2))))"
    )


class _Params:
    def __init__(self, rule: str):
        self.defaults = RULES[rule].default.params

    def __getattr__(self, name: str) -> str:
        return f"COALESCE((eff.params ->> '{name}')::numeric, {self.defaults[name]})"


@dataclass(frozen=True)
class RuleQuery:
    rule: str
    body: str  # uses {p.NAME}, {sev}, {on} and {key}
    key: str  # the SQL condition for one key (bound as :key), e.g. "o.dealer_id = ANY(CAST(:key AS uuid[]))"

    def render(self, *, keyed: bool) -> str:
        spec = RULES[self.rule].default
        return (
            "WITH "
            + EFFECTIVE
            # computed once: a statement that reads it in a correlated NOT EXISTS (withdrawal) would otherwise have
            # it inlined and recomputed for every finding it checks
            + ",\nhits (subject, period, org_unit_id, severity, evidence, sources) AS MATERIALIZED ("
            + self.body.format(
                p=_Params(self.rule),
                sev=f"COALESCE(eff.severity, '{spec.severity.value}')",
                on="COALESCE(eff.enabled, true)",
                key=f"AND {self.key}" if keyed else "",
            )
            + ")"
        )
