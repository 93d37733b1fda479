"""Rule settings per subtree: the nearest ancestor's setting wins, the default applies elsewhere."""

from decimal import Decimal as D

import pytest

from services.audit.domain.settings import RULES, Severity, override, resolve, rule_spec
from shared.errors import InvalidInput
from tests.audit.facts_factory import uid

COMPANY, EAST, OFFICE, WEST = uid("company"), uid("east"), uid("east-office"), uid("west")
SPEC = RULES["visit_too_short"]


def test_nearest_ancestor_wins_and_default_applies_elsewhere():
    company = override(SPEC, enabled=None, severity=None, params={"min_minutes": 15})
    east = override(SPEC, enabled=False, severity=Severity.high, params={})
    settings = {COMPANY: company, EAST: east}
    assert resolve(SPEC, [COMPANY, EAST, OFFICE], settings) == east  # the region's, not the company's
    assert resolve(SPEC, [COMPANY, WEST], settings).params["min_minutes"] == D(15)
    assert resolve(SPEC, [uid("other-company")], settings) == SPEC.default
    assert SPEC.default.params["min_minutes"] == D(10) and east.params["min_minutes"] == D(10)  # defaults kept


def test_unknown_rule_or_parameter_is_refused_naming_the_field():
    with pytest.raises(InvalidInput) as unknown:
        rule_spec("no_such_rule")
    assert unknown.value.field == "rule"
    with pytest.raises(InvalidInput) as bad:
        override(SPEC, enabled=None, severity=None, params={"max_minutes": 3})
    assert bad.value.field == "params"


def test_stock_days_band_defaults_to_the_seed():
    # 003: stock days 20-25.
    assert (
        RULES["stock_days_out_of_band"].default["min_days"],
        RULES["stock_days_out_of_band"].default["max_days"],
    ) == (
        D(20),
        D(25),
    )
