"""A split request survives a JSON round trip exactly: absent inputs stay absent, given ones keep every digit."""

import json
from decimal import Decimal as D

from services.targets.domain.model import Child, GrowthBounds, Method, SplitRequest
from services.targets.domain.plan_records import request_from_json, request_to_json


def test_a_full_request_round_trips_through_json():
    request = SplitRequest(
        parent=D("1000.00"),
        children=[
            Child("a", locked_value=D("300.50"), last_year=D("250")),
            Child(
                "b",
                history={"2025": D("700.25")},
                indicators={"population": D("12.5")},
                manual_weight=D("0.75"),
            ),
        ],
        method=Method.BLEND,
        step=D("0.01"),
        history_period="2025",
        indicator_weights={"population": D("1")},
        blend_weights={Method.HISTORICAL_SHARE: D("0.6"), "manual": D("0.4")},
        growth_bounds=GrowthBounds(min_growth=D("-0.1"), max_growth=None),
    )
    record = json.loads(json.dumps(request_to_json(request)))
    assert record["children"][0] == {"key": "a", "locked_value": "300.50", "last_year": "250"}
    assert record["growth_bounds"] == {"min_growth": "-0.1", "max_growth": None}
    again = request_from_json(record)
    assert again.children == request.children
    assert again.blend_weights == {"historical_share": D("0.6"), "manual": D("0.4")}
    assert (again.parent, again.step, again.growth_bounds) == (D("1000.00"), D("0.01"), request.growth_bounds)


def test_a_bare_request_keeps_its_absences():
    request = SplitRequest(parent=D(10), children=[Child("a"), Child("b")])
    record = json.loads(json.dumps(request_to_json(request)))
    assert record["children"] == [{"key": "a"}, {"key": "b"}]
    again = request_from_json(record)
    assert again.children == request.children
    assert (again.growth_bounds, again.blend_weights, again.indicator_weights) == (None, None, None)
