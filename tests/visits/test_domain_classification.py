"""Grades by sales volume and seed 003's value x loyalty classes."""

from decimal import Decimal

import pytest

from services.visits.domain.classification import grades_by_volume, value_class


@pytest.mark.parametrize(
    ("grade", "loyalty", "expected"),
    [
        ("A", "loyal", "good"),  # 销售额大, 忠诚: 企业最宝贵的财富
        ("B", "floating", "dangerous_big"),  # 销售额大, 不忠诚: 最危险的敌人
        ("C", "loyal", "potential_star"),  # 销售额小, 忠诚: 明日之星
        ("D", "not_trading", "worthless"),  # 销售额小, 不忠诚: 该淘汰的就淘汰
    ],
)
def test_value_times_loyalty(grade, loyalty, expected):
    assert value_class(grade, loyalty) == expected


def test_grades_by_cumulative_share_of_volume():
    # total 100: a starts at 0 % (A), b at 50 % (B), c at 80 % (C), d at 90 % (C), e at 96 % (D), f sold nothing
    volumes = {k: Decimal(v) for k, v in dict(a=50, b=30, c=10, d=6, e=4, f=0).items()}
    assert grades_by_volume(volumes) == dict(a="A", b="B", c="C", d="C", e="D", f="D")
