"""Attribution edges: a zero amount stays unsigned, and a replacement that lines up with existing spans leaves
no empty span behind."""

import uuid
from datetime import date
from decimal import Decimal as D

from services.targets.domain.attribution import CoverageSpan, Share, attribute, replace_coverage

A, B = uuid.UUID(int=1), uuid.UUID(int=2)


def test_a_zero_amount_splits_into_plain_zeros_not_minus_zeros():
    parts = attribute(None, [Share(A, D("0.5")), Share(B, D("0.5"))], D("0.00"), D("0"))
    assert [(str(p.amount), str(p.quantity)) for p in parts] == [("0.00", "0.000"), ("0.00", "0.000")]


def test_replacing_exactly_a_span_keeps_nothing_of_it():
    timeline = [CoverageSpan(A, D("1"), date(2026, 3, 1), date(2026, 4, 1))]
    changed = replace_coverage(timeline, date(2026, 3, 1), date(2026, 4, 1), [Share(B, D("1"))])
    assert changed == [CoverageSpan(B, D("1"), date(2026, 3, 1), date(2026, 4, 1))]
