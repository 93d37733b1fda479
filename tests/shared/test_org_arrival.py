"""The grace window of org units still travelling to a service (shared.org.arrival): no fixtures, a fake clock."""

from __future__ import annotations

import uuid

from shared.org.arrival import GRACE_SECONDS, ArrivalWindow


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_an_unknown_id_is_travelling_for_the_grace_period_from_its_first_ask():
    clock = Clock()
    window = ArrivalWindow(grace_seconds=30, clock=clock)
    region = uuid.uuid4()
    assert window.still_travelling(region)  # first ask at t=1000 opens the window
    clock.now = 1029.9  # 29.9 s later: still inside
    assert window.still_travelling(region)
    clock.now = 1030.0  # 30 s after the first ask: closed, the id is simply unknown
    assert not window.still_travelling(region)
    assert window.still_travelling(uuid.uuid4()), "another id has a window of its own"


def test_the_window_remembers_a_bounded_number_of_ids_oldest_forgotten_first():
    clock = Clock()
    window = ArrivalWindow(grace_seconds=30, max_ids=2, clock=clock)
    first, second, third = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    for org_unit_id in (first, second, third):  # the third pushes `first` out
        window.still_travelling(org_unit_id)
    clock.now += 60
    assert not window.still_travelling(second), "second is remembered: its window closed"
    assert window.still_travelling(first), "first was forgotten, so this ask opens a new window"


def test_the_default_grace_period_is_short():
    assert 1 <= GRACE_SECONDS <= 60
