"""The coaching checklist score: percent of 5 points on each of the six criteria, one decimal."""

import pytest

from services.visits.domain.coaching import CHECKLIST, coaching_score


def scored(**overrides):
    return {criterion: overrides.get(criterion, 5) for criterion in CHECKLIST}


def test_full_marks_are_100_and_zeros_are_0():
    assert coaching_score(scored()) == 100.0
    assert coaching_score({c: 0 for c in CHECKLIST}) == 0.0


def test_the_score_is_the_share_of_30_points_rounded_to_one_decimal():
    # 5 + 4 + 3 + 2 + 1 + 2 = 17 of 6 x 5 = 30 points: 100 x 17 / 30 = 56.666... -> 56.7
    marks = dict(zip(CHECKLIST, (5, 4, 3, 2, 1, 2), strict=True))
    assert coaching_score(marks) == 56.7
    # 3 on everything: 18 / 30 = 60.0
    assert coaching_score({c: 3 for c in CHECKLIST}) == 60.0


@pytest.mark.parametrize("bad", [-1, 6])
def test_a_mark_outside_0_to_5_is_refused(bad):
    with pytest.raises(ValueError, match="from 0 to 5"):
        coaching_score(scored(display=bad))


def test_a_missing_or_unknown_criterion_is_refused():
    missing = scored()
    del missing["selling"]
    with pytest.raises(ValueError, match=r"missing \['selling'\], unknown \[\]"):
        coaching_score(missing)
    with pytest.raises(ValueError, match=r"missing \[\], unknown \['smile'\]"):
        coaching_score({**scored(), "smile": 5})
