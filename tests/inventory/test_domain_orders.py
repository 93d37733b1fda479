"""Order rules with no database: pricing to the cent and which ERP version wins."""

from decimal import Decimal as D

import pytest

from services.inventory.domain.orders import (
    VersionDecision,
    content_hash,
    decide_version,
    order_totals,
    price_lines,
)
from shared.errors import Conflict


def test_line_amount_is_quantity_times_price_rounded_half_up_to_the_cent():
    lines = price_lines([("A", D("3"), D("7.333")), ("B", D("1"), D("0.005")), ("C", D("10"), D("12.50"))])
    # 3 × 7.333 = 21.999 → 22.00; 1 × 0.005 = 0.005 → 0.01 (half-up); 10 × 12.50 = 125.00
    assert [line.amount for line in lines] == [D("22.00"), D("0.01"), D("125.00")]
    assert order_totals(lines) == (D("14"), D("147.01"))


def test_first_version_and_newer_versions_apply():
    assert decide_version(None, 1, "h1") is VersionDecision.apply
    assert decide_version((1, "h1"), 2, "h2") is VersionDecision.apply


def test_repeated_or_older_version_changes_nothing():
    assert decide_version((2, "h2"), 2, "h2") is VersionDecision.unchanged
    assert decide_version((2, "h2"), 1, "h1") is VersionDecision.unchanged


def test_same_version_with_different_content_is_a_conflict():
    with pytest.raises(Conflict) as caught:
        decide_version((2, "h2"), 2, "other")
    assert caught.value.field == "version"


def test_content_hash_ignores_key_order_but_not_values():
    assert content_hash({"a": 1, "b": [1, 2]}) == content_hash({"b": [1, 2], "a": 1})
    assert content_hash({"a": 1}) != content_hash({"a": 2})
