"""The finding workflow: allowed paths, forbidden transitions, verification earned by a re-check."""

from datetime import UTC, date, datetime

import pytest

from services.audit.domain.settings import Severity
from services.audit.domain.workflow import Action, Status, breaches_sla, deadline_for, next_status, status_after_refire
from shared.errors import Conflict

A, S = Action, Status


def test_happy_path_to_closed():
    status = S.open
    for action, expected in [(A.acknowledge, S.acknowledged), (A.rectify, S.rectifying)]:
        status = next_status(status, action)
        assert status is expected
    assert next_status(status, A.recheck, still_fires=False) is S.verified
    assert next_status(S.verified, A.close) is S.closed


def test_recheck_that_fires_again_reopens():
    assert next_status(S.rectifying, A.recheck, still_fires=True) is S.open
    assert status_after_refire(S.verified) is S.open
    assert status_after_refire(S.rectifying) is S.rectifying


def test_dispute_upheld_goes_on_to_rectification_dismissed_ends():
    assert next_status(S.open, A.dispute) is S.disputed
    assert next_status(next_status(S.disputed, A.uphold), A.rectify) is S.rectifying
    assert next_status(S.disputed, A.dismiss) is S.dismissed


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (S.open, A.close),
        (S.open, A.rectify),
        (S.acknowledged, A.close),
        (S.closed, A.acknowledge),
        (S.dismissed, A.dispute),
        (S.rectifying, A.close),
        (S.open, A.recheck),
        (S.verified, A.dispute),
    ],
)
def test_forbidden_transitions_are_409_naming_the_action(status, action):
    with pytest.raises(Conflict) as refused:
        next_status(status, action, still_fires=False)
    assert refused.value.field == "action"


def test_deadline_and_sla():
    # high: 7 days; opened 1 March -> due 8 March; breached on the 9th unless verified or closed.
    due = deadline_for(Severity.high, date(2026, 3, 1))
    assert due == date(2026, 3, 8)
    assert not breaches_sla(S.open, due, datetime(2026, 3, 8, 23, tzinfo=UTC))
    assert breaches_sla(S.rectifying, due, datetime(2026, 3, 9, tzinfo=UTC))
    assert not breaches_sla(S.verified, due, datetime(2026, 3, 9, tzinfo=UTC))
