"""Manager time against the bands: administration <= 10 %, coaching 30-60 %, customer relationships 20-40 %."""

from decimal import Decimal

import pytest

from services.visits.domain.manager_time import split, totals


def by_category(shares):
    return {s.category: (s.percent, s.status) for s in shares}


def test_a_week_inside_every_band():
    # 240 + 600 + 720 + 840 = 2400 min: 10.0 %, 25.0 %, 30.0 %, 35.0 %
    shares = split({"administration": 240, "personal_selling": 600, "customer_relationships": 720, "coaching": 840})
    assert by_category(shares) == {
        "administration": (Decimal("10.0"), "within"),  # the upper edge is still within
        "personal_selling": (Decimal("25.0"), "no_band"),
        "customer_relationships": (Decimal("30.0"), "within"),
        "coaching": (Decimal("35.0"), "within"),
    }


def test_a_week_buried_in_paperwork():
    # 360 / 2400 = 15 % admin (above 10), coaching 480 / 2400 = 20 % (below 30), relationships 1080 / 2400 = 45 %
    shares = split({"administration": 360, "personal_selling": 480, "customer_relationships": 1080, "coaching": 480})
    assert by_category(shares)["administration"] == (Decimal("15.0"), "above")
    assert by_category(shares)["coaching"] == (Decimal("20.0"), "below")
    assert by_category(shares)["customer_relationships"] == (Decimal("45.0"), "above")


def test_one_third_rounds_to_one_decimal():
    shares = split({"administration": 1, "coaching": 2})  # 33.3 % and 66.7 %
    assert by_category(shares)["administration"][0] == Decimal("33.3")
    assert by_category(shares)["coaching"] == (Decimal("66.7"), "above")


def test_no_time_logged_is_zero_everywhere():
    assert all(s.percent == 0 for s in split({}))


def test_totals_add_activities_and_refuse_unknown_categories():
    assert totals([("coaching", 30), ("coaching", 45), ("administration", 10)]) == {
        "coaching": 75,
        "administration": 10,
    }
    with pytest.raises(ValueError):
        totals([("golf", 240)])
