"""Manager-time bands at their exact edges and half a point past them (bands: administration 0-10 %,
coaching 30-60 %, customer relationships 20-40 %), on weeks of 1000 minutes so every share is exact."""

import pytest

from services.visits.domain.manager_time import split


def standing(administration, coaching, customer_relationships):
    personal = 1000 - administration - coaching - customer_relationships
    minutes = {
        "administration": administration,
        "coaching": coaching,
        "customer_relationships": customer_relationships,
        "personal_selling": personal,
    }
    return {s.category: s.status for s in split(minutes) if s.category != "personal_selling"}


@pytest.mark.parametrize(
    "minutes, expected",
    [
        ((100, 600, 200), ("within", "within", "within")),  # 10 %, 60 %, 20 %: upper, upper, lower edges
        ((0, 300, 400), ("within", "within", "within")),  # 0 %, 30 %, 40 %: lower, lower, upper edges
        ((105, 605, 205), ("above", "above", "within")),  # 10.5 %, 60.5 %, 20.5 %
        ((5, 305, 405), ("within", "within", "above")),  # 0.5 %, 30.5 %, 40.5 %
        ((5, 295, 195), ("within", "below", "below")),  # 0.5 %, 29.5 %, 19.5 %
    ],
)
def test_band_edges(minutes, expected):
    found = standing(*minutes)
    assert (found["administration"], found["coaching"], found["customer_relationships"]) == expected


def test_a_category_left_out_counts_no_minutes():
    shares = {s.category: (s.minutes, s.percent) for s in split({"coaching": 300, "personal_selling": 700})}
    assert shares["administration"] == (0, 0) and shares["customer_relationships"] == (0, 0)
    assert shares["coaching"][1] == 30
