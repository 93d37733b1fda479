"""Attribution edges: a zero amount stays unsigned, a replacement that lines up with existing spans leaves
no empty span behind, and which arriving version of a fact replaces the one kept."""

import uuid
from datetime import date
from decimal import Decimal as D

import pytest

from services.targets.domain.attribution import CoverageSpan, Share, attribute, replace_coverage, supersedes

A, B = uuid.UUID(int=1), uuid.UUID(int=2)


def test_a_zero_amount_splits_into_plain_zeros_not_minus_zeros():
    parts = attribute(None, [Share(A, D("0.5")), Share(B, D("0.5"))], D("0.00"), D("0"))
    assert [(str(p.amount), str(p.quantity)) for p in parts] == [("0.00", "0.000"), ("0.00", "0.000")]


def test_replacing_exactly_a_span_keeps_nothing_of_it():
    timeline = [CoverageSpan(A, D("1"), date(2026, 3, 1), date(2026, 4, 1))]
    changed = replace_coverage(timeline, date(2026, 3, 1), date(2026, 4, 1), [Share(B, D("1"))])
    assert changed == [CoverageSpan(B, D("1"), date(2026, 3, 1), date(2026, 4, 1))]


@pytest.mark.parametrize(
    ("version", "attributed", "kept_version", "kept_attributed", "replaces"),
    [
        (2, False, 1, False, True),  # a newer ERP version replaces, attributed or not
        (2, False, 1, True, True),
        (1, True, 2, False, False),  # a late older version changes nothing, even attributed
        (1, True, 1, False, True),  # the same version re-published once its dealer is known
        (1, True, 1, True, False),  # a repeat
        (1, False, 1, False, False),  # a repeat, still without its dealer
        (1, False, 1, True, False),  # the same version without a dealer never undoes an attributed one
    ],
)
def test_which_arriving_version_replaces_the_kept_one(version, attributed, kept_version, kept_attributed, replaces):
    assert supersedes(version, attributed, kept_version, kept_attributed) is replaces
